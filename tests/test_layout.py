"""The database file laid out one account per line, with plans parsed when first used."""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import asdict
from pathlib import Path

import orjson
import pytest
from hypothesis import given

from plan.errors import PlanFileError
from plan.model import Account
from store.codec import StoredAccount, from_doc, to_doc
from store.layout import PlanBytes, decode, encode
from store.repository import Repository
from store.schema import ACCOUNT_KEYS
from tests.helpers import load_db, write_db
from tests.store_writer import sample_account
from tests.test_storage import accounts as any_account
from tui.cli import main


@pytest.fixture
def written() -> list[Account]:
    return [sample_account(n) for n in range(3)]


@pytest.fixture
def db(tmp_path: Path, written: list[Account]) -> Path:
    return write_db(tmp_path / "plans.json", written)


def test_a_saved_database_is_plain_json_with_one_account_per_line(
    db: Path, written: list[Account]
) -> None:
    content = db.read_bytes()
    lines = content.split(b"\n")
    assert lines[0] == b'{"accounts":{'
    assert [line[:5] for line in lines[1:4]] == [b'"1":{', b'"2":{', b'"3":{']
    assert lines[4].startswith(b'},"layout":{"1":{"crc32":')
    tables = json.loads(content)  # any JSON reader reads it
    assert [doc["name"] for doc in tables["accounts"].values()] == [a.name for a in written]


def test_an_account_document_lists_its_fields_in_the_order_the_reader_expects() -> None:
    assert tuple(to_doc(sample_account(1))) == ACCOUNT_KEYS


def test_plans_are_parsed_only_when_first_used(db: Path, written: list[Account]) -> None:
    first, second, _ = load_db(db).accounts
    assert isinstance(first, StoredAccount)
    assert isinstance(first.plan_document, PlanBytes)
    assert asdict(first) == asdict(written[0])  # builds it
    assert first.plan_document is None
    assert isinstance(second.plan_document, PlanBytes)


def test_a_save_writes_unused_plans_back_byte_for_byte(db: Path) -> None:
    before = db.read_bytes().split(b"\n")
    with Repository(db) as repository:
        portfolio = repository.load()
        portfolio.accounts[1].name = "Renamed"
        repository.save(portfolio, changed=[portfolio.accounts[1].id])
    after = db.read_bytes().split(b"\n")
    assert after[1] == before[1] and after[3] == before[3]  # the others, as read
    assert after[2] != before[2]
    assert [a.name for a in load_db(db).accounts][1] == "Renamed"
    assert isinstance(load_db(db).accounts[0].plan_document, PlanBytes), "still keyplan's own"


@given(any_account)
def test_any_account_survives_the_layout_exactly(account) -> None:
    tables = decode(encode({"accounts": {"1": to_doc(account)}, "meta": {"1": {"schema": 1}}}))
    assert tables["meta"] == {"1": {"schema": 1}}
    assert asdict(from_doc(tables["accounts"]["1"])) == asdict(account)


def test_an_empty_portfolio_round_trips(tmp_path: Path) -> None:
    path = write_db(tmp_path / "plans.json", [])
    assert load_db(path).accounts == []
    assert json.loads(path.read_bytes())["accounts"] == {}


@pytest.mark.parametrize(
    "edit",
    [
        lambda content: content + b"\n\n",  # an editor's newline at the end
        lambda content: content.replace(b"\n", b"\r\n"),
        lambda content: json.dumps(json.loads(content), indent=2).encode(),  # another tool
        lambda content: content.replace(b"\n", b""),  # an older keyplan
    ],
    ids=["trailing newline", "crlf", "indented", "one line"],
)
def test_a_file_rewritten_by_another_tool_reads_the_same(
    db: Path, written: list[Account], edit
) -> None:
    db.write_bytes(edit(db.read_bytes()))
    assert [asdict(a) for a in load_db(db).accounts] == [asdict(a) for a in written]


def test_an_account_whose_plan_is_not_its_last_field_is_still_read(
    db: Path, written: list[Account]
) -> None:
    lines = db.read_bytes().split(b"\n")
    document = orjson.loads(lines[2][4:-1])
    reordered = {"mission": document.pop("mission"), **document}
    lines[2] = b'"2":' + orjson.dumps(reordered) + b","
    db.write_bytes(b"\n".join(lines))
    assert asdict(load_db(db).accounts[1]) == asdict(written[1])
    # And with the plan in the middle, where the fast reader would cut it wrongly.
    names = list(document)
    middle = {**{k: document[k] for k in names[:3]}, "mission": reordered["mission"]}
    middle |= {k: document[k] for k in names[3:]}
    lines[2] = b'"2":' + orjson.dumps(middle) + b","
    db.write_bytes(b"\n".join(lines))
    assert asdict(load_db(db).accounts[1]) == asdict(written[1])


def test_a_file_edited_by_hand_is_read_whole(db: Path, written: list[Account]) -> None:
    lines = db.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b'"Account 0"', b'"Account Zero"')
    db.write_bytes(b"\n".join(lines))
    first = load_db(db).accounts[0]
    assert first.name == "Account Zero"
    assert isinstance(first.plan_document, dict), "the checksum no longer matches: parsed whole"


def test_two_accounts_joined_on_one_line_are_both_read(db: Path, written: list[Account]) -> None:
    lines = db.read_bytes().split(b"\n")
    db.write_bytes(b"\n".join([lines[0], lines[1] + lines[2], *lines[3:]]))
    assert [asdict(a) for a in load_db(db).accounts] == [asdict(a) for a in written]


def test_a_field_after_the_plan_is_read_as_any_json(db: Path, written: list[Account]) -> None:
    lines = db.read_bytes().split(b"\n")
    lines[2] = lines[2][:-2] + b',"tag":1},'
    db.write_bytes(b"\n".join(lines))
    assert asdict(load_db(db).accounts[1]) == asdict(written[1])


def test_a_broken_line_is_refused_on_opening_with_its_line_and_column(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = db.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b'"objectives":[', b'"objectives":[,', 1)
    db.write_bytes(content := b"\n".join(lines))
    column = lines[3].index(b"[,") + 2
    with pytest.raises(PlanFileError) as raised:
        load_db(db)
    assert raised.value.message == f"{db}: not valid JSON (line 4, column {column})"
    assert main(["check", "--db", str(db)]) == 2
    assert capsys.readouterr().err.startswith(f"keyplan: {db}: not valid JSON (line 4")
    assert db.read_bytes() == content


def test_a_plan_broken_under_a_matching_checksum_names_its_line_and_column(db: Path) -> None:
    # Short of a disk error the checksum rules this out; if it happens, the error says where.
    lines = db.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b'"objectives":[', b'"objectives":[,', 1)
    crc = zlib.crc32(b"\n".join(lines[1:-1]))
    lines[-1] = re.sub(rb'"crc32":\d+', b'"crc32":%d' % crc, lines[-1])
    accounts = decode(b"\n".join(lines))["accounts"]
    plans = [accounts[key]["mission"] for key in ("1", "2", "3")]
    assert all(isinstance(plan, PlanBytes) for plan in plans)
    assert orjson.loads(plans[2].json()) == orjson.loads(b"{" + lines[3] + b"}")["3"]["mission"]
    column = lines[2].index(b"[,") + 2
    with pytest.raises(ValueError, match=f"^not valid JSON at line 3, column {column}: "):
        plans[1].load()
