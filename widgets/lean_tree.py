"""A Textual Tree that repaints only what an edit changed.

Textual's Tree, on any node added or removed, asks for a layout of the whole screen, forgets
every line it drew and repaints the pane; each move of its cursor asks for a repaint of each
line under the old and the new node. An edit of a plan does many such steps, so adding a
tactic took 60-100 ms at 200 accounts × 50 nodes. `LeanTree` instead:

- never asks for a layout: its box is set by its pane, not by its lines, so a change of lines
  needs a repaint and new scrollbars only (a layout also repaints every pane's scrollbar, and
  that repaint takes a frame of its own);
- keys each drawn line by what it shows, not by its line number, so a line that only moved up
  or down is reused as it is. Tree stamps each line's number on it, for a click to read; here
  the number is taken off (a reused line would give its old one), and a click or the mouse's
  hover finds its line by where it is;
- within `one_repaint()`, holds every repaint request and then repaints the rows that show
  something else than before, and no others.

It overrides private parts of Tree (`_invalidate`, `_render_line`), so keyplan pins its Textual
version; tests/test_render_caches.py compares each drawing with one made afresh.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from widgets.scroll import SizedByLines

RowKey = tuple[object, ...]
NO_LINE = Style.from_meta({"line": None})


class LeanTree(SizedByLines, Tree[str]):
    """A Tree[str] with the repaints described above."""

    virtual_size = Reactive(Size(0, 0), layout=False)

    def __init__(self, label: str, **kwargs: object) -> None:
        super().__init__(label, **kwargs)  # type: ignore[arg-type]
        # Each row as the styles finished it, by what its line shows and the pane's looks.
        self._finished: LRUCache[tuple[RowKey, tuple[object, ...]], Strip] = LRUCache(1024)
        self._label_widths: LRUCache[tuple[int, int], int] = LRUCache(4096)
        self._painted: dict[int, RowKey] = {}  # line number -> the key of what it shows
        self._painted_at: tuple[int, int, Size] | None = None
        self._holding = False
        self._held = False
        self._pass_style: Style | None = None  # the pane's style, within one render_lines

    def render_lines(self, crop: Region) -> list[Strip]:
        # Tree.render_line works out the pane's style (its background blended over its
        # parents') for each line: a sixth of drawing the pane. It is the same for all.
        self._pseudo_class_state = self.get_pseudo_class_state()  # as Tree.render_lines
        self._pass_style = style = self.rich_style
        try:
            with self.drawing():
                strips = self._finished_rows(crop.line_range, style)
        finally:
            self._pass_style = None
        if crop.column_span != (0, self.outer_size.width):
            strips = [strip.crop(crop.x, crop.right) for strip in strips]
        return strips

    def _finished_rows(self, rows: range, style: Style) -> list[Strip]:
        """The pane's rows as the styles cache finishes them (border, background, the app's
        filters), each kept by what its line shows: a line moved to another row is not put
        through the styles again (28 rows of the pane at each scroll, 1.5 ms)."""
        styles = self.styles
        outer = self.outer_size
        top, bottom = styles.gutter.top, outer.height - styles.gutter.bottom
        scroll_x, scroll_y = (round(n) for n in self.scroll_offset)
        width = self.size.width
        looks = (
            outer,
            styles.border,
            styles.outline,
            styles.padding,
            self.background_colors,
            self.opacity,
            styles.text_opacity,
            styles.tint,
            styles.hatch if styles.has_rule("hatch") else None,
            tuple(self.get_line_filters()),
            self.app.ansi_theme,
        )
        self._painted_at = (scroll_x, scroll_y, self.size)
        keys: dict[int, tuple[RowKey, tuple[object, ...]]] = {}
        strips: dict[int, Strip] = {}
        for y in rows:
            if top <= y < bottom:
                line = y - top + scroll_y
                row = self._painted[line] = self._row_key(line, scroll_x, scroll_x + width, style)
                keys[y] = key = (row, looks)
                strip = self._finished.get(key)
                if strip is not None:
                    strips[y] = strip
        missing = [y for y in rows if y not in strips]
        for first, last in _runs(missing):
            run = Region(0, first, outer.width, last - first + 1)
            self._styles_cache.set_dirty(run)
            finished = self._styles_cache.render_widget(self, run)
            for y, strip in zip(run.line_range, finished, strict=True):
                strips[y] = strip
                if y in keys:
                    self._finished.set(keys[y], strip)
        return [strips[y] for y in rows]

    def render_line(self, y: int) -> Strip:
        style = self._pass_style
        if style is None:
            return super().render_line(y)
        scroll_x, scroll_y = self.scroll_offset
        return self._render_line(y + scroll_y, scroll_x, scroll_x + self.size.width, style)

    def _on_resize(self, event: events.Resize) -> None:
        # Tree's own (which prevent_default skips) forgets every line it drew and repaints,
        # the first resize too, which comes after the first frame was drawn. The lines' keys
        # hold the width, and a new size has been repainted already.
        event.prevent_default()
        self._line_cache.grow(event.size.height)
        if self.cursor_line >= 0:  # a pane that shrank (a prompt below it closed) keeps it
            self.scroll_to_line(self.cursor_line, animate=False)

    def _invalidate(self) -> None:
        self._clear_line_cache()
        self._updates += 1
        self.root._reset()
        self.refresh()

    # --- Drawing a line -------------------------------------------------------------------

    def _row_key(self, y: int, x1: int, x2: int, base_style: Style) -> RowKey:
        """Everything line `y` shows, but its line number."""
        lines = self._tree_lines
        if y >= len(lines):
            return (None, x1, x2, self.size.width, base_style)
        line = lines[y]
        node = line.node
        return (
            node._id,
            node._updates,
            node._expanded,
            node._allow_expand,
            line.last,
            tuple((n.is_last, n._hover, n._selected) for n in line.path),
            self.cursor_line == y,
            self.hover_line == y,
            x1,
            x2,
            self.size.width,
            self.virtual_size.width,
            self.has_focus,
            self._pseudo_class_state,
            base_style,
        )

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        # Called for the rows _finished_rows does not have: Tree's line, its number taken off.
        strip = super()._render_line(y, x1, x2, base_style)
        if y >= len(self._tree_lines):  # below the last line: blank, with no number
            return strip
        # On top of the line's own styles: Strip.apply_meta would put it underneath.
        return Strip(Segment.apply_style(strip, post_style=NO_LINE), strip.cell_length)

    # --- The mouse: Tree reads the line from the line's "line" meta, here None ------------

    async def _on_click(self, event: events.Click) -> None:
        event.prevent_default()  # Tree's own would read the meta
        line = self._line_at(event)
        if line is not None:
            async with self.lock:
                if event.style.meta.get("toggle", False):  # the fold icon
                    node = self.get_node_at_line(line)
                    if node is not None:
                        self._toggle_node(node)
                else:
                    self.cursor_line = line
                    await self.run_action("select_cursor")
        await Widget._on_click(self, event)  # what the default skipped past Tree's

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        event.prevent_default()
        line = self._line_at(event)
        self.hover_line = -1 if line is None else line

    def _line_at(self, event: events.MouseEvent) -> int | None:
        """The line under the mouse, if there is one."""
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        line = offset.y + round(self.scroll_offset.y)
        return line if 0 <= line < len(self._tree_lines) else None

    def get_label_width(self, node: TreeNode[str]) -> int:
        # Tree measures every line's label each time its lines change, to know how wide it is:
        # only a pane that scrolls sideways needs to (at 50 nodes, 1.5 ms of each rebuild).
        # Elsewhere one cell stands for it, so the label's region is not empty when the cursor
        # is scrolled into sight.
        if self.styles.overflow_x == "hidden":
            return 1
        key = (node._id, node._updates)
        width = self._label_widths.get(key)
        if width is None:
            width = super().get_label_width(node)
            self._label_widths.set(key, width)
        return width

    def clear(self) -> Self:
        # Node ids start again from 0: a line of the nodes before could pass for a new one.
        self._forget_drawn()
        return super().clear()

    def notify_style_update(self) -> None:
        self._forget_drawn()
        super().notify_style_update()

    def _forget_drawn(self) -> None:
        self._finished.clear()
        self._label_widths.clear()
        self._painted.clear()

    # --- One repaint for many steps -------------------------------------------------------

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        if self._holding and repaint and not layout and not recompose:
            self._held = True
            return self
        if regions and repaint and not layout and not recompose:
            # Some rows show other lines. Widget.refresh forgets the pane's component styles
            # (the guides', the cursor's), which a change of style forgets anyway (see
            # notify_style_update), and each new row then worked them out again: 0.4 ms a row.
            kept = dict(self._rich_style_cache)
            super().refresh(*regions)
            self._rich_style_cache.update(kept)
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    @contextmanager
    def one_repaint(self) -> Iterator[None]:
        """Hold repaints while the tree changes, then repaint only the rows that changed."""
        if self._holding:
            yield
            return
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
            if self._held:
                self._held = False
                self._repaint_changed_rows()

    def _repaint_changed_rows(self) -> None:
        scroll_x, scroll_y = (round(n) for n in self.scroll_offset)
        width = self.size.width
        if self._painted_at != (scroll_x, scroll_y, self.size) or not self.is_mounted:
            super().refresh()
            return
        base_style = self.rich_style
        rows = [
            Region(0, row, width, 1)
            for row in range(self.size.height)
            if self._painted.get(row + scroll_y)
            != self._row_key(row + scroll_y, scroll_x, scroll_x + width, base_style)
        ]
        if rows:
            super().refresh(*rows)


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted rows as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for y in rows:
        if runs and y == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], y)
        else:
            runs.append((y, y))
    return runs
