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

EVERYTHING_FILE = "keyplan-export.md"


@dataclass(frozen=True, slots=True)
class ExportRequest:
    path: Path
    everything: bool


class MarkedCheckbox(Checkbox, inherit_bindings=False):
    """A checkbox that shows its X only when checked (Textual's always shows it, checked or
    not told apart by colour alone, the same grey with NO_COLOR), and that Space toggles,
    leaving Enter to the dialog."""

    BINDINGS = [Binding("space", "toggle_button", "Toggle", show=False)]

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # named as Textual reads it
        return "X" if self.value else " "


class ExportDialog(HandsOnCallbacks, ModalScreen[ExportRequest | None]):
    """Asks for the file; Enter exports, Escape cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
        Binding("enter", "export", "Export", show=False),
    ]

    def __init__(self, default_path: str, account_name: str | None) -> None:
        super().__init__()
        self.default_path = default_path
        self.account_name = account_name
        # The file for every account, in the same folder: offered when the box is checked.
        self.everything_path = str(Path(default_path).with_name(EVERYTHING_FILE))

    def compose(self) -> ComposeResult:
        everything = self.account_name is None
        with Vertical(classes="dialog"):
            yield Label(self._question(everything), id="export-question", classes="question")
            yield Input(self.everything_path if everything else self.default_path, id="export-path")
            yield MarkedCheckbox("every active account instead", value=everything, id="everything")
            hint = "Enter to export, Tab to the checkbox, Space to check it, Escape to cancel"
            yield Label(Text(hint, style="dim"))

    def _question(self, everything: bool) -> Text:
        what = "every active plan" if everything else f'the plan of "{self.account_name}"'
        return Text(f"Export {what} as Markdown to:")

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        # The question and the file name follow the box; a path the user typed stays.
        event.stop()
        everything = event.value or self.account_name is None
        self.query_one("#export-question", Label).update(self._question(everything))
        path = self.query_one("#export-path", Input)
        if path.value in (self.default_path, self.everything_path):
            path.value = self.everything_path if everything else self.default_path

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    def action_export(self) -> None:
        value = self.query_one("#export-path", Input).value.strip()
        if not value:
            return
        everything = self.query_one("#everything", Checkbox).value
        self.dismiss(ExportRequest(Path(value).expanduser(), everything))

    def action_cancel(self) -> None:
        self.dismiss(None)
