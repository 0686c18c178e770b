"""A one-line prompt under the plan: Enter answers it, Escape cancels it, Tab stays in it.

(Not the modal `tui.screens.dialogs.Prompt`, a screen that asks a question.)"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class PromptInput(Input):
    """An Input that Tab does not leave: the prompt has no other field to go to, and the letters
    typed after a Tab would otherwise run as commands on the pane it went to."""

    BINDINGS = [Binding("tab,shift+tab", "stay", show=False)]

    def action_stay(self) -> None:
        """Tab in a prompt: nothing to move to."""
