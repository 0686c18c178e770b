"""What keyplan's scrolling panes (the tree, the lists) share: a virtual size of their own."""

from __future__ import annotations

from textual.geometry import Size


class SizedByLines:
    """For a ScrollView whose virtual size is set by its lines, never by a layout.

    At each layout of the screen Textual hands every ScrollView the size of its visible area as
    its virtual size; that is never the size of its lines, so Textual took the difference for a
    change and repainted the pane's scrollbar, at every layout: twice just after the first frame
    and with each notification (the toasts are laid out), 1.5-2.5 ms for the three panes. The
    scrollbars are still updated when the pane's size changes, and when its lines do (the pane
    sets its virtual size itself then).
    """

    virtual_size: Size

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(  # type: ignore[misc]
            size, self.virtual_size, container_size, layout
        )
