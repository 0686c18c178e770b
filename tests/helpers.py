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


def break_plan(path: Path, number: int) -> bytes:
    """Damage the plan of the `number`th account in the file (as a bad hand edit would);
    the file's new content."""
    import orjson

    tables = orjson.loads(path.read_bytes())
    del tables["accounts"][str(number)]["mission"]["text"]
    path.write_bytes(content := orjson.dumps(tables))
    return content


def load_db(path: Path) -> Portfolio:
    """What the database file holds now."""
    with Repository(path, write=False) as repository:
        return repository.load()
