"""The plan repository: saving, bad files, migration, stale files, the lock, threads, kill -9."""

from __future__ import annotations

import random
import select
import signal
import stat
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import date
from pathlib import Path

import orjson
import pytest

import store.files
import store.storage
from plan.errors import LockedError, PlanFileError, SaveError, StaleFileError
from plan.model import Portfolio, Tactic
from store import SCHEMA_VERSION, Repository
from store.codec import to_doc
from store.schema import MIGRATIONS
from tests.store_writer import running, sample_account


def portfolio_of(count: int) -> Portfolio:
    return Portfolio([sample_account(number) for number in range(count)])


def plain(portfolio: Portfolio) -> list[dict]:
    """Every field of every account, ids and timestamps included."""
    return [asdict(account) for account in portfolio.accounts]


def database_bytes(*accounts: dict, schema: int = SCHEMA_VERSION) -> bytes:
    tables = {
        "meta": {"1": {"app": "keyplan", "schema": schema}},
        "accounts": {str(number): doc for number, doc in enumerate(accounts, 1)},
    }
    return orjson.dumps(tables)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "plans.json"


# --- load and save


def test_new_database_is_empty_and_created_on_first_save(tmp_path: Path) -> None:
    db = tmp_path / "new" / "folder" / "plans.json"
    with Repository(db) as repository:
        assert repository.load().accounts == []
        assert not db.exists()
        repository.save(portfolio_of(1))
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    meta = orjson.loads(db.read_bytes())["meta"]
    assert meta == {"1": {"app": "keyplan", "schema": SCHEMA_VERSION}}


def test_read_only_open_of_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    with Repository(tmp_path / "new" / "plans.json", write=False) as repository:
        assert repository.read_only and not repository.locked_by_other
        assert repository.load().accounts == []
    assert list(tmp_path.iterdir()) == []


def test_saved_portfolio_loads_back_exactly_in_order(db: Path) -> None:
    portfolio = portfolio_of(5)
    portfolio.accounts.reverse()
    with Repository(db) as repository:
        repository.save(portfolio)
    with Repository(db, write=False) as repository:
        assert plain(repository.load()) == plain(portfolio)


def test_save_of_an_empty_portfolio_keeps_a_valid_database(db: Path) -> None:
    with Repository(db) as repository:
        repository.save(portfolio_of(2))
        repository.save(Portfolio())
    with Repository(db) as repository:
        assert repository.load().accounts == []


def test_each_write_is_exactly_one_file_write(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[Path] = []

    def counting_write(path: Path, data: bytes, **options: int):
        writes.append(path)
        return store.files.atomic_write_bytes(path, data, **options)

    monkeypatch.setattr(store.storage, "atomic_write_bytes", counting_write)
    portfolio = portfolio_of(3)
    with Repository(db) as repository:
        assert writes == []
        repository.save(portfolio)
        repository.save(portfolio, changed={portfolio.accounts[0].id})
        repository.load()
    assert writes == [db, db]


def test_snapshot_converts_only_the_changed_accounts(db: Path) -> None:
    portfolio = portfolio_of(3)
    with Repository(db) as repository:
        first = repository.snapshot(portfolio)
        edited = portfolio.accounts[1]
        edited.name = "Renamed"
        second = repository.snapshot(portfolio, changed={edited.id})
        assert second.documents[0] is first.documents[0]
        assert second.documents[2] is first.documents[2]
        assert second.documents[1]["name"] == "Renamed"


def test_snapshot_converts_new_accounts_and_drops_removed_ones(db: Path) -> None:
    portfolio = portfolio_of(2)
    with Repository(db) as repository:
        repository.save(portfolio)
        removed = portfolio.accounts.pop(0)
        portfolio.accounts.append(sample_account(7))
        repository.save(portfolio, changed=())
        names = [account.name for account in repository.reload().accounts]
    assert names == ["Account 1", "Account 7"]
    assert removed.name not in names


def test_unchanged_accounts_reuse_the_documents_read_from_the_file(db: Path) -> None:
    with Repository(db) as repository:
        repository.save(portfolio_of(2))
    with Repository(db) as repository:
        portfolio = repository.load()
        portfolio.accounts[0].notes = "edited"
        repository.save(portfolio, changed={portfolio.accounts[0].id})
        assert plain(repository.reload()) == plain(portfolio)


def test_snapshot_is_not_affected_by_later_edits(db: Path) -> None:
    portfolio = portfolio_of(2)
    before = plain(portfolio)
    with Repository(db) as repository:
        snapshot = repository.snapshot(portfolio)
        portfolio.accounts[0].mission.objectives[0].strategies[0].tactics.append(Tactic("Late"))
        portfolio.accounts[1].name = "Edited after the snapshot"
        del portfolio.accounts[0].review_notes[:]
        repository.write(snapshot)
        assert plain(repository.reload()) == before


# --- files that are not keyplan databases


BAD_FILES = {
    "not JSON": (b'{"meta": {"1": ', "not valid JSON (line 1, column 16)"),
    "empty bytes": (b"", "empty file, not a keyplan database"),
    "a JSON list": (b"[1, 2]", "not a keyplan database"),
    "no meta": (b'{"accounts": {}}', "not a keyplan database"),
    "another app's meta": (
        b'{"meta": {"1": {"app": "other", "schema": 1}}}',
        "not a keyplan database",
    ),
    "two meta records": (
        b'{"meta": {"1": {"app": "keyplan", "schema": 1}, "2": {"app": "keyplan"}}}',
        "not a keyplan database",
    ),
    "schema as text": (
        b'{"meta": {"1": {"app": "keyplan", "schema": "1"}}}',
        "not a keyplan database",
    ),
    "a table that is a list": (
        b'{"meta": {"1": {"app": "keyplan", "schema": 1}}, "accounts": []}',
        "not a keyplan database",
    ),
    "a record key that is not a number": (
        b'{"meta": {"1": {"app": "keyplan", "schema": 1}}, "accounts": {"abc": {}}}',
        'not a keyplan database (record "abc" in "accounts" is not a number)',
    ),
    "a newer schema": (
        b'{"meta": {"1": {"app": "keyplan", "schema": 99}}}',
        f"written by a newer keyplan (schema 99; this one reads schema {SCHEMA_VERSION} and older)",
    ),
}


@pytest.mark.parametrize("write", [True, False], ids=["writable", "read-only"])
@pytest.mark.parametrize("content, problem", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_is_refused_and_left_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, problem: str, write: bool
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("plans.json").write_bytes(content)
    with pytest.raises(PlanFileError) as raised:
        Repository(Path("plans.json"), write=write)
    assert raised.value.message == f"plans.json: {problem}"
    assert Path("plans.json").read_bytes() == content


def test_refused_writable_open_releases_the_lock(db: Path) -> None:
    db.write_bytes(b"[]")
    with pytest.raises(PlanFileError):
        Repository(db)
    db.write_bytes(database_bytes())
    with Repository(db) as repository:
        assert not repository.read_only


@pytest.mark.parametrize(
    "damage, problem",
    [
        (lambda doc: doc.pop("name"), "account 1 is not valid (missing 'name')"),
        (
            lambda doc: doc.update(reviewed="13/11/2026"),
            "account 1 is not valid (Invalid isoformat",
        ),
        (lambda doc: doc.update(mission=[]), "account 1 is not valid (its mission is list"),
    ],
    ids=["missing field", "bad date", "mission not an object"],
)
def test_account_of_the_wrong_shape_is_refused_on_load(db: Path, damage, problem: str) -> None:
    doc = to_doc(sample_account(1))
    damage(doc)
    content = database_bytes(doc)
    db.write_bytes(content)
    with Repository(db) as repository, pytest.raises(PlanFileError) as raised:
        repository.load()
    assert raised.value.message.startswith(f"{db}: {problem}")
    assert db.read_bytes() == content


@pytest.mark.parametrize(
    "damage, problem",
    [
        (lambda plan: plan.pop("text"), "missing 'text'"),
        (lambda plan: plan["objectives"][0].update(due="soon"), "Invalid isoformat string"),
        (lambda plan: plan.update(objectives=7), "'int' object is not iterable"),
    ],
    ids=["missing field", "bad date", "wrong type"],
)
def test_plan_of_the_wrong_shape_is_refused_when_first_used(db: Path, damage, problem: str) -> None:
    doc = to_doc(sample_account(1))
    damage(plan := doc["mission"])
    content = database_bytes(doc, to_doc(sample_account(2)))
    db.write_bytes(content)
    with Repository(db) as repository:
        broken, sound = repository.load().accounts
        assert sound.mission.objectives  # the other accounts are not affected
        with pytest.raises(PlanFileError) as raised:
            broken.mission  # noqa: B018 (reading it builds it)
        repository.save(Portfolio([broken, sound]), changed=[sound.id])
    assert raised.value.message.startswith(f"{db}: account 1: its plan is not valid ({problem}")
    # Saved as it was read: a plan that cannot be built is never rewritten.
    assert orjson.loads(db.read_bytes())["accounts"]["1"]["mission"] == plan


def test_accounts_with_the_same_id_are_refused(db: Path) -> None:
    doc = to_doc(sample_account(1))
    db.write_bytes(database_bytes(doc, doc))
    with Repository(db) as repository, pytest.raises(PlanFileError, match="repeats the id"):
        repository.load()


# --- migration


def schema_0_database() -> bytes:
    """The pre-release layout: accounts had no archived flag."""
    doc = to_doc(sample_account(2))
    del doc["archived"]
    return database_bytes(doc, schema=0)


def test_every_older_schema_has_a_migration() -> None:
    assert len(MIGRATIONS) == SCHEMA_VERSION


def test_older_schema_is_backed_up_then_migrated(db: Path) -> None:
    old = schema_0_database()
    db.write_bytes(old)
    db.chmod(0o640)
    with Repository(db) as repository:
        (account,) = repository.load().accounts
        assert account.archived is False
        assert not repository.changed_on_disk()
    backup = db.with_name("plans.json.v0.bak")
    assert backup.read_bytes() == old
    assert stat.S_IMODE(backup.stat().st_mode) == 0o640
    migrated = orjson.loads(db.read_bytes())
    assert migrated["meta"] == {"1": {"app": "keyplan", "schema": SCHEMA_VERSION}}
    assert migrated["accounts"]["1"]["archived"] is False


def test_older_schema_opened_read_only_is_migrated_in_memory_only(db: Path) -> None:
    old = schema_0_database()
    db.write_bytes(old)
    with Repository(db, write=False) as repository:
        assert repository.load().accounts[0].archived is False
    assert db.read_bytes() == old
    assert not db.with_name("plans.json.v0.bak").exists()


def test_migration_is_not_written_when_the_backup_fails(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = schema_0_database()
    db.write_bytes(old)

    def refuse(*args: object, **options: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(SaveError, match=r"plans\.json\.v0\.bak: cannot write the backup"):
        Repository(db)
    assert db.read_bytes() == old


# --- another writer, failed writes, read-only


def test_save_refuses_to_overwrite_a_file_changed_on_disk(db: Path) -> None:
    with Repository(db) as repository:
        portfolio = portfolio_of(1)
        repository.save(portfolio)
        theirs = database_bytes(to_doc(sample_account(9)))
        db.write_bytes(theirs)
        assert repository.changed_on_disk()
        with pytest.raises(StaleFileError) as raised:
            repository.save(portfolio)
        assert raised.value.message == (f"{db} changed on disk since it was read")
        assert db.read_bytes() == theirs
        assert [account.name for account in repository.reload().accounts] == ["Account 9"]
        assert not repository.changed_on_disk()
        repository.save(portfolio)
    with Repository(db) as repository:
        assert plain(repository.load()) == plain(portfolio)


def test_save_refuses_when_the_file_was_created_by_another_writer(db: Path) -> None:
    with Repository(db) as repository:
        db.write_bytes(database_bytes())
        with pytest.raises(StaleFileError):
            repository.save(portfolio_of(1))


def test_save_refuses_when_the_file_was_deleted(db: Path) -> None:
    with Repository(db) as repository:
        repository.save(portfolio_of(1))
        db.unlink()
        assert repository.changed_on_disk()
        with pytest.raises(StaleFileError):
            repository.save(portfolio_of(1))


def test_unwritable_folder_is_a_one_line_save_error(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    portfolio = portfolio_of(1)
    with Repository(db) as repository:
        repository.save(portfolio)
        before = db.read_bytes()

        def refuse(*args: object, **options: object) -> None:
            raise PermissionError(13, "Permission denied", str(db.parent))

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
        portfolio.accounts[0].name = "Not saved"
        with pytest.raises(SaveError) as raised:
            repository.save(portfolio)
        assert raised.value.message == f"{db}: cannot save: Permission denied"
        monkeypatch.undo()
        assert db.read_bytes() == before
        repository.save(portfolio)
        assert repository.reload().accounts[0].name == "Not saved"


def test_text_that_json_cannot_hold_is_a_save_error(db: Path) -> None:
    portfolio = portfolio_of(1)
    portfolio.accounts[0].name = "bad \udcff byte"
    with Repository(db) as repository, pytest.raises(SaveError, match="cannot save: str is not"):
        repository.save(portfolio)
    assert not db.exists()


def test_read_only_repository_refuses_to_write(db: Path) -> None:
    with Repository(db, write=False) as repository, pytest.raises(SaveError) as raised:
        repository.save(portfolio_of(1))
    assert raised.value.message == f"{db}: opened read-only"
    assert not db.exists()


# --- the lock


def test_second_repository_in_the_same_process_opens_read_only(db: Path) -> None:
    with Repository(db) as first:
        first.save(portfolio_of(1))
        with Repository(db) as second:
            assert second.read_only and second.locked_by_other
            assert len(second.load().accounts) == 1
            with pytest.raises(LockedError):
                second.save(portfolio_of(2))
    with Repository(db) as third:
        assert not third.read_only


def test_database_held_by_another_process_opens_read_only(db: Path) -> None:
    with running("hold", db) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        with Repository(db) as repository:
            assert repository.read_only and repository.locked_by_other
            with pytest.raises(LockedError) as raised:
                repository.save(portfolio_of(1))
            assert raised.value.message == (
                f"{db} is open in another keyplan, the only one that may write it: "
                "quit that one first"
            )
        with pytest.raises(LockedError, match="is open in another keyplan"):
            Repository.for_writing(db)
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        with Repository.for_writing(db) as repository:
            assert not repository.read_only
            repository.save(portfolio_of(1))


def test_writable_open_removes_orphan_temp_files_and_read_only_does_not(db: Path) -> None:
    with Repository(db) as repository:
        repository.save(portfolio_of(1))
    orphan = db.with_name(".plans.json.abc123.tmp")
    orphan.write_bytes(b'{"half": ')
    with Repository(db, write=False):
        assert orphan.exists()
    with Repository(db):
        assert not orphan.exists()


def test_close_releases_the_lock(db: Path) -> None:
    repository = Repository(db)
    repository.close()
    with Repository(db) as again:
        assert not again.read_only


def test_write_after_close_is_refused(db: Path) -> None:
    repository = Repository(db)
    snapshot = repository.snapshot(portfolio_of(1))
    repository.close()
    with pytest.raises(SaveError, match="closed before this save"):
        repository.write(snapshot)
    assert not db.exists()


def test_keep_mine_after_reload_writes_the_whole_portfolio(db: Path) -> None:
    mine = portfolio_of(2)
    with Repository(db) as repository:
        repository.save(mine)
        db.write_bytes(database_bytes(to_doc(sample_account(9))))
        mine.accounts[0].name = "Mine"
        repository.reload()
        repository.save(mine, changed=None)
        assert plain(repository.reload()) == plain(mine)


# --- threads


def test_saves_on_a_worker_thread_while_the_model_is_edited_end_with_the_latest_edit(
    db: Path,
) -> None:
    portfolio = portfolio_of(20)
    rng = random.Random(7)
    with Repository(db) as repository, ThreadPoolExecutor(max_workers=1) as worker:
        saves = [worker.submit(repository.write, repository.snapshot(portfolio))]
        for edit in range(200):
            account = rng.choice(portfolio.accounts)
            tactics = account.mission.objectives[0].strategies[0].tactics
            tactics.append(Tactic(f"Tactic {edit}", due=date(2027, 1, 1)))
            account.name = f"Edited {edit}"
            saves.append(
                worker.submit(repository.write, repository.snapshot(portfolio, {account.id}))
            )
        for save in saves:
            save.result()
        assert plain(repository.reload()) == plain(portfolio)


def test_writes_from_several_threads_at_once_are_serialised(db: Path) -> None:
    portfolios = [portfolio_of(count) for count in (1, 2, 3, 4)]
    with Repository(db) as repository:
        snapshots = [repository.snapshot(portfolio) for portfolio in portfolios]
        failures: list[BaseException] = []

        def write_often(index: int) -> None:
            try:
                for _ in range(10):
                    repository.write(snapshots[index])
            except BaseException as error:
                failures.append(error)

        threads = [threading.Thread(target=write_often, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        assert plain(repository.reload()) in [plain(portfolio) for portfolio in portfolios]


# --- kill -9


def read_count(writer) -> int:
    ready, _, _ = select.select([writer.stdout], [], [], 10)
    assert ready, "the writer printed nothing for 10 s"
    line = writer.stdout.readline()
    assert line, f"the writer exited with {writer.wait()}"
    return int(line)


def test_database_survives_kill_9_at_random_moments(db: Path) -> None:
    """After every kill the file is a whole keyplan database holding every save reported.

    A kill between creating the temp file and renaming it leaves that one temp file behind;
    the next writable open (the restarted writer's) removes it, so at most one is ever seen.
    """
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    reported = 0
    for kill in range(25):
        with running("save", db) as writer:
            for _ in range(rng.randint(1, 3)):
                reported = read_count(writer)
            # The kill moment is what is random here, so that it falls in every phase of a save.
            time.sleep(rng.uniform(0, 0.004))
            writer.send_signal(signal.SIGKILL)
            assert writer.wait() == -signal.SIGKILL
        context = f"seed {seed}, kill {kill}"
        assert len(list(db.parent.glob(".plans.json.*.tmp"))) <= 1, context
        assert set(orjson.loads(db.read_bytes())) == {"meta", "accounts", "layout"}, context
        with Repository(db, write=False) as repository:
            assert len(repository.load().accounts) >= reported, context
    with Repository(db) as repository:
        assert list(db.parent.glob(".plans.json.*.tmp")) == []
        assert len(repository.load().accounts) >= reported
