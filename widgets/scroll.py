"""What keyplan's scrolling panes (the tree, the lists) share: a virtual size of their own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from textual.geometry import Size


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

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(  # type: ignore[misc,no-any-return]
            size, self.virtual_size, container_size, layout
        )
