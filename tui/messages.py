"""Messages used across the app (widget messages live in their widgets)."""

from __future__ import annotations

from textual.message import Message


class PlanSaved(Message):
    """The save worker wrote the database; `error` says why not, if it failed."""

    def __init__(self, accounts: frozenset[str], error: Exception | None = None) -> None:
        super().__init__()
        self.accounts = accounts
        self.error = error
