"""One writer per database: an OS lock on the database's sibling `.lock` file.

The lock is `flock`'s, so the OS drops it when its holder exits or is killed; there is no stale
lock to clean up. The `.lock` file itself stays: deleting it while another process waits on it
would let a third process lock a fresh file beside a holder of the old one.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from plan.errors import LockedError


def locked_error(db_path: Path) -> LockedError:
    """The error for a write to a database another keyplan holds."""
    return LockedError(
        f"{db_path} is open in another keyplan, the only one that may write it: quit that one first"
    )


class WriteLock:
    """The right to write the database at `db_path`, held until released or the process ends."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self.path = self.db_path.with_name(self.db_path.name + ".lock")
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock without waiting; False if another process (or open) holds it.

        Creates the database's folder if needed. Any other OSError passes to the caller.
        """
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def __enter__(self) -> WriteLock:
        if not self.acquire():
            raise locked_error(self.db_path)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
