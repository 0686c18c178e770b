"""Atomic file writes: a reader sees the old file or the new one, never a mix of the two."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

NEW_FILE_MODE = 0o600


def temp_file_glob(path: Path) -> str:
    """The glob that matches the temp files `atomic_write_bytes` makes for `path`."""
    return f".{path.name}.*.tmp"


def atomic_write_bytes(path: Path, data: bytes, *, mode: int | None = None) -> os.stat_result:
    """Replace the file at `path` with `data`, durably; return the new file's stat.

    A new file gets `mode` (0600 when not given, applied as is, without the umask); an existing
    file keeps its mode. A symlink is followed, so the link stays a link. On any error the old
    file is untouched and the temp file is gone.
    """
    target = Path(os.path.realpath(path))
    try:
        new_mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        new_mode = NEW_FILE_MODE if mode is None else mode
    import tempfile  # writes only: reading commands do not pay for importing it

    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    replaced = False
    try:
        with open(fd, "wb") as temp:
            os.fchmod(fd, new_mode)
            temp.write(data)
            temp.flush()
            os.fsync(fd)
            # A rename keeps inode, size and mtime, so this is the identity of the file put
            # in place, taken before another process could replace it again.
            written = os.fstat(fd)
        os.replace(temp_name, target)
        replaced = True
    finally:
        if not replaced:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)
    _fsync_folder(target.parent)
    return written


def remove_orphan_temp_files(path: Path) -> None:
    """Delete temp files a killed writer of `path` left behind; call only while holding its lock."""
    target = Path(os.path.realpath(path))
    for orphan in target.parent.glob(temp_file_glob(target)):
        with contextlib.suppress(FileNotFoundError):
            orphan.unlink()


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    except OSError as error:
        # Some network and FUSE file systems cannot fsync a folder; the file itself is synced.
        if error.errno != errno.EINVAL:
            raise
    finally:
        os.close(fd)
