"""The database file's bytes: one account per line, and plans parsed when first used.

keyplan writes its TinyDB file as plain JSON laid out so it can be read in parts:

    {"accounts":{
    "1":{"id":"…","name":"…",…,"updated":"…","mission":{…}},
    "2":{…}
    },"layout":{"1":{"crc32":…}},"meta":{"1":{"app":"keyplan","schema":1}}}

Any JSON reader (TinyDB, `json.load`, jq) reads it as before, and a diff of two saves shows
the accounts that changed. keyplan itself parses only each line's account fields at once and
keeps the plan (the mission and all below it, nine tenths of the bytes) as `PlanBytes` until
the account is used: at 1000 accounts × 100 nodes the file opens in 20-30 ms instead of the
200 ms of parsing it whole, and the first screen needs only the plans it shows.

That shortcut trusts each line to be one account, written by keyplan, with its plan last and
valid. The `layout` record holds the CRC-32 of the account lines as keyplan wrote them: a file
whose lines do not match it (edited by hand or by another tool, merged, or from an older
keyplan) is parsed whole, as any JSON, so its errors are found on opening and nothing in it is
misread. The record is the file's, not the database's: reading drops it and writing adds it.
"""

from __future__ import annotations

import zlib
from typing import Any

import orjson

from store.schema import ACCOUNT_KEYS, ACCOUNTS_TABLE, PLAN_KEY, Tables

LAYOUT_TABLE = "layout"
_FIRST_LINE = b'{"%s":{' % ACCOUNTS_TABLE.encode()
_PLAN_KEY = b',"%s":' % PLAN_KEY.encode()
_HEAD_KEYS = frozenset(ACCOUNT_KEYS) - {PLAN_KEY}


class PlanBytes:
    """An account's plan as it stands in the file: the file's bytes, and where the plan lies.

    `load()` parses it; a save writes these bytes back as they are (see `encode`). The file's
    bytes are shared by all its accounts, not copied out line by line: at 1000 accounts that
    copy took 20-30 ms of opening the file, and as much memory as the file.
    """

    __slots__ = ("_column", "_data", "_end", "_start", "line_number")

    def __init__(self, data: bytes, start: int, end: int, line_number: int, column: int) -> None:
        self._data = data
        self._start = start
        self._end = end
        self.line_number = line_number
        self._column = column  # the column of the plan's first byte, counted from 1

    def json(self) -> bytes:
        return self._data[self._start : self._end]

    def load(self) -> Any:
        """The parsed plan; ValueError naming the line and column of the file if it is not JSON
        (which the checksum rules out short of a disk error)."""
        try:
            return orjson.loads(memoryview(self._data)[self._start : self._end])
        except orjson.JSONDecodeError as error:
            column = self._column + error.pos
            raise ValueError(
                f"not valid JSON at line {self.line_number}, column {column}: {error.msg}"
            ) from None


def encode(tables: Tables) -> bytes:
    """The tables as JSON, in the layout above; plans not yet parsed are written as read."""
    accounts = tables.get(ACCOUNTS_TABLE)
    rest = {
        name: table for name, table in tables.items() if name not in (ACCOUNTS_TABLE, LAYOUT_TABLE)
    }
    if accounts is None:
        return orjson.dumps(rest)
    body = b",\n".join(
        orjson.dumps(doc_id) + b":" + orjson.dumps(document, default=_as_fragment)
        for doc_id, document in accounts.items()
    )
    layout = {LAYOUT_TABLE: {"1": {"crc32": zlib.crc32(body)}}}
    last = b"}," + orjson.dumps(layout | rest)[1:]
    return b"\n".join([_FIRST_LINE, body, last] if body else [_FIRST_LINE, last])


def _as_fragment(value: object) -> orjson.Fragment:
    if isinstance(value, PlanBytes):
        return orjson.Fragment(value.json())
    raise TypeError(f"{type(value).__name__} is not JSON")


def decode(data: bytes) -> Any:
    """The parsed file: in parts if keyplan wrote it in the layout above, else whole.

    orjson.JSONDecodeError if it is not JSON.
    """
    if data.startswith(_FIRST_LINE + b"\n"):
        tables = _decode_lines(data)
        if tables is not None:
            return tables
    tables = orjson.loads(data)
    if isinstance(tables, dict):
        tables.pop(LAYOUT_TABLE, None)
    return tables


def _decode_lines(data: bytes) -> Tables | None:
    """The tables of a file keyplan wrote in the layout, or None if it is not one as written."""
    start = len(_FIRST_LINE) + 1
    body_end = data.rfind(b"\n},")  # the last line: no account line starts with "},"
    if body_end < start - 1:
        return None
    try:
        tables = orjson.loads(b"{" + data[body_end + 3 :])
    except orjson.JSONDecodeError:
        return None
    if not isinstance(tables, dict) or ACCOUNTS_TABLE in tables:
        return None
    layout = tables.pop(LAYOUT_TABLE, None)
    if not isinstance(layout, dict) or layout.get("1") != {
        "crc32": zlib.crc32(memoryview(data)[start:body_end])
    }:
        return None
    accounts: dict[str, Any] = {}
    line_start, number = start, 2
    while line_start < body_end:  # each account line, found in place: no copy of the file
        line_end = data.find(b"\n", line_start, body_end)
        if line_end < 0:
            line_end = body_end  # the last account line: no comma after it
        end = line_end - 1 if line_end < body_end else line_end  # the comma between
        key_end = data.find(b'":', line_start, end)
        fields = key_end + 2  # where the account's object starts
        cut = data.find(_PLAN_KEY, fields, end) if key_end >= 0 else -1
        if cut < 0:
            return None
        try:
            head = orjson.loads(data[fields:cut] + b"}")
        except orjson.JSONDecodeError:
            return None
        if not isinstance(head, dict) or head.keys() != _HEAD_KEYS:
            return None  # not every field of an account before its plan, as to_doc writes
        plan = cut + len(_PLAN_KEY)
        head[PLAN_KEY] = PlanBytes(data, plan, end - 1, number, plan - line_start + 1)
        accounts[data[line_start + 1 : key_end].decode()] = head
        line_start, number = line_end + 1, number + 1
    return {ACCOUNTS_TABLE: accounts, **tables}
