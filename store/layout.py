"""The database file's bytes: one account per line, and plans parsed when first used.

keyplan writes its TinyDB file as plain JSON laid out so it can be read in parts:

    {"accounts":{
    "1":{"id":"…","name":"…",…,"updated":"…","mission":{…}},
    "2":{…}
    },"meta":{"1":{"app":"keyplan","schema":1}}}

Any JSON reader (TinyDB, `json.load`, jq) reads it as before, and a diff of two saves shows
the accounts that changed. keyplan itself parses only each line's account fields at once and
keeps the plan (the mission and all below it, nine tenths of the bytes) as `PlanBytes` until
the account is used: at 1000 accounts × 100 nodes the file opens in 20-30 ms instead of the
200 ms of parsing it whole, and the first screen needs only the plans it shows.

A file not in this layout (written by hand, by an older keyplan, or by another tool) is parsed
whole, as any JSON.
"""

from __future__ import annotations

from typing import Any

import orjson

from store.schema import ACCOUNT_KEYS, ACCOUNTS_TABLE, PLAN_KEY, Tables

_FIRST_LINE = b'{"%s":{' % ACCOUNTS_TABLE.encode()
_PLAN_KEY = b',"%s":' % PLAN_KEY.encode()
_HEAD_KEYS = frozenset(ACCOUNT_KEYS) - {PLAN_KEY}


class PlanBytes:
    """An account's plan as it stands in the file: a line of it, and where the plan lies in it.

    `load()` parses it; a save writes these bytes back as they are (see `encode`).
    """

    __slots__ = ("_document_start", "_end", "_line", "_start", "line_number")

    def __init__(self, line: bytes, start: int, end: int, line_number: int, document_start: int):
        self._line = line
        self._start = start
        self._end = end
        self._document_start = document_start
        self.line_number = line_number

    def json(self) -> bytes:
        return self._line[self._start : self._end]

    def load(self) -> Any:
        """The parsed plan; ValueError naming the line and column of the file if it is not JSON."""
        line = memoryview(self._line)
        try:
            return orjson.loads(line[self._start : self._end])
        except orjson.JSONDecodeError:
            pass
        # Not JSON on its own: either the line is broken, or its account was edited by hand so
        # that the plan is not its last field. Parsing the whole account tells which, and where.
        try:
            document = orjson.loads(line[self._document_start :])
        except orjson.JSONDecodeError as error:
            column = self._document_start + error.pos + 1
            raise ValueError(
                f"not valid JSON at line {self.line_number}, column {column}: {error.msg}"
            ) from None
        if not isinstance(document, dict) or PLAN_KEY not in document:
            raise ValueError(f"line {self.line_number} is not an account with a plan")
        return document[PLAN_KEY]


def encode(tables: Tables) -> bytes:
    """The tables as JSON, in the layout above; plans not yet parsed are written as read."""
    accounts = tables.get(ACCOUNTS_TABLE)
    if accounts is None:
        return orjson.dumps(tables)
    rest = orjson.dumps({name: table for name, table in tables.items() if name != ACCOUNTS_TABLE})
    lines = [
        orjson.dumps(doc_id) + b":" + orjson.dumps(document, default=_as_fragment)
        for doc_id, document in accounts.items()
    ]
    last = b"}}" if rest == b"{}" else b"}," + rest[1:]
    return b"\n".join([_FIRST_LINE, b",\n".join(lines), last] if lines else [_FIRST_LINE, last])


def _as_fragment(value: object) -> orjson.Fragment:
    if isinstance(value, PlanBytes):
        return orjson.Fragment(value.json())
    raise TypeError(f"{type(value).__name__} is not JSON")


def decode(data: bytes) -> Any:
    """The parsed file: in parts if it is in the layout above, else whole.

    orjson.JSONDecodeError if it is not JSON (the accounts' plans are checked when loaded).
    """
    if data.startswith(_FIRST_LINE + b"\n"):
        lines = data.split(b"\n")
        while not lines[-1].strip():  # an editor's newline at the end
            lines.pop()
        tables = _decode_lines(lines) if len(lines) >= 2 else None
        if tables is not None:
            return tables
    return orjson.loads(data)


def _decode_lines(lines: list[bytes]) -> Tables | None:
    """The tables of a file in the layout, or None if any line is not as `encode` writes it."""
    last = lines[-1]
    if last == b"}}":
        tables: Tables = {}
    elif last.startswith(b"},"):
        try:
            tables = orjson.loads(b"{" + last[2:])
        except orjson.JSONDecodeError:
            return None
        if not isinstance(tables, dict) or ACCOUNTS_TABLE in tables:
            return None
    else:
        return None
    accounts: dict[str, Any] = {}
    final = len(lines) - 2
    for index, line in enumerate(lines[1:-1], start=1):
        end = len(line) - 1 if index < final else len(line)
        if index < final and line[end:] != b",":
            return None
        key_end = line.find(b'":')
        if line[:1] != b'"' or not line[1:key_end].isdigit():
            return None
        start = key_end + 2
        cut = line.find(_PLAN_KEY, start)
        try:
            if cut < 0 or line[end - 1 : end] != b"}":
                accounts[line[1:key_end].decode()] = orjson.loads(line[start:end])
                continue
            head = orjson.loads(line[start:cut] + b"}")
        except orjson.JSONDecodeError:
            return None
        if not isinstance(head, dict) or head.keys() != _HEAD_KEYS:
            return None  # not an account as keyplan writes it: parse the file as JSON
        head[PLAN_KEY] = PlanBytes(line, cut + len(_PLAN_KEY), end - 1, index + 1, start)
        accounts[line[1:key_end].decode()] = head
    return {ACCOUNTS_TABLE: accounts, **tables}
