"""Helpers the tests share: write plans into a real database file and read them back."""

from __future__ import annotations

from pathlib import Path

from plan.model import Account, Portfolio
from store.repository import Repository


def write_db(path: Path, accounts: list[Account]) -> Path:
    """A database file holding these accounts, as keyplan would have saved them."""
    with Repository(path) as repository:
        repository.save(Portfolio(accounts))
    return path


def load_db(path: Path) -> Portfolio:
    """What the database file holds now."""
    with Repository(path, write=False) as repository:
        return repository.load()
