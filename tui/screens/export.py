"""The export dialog: where to write the Markdown, and whether for one account or all."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label

from tui.screens.base import HandsOnCallbacks


@dataclass(frozen=True, slots=True)
class ExportRequest:
    path: Path
    everything: bool


class ExportDialog(HandsOnCallbacks, ModalScreen[ExportRequest | None]):
    """Asks for the file; Enter exports, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, default_path: str, account_name: str | None) -> None:
        super().__init__()
        self.default_path = default_path
        self.account_name = account_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            what = f'the plan of "{self.account_name}"' if self.account_name else "every plan"
            yield Label(Text(f"Export {what} as Markdown to:"))
            yield Input(self.default_path, id="export-path")
            yield Checkbox(
                "every active account instead", value=self.account_name is None, id="everything"
            )
            yield Label(Text("Enter to export, Tab to the checkbox, Escape to cancel", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if not value:
            return
        everything = self.query_one("#everything", Checkbox).value
        self.dismiss(ExportRequest(Path(value).expanduser(), everything))

    def action_cancel(self) -> None:
        self.dismiss(None)
