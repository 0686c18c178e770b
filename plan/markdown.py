r"""Markdown export and import of plans in the plan format of PLAN_FORMAT.md.

What `export_markdown` writes and `parse_markdown` reads, per account:

    # NAME
    Owner: … / Segment: … / Reviewed: YYYY-MM-DD / Archived: yes     each line optional
    ## Mission (N years)                "(1 year)" for one; then a paragraph, the mission's text
    ## Objective: TITLE
    Metric: … / Target: NUMBER [UNIT] / Unit: UNIT / Current: NUMBER / Due: YYYY-MM-DD
    ### Strategy: TITLE
    Why: … / Approach: prove-best | change-criteria | segment | other
    - [ ] TITLE — @OWNER, due YYYY-MM-DD, STATUS                    a tactic
    ## Checklist                        for the meeting: score, next fix, ✓/✗/⚠ per rule; not read
    ## Review notes
    - YYYY-MM-DD: text                  one item per review note, read back in order

Beyond PLAN_FORMAT.md: `Archived: yes`, `Current:` (an objective's current value, in the
target's unit), `Unit:` (only for a unit without a target; with one, the unit follows the
number) and `Approach:`. A tactic is ticked when done or dropped; the status word is written
for doing and dropped, and a box that contradicts its word is an error on import.

Notes of any node are a block quote right under its heading's lines (a tactic's indented
under its item) and come back line for line; other paragraphs a person writes under a node
join its notes. Typed text is escaped (plan.escape): a tactic title's em dash is written
`&mdash;` and its `@` as `\@`, an owner's comma as `\,`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Literal, TypeAlias

from plan.errors import MarkdownError, ValidationError
from plan.markdown_export import export_markdown
from plan.markdown_import import MAX_PROBLEMS, parse_markdown
from plan.model import Account, Node

__all__ = [
    "MAX_PROBLEMS",
    "ImportMode",
    "decode_plan",
    "export_markdown",
    "keep_history",
    "merge_import",
    "parse_markdown",
]

ImportMode: TypeAlias = Literal["refuse", "replace", "rename"]


def decode_plan(data: bytes, source: str) -> str:
    """The text of a plan file: UTF-8, with or without a byte order mark."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line, column = data.count(b"\n", 0, error.start) + 1, error.start - line_start + 1
        raise MarkdownError(
            [f"{source}:{line}: not UTF-8 text (column {column}: save the file as UTF-8)"]
        ) from None
    return text.removeprefix("\ufeff")


def merge_import(
    existing: Sequence[Account], imported: Sequence[Account], mode: ImportMode
) -> list[Account]:
    """The full account list once `imported` is added; names compare case-insensitively.

    "refuse" raises ValidationError naming every clash, "replace" puts an imported account where
    the one of the same name stood, "rename" imports it as "NAME (2)" (or (3), ...).
    """
    accounts = list(existing)
    where = {account.name.casefold(): index for index, account in enumerate(accounts)}
    clashes: list[str] = []
    for account in imported:
        index = where.get(account.name.casefold())
        if index is not None and mode == "refuse":
            clashes.append(account.name)
            continue
        if index is not None and mode == "replace":
            accounts[index] = keep_history(accounts[index], account)
            continue
        if index is not None:
            account = dataclasses.replace(account, name=_free_name(account.name, where))
        where[account.name.casefold()] = len(accounts)
        accounts.append(account)
    if clashes:
        names = ", ".join(f'"{name}"' for name in clashes)
        if len(clashes) == 1:
            raise ValidationError(
                f"an account named {names} already exists: import with --replace to overwrite "
                "it or --rename to keep both"
            )
        raise ValidationError(
            f"accounts named {names} already exist: import with --replace to overwrite them "
            "or --rename to keep both"
        )
    return accounts


def _free_name(name: str, taken: dict[str, int]) -> str:
    number = 2
    while f"{name} ({number})".casefold() in taken:
        number += 1
    return f"{name} ({number})"


def keep_history(old: Account, new: Account) -> Account:
    """`new`, read from a plan file to replace `old`, made the next state of `old`.

    A plan file holds no ids or times, so without this a round trip through Markdown made every
    node of the account new, and review mode and the agenda listed the whole plan as changed
    since the last review. The account and each node of `new` that is one of `old` (see
    `_same_nodes`) keep their id and their time of creation, and their time of last change
    unless their own fields differ; the account's changes with any change in its plan.
    """
    _keep(old, new, unchanged=old == new)
    _keep_nodes(old.mission, new.mission)
    return new


def _keep_nodes(old: Node, new: Node) -> None:
    _keep(old, new, unchanged=_own_fields(old) == _own_fields(new))
    for old_child, new_child in _same_nodes(old.children, new.children):
        _keep_nodes(old_child, new_child)


def _keep(old: Account | Node, new: Account | Node, *, unchanged: bool) -> None:
    new.id, new.created = old.id, old.created
    if unchanged:
        new.updated = old.updated


_CHILDREN = frozenset({"mission", "objectives", "strategies", "tactics"})


def _own_fields(node: Node) -> tuple[object, ...]:
    """What a node says itself, without its children (and its id and times, which do not
    compare)."""
    return tuple(
        getattr(node, spec.name)
        for spec in dataclasses.fields(node)
        if spec.compare and spec.name not in _CHILDREN
    )


def _same_nodes(old: Sequence[Node], new: Sequence[Node]) -> list[tuple[Node, Node]]:
    """The children of one node, before and after, paired where they are the same node: with
    the same fields first (twins with one title told apart), then by title, then, when as many
    of each are left, the rest in order (titles edited in the file). Any other child of `new`
    is a new node."""
    left = list(old)
    pairs: list[tuple[Node, Node]] = []
    unpaired = list(new)
    for alike in (_own_fields, _title):
        still: list[Node] = []
        for node in unpaired:
            same = next((candidate for candidate in left if alike(candidate) == alike(node)), None)
            if same is None:
                still.append(node)
            else:
                left.remove(same)
                pairs.append((same, node))
        unpaired = still
    if len(left) == len(unpaired):
        pairs.extend(zip(left, unpaired, strict=True))
    return pairs


def _title(node: Node) -> str:
    return node.title
