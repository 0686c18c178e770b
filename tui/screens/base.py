"""What keyplan's screens share: callbacks waiting for a repaint follow the screen shown, and
the two screens of panes draw only the rows that change and wait while the window is too small."""

from __future__ import annotations

from textual.screen import Screen

from widgets.compositor import use_banded_compositor


class HandsOnCallbacks:
    """A screen that, as another covers it, hands the callbacks waiting for its next repaint
    (`call_after_refresh`) to the screen now shown.

    Textual runs such a callback after the screen that was current when it was asked for has
    repainted, and a screen covered before that repaint is not repainted until it is shown
    again. The type-ahead asks for one after each key; after `R` opened review mode, the keys
    typed next waited for its 0.5 s limit whenever the editor had a repaint pending.
    """

    def on_screen_suspend(self) -> None:
        covered: Screen[object] = self  # type: ignore[assignment]
        shown = covered.app.screen
        if shown is covered or not covered._callbacks:
            return
        waiting = list(covered._callbacks)
        covered._callbacks.clear()
        for callback, sender in waiting:
            shown._invoke_later(callback, sender)


class PanesScreen(HandsOnCallbacks, Screen[None]):
    """The editor and review mode: screens of panes, repainted row by row (see
    widgets/compositor.py), whose keys wait while the window is below the minimum size."""

    def __init__(self) -> None:
        super().__init__()
        use_banded_compositor(self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Below the minimum size the panes are hidden: keys must not act on what cannot be
        # seen. (q still quits: it is the app's action.)
        return not self.app.has_class("-too-small")
