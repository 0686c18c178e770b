"""What keyplan's screens share: callbacks waiting for a repaint follow the screen shown."""

from __future__ import annotations

from textual.screen import Screen


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
