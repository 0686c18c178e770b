"""AtomicJSONStorage: a TinyDB storage that reads with orjson and replaces the file atomically.

The bytes are laid out one account per line, and plans are parsed when first used: see
store/layout.py.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, TypeAlias

import orjson
from tinydb.storages import Storage

from plan.errors import PlanFileError
from store.files import atomic_write_bytes
from store.layout import decode, encode

# (st_mtime_ns, st_size, st_ino): enough to notice another writer, whether it replaced the file
# (new inode) or rewrote it in place (new mtime or size).
FileIdentity: TypeAlias = tuple[int, int, int]


def file_identity(status: os.stat_result) -> FileIdentity:
    return (status.st_mtime_ns, status.st_size, status.st_ino)


class AtomicJSONStorage(Storage):
    """The whole database as one JSON file; remembers the identity of the file it last saw."""

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.identity: FileIdentity | None = None

    def read(self) -> dict[str, dict[str, Any]] | None:
        """The parsed file, or None when it is missing or empty (TinyDB's "new database")."""
        try:
            with open(self.path, "rb") as file:
                data = file.read()
                status = os.fstat(file.fileno())
        except FileNotFoundError:
            self.identity = None
            return None
        except OSError as error:
            raise PlanFileError(f"{self.path}: cannot read: {error.strerror}") from None
        self.identity = file_identity(status)
        if not data:
            return None
        try:
            return decode(data)
        except orjson.JSONDecodeError as error:
            raise PlanFileError(
                f"{self.path}: not valid JSON (line {error.lineno}, column {error.colno})"
            ) from None

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Replace the file with `data`; OSError and orjson.JSONEncodeError pass to the caller."""
        encoded = encode(data)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.identity = file_identity(atomic_write_bytes(self.path, encoded))

    def changed_on_disk(self) -> bool:
        """Whether the file is no longer the one this storage last read or wrote."""
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            return self.identity is not None
        return file_identity(status) != self.identity
