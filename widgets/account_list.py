"""The accounts pane: every account with its checklist score and a mark when tactics run ahead."""

from __future__ import annotations

from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from widgets.keys import LIST_MOVES
from widgets.line_list import LineList


class AccountRow(NamedTuple):
    """What the pane shows of one account."""

    id: str
    name: str
    passed: int | None  # None: not scored yet (just after start-up, for a moment)
    total: int
    tactics_ahead: bool
    archived: bool = False

    @property
    def score(self) -> str:
        return "…" if self.passed is None else f"{self.passed}/{self.total}"


def account_label(row: AccountRow) -> Text:
    """The account's line: score, a mark, name. The mark is ⊘ for an archived account (first:
    a narrow pane cuts the name) and ⚠ when tactics run ahead of strategy."""
    scored = "bold green" if row.passed == row.total else "bold"
    label = Text(f"{row.score:>5} ", style="dim" if row.passed is None else scored)
    if row.archived:
        label.append("⊘ ", style="bold")
    else:
        label.append("⚠ " if row.tactics_ahead else "  ", style="bold yellow")
    label.append(row.name, style="dim" if row.archived else "")
    if row.archived:
        label.append(" (archived)", style="dim")
    return label


class AccountList(LineList):
    """Lists accounts; moving the cursor shows an account, Enter opens its tree."""

    BINDINGS = [
        *LIST_MOVES,
        Binding("l", "select", "Open", show=False),
    ]

    # Messages with an __init__ of their own, not dataclasses: keyplan's twenty dataclasses
    # took 12 ms of its start-up to make (Python 3.11 compiles each method of each one).
    class AccountHighlighted(Message):
        def __init__(self, account_id: str) -> None:
            super().__init__()
            self.account_id = account_id

    class AccountOpened(Message):
        def __init__(self, account_id: str) -> None:
            super().__init__()
            self.account_id = account_id

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._rows: list[AccountRow] = []

    @property
    def current(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def _get_option_render(self, option: Option, style: Style) -> list[Strip]:
        strips = super()._get_option_render(option, style)
        if self._option_to_index.get(option) != self.highlighted:
            return strips
        # The cursor's row takes the cursor's colour throughout: a full score's green on the
        # cursor's blue was hard to read, and with NO_COLOR both turned the same grey.
        cursor = RichStyle(color=style.rich_style.color)
        return [
            Strip(
                [
                    Segment(text, (seg_style or RichStyle()) + cursor, ctl)
                    for text, seg_style, ctl in strip
                ],
                strip.cell_length,
            )
            for strip in strips
        ]

    def show(self, rows: list[AccountRow], current: str | None = None) -> None:
        """Show these rows, keeping the cursor on `current` (or where it was)."""
        keep = current or self.current
        if rows == self._rows and keep == self.current:
            return
        if [r.id for r in rows] == [r.id for r in self._rows]:
            for old, new in zip(self._rows, rows, strict=True):
                if old != new:
                    self.replace_line(new.id, account_label(new))
        else:
            self.set_options(Option(account_label(row), id=row.id) for row in rows)
        self._rows = list(rows)
        ids = [row.id for row in rows]
        if keep in ids:
            self.highlighted = ids.index(keep)
        elif rows:
            self.highlighted = 0

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.AccountHighlighted(event.option.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.AccountOpened(event.option.id))
