"""Atomic writes, the TinyDB storage, and accounts as documents."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage

import store.files
from plan.errors import PlanFileError
from plan.model import (
    APPROACHES,
    TACTIC_STATUSES,
    Account,
    Mission,
    Objective,
    ReviewNote,
    Strategy,
    Tactic,
)
from store import AtomicJSONStorage, atomic_write_bytes
from store.codec import from_doc, to_doc
from store.files import remove_orphan_temp_files
from tests.store_writer import sample_account


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def temp_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


# --- atomic_write_bytes


def test_atomic_write_creates_a_new_file_readable_by_its_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "plans.json"
    atomic_write_bytes(target, b"{}")
    assert target.read_bytes() == b"{}"
    assert mode_of(target) == 0o600
    assert temp_files(tmp_path) == []


def test_atomic_write_gives_a_new_file_the_mode_asked_for(tmp_path: Path) -> None:
    target = tmp_path / "export.md"
    atomic_write_bytes(target, b"# Plans\n", mode=0o644)
    assert mode_of(target) == 0o644


def test_atomic_write_keeps_the_mode_of_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "plans.json"
    target.write_bytes(b"old")
    target.chmod(0o640)
    atomic_write_bytes(target, b"new", mode=0o600)
    assert target.read_bytes() == b"new"
    assert mode_of(target) == 0o640
    assert temp_files(tmp_path) == []


def test_atomic_write_through_a_symlink_replaces_the_target(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_bytes(b"old")
    link = tmp_path / "plans.json"
    link.symlink_to(real)
    atomic_write_bytes(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


def test_atomic_write_returns_the_identity_of_the_file_it_wrote(tmp_path: Path) -> None:
    target = tmp_path / "plans.json"
    written = atomic_write_bytes(target, b"{}")
    now = target.stat()
    assert (written.st_ino, written.st_size, written.st_mtime_ns) == (
        now.st_ino,
        now.st_size,
        now.st_mtime_ns,
    )


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failed_atomic_write_keeps_the_old_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "plans.json"
    target.write_bytes(b"old")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.files.os, failing, fail)
    with pytest.raises(OSError, match="No space left"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert temp_files(tmp_path) == []


def test_atomic_write_into_a_missing_folder_fails_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write_bytes(tmp_path / "missing" / "plans.json", b"{}")
    assert list(tmp_path.iterdir()) == []


def test_orphan_cleanup_removes_only_this_databases_temp_files(tmp_path: Path) -> None:
    ours = [tmp_path / ".plans.json.k3j4h5.tmp", tmp_path / ".plans.json.v0.bak.x1.tmp"]
    others = [tmp_path / ".other.json.k3j4h5.tmp", tmp_path / "plans.json", tmp_path / "a.tmp"]
    for path in ours + others:
        path.write_bytes(b"")
    remove_orphan_temp_files(tmp_path / "plans.json")
    assert sorted(tmp_path.iterdir()) == sorted(others)


# --- AtomicJSONStorage


def test_storage_reads_a_missing_file_as_a_new_database(tmp_path: Path) -> None:
    storage = AtomicJSONStorage(tmp_path / "plans.json")
    assert storage.read() is None
    assert storage.identity is None
    assert not storage.changed_on_disk()
    assert not (tmp_path / "plans.json").exists()


def test_storage_reads_an_empty_file_as_a_new_database(tmp_path: Path) -> None:
    (tmp_path / "plans.json").write_bytes(b"")
    storage = AtomicJSONStorage(tmp_path / "plans.json")
    assert storage.read() is None
    assert storage.identity is not None


def test_storage_names_the_line_and_column_of_bad_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("plans.json").write_bytes(b'{\n"a":\n  1,,}')
    with pytest.raises(PlanFileError) as raised:
        AtomicJSONStorage("plans.json").read()
    assert raised.value.message == "plans.json: not valid JSON (line 3, column 5)"


def test_storage_reports_an_unreadable_path_as_a_plan_file_error(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match="cannot read: Is a directory"):
        AtomicJSONStorage(tmp_path).read()


def test_storage_writes_atomically_with_mode_0600_and_creates_folders(tmp_path: Path) -> None:
    path = tmp_path / "new" / "plans.json"
    AtomicJSONStorage(path).write({"meta": {"1": {"app": "keyplan"}}})
    assert orjson.loads(path.read_bytes()) == {"meta": {"1": {"app": "keyplan"}}}
    assert mode_of(path) == 0o600


def test_storage_notices_a_change_by_another_writer_but_not_its_own(tmp_path: Path) -> None:
    path = tmp_path / "plans.json"
    storage = AtomicJSONStorage(path)
    storage.write({"accounts": {}})
    assert not storage.changed_on_disk()
    storage.read()
    assert not storage.changed_on_disk()
    path.write_bytes(b'{"accounts": {"1": {}}}')
    assert storage.changed_on_disk()
    storage.read()
    assert not storage.changed_on_disk()
    path.unlink()
    assert storage.changed_on_disk()


# --- TinyDB on either storage


@pytest.fixture(params=["memory", "json"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TinyDB]:
    if request.param == "memory":
        database = TinyDB(storage=MemoryStorage)
    else:
        database = TinyDB(tmp_path / "plans.json", storage=AtomicJSONStorage)
    yield database
    database.close()


def test_tinydb_inserts_finds_updates_and_removes_documents(db: TinyDB) -> None:
    table = db.table("accounts")
    first = table.insert({"name": "Nordhavn", "archived": False})
    table.insert({"name": "Baltic Foods", "archived": True})
    account = Query()
    assert [doc["name"] for doc in table.search(account.archived == False)] == ["Nordhavn"]  # noqa: E712
    table.update({"archived": True}, doc_ids=[first])
    assert len(table.search(account.archived == True)) == 2  # noqa: E712
    table.remove(doc_ids=[first])
    assert [doc["name"] for doc in table.all()] == ["Baltic Foods"]


def test_account_survives_the_storage_exactly(db: TinyDB) -> None:
    accounts = [sample_account(number) for number in range(3)]
    db.table("accounts").insert_multiple(to_doc(account) for account in accounts)
    read = [from_doc(dict(doc)) for doc in db.table("accounts").all()]
    assert [asdict(account) for account in read] == [asdict(account) for account in accounts]


def test_json_database_reads_back_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "plans.json"
    account = sample_account(1)
    with TinyDB(path, storage=AtomicJSONStorage) as first:
        first.table("accounts").insert(to_doc(account))
    with TinyDB(path, storage=AtomicJSONStorage) as second:
        (doc,) = second.table("accounts").all()
    assert asdict(from_doc(dict(doc))) == asdict(account)


# --- documents


def test_document_holds_dates_as_iso_strings_and_every_field() -> None:
    account = sample_account(1)
    doc = to_doc(account)
    assert doc["reviewed"] == "2026-11-12"
    assert doc["review_notes"] == [{"on": "2026-08-20", "text": "Agreed the capex seat first."}]
    tactic = doc["mission"]["objectives"][0]["strategies"][0]["tactics"][0]
    assert tactic["due"] == "2027-03-01"
    assert set(tactic) == {"id", "title", "owner", "due", "status", "notes", "created", "updated"}
    assert doc["updated"] == "2026-11-24T13:36:48+00:00" != doc["created"]
    assert orjson.loads(orjson.dumps(doc)) == doc


def test_document_of_a_bare_account_round_trips() -> None:
    account = Account("Nordhavn")
    assert asdict(from_doc(to_doc(account))) == asdict(account)


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
days = st.none() | st.dates()
numbers = st.none() | st.floats(allow_nan=False, allow_infinity=False)
stamps = st.datetimes(timezones=st.just(UTC)).map(lambda moment: moment.isoformat())
identity = {
    "id": st.text("0123456789abcdef", min_size=16, max_size=16),
    "created": stamps,
    "updated": stamps,
}
tactics = st.builds(Tactic, texts, texts, days, st.sampled_from(TACTIC_STATUSES), texts, **identity)
strategies = st.builds(
    Strategy,
    texts,
    texts,
    st.none() | st.sampled_from(APPROACHES),
    texts,
    st.lists(tactics, max_size=3),
    **identity,
)
objectives = st.builds(
    Objective,
    texts,
    texts,
    numbers,
    texts,
    days,
    numbers,
    texts,
    st.lists(strategies, max_size=3),
    **identity,
)
missions = st.builds(
    Mission,
    texts,
    st.none() | st.integers(1, 100),
    texts,
    st.lists(objectives, max_size=3),
    **identity,
)
accounts = st.builds(
    Account,
    texts,
    texts,
    texts,
    st.booleans(),
    days,
    st.lists(st.builds(ReviewNote, st.dates(), texts), max_size=2),
    texts,
    missions,
    **identity,
)


@given(accounts)
def test_any_account_survives_json_exactly(account: Account) -> None:
    read = from_doc(orjson.loads(orjson.dumps(to_doc(account))))
    assert asdict(read) == asdict(account)
