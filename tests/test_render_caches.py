"""The panes' own render caches never show anything the pane would not draw afresh.

The tree reuses a drawn line that only moved up or down (stamping its new line number on it),
and the account list and the checklist repaint only the lines whose text changed. Each step
below is a real key; after it, each pane's drawing is compared, segment by segment with its
styles and click data, with what the pane draws once every cache is forgotten.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

import pytest
from rich.style import Style
from textual._compositor import ChopsUpdate, Compositor, LayoutUpdate
from textual._context import visible_screen_stack
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import OptionList

from plan.demo import demo_accounts
from tests.helpers import write_db
from tui.app import KeyplanApp, make_app
from tui.screens.edit_form import EditForm
from widgets.account_list import AccountList
from widgets.checklist import ChecklistPane
from widgets.lean_tree import LeanTree
from widgets.node_details import NodeDetails
from widgets.plan_tree import PlanTree
from widgets.scroll import LeanScrollBar

TODAY = date(2026, 11, 24)

Drawing = list[list[tuple[str, Style | None]]]


def drawn(widget: Widget) -> Drawing:
    return as_drawing(widget.render_lines(widget.size.region))


def as_drawing(strips: list[Strip]) -> Drawing:
    return [[(segment.text, segment.style) for segment in strip] for strip in strips]


def drawn_afresh(widget: Widget) -> Drawing:
    if isinstance(widget, PlanTree):
        widget._forget_drawn()
        widget._line_cache.clear()
    if isinstance(widget, OptionList):
        widget._clear_caches()
    widget.refresh()  # a Static draws its content again only when asked to
    widget._styles_cache.clear()
    widget._rich_style_cache.clear()  # the component styles, which the tree keeps
    if isinstance(widget, LeanScrollBar):  # as Textual's own scrollbar draws it
        return as_drawing(ScrollBar.render_lines(widget, widget.size.region))
    return drawn(widget)


def assert_panes_true(app: KeyplanApp, step: str) -> None:
    for pane in (PlanTree, ChecklistPane, AccountList):
        widget = app.query_one(pane)
        shown = drawn(widget)
        assert shown == drawn_afresh(widget), f"{pane.__name__} after {step}"
        # Its scrollbar too: one asked to repaint while the pane was drawn was forgotten.
        bar = widget.vertical_scrollbar
        assert drawn(bar) == drawn_afresh(bar), f"{pane.__name__}'s scrollbar after {step}"


def demo_app(db_path: Path) -> KeyplanApp:
    return make_app(write_db(db_path, demo_accounts(TODAY)), today=TODAY)


def spy_on_repaints(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Widget, tuple[Region, ...]]]:
    """Each repaint asked for from now on: the widget, and its regions (none: all of it)."""
    repaints: list[tuple[Widget, tuple[Region, ...]]] = []
    refresh = Widget.refresh

    def spy(widget: Widget, *regions: Region, **kwargs: bool) -> Widget:
        if kwargs.get("repaint", True):
            repaints.append((widget, regions))
        return refresh(widget, *regions, **kwargs)

    monkeypatch.setattr(Widget, "refresh", spy)
    return repaints


def rows_repainted(repaints: list[tuple[Widget, tuple[Region, ...]]], widget: Widget) -> set[int]:
    """The rows of the widget that were repainted; none at all, or all of it, fails."""
    asked = [regions for painted, regions in repaints if painted is widget]
    assert asked, f"{widget!r} was not repainted"
    assert all(asked), f"all of {widget!r} was repainted"
    return {y for regions in asked for region in regions for y in range(region.y, region.bottom)}


async def rows_repainted_by(
    pilot: Pilot[object], monkeypatch: pytest.MonkeyPatch, widget: Widget, *keys: str
) -> set[int]:
    """The rows of the widget that the keys repainted (see rows_repainted)."""
    spied = spy_on_repaints(monkeypatch)
    await pilot.press(*keys)
    await pilot.pause()
    return rows_repainted(spied, widget)


async def test_the_panes_draw_after_every_kind_of_edit_what_they_would_draw_afresh(
    db_path: Path,
) -> None:
    app = demo_app(db_path)
    steps = [
        ("enter",),
        ("4",),
        ("j", "j", "j"),
        ("J",),  # a strategy moves down past its sibling, with its tactics
        ("K",),
        ("j",),
        ("J",),  # a tactic moves down
        ("J", "J", "J"),  # ... and at the edge into the next strategy
        ("o", "N", "e", "w", "enter"),  # a sibling below, put in mid-list
        ("d",),  # done: its label changes, the lines around it do not
        ("D", "y"),  # delete
        ("u",),
        ("u",),
        ("ctrl+r",),
        ("2",),  # fold to objectives
        ("4",),
        ("g",),
        ("G",),
        ("h",),
        ("u", "u", "u", "u"),
        ("tab",),
        ("j", "j"),  # another account: the tree is built anew
        ("enter",),
    ]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert_panes_true(app, "start")
        for keys in steps:
            await pilot.press(*keys)
            await pilot.pause()
            assert_panes_true(app, " ".join(keys))
        for size in [(130, 40), (80, 24), (100, 30)]:  # wider, narrower: lines wrap anew
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert_panes_true(app, f"a resize to {size}")


async def test_a_changed_score_repaints_its_line_only_and_shows_it(db_path: Path) -> None:
    app = demo_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter", "4", "j", "j")  # the first strategy of a 12/12 plan
        accounts = app.query_one(AccountList)
        account = app.editor.account
        assert account is not None
        before = app.workspace.checklist(account).passed
        await pilot.press("a", "x", "enter")  # a tactic with no owner: T2 fails
        await pilot.pause()
        after = app.workspace.checklist(account).passed
        assert after != before
        rows = ["".join(text for text, _ in row) for row in drawn(accounts)]
        index = accounts.get_option_index(account.id)
        line = rows[index + 1]  # below the pane's top border
        assert f"{after}/12" in line and account.name[:12] in line
        assert_panes_true(app, "a new tactic")


async def test_a_move_repaints_a_few_rows_of_the_tree_not_the_pane(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = demo_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter", "4", "j", "j", "j", "j")  # a tactic mid-strategy
        await pilot.pause()
        rows = await rows_repainted_by(pilot, monkeypatch, app.query_one(PlanTree), "J")
        assert len(rows) <= 4  # the two tactics that swapped, and the cursor's old and new row
        assert_panes_true(app, "J")


async def test_the_panes_draw_without_links_what_they_would_draw_with_them(
    db_path: Path,
) -> None:
    app = demo_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter", "4", "j")
        await pilot.pause()
        for pane in (AccountList, ChecklistPane, NodeDetails):
            widget = app.query_one(pane)
            assert not widget.auto_links
            without = drawn_afresh(widget)
            widget.auto_links = True  # Textual's way: a link style worked out for each line
            assert drawn_afresh(widget) == without, pane.__name__


async def test_a_layout_leaves_the_scrollbars_alone_and_new_lines_move_them(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = demo_app(db_path)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press("enter", "4")
        await pilot.pause()
        panes = [app.query_one(pane) for pane in (AccountList, PlanTree, ChecklistPane)]
        bars = {pane.vertical_scrollbar: pane for pane in panes}
        spied = spy_on_repaints(monkeypatch)
        app.notify("a toast is laid out")  # as every message of the app is
        app.screen.refresh(layout=True)
        await pilot.pause()
        assert not [widget for widget, _ in spied if widget in bars]

        tree = app.query_one(PlanTree)
        lines = tree.virtual_size.height
        await pilot.press("j", "o", "N", "e", "w", "enter")  # an objective after the first
        await pilot.pause()
        assert tree.virtual_size.height == lines + 1
        assert tree.vertical_scrollbar.window_virtual_size == lines + 1

        spied.clear()
        await pilot.resize_terminal(90, 22)
        await pilot.pause()
        assert {widget for widget, _ in spied if widget in bars} == set(bars)
        for bar, pane in bars.items():
            assert bar.window_size == pane.scrollable_content_region.height
        assert_panes_true(app, "a resize")


PROMPTS = [
    "short",
    "",
    "a name long enough to wrap in a narrow pane, and then some more words",
    "two\nlines",
    "exactly twenty cells",
    "全角の名前は二つのセルを取る",
    "trailing spaces         ",
]


@pytest.mark.parametrize("cut", ["", "text-wrap: nowrap; text-overflow: ellipsis;"])
@pytest.mark.parametrize("width", [12, 20, 21, 40])
async def test_the_lists_measure_options_as_option_list_does(width: int, cut: str) -> None:
    from rich.text import Text
    from textual.app import App, ComposeResult

    from widgets.line_list import LineList

    class Lists(App[None]):
        CSS = f"OptionList {{ width: {width}; height: 20; border: none; {cut} }}"

        def compose(self) -> ComposeResult:
            yield LineList(*[Text(prompt) for prompt in PROMPTS], id="lean")
            yield OptionList(*[Text(prompt) for prompt in PROMPTS], id="textual")

    app = Lists()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        lean, textual = app.query_one("#lean", LineList), app.query_one("#textual", OptionList)
        assert lean._heights == textual._heights
        assert lean._lines == textual._lines
        text = [["".join(text for text, _ in row)] for row in drawn(lean)]
        assert text == [["".join(text for text, _ in row)] for row in drawn(textual)]


async def test_an_option_that_wraps_anew_repaints_itself_and_the_lines_below(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rich.text import Text
    from textual.app import App, ComposeResult
    from textual.widgets.option_list import Option

    from widgets.line_list import LineList

    class Lists(App[None]):
        CSS = "OptionList { width: 24; height: 12; border: none; }"

        def compose(self) -> ComposeResult:
            yield LineList(*[Option(Text(f"rule {n}"), id=f"r{n}") for n in range(8)])

    app = Lists()
    async with app.run_test(size=(40, 14)) as pilot:
        await pilot.pause()
        lines = app.query_one(LineList)
        spied = spy_on_repaints(monkeypatch)
        lines.replace_line("r3", Text("rule 3 now fails with a message long enough to wrap"))
        await pilot.pause()
        assert min(rows_repainted(spied, lines)) == 3
        assert lines._heights[3] > 1
        assert drawn(lines) == drawn_afresh(lines)


async def test_a_cursor_move_in_a_list_repaints_the_two_rows_it_left_and_reached(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = demo_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        accounts = app.query_one(AccountList)
        accounts.focus()
        await pilot.pause()
        rows = await rows_repainted_by(pilot, monkeypatch, accounts, "j")
        assert accounts.highlighted == 1
        assert rows == {0, 1}
        assert_panes_true(app, "j in the accounts")


async def test_a_filter_that_matches_nothing_empties_a_checklist_with_no_highlight(
    db_path: Path,
) -> None:
    # Every rule of the first demo account passes: nothing is highlighted in its checklist.
    app = demo_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        checklist = app.query_one(ChecklistPane)
        assert checklist.highlighted is None
        await pilot.press("slash", "n")  # the filter opens (a new layout), the account stays
        await pilot.pause()
        assert app.editor.account is not None
        await pilot.press(*"zzz")
        await pilot.pause()
        assert app.editor.account is None
        assert_panes_true(app, "a filter that matches no account")


@pytest.mark.parametrize("no_color", [False, True])
async def test_the_lean_scrollbar_draws_what_textuals_would(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = demo_app(db_path)
    async with app.run_test(size=(100, 16)) as pilot:
        await pilot.press("enter", "4")
        await pilot.pause()
        tree = app.query_one(PlanTree)
        bar = tree.vertical_scrollbar
        assert isinstance(bar, LeanScrollBar)
        assert tree.max_scroll_y > 2, "the tree must overflow for the bar to have a thumb"
        states = []
        for y in (0, 1, tree.max_scroll_y // 2, tree.max_scroll_y):
            tree.scroll_to(y=y, animate=False, immediate=True)
            await pilot.pause()
            states.append(f"scrolled to {y}")
            assert drawn(bar) == drawn_afresh(bar), states[-1]
        bar.mouse_over = True
        assert drawn(bar) == drawn_afresh(bar), "hovered"
        bar.grabbed = bar.region.offset
        assert drawn(bar) == drawn_afresh(bar), "grabbed"
        await pilot.press("1")  # folded to the mission: nothing to scroll
        await pilot.pause()
        assert tree.max_scroll_y == 0
        assert drawn(bar) == drawn_afresh(bar), "no thumb"
        half = Region(0, 2, bar.size.width, 5)
        assert as_drawing(bar.render_lines(half)) == drawn(bar)[2:7]


class Terminal:
    """The cells a terminal shows, as each update App._display is given writes them."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.cells: list[list[tuple[str, Style | None]]] = []
        self.resize(size)

    def resize(self, size: tuple[int, int]) -> None:
        width, height = size
        self.cells = [[("?", None)] * width for _ in range(height)]  # "?": nothing written

    def put(self, x: int, y: int, strip: Strip) -> None:
        row = self.cells[y] if 0 <= y < len(self.cells) else []
        for segment in strip:
            if segment.control:
                continue
            style = segment.style.clear_meta_and_links() if segment.style else None
            for character in segment.text:
                if 0 <= x < len(row):
                    row[x] = (character, style)
                x += 1

    def write(self, update: object) -> None:
        if isinstance(update, LayoutUpdate):
            for y, line in enumerate(update.strips, update.region.y):
                x = update.region.x
                for strip in line:
                    self.put(x, y, strip)
                    x += strip.cell_length
        elif isinstance(update, ChopsUpdate):
            for y, x1, x2 in update.spans:
                for end, (x, strip) in zip(
                    update.chop_ends[y], update.chops[y].items(), strict=True
                ):
                    if strip is not None and x < x2 and end > x1:  # as ChopsUpdate writes
                        self.put(x, y, strip.crop(0, min(end, x2) - x))


def screen_afresh(app: KeyplanApp) -> list[list[tuple[str, Style | None]]]:
    """The screen drawn whole by Textual's own compositor and scrollbars, every cache gone."""
    screen = app.screen
    for widget in [screen, *screen._compositor.visible_widgets]:
        if isinstance(widget, LeanTree):
            widget._forget_drawn()
            widget._line_cache.clear()
        if isinstance(widget, OptionList):
            widget._clear_caches()
        if isinstance(widget, LeanScrollBar):
            widget._drawn = None
        widget._styles_cache.clear()
        widget._rich_style_cache.clear()
    visible_screen_stack.set(list(app._background_screens))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LeanScrollBar, "render_lines", ScrollBar.render_lines)
        strips = Compositor.render_strips(screen._compositor)
    terminal = Terminal(screen.size)
    for y, strip in enumerate(strips):
        terminal.put(0, y, strip)
    return terminal.cells


async def test_what_reaches_the_terminal_is_the_screen_drawn_afresh(db_path: Path) -> None:
    """Every frame the app sends (drawn in bands by BandedCompositor, from the panes' caches,
    the lean scrollbars) is written to a model terminal; after each step its cells are compared
    with the screen drawn whole by Textual's own code with every cache forgotten."""
    app = demo_app(db_path)
    terminal = Terminal((100, 20))  # low: the tree and the checklist scroll
    display = app._display

    def written(screen: Screen[object], update: object) -> None:
        if update is not None and not app._batch_count and screen is app.screen:
            terminal.write(update)
        display(screen, update)  # type: ignore[arg-type]

    async def toast() -> None:
        app.notify("a toast over the tree and the checklist " * 2, timeout=0.3)

    async def hover() -> None:
        await pilot.hover(PlanTree, offset=(10, 4))

    async def scroll() -> None:
        app.query_one(PlanTree).scroll_to(y=3, animate=False, immediate=True)

    async def theme() -> None:
        app.theme = "textual-light"

    async def smaller() -> None:
        await pilot.resize_terminal(80, 16)
        terminal.resize((80, 16))
        app.screen.refresh()

    app._display = written  # type: ignore[method-assign]
    steps: list[str | Callable[[], Awaitable[None]]] = [
        *("enter", "4", toast, "j", "j", "J", hover, "K", "j", "J", "o N e w enter", "d"),
        *("u", "G", scroll, "g", "tab", "j", "j", "G", "tab", "tab", "e", "escape", toast),
        *("question_mark", "escape", "R", "n", "n", "R", "slash a", "escape", "2", "4"),
        *(theme, "j", "D y", "u", smaller, "j", "k", "G", "g"),
    ]
    async with app.run_test(size=(100, 20)) as pilot:
        for step in ["start", *steps]:
            if callable(step):
                await step()
            elif step != "start":
                await pilot.press(*step.split())
            for _ in range(20):  # until the step's frames are out (a toast takes a few)
                await pilot.pause(0.05)
                if not app.screen._compositor._dirty_regions and not app.screen._dirty_widgets:
                    break
            name = getattr(step, "__name__", step)
            shown, afresh = terminal.cells, screen_afresh(app)
            wrong = [
                y for y, (row, fresh) in enumerate(zip(shown, afresh, strict=True)) if row != fresh
            ]
            assert not wrong, (
                f"rows {wrong} after {name}: {''.join(c for c, _ in shown[wrong[0]])!r}"
            )


async def test_a_click_finds_its_line_by_where_it_is_not_by_what_was_drawn(
    db_path: Path,
) -> None:
    """The tree's lines carry no line number (a line reused one row lower would give the old
    one): a click, the mouse's hover and the fold icon work from where the mouse is."""
    app = demo_app(db_path)
    async with app.run_test(size=(100, 16)) as pilot:
        await pilot.press("enter", "4")
        await pilot.pause()
        tree = app.query_one(PlanTree)
        assert all(
            segment.style is None or segment.style.meta.get("line") is None
            for strip in tree.render_lines(tree.size.region)
            for segment in strip
        )
        tree.scroll_to(y=3, animate=False, immediate=True)
        await pilot.pause()
        row = 2  # of the pane's content, below its top border
        expected = tree.get_node_at_line(row + 3)
        assert expected is not None
        await pilot.hover(PlanTree, offset=(20, row + 1))
        await pilot.pause()
        assert tree.hover_line == row + 3
        await pilot.click(PlanTree, offset=(20, row + 1))
        await pilot.pause()
        assert tree.cursor_node is expected
        assert isinstance(app.screen, EditForm)  # a click selects, as Enter does: edit it
        await pilot.press("escape")
        await pilot.pause()

        tree.scroll_to(y=0, animate=False, immediate=True)
        await pilot.pause()
        objective = tree.root.children[0]
        assert objective.is_expanded
        await pilot.click(PlanTree, offset=(6, objective.line + 1))  # its ▼, after the guide
        await pilot.pause()
        assert not objective.is_expanded
        await pilot.hover(PlanTree, offset=(20, tree.size.height + 1))  # the bottom border
        await pilot.pause()
        assert tree.hover_line == -1
        assert_panes_true(app, "clicks")
