"""The app, driven through Pilot with real keys: building, editing, undoing, checking."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from textual import events
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Checkbox, Input, Label, Select, TextArea
from textual.widgets._footer import FooterKey

from plan.config import Config
from plan.demo import demo_accounts
from plan.errors import PlanFileError, SaveError
from plan.fields import FIELDS
from plan.model import Account, Mission, Objective, Strategy, Tactic
from plan.rules import fix_stops
from store.repository import Repository
from tests.helpers import break_plan, load_db, write_db
from tui.app import KeyplanApp, make_app
from tui.collector import Collector, held_while_loading
from tui.screens.dialogs import Confirm
from tui.screens.edit_form import EditForm
from tui.screens.export import ExportDialog
from tui.screens.help import HelpScreen
from tui.screens.plan import MIN_SIZE
from tui.screens.review import ReviewScreen
from widgets.account_list import AccountList
from widgets.checklist import ChecklistPane
from widgets.node_details import NodeDetails, node_details
from widgets.plan_tree import PlanTree

TODAY = date(2026, 11, 24)
HOSTILE = ["[/]", "[bold]x", "[@click=app.quit]hi", "<script>", "# not a heading", "a\x1bb"]


@pytest.fixture
def demo_db(db_path: Path) -> Path:
    return write_db(db_path, demo_accounts(TODAY))


def small_plan() -> Account:
    tactics = [Tactic("Call the COO", owner="Dana", due=date(2027, 1, 10))]
    strategies = [Strategy("Win the COO", why="She owns the budget", tactics=tactics)]
    objective = Objective(
        "Grow revenue", metric="revenue", target=100.0, due=date(2027, 6, 30), strategies=strategies
    )
    return Account("ACME", mission=Mission("Be their first call", 3, objectives=[objective]))


def tree_titles(app: KeyplanApp) -> list[str]:
    tree = app.query_one(PlanTree)
    account = app.editor.account
    assert account is not None
    return [account.node(node.data).title for node in _walk(tree.root)]


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def label_of(app: KeyplanApp, node_id: str) -> str:
    tree = app.query_one(PlanTree)
    return next(str(n.label) for n in _walk(tree.root) if n.data == node_id)


async def open_form(pilot: Pilot[int], node_id: str | None) -> EditForm:
    """Open the plan's first account and press e on a node (on the account itself if None)."""
    app = pilot.app
    await pilot.press("enter")
    if node_id is None:
        app.query_one(AccountList).focus()
    else:
        app.query_one(PlanTree).select(node_id)
    await pilot.press("e")
    form = app.screen
    assert isinstance(form, EditForm)
    return form


async def type_text(pilot, text: str) -> None:
    """Type into the focused field; text with punctuation goes in as a paste would."""
    if text.isalnum():
        await pilot.press(*text)
        return
    pilot.app.focused.insert_text_at_cursor(text)
    await pilot.pause()


async def test_build_a_whole_plan_from_the_keyboard(db_path: Path) -> None:
    app = make_app(db_path, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await type_text(pilot, "ACME")
        await pilot.press("enter")
        assert app.editor.account is not None and app.editor.account.name == "ACME"
        assert app.focused is app.query_one(PlanTree)
        await pilot.press("e")
        assert isinstance(app.screen, EditForm)
        await type_text(pilot, "Be their first call")
        await pilot.press("tab")
        await type_text(pilot, "5")
        await pilot.press("enter")
        for title in ("Grow revenue", "Win the COO", "Call the COO"):
            await pilot.press("a")
            await type_text(pilot, title)
            await pilot.press("enter")
        assert tree_titles(app) == [
            "Be their first call",
            "Grow revenue",
            "Win the COO",
            "Call the COO",
        ]
        node = app.editor.current_node()
        assert isinstance(node, Tactic) and node.title == "Call the COO"
        await pilot.press("q")
    assert app.return_code == 0
    account = load_db(db_path).accounts[0]
    assert account.mission.text == "Be their first call"
    assert account.mission.horizon_years == 5
    tactic = account.mission.objectives[0].strategies[0].tactics[0]
    assert tactic.title == "Call the COO"


async def test_escape_on_a_new_title_discards_it(db_path: Path) -> None:
    app = make_app(write_db(db_path, [small_plan()]), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "a", "x", "escape")
        assert tree_titles(app) == [
            "Be their first call",
            "Grow revenue",
            "Win the COO",
            "Call the COO",
        ]
        assert app.focused is app.query_one(PlanTree)


async def test_edit_undo_redo_through_the_keys(db_path: Path) -> None:
    app = make_app(write_db(db_path, [small_plan()]), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "G")  # open the plan, cursor on the tactic
        await pilot.press("d")
        tactic = app.editor.account.mission.objectives[0].strategies[0].tactics[0]  # type: ignore[union-attr]
        assert tactic.status == "done"
        await pilot.press("u")
        assert tactic.status == "todo"
        await pilot.press("ctrl+r")
        assert tactic.status == "done"
        await pilot.press("o")
        await type_text(pilot, "Send the case study")
        await pilot.press("enter", "K")
        strategy = app.editor.account.mission.objectives[0].strategies[0]  # type: ignore[union-attr]
        assert [t.title for t in strategy.tactics] == ["Send the case study", "Call the COO"]
        await pilot.press("u")
        assert [t.title for t in strategy.tactics] == ["Call the COO", "Send the case study"]
        await pilot.press("u")
        assert [t.title for t in strategy.tactics] == ["Call the COO"]
        await pilot.press("q")
    assert (
        load_db(db_path).accounts[0].mission.objectives[0].strategies[0].tactics[0].status == "done"
    )


async def test_edit_form_saves_fields_and_refuses_a_bad_date(db_path: Path) -> None:
    app = make_app(write_db(db_path, [small_plan()]), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "j", "e")  # the objective
        form = app.screen
        assert isinstance(form, EditForm)
        form.query_one("#f-due").value = "2030-13-45"  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert app.screen is form
        assert "bad date" in str(form.query_one("#form-error").render())
        form.query_one("#f-due").value = "2028-03-31"  # type: ignore[attr-defined]
        form.query_one("#f-target").value = "250000"  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert not isinstance(app.screen, EditForm)
        objective = app.editor.account.mission.objectives[0]  # type: ignore[union-attr]
        assert objective.due == date(2028, 3, 31)
        assert objective.target == 250000.0
        await pilot.press("escape")


async def test_delete_asks_first_and_names_how_many_nodes_go(db_path: Path) -> None:
    app = make_app(write_db(db_path, [small_plan()]), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "j", "D")
        assert isinstance(app.screen, Confirm)
        assert "2 nodes below it" in app.screen.question
        assert "3 in all" in app.screen.question
        await pilot.press("n")
        assert len(app.editor.account.mission.objectives) == 1  # type: ignore[union-attr]
        await pilot.press("delete", "y")
        assert app.editor.account.mission.objectives == []  # type: ignore[union-attr]
        await pilot.press("u")
        assert tree_titles(app)[1:] == ["Grow revenue", "Win the COO", "Call the COO"]


async def test_folding_levels_and_fold_state_survives_edits(db_path: Path) -> None:
    app = make_app(write_db(db_path, [small_plan()]), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(PlanTree)
        await pilot.press("enter", "2")
        assert tree.root.is_expanded
        assert not tree.root.children[0].is_expanded
        await pilot.press("4")
        assert tree.root.children[0].children[0].is_expanded
        await pilot.press("j", "space")  # fold the objective
        assert not tree.root.children[0].is_expanded
        await pilot.press("o")
        await type_text(pilot, "Second objective")
        await pilot.press("enter")
        assert not tree.root.children[0].is_expanded, "the folded objective stays folded"
        assert app.editor.current_node().title == "Second objective"  # type: ignore[union-attr]


async def test_enter_on_a_failing_rule_jumps_to_its_node(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("G")  # the weakest demo account is last
        account = app.editor.account
        assert account is not None and app.workspace.checklist(account).tactics_ahead
        checklist = app.query_one(ChecklistPane)
        checklist.focus()
        await pilot.pause()
        checklist.highlighted = checklist.get_option_index("S2")
        await pilot.press("enter")
        result = next(r for r in app.workspace.checklist(account).results if r.rule == "S2")
        assert app.query_one(PlanTree).current == result.nodes[0]
        assert app.focused is app.query_one(PlanTree)


async def test_f_again_steps_through_every_place_to_fix(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("G")  # the weakest demo plan
        account = app.editor.account
        assert account is not None
        stops = fix_stops(app.workspace.checklist(account))
        assert len(stops) >= 3
        tree = app.query_one(PlanTree)
        visited = []
        for _ in range(3):
            await pilot.press("f")
            visited.append(tree.current)
        assert visited == [node for _, node in stops[:3]]
        fixes = [n.message for n in app._notifications if "fix" in n.message]
        assert len(fixes) == 1 and "fix 3 of" in fixes[0], "each f replaces the last"
        await pilot.press("g")  # the cursor moved away: f starts at the next fix again
        await pilot.press("f")
        assert tree.current == stops[0][1]


async def test_next_fix_jumps_and_fixing_it_raises_the_score(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("G", "f")
        account = app.editor.account
        assert account is not None
        before = app.workspace.checklist(account)
        assert before.next_fix is not None and before.next_fix.rule == "M2"
        assert app.editor.current_node() is account.mission
        await pilot.press("e")
        assert app.focused is not None and app.focused.id == "f-horizon_years", "the fix's field"
        await type_text(pilot, "5")
        await pilot.press("enter")
        after = app.workspace.checklist(account)
        assert after.passed == before.passed + 1
        rows = app.query_one(AccountList)._rows
        assert rows[-1].passed == after.passed


async def test_filter_narrows_accounts_and_nodes(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await type_text(pilot, "trade fair")
        rows = app.query_one(AccountList)._rows
        assert [r.name for r in rows] == ["Harvest Valley Foods"]
        titles = tree_titles(app)
        assert any("trade fair" in t for t in titles)
        assert len(titles) == 4  # the match and its mission, objective and strategy
        await pilot.press("escape")
        assert len(app.query_one(AccountList)._rows) == 6


async def test_new_rename_archive_account_and_undo(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await pilot.press("ctrl+u")
        await type_text(pilot, "Kestrel Freight")
        await pilot.press("enter")
        assert app.portfolio.accounts[0].name == "Kestrel Freight"
        assert app.portfolio.accounts[0].name == app.editor.account.name  # type: ignore[union-attr]
        app.query_one(AccountList).focus()
        await pilot.press("r")
        await pilot.press("ctrl+u")
        await type_text(pilot, "kestrel freight & logistics")
        await pilot.press("enter")
        assert app.portfolio.accounts[0].name == "Kestrel Freight", "the name is taken"
        assert any("exists already" in n.message for n in app._notifications)
        await pilot.press("A")
        assert app.portfolio.accounts[0].archived
        accounts = app.query_one(AccountList)
        last = str(accounts.get_option_at_index(accounts.option_count - 1).prompt)
        assert last[6:] == "⊘ Kestrel Freight (archived)", "the mark before a name a pane cuts"
        assert "5 accounts + 1 archived" in str(app.query_one("#status").render())
        await pilot.press("u", "u")
        assert app.portfolio.accounts[0].name == "Nordhavn Industrial Group"
        assert not app.portfolio.accounts[0].archived


async def test_the_palette_runs_an_action(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "Help")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = app.screen.rows
        keys = {(group, key): what for group, key, what in rows}
        assert keys["Edit", "u"].startswith("undo the last edit")
        groups = [group for group, _, _ in rows]
        runs = [g for i, g in enumerate(groups) if i == 0 or groups[i - 1] != g]
        assert len(runs) == len(set(runs)), f"each group once: {runs}"
        assert keys["Edit", "^r"] == "redo what was undone"


async def test_help_lists_every_key(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))


async def test_hostile_titles_show_literally_and_run_nothing(db_path: Path) -> None:
    account = small_plan()
    strategy = account.mission.objectives[0].strategies[0]
    strategy.tactics = [Tactic(title) for title in HOSTILE]
    account.name = "[@click=app.quit]ACME"
    app = make_app(write_db(db_path, [account]), today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "G")
        for tactic in strategy.tactics:
            assert tactic.title in label_of(app, tactic.id)
        await pilot.click(AccountList, offset=(12, 1))  # on the "[@click=app.quit]" name
        assert app.is_running
        assert str(app.query_one(AccountList).get_option_at_index(0).prompt).endswith(account.name)
        app.query_one(PlanTree).select(strategy.id)
        await pilot.press("a")
        await type_text(pilot, "[/] [b]")
        await pilot.press("enter")
        added = app.editor.current_node()
        assert added is not None and added.title == "[/] [b]"
        assert "[/] [b]" in label_of(app, added.id)
        assert app.is_running


async def test_a_second_instance_opens_read_only(demo_db: Path) -> None:
    with Repository(demo_db):  # another keyplan holds the lock
        app = make_app(demo_db, today=TODAY)
        before = demo_db.read_bytes()
        async with app.run_test(size=(80, 24)) as pilot:
            assert app.repository.read_only
            assert "read-only" in str(app.query_one("#status").render())
            await pilot.press("enter", "d", "a")
            assert any("read-only" in n.message for n in app._notifications)
            await pilot.press("q")
        assert demo_db.read_bytes() == before


async def test_a_failed_save_is_shown_and_retried(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(write_db(db_path, [small_plan()]), today=TODAY)
    real_write = app.repository.write

    def failing_write(snapshot: object) -> None:
        raise SaveError(f"{db_path}: No space left on device")

    monkeypatch.setattr(app.repository, "write", failing_write)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "G", "d")
        await app.workers.wait_for_complete()
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "not saved" in str(app.query_one("#status").render())
        assert any("No space left" in n.message for n in app._notifications)
        monkeypatch.setattr(app.repository, "write", real_write)
        await pilot.press("q")
    assert app.return_code == 0
    tactic = load_db(db_path).accounts[0].mission.objectives[0].strategies[0].tactics[0]
    assert tactic.status == "done"


async def edit_after_another_tool_wrote(pilot: Pilot[int], db_path: Path) -> None:
    """Another tool (a git pull, an editor) rewrites the file; then an edit here, saved later."""
    db_path.write_text(db_path.read_text().replace('"ACME"', '"ACME Europe"'))
    await pilot.press("enter", "G", "d")
    await pilot.pause(0.5)
    await pilot.app.workers.wait_for_complete()


async def test_a_reload_refused_at_first_can_be_asked_for_from_the_palette(
    db_path: Path,
) -> None:
    app = make_app(write_db(db_path, [small_plan()]), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await edit_after_another_tool_wrote(pilot, db_path)
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("n")  # Not now
        assert any("command palette" in n.message for n in app._notifications)
        await pilot.press("ctrl+p")
        await type_text(pilot, "Reload")
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        assert "changed on disk" in app.screen.question  # type: ignore[attr-defined]
        await pilot.press("y")
        assert app.portfolio.accounts[0].name == "ACME Europe"
        await pilot.press("q")
    assert app.return_code == 0


async def test_a_file_changed_on_disk_is_not_overwritten_and_reload_is_offered(
    db_path: Path,
) -> None:
    app = make_app(write_db(db_path, [small_plan()]), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await edit_after_another_tool_wrote(pilot, db_path)
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert "changed on disk" in app.screen.question
        assert "ACME Europe" in db_path.read_text(), "the other tool's change is kept"
        await pilot.press("y")
        assert app.portfolio.accounts[0].name == "ACME Europe"
        assert "saved" in str(app.query_one("#status").render())
        await pilot.press("q")
    assert app.return_code == 0


async def test_at_the_minimum_size_every_pane_fits_in_the_window(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=MIN_SIZE) as pilot:
        await pilot.pause()
        assert not app.has_class("-too-small")
        for pane in ("#accounts", "#tree", "#checklist"):
            region = app.query_one(pane).region
            assert region.right <= MIN_SIZE[0], f"{pane} ends at column {region.right}"
            assert region.width > 0
        await pilot.press("q")


async def test_a_small_window_asks_to_be_larger_and_recovers(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(40, 12)) as pilot:
        assert app.has_class("-too-small")
        assert app.query_one("#too-small").display
        assert not app.query_one("#panes").display
        tactic_states = [t.status for a in app.portfolio.accounts for t, _, _ in a.tactics()]
        await pilot.press("G", "d", "D")  # nothing hidden is changed
        assert [
            t.status for a in app.portfolio.accounts for t, _, _ in a.tactics()
        ] == tactic_states
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not app.has_class("-too-small")
        assert app.query_one("#panes").display
        assert app.focused is app.query_one(AccountList), "focus comes back"
        await pilot.pause()
        footer_keys = [key.key for key in app.screen.query("FooterKey")]
        assert "a" in footer_keys and "e" in footer_keys, "the footer shows the editing keys"
        await pilot.press("q")
    assert app.return_code == 0


async def test_the_footer_is_rebuilt_only_when_its_keys_change(demo_db: Path) -> None:
    # Textual's Footer rebuilt its key widgets at each focus change, twice a Tab: two more
    # frames, 11-13 ms of work each, for the same keys.
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        before = list(app.screen.query(FooterKey))
        await pilot.press("tab")  # the accounts list to the tree: the same keys
        await pilot.pause()
        assert app.focused is app.query_one(PlanTree)
        assert list(app.screen.query(FooterKey)) == before
        await pilot.press("a")  # the prompt for a new node: Enter and Escape, not the editing keys
        await until(pilot, lambda: list(app.screen.query(FooterKey)) != before)
        shown = [key.key for key in app.screen.query(FooterKey)]
        assert "a" not in shown and "e" not in shown
        await pilot.press("escape")
        await until(pilot, lambda: "a" in [key.key for key in app.screen.query(FooterKey)])


async def test_another_accounts_checklist_starts_at_its_score(demo_db: Path) -> None:
    # Moving through the accounts, a plan that passes every rule opened with its checklist
    # scrolled where the last account's was: the score line out of sight.
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        checklist = app.screen.query_one(ChecklistPane)
        await pilot.press("j")  # Kestrel: a rule to fix
        await pilot.pause()
        checklist.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert checklist.scroll_offset.y > 0
        await pilot.press("k")  # Nordhavn: every rule passes
        await pilot.pause()
        assert app.editor.account is not None
        assert app.workspace.checklist(app.editor.account).next_fix is None
        assert checklist.scroll_offset.y == 0 and checklist.highlighted is None
        await pilot.press("j")  # and back: the cursor on the next fix, in sight
        await pilot.pause()
        assert checklist.highlighted_option is not None
        top = checklist.scroll_offset.y
        line = checklist._lines.index((checklist.highlighted, 0))
        assert top <= line < top + checklist.scrollable_content_region.height


async def test_a_filter_that_matches_nothing_says_so(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"zzzz")
        await pilot.pause()
        assert str(app.editor.tree.root.label) == "no account matches the filter: Esc clears it"
        await pilot.press("escape")
        await pilot.pause()
        assert tree_titles(app)  # the plan is back
        assert "matches" not in str(app.editor.tree.root.label)


async def test_a_filter_unfolds_to_its_matches_and_puts_the_cursor_on_the_first(
    demo_db: Path,
) -> None:
    # Folded branches kept a filter's matches out of sight, the cursor on the mission.
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("tab", "1")  # the tree, folded to the mission
        await pilot.pause()
        account, tree = app.editor.account, app.editor.tree
        assert account is not None

        def in_sight() -> list[str]:  # the titles of the tree's lines, folded ones left out
            return [account.node(line.node.data).title for line in tree._tree_lines]

        tactic = account.mission.objectives[0].strategies[0].tactics[1]
        assert tactic.title not in in_sight()
        await pilot.press("slash", *tactic.title[:12])
        await pilot.pause()
        assert tactic.title in in_sight()
        assert tree.current == tactic.id
        await pilot.press("escape")  # cleared: the cursor's branch stays open
        await pilot.pause()
        assert tactic.title in in_sight() and tree.current == tactic.id


async def test_a_cleared_filter_gives_the_user_their_folds_back(demo_db: Path) -> None:
    # Each keystroke of a filter unfolded above its matches for good: typing "re" on the way
    # to a title opened nearly every branch the user had folded.
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("tab", "2")  # mission and objectives only
        await pilot.pause()
        tree = app.editor.tree
        folded = len(tree._tree_lines)
        await pilot.press("slash", "r", "e", "backspace", "backspace", "escape")
        await pilot.pause()
        assert len(tree._tree_lines) == folded
        assert app.editor.tree.current == app.editor.account.mission.id  # type: ignore[union-attr]


async def test_each_footer_key_has_its_styles_worked_out_once(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A key made compact (FooterKey's default) and then bound to the footer's setting had its
    # styles worked out three times as it mounted: 16 needless passes on the first screen.
    styled: list[FooterKey] = []
    apply = Stylesheet.apply

    def spy(stylesheet: Stylesheet, node: DOMNode, *args: object, **kwargs: object) -> None:
        if isinstance(node, FooterKey):
            styled.append(node)
        apply(stylesheet, node, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Stylesheet, "apply", spy)
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: len(app.screen.query(FooterKey)) > 0)
        await pilot.pause()
        keys = list(app.screen.query(FooterKey))
        assert sorted(map(id, styled)) == sorted(map(id, keys))
        assert not any(key.compact or key.has_class("-compact") for key in keys)
        assert "Quit" in [key.description for key in keys]
        # Review mode's footer shows the command palette's key, which Textual leaves compact.
        styled.clear()
        await pilot.press("R")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await until(pilot, lambda: len(app.screen.query(FooterKey)) > 0)
        await pilot.pause()
        keys = list(app.screen.query(FooterKey))
        assert sorted(map(id, styled)) == sorted(map(id, keys))
        palette = [key for key in keys if key.has_class("-command-palette")]
        assert len(palette) == 1 and palette[0].compact and palette[0].has_class("-compact")
        assert not any(key.compact for key in keys if key not in palette)


@pytest.mark.parametrize("size", [(40, 12), (20, 6)])
async def test_a_tiny_window_does_not_crash(demo_db: Path, size: tuple[int, int]) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=size) as pilot:
        await pilot.press("j", "tab", "j", "tab", "j", "question_mark", "escape", "q")
    assert app.return_code == 0


async def test_export_writes_the_current_account_or_all(demo_db: Path, tmp_path: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("X")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#export-path", Input).value = str(tmp_path / "nordhavn.md")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.press("X")
        app.screen.query_one("#everything", Checkbox).value = True
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "all.md")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("exported 6 accounts" in n.message for n in app._notifications)
    one = (tmp_path / "nordhavn.md").read_text()
    assert one.startswith("# Nordhavn Industrial Group\n") and "# Kestrel" not in one
    assert (tmp_path / "all.md").read_text().count("\n# ") == 5


async def test_enter_on_the_export_checkbox_exports_and_the_file_name_follows_it(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Enter on the checkbox toggled it back instead of exporting, and checked, the dialog kept
    # offering a file named after the one account for the whole portfolio.
    monkeypatch.chdir(tmp_path)
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("X")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        path, box = dialog.query_one("#export-path", Input), dialog.query_one(Checkbox)
        assert path.value == str(tmp_path / "nordhavn-industrial-group.md")
        assert "▐ ▌" in str(box.render())  # unchecked shows no X (NO_COLOR cannot tell otherwise)
        await pilot.press("tab", "space")
        assert box.value and "▐X▌" in str(box.render())
        assert path.value == str(tmp_path / "keyplan-export.md")
        assert "every active plan" in str(dialog.query_one("#export-question", Label).render())
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)
    assert (tmp_path / "keyplan-export.md").read_text().count("\n# ") == 5
    assert not (tmp_path / "nordhavn-industrial-group.md").exists()


async def test_keys_from_the_config_remap_bindings(db_path: Path) -> None:
    config = Config(keys={"edit.toggle_done": "x", "edit.undo": "z"})
    app = make_app(write_db(db_path, [small_plan()]), config=config, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "G", "x")
        tactic = app.editor.current_node()
        assert isinstance(tactic, Tactic) and tactic.status == "done"
        await pilot.press("z")
        assert tactic.status == "todo"
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        rows = app.screen.rows  # type: ignore[attr-defined]
        assert any(row[:2] == ("Edit", "z") and row[2].startswith("undo") for row in rows)


async def test_structural_edits_patch_the_tree_and_keep_the_rest(db_path: Path) -> None:
    account = small_plan()
    second = Objective("Second objective", strategies=[Strategy("Other", tactics=[Tactic("T")])])
    account.mission.objectives.append(second)
    app = make_app(write_db(db_path, [account]), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(PlanTree)
        await pilot.press("enter")
        untouched = next(n for n in _walk(tree.root) if n.data == second.id)
        tree.select(account.mission.objectives[0].strategies[0].tactics[0].id)
        await pilot.press("o")
        await type_text(pilot, "Added")
        await pilot.press("enter", "J")  # add, then move it into the next strategy
        assert next(n for n in _walk(tree.root) if n.data == second.id) is untouched
        await pilot.press("u", "u", "D", "y")
        shown = [(n.data, n.parent.data if n.parent else None) for n in _walk(tree.root)]
        model = [(n.id, p.id if p else None) for n, p in app.editor.account.walk()]  # type: ignore[union-attr]
        assert shown == model


async def until(pilot: Pilot[int], condition: Callable[[], bool], seconds: float = 3.0) -> None:
    """Wait for a screen to open or close: on a loaded machine that can take a few frames."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


def burst(app: KeyplanApp, *keys: str) -> None:
    """Keys arriving in one burst, as over a laggy SSH link: all queued before any is handled."""
    characters = {"enter": "\r", "space": " "}
    for key in keys:
        app.post_message(events.Key(key, characters.get(key, key if len(key) == 1 else None)))


async def test_keys_typed_ahead_go_to_the_form_they_open(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "j", "j", "j")
        tactic = app.editor.current_node()
        assert isinstance(tactic, Tactic)
        burst(app, "e", "ctrl+u", *"Call", "space", *"COO", "enter")
        await pilot.pause(0.5)
        await pilot.pause()
        assert tactic.title == "Call COO"
        assert not isinstance(app.screen, EditForm)


async def test_keys_typed_ahead_follow_the_focus_they_move(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "enter", "j", "j")
        await pilot.pause(0.5)
        await pilot.pause()
        assert app.focused is app.query_one(PlanTree)
        assert app.editor.account is app.portfolio.accounts[0], "j moved the tree, not the list"
        assert (
            app.editor.current_node()
            is app.portfolio.accounts[0].mission.objectives[0].strategies[0]
        )


async def test_a_burst_through_screens_that_close_never_holds_keys_back(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "question_mark", "escape", "question_mark", "escape", "question_mark")
        await pilot.pause(1.0)
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, HelpScreen))
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))


async def test_a_callback_waiting_for_a_covered_screen_runs_on_the_screen_shown(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Textual runs it once the screen current when it was asked for has repainted. A screen
    # covered first may not repaint until it is shown again: a layout of it, as a resize makes
    # of the screens below, stops its repaints. The type-ahead asks for one after each key, so
    # the keys typed right after R (review mode) waited for its 0.5 s limit.
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        editor = app.screen
        ran: list[bool] = []
        editor._update_timer.pause()  # as that layout leaves it: no repaint until shown again
        monkeypatch.setattr(editor._update_timer, "resume", lambda: None)
        editor.refresh()
        editor._invoke_later(lambda: ran.append(True), app)
        app.action_review()
        await until(pilot, lambda: bool(ran), seconds=0.5)
        assert isinstance(app.screen, ReviewScreen)


@pytest.mark.parametrize("kind", ["mission", "objective", "strategy", "tactic", "account"])
async def test_the_form_opens_and_saves_for_every_kind(db_path: Path, kind: str) -> None:
    account = small_plan()
    strategy = account.mission.objectives[0].strategies[0]
    strategy.approach = None  # a choice left empty must open as empty, not crash
    app = make_app(write_db(db_path, [account]), today=TODAY)
    node = {
        "mission": account.mission,
        "objective": account.mission.objectives[0],
        "strategy": strategy,
        "tactic": strategy.tactics[0],
    }.get(kind)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, node.id if node is not None else None)
        values = form.typed_values()
        assert set(values) == {spec.name for spec in FIELDS[kind]}
        await pilot.press("escape")
        assert not isinstance(app.screen, EditForm)


async def test_a_strategy_gets_its_why_and_approach_from_the_form(db_path: Path) -> None:
    account = small_plan()
    strategy = account.mission.objectives[0].strategies[0]
    strategy.why, strategy.approach = "", None
    app = make_app(write_db(db_path, [account]), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, strategy.id)
        form.query_one("#f-why", Input).value = "Their COO owns uptime"
        form.query_one("#f-approach", Select).value = "change-criteria"
        await pilot.press("f2")
        saved_strategy = app.editor.account.mission.objectives[0].strategies[0]  # type: ignore[union-attr]
        assert saved_strategy.why == "Their COO owns uptime"
        assert saved_strategy.approach == "change-criteria"


async def test_enter_on_a_choice_saves_the_form_and_space_opens_its_list(db_path: Path) -> None:
    account = small_plan()
    tactic = account.mission.objectives[0].strategies[0].tactics[0]
    app = make_app(write_db(db_path, [account]), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, tactic.id)
        status = form.query_one("#f-status", Select)
        status.focus()
        await pilot.press("space")
        assert status.expanded, "space opens the list"
        await pilot.press("escape")
        assert not status.expanded and app.screen is form
        status.value = "done"
        await pilot.press("enter")
        assert not isinstance(app.screen, EditForm), "Enter saved, as the button says"
        assert app.editor.account.find(tactic.id)[0].status == "done"  # type: ignore[union-attr]


async def test_escape_asks_before_it_throws_away_what_was_typed(db_path: Path) -> None:
    app = make_app(write_db(db_path, [small_plan()]), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "e")
        form = app.screen
        assert isinstance(form, EditForm)
        await pilot.press("escape")  # nothing typed: closes at once
        assert app.screen is app.editor
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, EditForm)
        form.query_one("#f-notes", TextArea).text = "A long note\nthat took a while"
        await pilot.press("escape")
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")  # keep editing
        assert app.screen is form
        assert form.query_one("#f-notes", TextArea).text.startswith("A long note")
        await pilot.press("escape", "y")
        assert app.screen is app.editor
        assert app.editor.account.mission.notes == ""  # type: ignore[union-attr]


async def test_escape_in_the_filter_gives_focus_back_to_the_pane(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "slash", "x", "escape")
        assert app.focused is app.query_one(PlanTree)


async def test_escape_goes_back_to_the_review_only_after_a_jump_from_it(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R", "escape")
        assert app.screen is app.editor
        await pilot.press("escape")
        assert app.screen is app.editor, "left on purpose: Escape stays in the editor"
        await pilot.press("R", "enter")  # jump to the next fix
        assert app.screen is app.editor
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_a_refused_value_shows_its_reason_in_an_80x24_form(db_path: Path) -> None:
    app = make_app(write_db(db_path, [small_plan()]), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "j", "e")
        form = app.screen
        form.query_one("#f-due", Input).value = "2026-13-45"  # type: ignore[union-attr]
        await pilot.press("enter")
        error = form.query_one("#form-error")
        assert "bad date" in str(error.render())
        assert error.region.y < 24 and error.region.height > 0, "visible on screen"


async def test_accounts_beyond_the_first_screenful_are_scored_just_after_it(
    db_path: Path,
) -> None:
    accounts = [Account(f"Account {n:02}") for n in range(40)]
    app = make_app(write_db(db_path, accounts), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        # As after a reload: nothing is scored; the first screenful is, at once.
        app.workspace.replace(app.portfolio)
        app.editor.refresh_view()
        rows = app.query_one(AccountList)._rows
        assert all(row.passed is not None for row in rows[:24])
        assert all(row.passed is None and row.score == "…" for row in rows[24:])
        await pilot.pause()
        rows = app.query_one(AccountList)._rows
        assert [row.score for row in rows] == [
            app.workspace.checklist(account).score for account in app.portfolio.accounts
        ]
        assert "…" not in {row.score for row in rows}


def fifty_accounts_scored_ten_a_frame(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> KeyplanApp:
    monkeypatch.setattr("tui.screens.plan.SCORE_BATCH", 10)
    accounts = [Account(f"Account {n:02}") for n in range(50)]
    return make_app(write_db(db_path, accounts), today=TODAY)


def all_scored(app: KeyplanApp) -> bool:
    return None not in {row.passed for row in app.query_one(AccountList)._rows}


async def test_the_rest_are_scored_a_batch_a_frame(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = fifty_accounts_scored_ten_a_frame(db_path, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        app.workspace.replace(app.portfolio)
        app.editor.refresh_view()
        rows = app.query_one(AccountList)._rows
        first = sum(row.passed is not None for row in rows)
        app.editor.score_the_rest()
        rows = app.query_one(AccountList)._rows
        assert sum(row.passed is not None for row in rows) == first + 10
        await until(pilot, lambda: all_scored(app))


async def test_once_every_account_is_scored_its_plans_leave_the_collectors_sight(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Decoded for scoring after the first screen, they would be rescanned by each full
    # collection: 25 ms at 200 accounts, on whatever key was pressed then.
    app = fifty_accounts_scored_ten_a_frame(db_path, monkeypatch)
    scored_when_frozen: list[int] = []
    collected: list[int] = []

    def freeze() -> None:
        scored = [app.workspace.checked(account) for account in app.portfolio.accounts]
        scored_when_frozen.append(sum(checklist is not None for checklist in scored))

    monkeypatch.setattr(gc, "freeze", freeze)
    monkeypatch.setattr(gc, "collect", lambda generation=2: collected.append(generation) or 0)
    monkeypatch.setattr(Collector, "collect", lambda _: None)  # its passes after frames
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: all_scored(app))
        await pilot.pause()
        assert scored_when_frozen[0] < 50, "the first screen's freeze"
        assert scored_when_frozen[-1] == 50
        assert collected == [1], "the young garbage first, not a full collection"


async def test_a_node_added_at_the_bottom_stays_in_sight_when_the_prompt_closes(
    demo_db: Path,
) -> None:
    # The prompt takes the details pane's place, so the tree is taller while it is open and
    # shrinks back when it closes: the new node must not be left below the pane.
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(PlanTree)
        await pilot.press("tab", "G")
        for title in ("New tactic", "Second new"):
            await pilot.press("o")
            await type_text(pilot, title)
            await pilot.press("enter")
            await pilot.pause()
            top = round(tree.scroll_offset.y)
            assert top <= tree.cursor_line < top + tree.size.height, title
            assert label_of(app, tree.current or "").endswith(title)


@pytest.mark.parametrize("key", ["tab", "shift+tab"])
async def test_tab_stays_in_the_new_title_prompt(demo_db: Path, key: str) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "4", "j", "j", "o", "b", key, "A")
        await pilot.pause()
        prompt = app.query_one("#adding", Input)
        assert app.focused is prompt and prompt.value == "bA", "A is title, not archive"
        assert len(app.portfolio.active()) == len(app.portfolio.accounts)


async def test_moving_the_focus_off_the_new_title_prompt_closes_it(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "4", "j", "j", "o", "b")
        nodes = sum(1 for _ in app.editor.account.walk())  # type: ignore[union-attr]
        app.query_one(ChecklistPane).focus()  # as a click on it would
        await pilot.pause()
        assert not app.editor.has_class("-adding"), "else later letters run beside it"
        assert app.focused is app.query_one(ChecklistPane)
        await pilot.press("escape", "enter")
        assert sum(1 for _ in app.editor.account.walk()) == nodes  # type: ignore[union-attr]


async def test_text_typed_into_a_box_is_never_held_back(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "4", "j", "j", "o")
        assert isinstance(app.focused, Input)
        await app.type_ahead.receive(events.Key("x", "x"))
        assert not app.type_ahead.in_flight and not app.type_ahead.held
        # A burst keeps its order: the title, Enter to add it, then a key for the tree.
        burst(app, *"Ring", "space", *"Dana", "enter", "k")
        await pilot.pause(0.5)
        await pilot.pause()
        tree = app.query_one(PlanTree)
        added = label_of(app, tree.current or "")
        assert not added.endswith("xRing Dana"), "k moved the cursor off the new tactic"
        titles = [n.title for n, _ in app.editor.account.walk()]  # type: ignore[union-attr]
        assert "xRing Dana" in titles


async def test_g_in_the_checklist_shows_the_score_line_again(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        checklist = app.query_one(ChecklistPane)
        checklist.focus()
        await pilot.press("G")
        await pilot.pause()
        assert checklist.scroll_offset.y > 0
        await pilot.press("g")
        await pilot.pause()
        assert checklist.scroll_offset.y == 0
        assert checklist.highlighted_option is not None
        assert checklist.highlighted_option.id == "M1"


async def test_a_broken_plan_found_after_start_stops_the_app_with_status_2(
    db_path: Path,
) -> None:
    # Plans are decoded when first used: account 35 is off the first screen, so it is found
    # broken when the rest are scored, just after the first screen.
    write_db(db_path, [Account(f"Account {n:02}") for n in range(40)])
    content = break_plan(db_path, 35)
    app = make_app(db_path, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.broken_file is not None)
    assert app.return_code == 2
    assert app.broken_file is not None
    assert app.broken_file.startswith(
        f"{db_path}: account 35: its plan is not valid (missing 'text')"
    )
    assert db_path.read_bytes() == content


async def test_edits_made_before_a_broken_plan_is_found_are_saved(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")  # rename the first account
        await type_text(pilot, " Renamed")
        await pilot.press("enter")
        name = app.portfolio.accounts[0].name
        assert name.endswith(" Renamed") and app.workspace.dirty
        app._handle_exception(PlanFileError("plans.json: account 9: its plan is not valid"))
        await pilot.pause()
    assert app.return_code == 2
    assert app.broken_file == "plans.json: account 9: its plan is not valid"
    assert load_db(demo_db).accounts[0].name == name


async def test_the_collector_is_off_while_the_first_screen_is_built(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert gc.isenabled()
    app = make_app(demo_db, today=TODAY)
    on_load = KeyplanApp.on_load
    off_while_loading: list[bool] = []

    def spy(app: KeyplanApp) -> None:
        on_load(app)
        off_while_loading.append(not gc.isenabled())

    monkeypatch.setattr(KeyplanApp, "on_load", spy)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.collector.running)
        assert not gc.isenabled()  # collected by hand from now on, after frames
    assert off_while_loading == [True]
    assert gc.isenabled()  # given back as the app stops


def test_the_collector_is_held_while_the_app_loads_and_given_back_after() -> None:
    # In a fresh process: importing the app made the collector pass ~80 times over objects that
    # live as long as the process. Held, it passes a few times at most (before the hold begins);
    # what the imports made is frozen, and the collector is on again after, as it was.
    probe = (
        "import gc; import tui.collector; "
        "passes = lambda: sum(stats['collections'] for stats in gc.get_stats()); "
        "before = passes(); import tui.app; "
        "print(passes() - before, gc.isenabled(), gc.get_freeze_count() > 20_000)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    passes, enabled, frozen = result.stdout.split()
    assert int(passes) <= 5
    assert (enabled, frozen) == ("True", "True")


def test_held_while_loading_restores_the_collector_as_it_found_it() -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with pytest.raises(ZeroDivisionError), held_while_loading():
        assert not gc.isenabled()
        kept = [[] for _ in range(100)]
        _ = 1 / 0
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(kept)
    gc.disable()
    try:
        with held_while_loading():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


async def test_the_collector_is_given_back_even_when_closing_the_file_fails(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    close = Repository.close

    def failing_close(repository: Repository) -> None:
        close(repository)
        raise OSError("the lock file vanished")

    monkeypatch.setattr(Repository, "close", failing_close)
    app = make_app(demo_db, today=TODAY)
    with pytest.raises(OSError):
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.collector.running)
    assert gc.isenabled()


@contextmanager
def frames_and_collections(app: KeyplanApp) -> Iterator[list[str]]:
    """Within: "frame" as each frame goes to the terminal, "collect N" as a pass starts."""
    happened: list[str] = []
    display = app._display

    def displayed(screen: Screen[object], update: object) -> None:
        if update is not None:
            happened.append("frame")
        display(screen, update)  # type: ignore[arg-type]

    def collected(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            happened.append(f"collect {info['generation']}")

    app._display = displayed  # type: ignore[method-assign]
    gc.callbacks.append(collected)
    try:
        yield happened
    finally:
        gc.callbacks.remove(collected)
        del app._display


async def test_garbage_is_collected_once_the_keys_frame_is_out_not_while_it_is_handled(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Collector, "FALLBACK_INTERVAL", 60)  # only after the key's frame
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.collector.running)
        await pilot.pause()
        with frames_and_collections(app) as happened:
            young = [[] for _ in range(2 * gc.get_threshold()[0])]  # a pass is due
            await pilot.press("j")  # the next account: its plan is drawn
            await until(pilot, lambda: "collect 0" in happened)
        assert happened.index("frame") < happened.index("collect 0")
        assert gc.get_count()[0] < gc.get_threshold()[0]
        assert young  # alive until the pass


async def test_another_account_is_drawn_in_one_frame(demo_db: Path) -> None:
    # Its checklist's new length (the scrollbar) used to be drawn a frame, 20-40 ms, later.
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        for _ in range(3):
            with frames_and_collections(app) as happened:
                await pilot.press("j")  # the next account in the list
                await pilot.pause(0.2)
            assert happened.count("frame") == 1


async def test_garbage_made_while_no_key_comes_is_collected_too(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Collector, "FALLBACK_INTERVAL", 0.05)
    monkeypatch.setattr(Collector, "after_frame", lambda _: None)  # the timer's passes only
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.collector.running)
        with frames_and_collections(app) as happened:
            young = [[] for _ in range(2 * gc.get_threshold()[0])]
            await until(pilot, lambda: any(event.startswith("collect") for event in happened))
        assert young


async def test_an_app_that_stops_before_its_first_screen_turns_the_collector_on(
    db_path: Path,
) -> None:
    write_db(db_path, [Account("Kestrel")])
    break_plan(db_path, 1)  # found broken while the first screen is built
    app = make_app(db_path, today=TODAY)
    await app.run_async(headless=True, size=(80, 24))
    assert app.broken_file is not None and app.return_code == 2
    assert gc.isenabled()


async def test_the_accounts_cursor_row_is_drawn_in_the_cursors_colour(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        accounts = app.query_one(AccountList)
        await pilot.pause()
        assert accounts.highlighted == 0 and accounts._rows[0].passed == accounts._rows[0].total
        cursor = accounts.get_visual_style(
            "option-list--option", "option-list--option-highlighted"
        ).rich_style.color
        row = accounts.render_line(0)  # the full score's green would sit on the cursor's blue
        assert {seg.style.color for seg in row if seg.text.strip() and seg.style} == {cursor}
        # The other rows keep their colours.
        other = accounts.render_line(1)
        assert any(seg.style and seg.style.color != cursor for seg in other if seg.text.strip())


async def test_a_node_added_under_a_filter_stays_in_sight(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await type_text(pilot, "capex")
        await pilot.press("enter", "tab")  # to the tree, on the mission
        await pilot.press("a")
        await type_text(pilot, "Brand new objective")
        await pilot.press("enter")
        await pilot.pause()
        assert "Brand new objective" in " ".join(tree_titles(app))
        assert label_of(app, app.query_one(PlanTree).current or "").endswith("Brand new objective")
        await pilot.press("slash", "ctrl+u")
        await type_text(pilot, "capex")
        await pilot.pause()
        assert "Brand new objective" not in " ".join(tree_titles(app)), "a new filter, anew"


async def test_the_details_follow_the_tree_cursor_in_the_same_frame(demo_db: Path) -> None:
    # They came a frame (20 ms) after the cursor at each j and k.
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter", "4")
        await pilot.pause()
        details = app.query_one(NodeDetails)
        rows: list[set[int]] = []  # the screen rows each frame repaints
        display = app._display

        def displayed(screen: object, update: object) -> None:
            if update is not None:
                rows.append({y for y, _, _ in getattr(update, "spans", [])})
            display(screen, update)  # type: ignore[arg-type]

        app._display = displayed  # type: ignore[method-assign]
        await pilot.press("j")
        await pilot.pause()
        node = app.editor.current_node()
        assert node is not None and details._shown == node_details(node)
        tree = app.query_one(PlanTree).region
        assert rows and rows[0] & set(range(tree.y, tree.bottom)), "the cursor"
        assert rows[0] & set(range(details.region.y, details.region.bottom)), "and the details"
