"""The plans being edited: the portfolio, its undo history, cached checklists and unsaved accounts.

The app and the CLI edit through a `Workspace` so that every edit re-evaluates the checklist of
the one account it touched (not all of them) and marks that account for the next save.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from plan.config import ChecklistConfig
from plan.history import History
from plan.model import Account, Portfolio
from plan.rules import Checklist, evaluate

if TYPE_CHECKING:
    from plan.edits import Edit


class Workspace:
    def __init__(
        self, portfolio: Portfolio, today: date, config: ChecklistConfig | None = None
    ) -> None:
        self.portfolio = portfolio
        self.today = today
        self.config = config or ChecklistConfig()
        self.history = History(portfolio)
        self.dirty: set[str] = set()
        self._checklists: dict[str, Checklist] = {}

    def checklist(self, account: Account) -> Checklist:
        """The account's checklist, evaluated once per change to that account."""
        checklist = self._checklists.get(account.id)
        if checklist is None:
            checklist = self._checklists[account.id] = evaluate(account, self.today, self.config)
        return checklist

    def checked(self, account: Account) -> Checklist | None:
        """The account's checklist if it is evaluated already; None, without evaluating it."""
        return self._checklists.get(account.id)

    def do(self, edit: Edit) -> Edit:
        self.history.do(edit)
        self._touched(edit)
        return edit

    def undo(self) -> Edit | None:
        edit = self.history.undo()
        if edit is not None:
            self._touched(edit)
        return edit

    def redo(self) -> Edit | None:
        edit = self.history.redo()
        if edit is not None:
            self._touched(edit)
        return edit

    def take_dirty(self) -> set[str]:
        """The ids of the accounts changed since the last call (for saving)."""
        dirty, self.dirty = self.dirty, set()
        return dirty

    def put_back(self, account_ids: set[str] | frozenset[str]) -> None:
        """Mark accounts unsaved again: a save that took them failed, and will be retried."""
        self.dirty |= account_ids

    def replace(self, portfolio: Portfolio) -> None:
        """Start over on freshly loaded plans (after a reload): no history, nothing unsaved."""
        self.portfolio = portfolio
        self.history = History(portfolio)
        self.dirty.clear()
        self._checklists.clear()

    def _touched(self, edit: Edit) -> None:
        if edit.account_id:
            self.dirty.add(edit.account_id)
            self._checklists.pop(edit.account_id, None)
        else:
            # An edit of the whole list (an import): every account may have changed.
            self.dirty.update(a.id for a in self.portfolio.accounts)
            self._checklists.clear()
