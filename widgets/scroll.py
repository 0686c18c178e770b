"""What keyplan's scrolling panes (the tree, the lists) share: a virtual size of their own,
and a scrollbar drawn straight into strips."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from contextlib import contextmanager

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.color import Color as TextualColor
from textual.filter import LineFilter
from textual.geometry import Region, Size
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip


class SizedByLines:
    """For a ScrollView whose virtual size is set by its lines, never by a layout.

    At each layout of the screen Textual hands every ScrollView the size of its visible area as
    its virtual size; that is never the size of its lines, so Textual took the difference for a
    change and repainted the pane's scrollbar, at every layout: twice just after the first frame
    and with each notification (the toasts are laid out), 1.5-2.5 ms for the three panes. The
    scrollbars are updated when the pane's size changes, and when its lines do.

    Lines are often counted while the pane is drawn (its first frame, a new width, a tree built
    anew). A scrollbar asked to repaint then is forgotten with the frame (Textual clears what is
    to be repainted once the frame is out), and went on showing no thumb; so it is updated just
    after that frame instead.
    """

    virtual_size: Size
    _drawing = False

    @contextmanager
    def drawing(self) -> Iterator[None]:
        """Around the pane's render_lines: lines counted within update the scrollbar later."""
        self._drawing = True
        try:
            yield
        finally:
            self._drawing = False

    def watch_virtual_size(self, size: Size) -> None:
        if self._drawing:
            self.call_later(self._update_scrollbars)  # type: ignore[attr-defined]
        else:
            self._update_scrollbars()

    def _update_scrollbars(self) -> None:
        self._scroll_update(self.virtual_size)  # type: ignore[attr-defined]

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        # Widget's, with a LeanScrollBar.
        if self._vertical_scrollbar is not None:  # type: ignore[attr-defined]
            return self._vertical_scrollbar  # type: ignore[attr-defined,no-any-return]
        self._vertical_scrollbar = bar = LeanScrollBar(
            vertical=True,
            name="vertical",
            thickness=self.scrollbar_size_vertical,  # type: ignore[attr-defined]
        )
        bar.display = False
        self.app._start_widget(self, bar)  # type: ignore[attr-defined]
        return bar

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(  # type: ignore[misc,no-any-return]
            size, self.virtual_size, container_size, layout
        )


class LeanScrollBar(ScrollBar):
    """A vertical ScrollBar that draws its strips itself, and keeps them while it is the same.

    Textual draws a scrollbar as any widget: a Rich renderable, rendered by a console, cut into
    lines, each passed through the styles of a widget that has none (no border, padding, tint
    or opacity). For a pane's 28-36 rows that took 0.7-1.5 ms at each scroll of the tree, and
    once more at each repaint of the rows around it. The same bar (`render_bar`'s segments,
    the same filters) is built here in a twentieth of that; a scrollbar that has been given
    styles falls back to Textual's way.
    """

    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1):
        super().__init__(vertical, name, thickness=thickness)
        self._drawn: tuple[Hashable, list[Strip]] | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        if not self._plain():
            return super().render_lines(crop)
        bar = self.render()
        assert isinstance(bar, ScrollBarRender)
        filters = tuple(self.get_line_filters())
        background = self.background_colors[1]
        base = self.visual_style.rich_style
        key = (
            type(bar),
            self.size,
            bar.virtual_size,
            bar.window_size,
            bar.position,
            bar.style,
            base,
            filters,
            background,
        )
        if self._drawn is None or self._drawn[0] != key:
            self._drawn = (key, self._draw(bar, base, filters, background))
        strips = self._drawn[1][crop.y : crop.bottom]
        if crop.column_span != (0, self.size.width):
            strips = [strip.crop(crop.x, crop.right) for strip in strips]
        return strips

    def _plain(self) -> bool:
        """Whether the bar has no styles of its own to draw: Textual's, but for the theme's."""
        styles = self.styles
        return (
            self.vertical
            and not styles.gutter
            and not any(edge for edge, _ in styles.outline)
            and not styles.tint.a
            and self.opacity == 1.0
            and styles.text_opacity == 1.0
            and not styles.has_rule("hatch")
        )

    def _draw(
        self,
        bar: ScrollBarRender,
        base: Style,
        filters: tuple[LineFilter, ...],
        background: TextualColor,
    ) -> list[Strip]:
        """As ScrollBarRender.__rich_console__, Widget.post_render (the widget's own style
        under the bar's) and the styles cache would draw it."""
        width, height = self.size
        style = bar.style
        assert not isinstance(style, str)
        segments = bar.render_bar(
            size=height,
            window_size=bar.window_size,
            virtual_size=bar.virtual_size,
            position=bar.position,
            vertical=True,
            thickness=width,
            back_color=style.bgcolor or Color.parse("#555555"),
            bar_color=style.color or Color.parse("bright_magenta"),
        )
        strips = []
        under = base.__add__
        for text, bar_style, _ in segments.segments:
            strip = Strip([Segment(text, under(bar_style))], width).adjust_cell_length(width)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        return strips
