"""The plan repository: a Portfolio read from and saved to the database file, one writer at a time.

TinyDB runs on AtomicJSONStorage behind a caching middleware that reads the file once and
writes only when the repository flushes, so a save is one orjson dump and one atomic write
instead of TinyDB's full re-read and re-write on every table call.
"""

from __future__ import annotations

import gc
import os
import stat
import sys
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

import orjson
from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware

from plan.errors import PlanFileError, SaveError, StaleFileError
from plan.model import Portfolio
from store.codec import Document, from_doc, one_line, to_doc
from store.files import atomic_write_bytes, remove_orphan_temp_files
from store.lock import WriteLock, locked_error
from store.schema import (
    ACCOUNTS_TABLE,
    META_TABLE,
    SCHEMA_VERSION,
    Tables,
    backup_path,
    meta_record,
    migrate,
    schema_version,
)
from store.storage import AtomicJSONStorage


class _WriteOnFlush(CachingMiddleware):
    """Reads the file once; writes it on `flush()` only, never by count and never on close.

    Closing without writing matters: a repository that is read-only, or whose file changed on
    disk, must never write behind its owner's back.
    """

    WRITE_CACHE_SIZE = sys.maxsize

    def flush(self) -> None:
        self.storage.write(self.cache)

    def close(self) -> None:
        self.storage.close()


class Snapshot(NamedTuple):
    """A portfolio's account documents at one moment; nothing in it is shared with the model."""

    documents: tuple[Document, ...]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Build or parse many small objects without the cyclic GC rescanning them all the while.

    At 100,000 nodes this halves the time of parsing and of converting documents.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Repository:
    """The portfolio in one database file.

    `snapshot`, `load` and `reload` belong to the thread that owns the model; `write` may run
    on any thread, and writes are serialised here because TinyDB is not thread-safe.
    """

    def __init__(self, path: Path, *, write: bool = True) -> None:
        self.path = Path(path)
        self._lock = WriteLock(self.path)
        self._mutex = threading.Lock()
        self._documents: dict[str, Document] = {}
        self.locked_by_other = False
        if write:
            try:
                self.locked_by_other = not self._lock.acquire()
            except OSError as error:
                raise SaveError(
                    f"{self.path}: cannot take the write lock: {error.strerror}"
                ) from None
        self.read_only = not write or self.locked_by_other
        try:
            if not self.read_only:
                # Only the lock holder writes, so any temp file of ours is a killed writer's.
                remove_orphan_temp_files(self.path)
            self._db, self._file = self._open()
        except BaseException:
            self._lock.release()
            raise

    @classmethod
    def for_writing(cls, path: Path) -> Repository:
        """A repository that can write; LockedError if another keyplan holds the database."""
        repository = cls(path)
        if repository.locked_by_other:
            repository.close()
            raise locked_error(repository.path)
        return repository

    def load(self) -> Portfolio:
        """The portfolio as last read (or written), accounts in stored order."""
        with self._mutex:
            return self._load()

    def reload(self) -> Portfolio:
        """Read the file again, accepting whatever is on disk now as the base of later writes.

        Later snapshots reuse the documents of this read: to write any portfolio but the one
        returned here (say, "keep mine"), snapshot it with `changed=None`.
        """
        with self._mutex:
            db, file = self._open()
            self._db.close()
            self._db, self._file = db, file
            return self._load()

    def snapshot(self, portfolio: Portfolio, changed: Collection[str] | None = None) -> Snapshot:
        """The documents to write: the accounts in `changed` (all if None) are converted anew.

        Every other account reuses its document from the last snapshot or read, so a snapshot
        after one edit costs one account's conversion. Call it on the thread that edits.
        """
        cached = self._documents
        documents: dict[str, Document] = {}
        snapshot: list[Document] = []
        with _collector_paused():
            for account in portfolio.accounts:
                document = None
                if changed is not None and account.id not in changed:
                    document = cached.get(account.id)
                if document is None:
                    document = to_doc(account)
                documents[account.id] = document
                snapshot.append(document)
        self._documents = documents
        return Snapshot(tuple(snapshot))

    def write(self, snapshot: Snapshot) -> None:
        """Replace the file with the snapshot in one atomic write; any thread may call this."""
        with self._mutex:
            if self.locked_by_other:
                raise locked_error(self.path)
            if self.read_only:
                raise SaveError(f"{self.path}: opened read-only")
            if not self._lock.held:
                # A save worker still running when its owner closed the repository.
                raise SaveError(f"{self.path}: closed before this save")
            accounts = self._db.table(ACCOUNTS_TABLE)
            accounts.truncate()
            accounts.insert_multiple(snapshot.documents)
            self._flush(self._db, self._file)

    def save(self, portfolio: Portfolio, changed: Collection[str] | None = None) -> None:
        self.write(self.snapshot(portfolio, changed))

    def changed_on_disk(self) -> bool:
        """Whether another writer changed the file since this repository last read or wrote it."""
        return self._file.changed_on_disk()

    def close(self) -> None:
        with self._mutex:
            self._db.close()
            self._lock.release()

    def __enter__(self) -> Repository:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _open(self) -> tuple[TinyDB, AtomicJSONStorage]:
        """Read and check the file; a new database gets its meta record, an old one migrates."""
        db = TinyDB(self.path, storage=_WriteOnFlush(AtomicJSONStorage))
        file: AtomicJSONStorage = db.storage.storage
        try:
            with _collector_paused():
                tables = db.storage.read()
            if tables is None:
                if file.identity is not None:
                    raise PlanFileError(f"{self.path}: empty file, not a keyplan database")
                db.table(META_TABLE).insert(meta_record())
            else:
                version = schema_version(tables, self.path)
                if version < SCHEMA_VERSION:
                    self._migrate(db, file, tables, version)
        except BaseException:
            db.close()
            raise
        return db, file

    def _migrate(self, db: TinyDB, file: AtomicJSONStorage, tables: Tables, version: int) -> None:
        """Migrate in memory; when this repository may write, back the file up and save it."""
        if not self.read_only:
            backup = backup_path(self.path, version)
            try:
                mode = stat.S_IMODE(os.stat(self.path).st_mode)
                atomic_write_bytes(backup, self.path.read_bytes(), mode=mode)
            except OSError as error:
                raise SaveError(f"{backup}: cannot write the backup: {error.strerror}") from None
        migrate(tables, version)
        if not self.read_only:
            self._flush(db, file)

    def _flush(self, db: TinyDB, file: AtomicJSONStorage) -> None:
        """Write TinyDB's tables to the file, unless another writer changed it meanwhile."""
        try:
            if file.changed_on_disk():
                raise StaleFileError(f"{self.path} changed on disk since it was read")
            db.storage.flush()
        except OSError as error:
            raise SaveError(f"{self.path}: cannot save: {error.strerror or error}") from None
        except orjson.JSONEncodeError as error:
            raise SaveError(f"{self.path}: cannot save: {error}") from None

    def _load(self) -> Portfolio:
        accounts = []
        documents: dict[str, Document] = {}
        with _collector_paused():
            for record in self._db.table(ACCOUNTS_TABLE):
                document = dict(record)
                where = f"{self.path}: account {record.doc_id}"
                try:
                    account = from_doc(document, where)
                except (KeyError, TypeError, ValueError) as error:
                    raise PlanFileError(f"{where} is not valid ({one_line(error)})") from None
                if account.id in documents:
                    raise PlanFileError(
                        f"{self.path}: account {record.doc_id} repeats the id {account.id!r}"
                    )
                documents[account.id] = document
                accounts.append(account)
        self._documents = documents
        return Portfolio(accounts)
