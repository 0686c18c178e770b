"""The start-up floor: a bare Textual app with the same kinds of widgets as keyplan and no data.

keyplan's start-up is reported as a ratio to this app's, measured in the same run, so the cost
of Python, Textual and the terminal cancels out and what remains is keyplan's own.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Footer, Header, OptionList, Static, Tree


class FloorApp(App[None]):
    """Header, three panes (a list, a tree, a list), a status line and the footer; empty."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield OptionList()
            yield Tree("")
            yield OptionList()
        yield Static()
        yield Footer()
