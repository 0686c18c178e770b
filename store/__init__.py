"""Persistence: the TinyDB storage, the plan repository, the schema and its migrations, the lock."""

from store.files import atomic_write_bytes
from store.lock import WriteLock
from store.repository import Repository, Snapshot
from store.schema import SCHEMA_VERSION
from store.storage import AtomicJSONStorage

__all__ = [
    "SCHEMA_VERSION",
    "AtomicJSONStorage",
    "Repository",
    "Snapshot",
    "WriteLock",
    "atomic_write_bytes",
]
