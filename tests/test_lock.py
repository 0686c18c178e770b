"""The write lock: one writer per database, and a killed writer's lock is freed by the OS."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from plan.errors import LockedError
from store import WriteLock
from tests.store_writer import running


def test_lock_file_sits_beside_the_database(tmp_path: Path) -> None:
    lock = WriteLock(tmp_path / "plans.json")
    assert lock.path == tmp_path / "plans.json.lock"


def test_second_lock_on_the_same_database_is_refused(tmp_path: Path) -> None:
    first, second = WriteLock(tmp_path / "plans.json"), WriteLock(tmp_path / "plans.json")
    assert first.acquire()
    assert not second.acquire()
    assert first.held and not second.held
    first.release()
    assert second.acquire()
    second.release()


def test_acquire_twice_by_the_holder_keeps_the_lock(tmp_path: Path) -> None:
    lock = WriteLock(tmp_path / "plans.json")
    assert lock.acquire()
    assert lock.acquire()
    lock.release()
    lock.release()
    assert not lock.held


def test_lock_creates_the_database_folder(tmp_path: Path) -> None:
    with WriteLock(tmp_path / "new" / "folder" / "plans.json") as lock:
        assert lock.held
        assert lock.path.exists()


def test_context_manager_raises_locked_error_when_held(tmp_path: Path) -> None:
    db = tmp_path / "plans.json"
    with WriteLock(db), pytest.raises(LockedError, match="is open in another keyplan"):
        WriteLock(db).__enter__()


def test_context_manager_releases_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "plans.json"
    with WriteLock(db):
        pass
    assert WriteLock(db).acquire()


def test_lock_held_by_another_process_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "plans.json"
    with running("hold", db) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        assert not WriteLock(db).acquire()


def test_lock_of_a_killed_process_is_freed_by_the_os(tmp_path: Path) -> None:
    db = tmp_path / "plans.json"
    with running("hold", db) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        holder.send_signal(signal.SIGKILL)
        assert holder.wait() == -signal.SIGKILL
        lock = WriteLock(db)
        assert lock.acquire()
        lock.release()
