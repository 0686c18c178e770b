"""The checklist pane: the rules grouped by gate, ✓/✗, and the next thing to fix first."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from plan.rules import TACTICS_AHEAD_MESSAGE, Checklist, Result
from widgets.keys import LIST_MOVES
from widgets.line_list import LineList

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


def checklist_lines(checklist: Checklist | None) -> list[tuple[str, Text]]:
    """(line id, text) for each line: the score, the headline, then each gate and its rules."""
    if checklist is None:
        return []
    summary = Text(f"Score {checklist.score}", style="bold")
    if checklist.next_fix is None:
        summary.append("  all rules pass", style="green")
    lines = [("score", summary)]
    if checklist.tactics_ahead:
        lines.append(("headline", Text(f"⚠ {TACTICS_AHEAD_MESSAGE}", style="bold yellow")))
    gate = ""
    for result in checklist.results:
        if result.gate != gate:
            gate = result.gate
            lines.append((f"gate-{gate}", Text(gate, style="bold underline")))
        is_next = result is checklist.next_fix
        lines.append((result.rule, rule_label(result, next_fix=is_next)))
    return lines


class ChecklistPane(LineList):
    """Shows an account's checklist; Enter on a rule asks to jump to the node it names."""

    BINDINGS = [
        *LIST_MOVES,
    ]

    class RuleChosen(Message):
        def __init__(self, result: Result) -> None:
            super().__init__()
            self.result = result

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._checklist: Checklist | None = None
        self._account_id: str | None = None
        self._results: dict[str, Result] = {}
        self._shown_lines: list[tuple[str, Text]] = []

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
        self._results = {} if checklist is None else {r.rule: r for r in checklist.results}
        lines = checklist_lines(checklist)
        if [line_id for line_id, _ in lines] == [line_id for line_id, _ in self._shown_lines]:
            # Same rules, same gates: replace only the lines that changed, no new layout.
            for (line_id, prompt), (_, old) in zip(lines, self._shown_lines, strict=True):
                if prompt != old:
                    self.replace_line(line_id, prompt)
        else:
            self.set_options(
                Option(prompt, id=line_id, disabled=line_id not in self._results)
                for line_id, prompt in lines
            )
        self._shown_lines = lines
        keep = highlighted if highlighted in self._results else None
        if checklist is not None and checklist.next_fix is not None and keep is None:
            keep = checklist.next_fix.rule
        if not same_account:
            # Another account's checklist starts at its score, not where the last one was
            # scrolled to, and with no cursor unless it has a fix to make.
            self.scroll_home(animate=False, immediate=True)
            if keep is None:
                self.highlighted = None
        if keep is not None:
            self.highlighted = self.get_option_index(keep)

    def action_first(self) -> None:
        # The first rule sits below the score and its gate's heading: show those too.
        super().action_first()
        self.scroll_home(animate=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        result = self._results.get(event.option.id or "")
        if result is not None:
            self.post_message(self.RuleChosen(result))
