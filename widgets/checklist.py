"""The checklist pane: the rules grouped by gate, ✓/✗, and the next thing to fix first."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from plan.rules import TACTICS_AHEAD_MESSAGE, Checklist, Result

MARKS = {"pass": ("✓", "green"), "fail": ("✗", "bold red"), "warn": ("!", "bold yellow")}


def rule_label(result: Result, *, next_fix: bool) -> Text:
    mark, style = MARKS[result.status]
    label = Text()
    label.append(f"{mark} ", style=style)
    label.append(result.rule, style="bold")
    label.append(" ")
    label.append(result.message, style="" if result.status != "pass" else "dim")
    if next_fix:
        label.append("  ← next fix", style="bold reverse")
    return label


class ChecklistPane(OptionList):
    """Shows an account's checklist; Enter on a rule asks to jump to the node it names."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]

    @dataclass
    class RuleChosen(Message):
        result: Result

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._checklist: Checklist | None = None
        self._account_id: str | None = None
        self._results: dict[str, Result] = {}

    def show(self, checklist: Checklist | None, account_id: str | None = None) -> None:
        """Show an account's checklist; the cursor stays on its rule while the account is the
        same, and starts on the next fix for another account."""
        if checklist == self._checklist and account_id == self._account_id:
            return
        same_account = account_id == self._account_id
        highlighted = (
            self.highlighted_option.id if self.highlighted_option and same_account else None
        )
        self._checklist = checklist
        self._account_id = account_id
        self._results = {}
        options: list[Option | None] = []
        if checklist is not None:
            summary = Text(f"Score {checklist.score}", style="bold")
            if checklist.next_fix is None:
                summary.append("  all rules pass", style="green")
            options.append(Option(summary, id="score", disabled=True))
            if checklist.tactics_ahead:
                warning = Text(f"⚠ {TACTICS_AHEAD_MESSAGE}", style="bold yellow")
                options.append(Option(warning, id="headline", disabled=True))
            gate = ""
            for result in checklist.results:
                if result.gate != gate:
                    gate = result.gate
                    options.append(Option(Text(gate, style="bold underline"), disabled=True))
                self._results[result.rule] = result
                is_next = checklist.next_fix is not None and result is checklist.next_fix
                options.append(Option(rule_label(result, next_fix=is_next), id=result.rule))
        self.set_options(options)
        keep = highlighted if highlighted in self._results else None
        if checklist is not None and checklist.next_fix is not None and keep is None:
            keep = checklist.next_fix.rule
        if keep is not None:
            self.highlighted = self.get_option_index(keep)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        result = self._results.get(event.option.id or "")
        if result is not None:
            self.post_message(self.RuleChosen(result))
