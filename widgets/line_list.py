"""An OptionList that repaints only what changed.

OptionList forgets how every option looked, and repaints the whole list, whenever one
option's text changes and on every resize (the first one too, which comes just after the first
frame); each change of its options also asks for a layout of the whole screen. At 200 accounts
one new score cost a repaint of all 40 lines on screen (~0.2 ms a line), most of an edit's
frame. `LineList`:

- `replace_line` forgets and repaints one option (and, when its text wraps anew, measures the
  lines again and repaints those from it down, but keeps the other options' drawings);
- repaints, when the cursor moves, the two rows it left and reached, not the whole list;
- keeps its drawings while its width is the same, and never asks for a layout: its box is set
  by the screen's CSS, not by its options;
- measures an option whose text fits on one line by its length alone: OptionList wraps every
  option to count its lines, 8 ms at 200 accounts before the first screen, 27 ms at 1000;
- has no links (`auto_links` off): its lines are the app's own Text, never markup, so the
  link style Textual works out and puts on each line it draws (a fifth of drawing a line)
  would change nothing.

It reaches into OptionList's caches, so keyplan pins its Textual version;
tests/test_render_caches.py compares each drawing with one made afresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Self

from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.strip import Strip
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from widgets.scroll import SizedByLines

if TYPE_CHECKING:
    from textual.widgets._option_list import OptionListContent


class LineList(SizedByLines, OptionList):
    """An OptionList with the repaints described above."""

    # No repaint of their own: what changed repaints itself (see replace_line and
    # watch_highlighted).
    virtual_size = Reactive(Size(0, 0), layout=False, repaint=False)
    highlighted: Reactive[int | None] = Reactive(None, repaint=False)
    auto_links = Reactive(False)

    def __init__(self, *content: Option | Text, **kwargs: object) -> None:
        super().__init__(*content, **kwargs)  # type: ignore[arg-type]
        self._drawn_width = -1  # the width the options' drawings were made for
        self._measured_width: int | None = -1  # and their lines; None: cut, any width
        self._measured_now = False  # within render_lines, once the lines are measured

    def render_lines(self, crop: Region) -> list[Strip]:
        # OptionList measures its lines again for each line it draws (through `_lines`);
        # within one drawing of the pane they cannot change.
        with self.drawing():
            self._update_lines()
            self._measured_now = True
            try:
                return super().render_lines(crop)
            finally:
                self._measured_now = False

    def _update_lines(self) -> None:
        """OptionList's, with `option_height` to measure each option, and without measuring
        again at a new width the options that are cut to one line whatever the width (the
        accounts): the first frame measured all of them twice, the scrollbar taking 2 cells
        as soon as the first measure showed they overflow."""
        if self._measured_now:
            return
        region = self.scrollable_content_region
        if not region:
            return
        cut = self.cuts_lines
        width = region.width
        if width != self._drawn_width:
            self._drawn_width = width
            self._option_render_cache.clear()
        if (None if cut else width) != self._measured_width:
            self._measured_width = None if cut else width
            self._line_cache.clear()
        line_cache = self._line_cache
        lines = line_cache.lines
        options = self.options
        next_index = lines[-1][0] + 1 if lines else 0
        width -= self._get_left_gutter_width()
        if next_index < len(options):
            room = width - self.get_component_styles("option-list--option").padding.width
            for index in range(next_index, len(options)):
                option = options[index]
                line_cache.index_to_line[index] = len(lines)
                height = self.option_height(option, room, cut=cut) + option._divider
                line_cache.heights[index] = height
                lines.extend([(index, line) for line in range(height)])
        last_divider = options and options[-1]._divider
        virtual_size = Size(width, len(lines) - (1 if last_divider else 0))
        self.virtual_size = virtual_size  # the scrollbar follows (see SizedByLines)

    @property
    def cuts_lines(self) -> bool:
        """Whether each option is cut to one line (text-wrap: nowrap, and an ellipsis)."""
        styles = self.styles
        return styles.text_wrap == "nowrap" and styles.text_overflow != "fold"

    def option_height(self, option: Option, width: int, *, cut: bool) -> int:
        """The lines an option takes at this width: one if its text fits, or is `cut` to fit
        (text-wrap: nowrap with an ellipsis), else as many as it wraps to."""
        prompt = option.prompt
        if (
            isinstance(prompt, Text)
            and "\n" not in prompt.plain
            and (cut or prompt.cell_len <= width)
        ):
            return 1
        return self._get_visual(option).get_height(self.styles, width)

    def _on_resize(self, event: events.Resize) -> None:
        # OptionList's own (which prevent_default skips) forgets every option's drawing on any
        # resize, the first one too, which comes after the first frame was drawn. The width
        # check above forgets them when they no longer fit, and only then; a new size has
        # been repainted already.
        event.prevent_default()

    def set_options(self, options: Iterable[OptionListContent]) -> Self:
        # OptionList repaints only when options are added: set to none, with nothing
        # highlighted, the list went on showing its old lines (the checklist, once a filter
        # matched no account).
        super().set_options(options)
        self.refresh()
        return self

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        # OptionList repaints the whole list when the cursor moves; the two rows it left and
        # reached are what changed (4 ms a move in the accounts list, of an account switch's
        # 25). A move that scrolls the list repaints it all anyway. The repaint is asked for
        # after the message that the highlight moved, so the pane it opens is in the frame.
        super().watch_highlighted(new)
        for index in (old, new):
            self._repaint_option(index)

    def _repaint_option(self, index: int | None) -> None:
        if index is None or not self.is_mounted:
            return
        measured = self._line_cache
        line, height = measured.index_to_line.get(index), measured.heights.get(index)
        if line is None or height is None:  # not measured yet: the next drawing measures all
            self.refresh()
            return
        self.refresh(Region(0, line - round(self.scroll_offset.y), self.size.width, height))

    def replace_line(self, option_id: str, prompt: Text) -> None:
        """Put new text on one option and repaint it alone. An option whose height changes
        (its text wraps differently) moves the lines below it: they are measured again and
        repainted, but keep their drawings. A list with no width takes OptionList's way."""
        index = self.get_option_index(option_id)
        option = self.get_option_at_index(index)
        height = self._heights.get(index)
        option._set_prompt(prompt)
        padding = self.get_component_styles("option-list--option").padding
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        width -= padding.width
        if height is None or width <= 0:  # no width (a tiny window): measuring would fail
            self._clear_caches()
            return
        renders = self._option_render_cache
        for key in [key for key in renders.keys() if key[0] is option]:  # noqa: SIM118 (no __iter__)
            renders.discard(key)
        top = self._index_to_line[index] - round(self.scroll_offset.y)
        if self.option_height(option, width, cut=self.cuts_lines) != height:
            self._line_cache.clear()
            # Measured now, not while drawing: the new length moves the scrollbar, and a
            # change made while drawing is only shown a frame later.
            self._update_lines()
            # The lines above it stay as they are; it and those below it move.
            top = max(top, 0)
            if top < self.size.height:
                self.refresh(Region(0, top, self.size.width, self.size.height - top))
            return
        self.refresh(Region(0, top, self.size.width, height))
