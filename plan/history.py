"""The undo history: edits applied to a portfolio, kept for undo and redo.

Apart from plan/edits.py, whose ten edit classes the app imports on the first edit, not before
its first screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plan.edits import Edit
    from plan.model import Portfolio


class History:
    """Applies edits to a portfolio and keeps them for undo and redo."""

    def __init__(self, portfolio: Portfolio, limit: int = 1000) -> None:
        self.portfolio = portfolio
        self.limit = limit
        self._done: list[Edit] = []
        self._undone: list[Edit] = []

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    def do(self, edit: Edit) -> Edit:
        edit.apply(self.portfolio)
        self._done.append(edit)
        del self._done[: -self.limit]
        self._undone.clear()
        return edit

    def undo(self) -> Edit | None:
        if not self._done:
            return None
        edit = self._done.pop()
        edit.undo(self.portfolio)
        self._undone.append(edit)
        return edit

    def redo(self) -> Edit | None:
        if not self._undone:
            return None
        edit = self._undone.pop()
        edit.apply(self.portfolio)
        self._done.append(edit)
        return edit

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
