"""The help screen: every key, grouped, as it is bound now."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.screens.base import HandsOnCallbacks

INTRO = (
    "keyplan: Key Account Development Plans in the M.O.S.T. form — Mission, Objectives, "
    "Strategies, Tactics. Strategy before tactics: the checklist names the first thing to fix."
)

MARKS = (
    "Accounts list: the checklist score, then ⚠ when tactics run ahead of strategy, "
    "⊘ for an archived account (A archives and restores)."
)


class HelpScreen(HandsOnCallbacks, ModalScreen[None]):
    """Lists the keys; Escape, q or ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close")]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
        table.add_column("group", style="bold", no_wrap=True)
        table.add_column("keys", style="bold cyan", no_wrap=True)
        table.add_column("what")
        last = ""
        for group, keys, what in self.rows:
            table.add_row(group if group != last else "", Text(keys), Text(what))
            last = group
        with VerticalScroll(classes="dialog help"):
            yield Static(Text(INTRO))
            yield Static(Text(MARKS))
            yield Static(table)
            yield Static(Text("Escape closes this help.", style="dim"))
