"""The database layout: its schema version, the meta record that marks it keyplan's, migrations.

The file is TinyDB's: `{"accounts": {"1": {...}, ...}, "meta": {"1": {"app": "keyplan",
"schema": 1}}}`, one document per account in portfolio order (see store/codec.py), one account
per line (see store/layout.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeAlias

from plan.errors import PlanFileError

SCHEMA_VERSION = 1
APP = "keyplan"
META_TABLE = "meta"
ACCOUNTS_TABLE = "accounts"
# An account document's fields in the order they are written; the plan comes last, so a reader
# can take the account's own fields from the start of its line (see store/layout.py).
ACCOUNT_KEYS = (
    "id",
    "name",
    "owner",
    "segment",
    "archived",
    "reviewed",
    "review_notes",
    "notes",
    "created",
    "updated",
    "mission",
)
PLAN_KEY = ACCOUNT_KEYS[-1]

Tables: TypeAlias = dict[str, dict[str, Any]]
Migration: TypeAlias = Callable[[Tables], None]


def meta_record() -> dict[str, Any]:
    """The one record of the meta table, for the schema this keyplan writes."""
    return {"app": APP, "schema": SCHEMA_VERSION}


def _accounts_become_archivable(tables: Tables) -> None:
    """Schema 0 → 1: the pre-release layout had no archived flag on accounts."""
    for account in tables.get(ACCOUNTS_TABLE, {}).values():
        account.setdefault("archived", False)


# MIGRATIONS[n] changes a database of schema n, in place, into schema n + 1.
MIGRATIONS: list[Migration] = [_accounts_become_archivable]


def schema_version(tables: Any, name: Path) -> int:
    """The schema of a parsed database file; PlanFileError unless keyplan can read it."""
    not_ours = PlanFileError(f"{name}: not a keyplan database")
    if not isinstance(tables, dict) or not all(
        isinstance(table, dict) and all(isinstance(record, dict) for record in table.values())
        for table in tables.values()
    ):
        raise not_ours
    for table_name, table in tables.items():
        for key in table:
            if not (key.isascii() and key.isdigit()):  # TinyDB reads its keys as record numbers
                raise PlanFileError(
                    f'{name}: not a keyplan database (record "{key}" in "{table_name}" '
                    "is not a number)"
                )
    records = list(tables.get(META_TABLE, {}).values())
    if len(records) != 1 or records[0].get("app") != APP:
        raise not_ours
    version = records[0].get("schema")
    if type(version) is not int or version < 0:
        raise not_ours
    if version > SCHEMA_VERSION:
        raise PlanFileError(
            f"{name}: written by a newer keyplan (schema {version}; "
            f"this one reads schema {SCHEMA_VERSION} and older)"
        )
    return version


def migrate(tables: Tables, version: int) -> None:
    """Bring a database of an older schema up to SCHEMA_VERSION, in place."""
    for migration in MIGRATIONS[version:]:
        migration(tables)
    tables[META_TABLE] = {"1": meta_record()}


def backup_path(db_path: Path, version: int) -> Path:
    """Where the copy of a database is kept before it is migrated from `version`."""
    return db_path.with_name(f"{db_path.name}.v{version}.bak")
