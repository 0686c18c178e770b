"""A Footer that is built again only when the keys it shows change.

Textual's Footer removes and mounts all its key widgets at every change of the screen's
bindings: each focus change makes two (the pane left, the pane reached), so a Tab between panes
rebuilt the footer twice and drew two more frames, 11-13 ms of work each, though the footer
showed the same keys. `KeyFooter` keeps what it shows while the keys, their labels and whether
each is enabled stay the same.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """Footer, rebuilt only when what it would show changes."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._shown: Hashable = None  # the keys as last built
        self._asked = False  # a rebuild is asked for after the next refresh

    def compose(self) -> ComposeResult:
        self._shown = self._keys() if self._bindings_ready else None
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # Made compact as FooterKey's default says, then bound to the footer's (not
                # compact), each key had its styles worked out three times as it was mounted:
                # 16 needless passes, 5 ms of the first screen. It starts as it will stay.
                # The command palette's key is not bound: Textual leaves it compact. (Not read
                # off the key: reading a reactive before mounting runs its watcher.)
                compact = True if widget.has_class("-command-palette") else self.compact
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Footer's, but each change no longer asks for its own rebuild.
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._asked:
            self._asked = True
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        self._asked = False
        if self.is_attached and self._keys() != self._shown:
            await self.recompose()

    def _keys(self) -> Hashable:
        """What compose shows: each key, its label and description, and whether it works."""
        display = self.app.get_key_display
        shown = tuple(
            (binding.key, display(binding), binding.description, binding.action, enabled, tooltip)
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )
        palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        return (shown, self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE, palette)
