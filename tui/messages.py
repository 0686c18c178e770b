"""Messages used across the app (widget messages live in their widgets)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class PlanSaved(Message):
    """The save worker wrote the database; `error` says why not, if it failed."""

    accounts: frozenset[str]
    error: Exception | None = None
