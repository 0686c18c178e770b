"""An OptionList that repaints only what changed.

OptionList forgets how every option looked, and repaints the whole list, whenever one
option's text changes and on every resize (the first one too, which comes just after the first
frame); each change of its options also asks for a layout of the whole screen. At 200 accounts
one new score cost a repaint of all 40 lines on screen (~0.2 ms a line), most of an edit's
frame. `LineList`:

- `replace_line` forgets and repaints one option (and, when its text wraps anew, measures the
  lines again but keeps the other options' drawings);
- keeps its drawings while its width is the same, and never asks for a layout: its box is set
  by the screen's CSS, not by its options.

It reaches into OptionList's caches, so keyplan pins its Textual version;
tests/test_render_caches.py compares each drawing with one made afresh.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.widgets import OptionList


class LineList(OptionList):
    """An OptionList with the repaints described above."""

    virtual_size = Reactive(Size(0, 0), layout=False)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._lines_width = -1  # the width the option's lines and drawings were made for

    def _update_lines(self) -> None:
        width = self.scrollable_content_region.width
        if width != self._lines_width:
            self._lines_width = width
            self._line_cache.clear()
            self._option_render_cache.clear()
        super()._update_lines()

    def _on_resize(self, event: events.Resize) -> None:
        # OptionList's own (which prevent_default skips) forgets every option's drawing on any
        # resize, the first one too, which comes after the first frame was drawn. The width
        # check above forgets them when they no longer fit, and only then; a new size has
        # been repainted already.
        event.prevent_default()

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
        if self._get_visual(option).get_height(self.styles, width) != height:
            self._line_cache.clear()
            # Measured now, not while drawing: the new length moves the scrollbar, and a
            # change made while drawing is only shown a frame later.
            self._update_lines()
            self.refresh()
            return
        top = self._index_to_line[index] - round(self.scroll_offset.y)
        self.refresh(Region(0, top, self.size.width, height))
