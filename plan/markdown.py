"""Markdown export and import of plans in the plan format (PLAN_FORMAT.md).

The format, as written by `export_markdown` and read by `parse_markdown`:

    # NAME                              an account
    Owner: / Segment: / Reviewed: YYYY-MM-DD / Archived: yes
    > account notes
    ## Mission (N years)                then one paragraph: the mission's text
    ## Objective: TITLE
    Metric: / Target: NUMBER [UNIT] / Unit: UNIT / Current: NUMBER / Due: YYYY-MM-DD
    ### Strategy: TITLE
    Why: / Approach: prove-best|change-criteria|segment|other
    - [ ] TITLE — @OWNER, due YYYY-MM-DD, STATUS      a tactic; its notes a quote indented under it
    ## Checklist                        written for the meeting, ignored on import
    ## Review notes
    - YYYY-MM-DD: text                  one dated review note per item, read back on import

Field lines beyond PLAN_FORMAT.md: `Archived: yes` (an archived account), `Unit:` (a unit with
no target; with a target the unit follows the number), `Current:` (an objective's current
value) and `Approach:` (a strategy's approach). Each field line is optional. Notes of any node
are written as a block quote right under its heading (a tactic's indented under its item) and
read back line for line; any other paragraph a person writes under a node joins its notes.
A ticked box `[x]` means done; the status word is written for doing and dropped (dropped is
ticked), and a box that contradicts the word is an error.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Literal, TypeAlias

from plan.errors import MarkdownError, ValidationError
from plan.markdown_export import export_markdown
from plan.markdown_import import MAX_PROBLEMS, parse_markdown
from plan.model import Account

__all__ = [
    "MAX_PROBLEMS",
    "ImportMode",
    "decode_plan",
    "export_markdown",
    "merge_import",
    "parse_markdown",
]

ImportMode: TypeAlias = Literal["refuse", "replace", "rename"]


def decode_plan(data: bytes, source: str) -> str:
    """The text of a plan file: UTF-8, with or without a byte order mark."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MarkdownError([f"{source}: not UTF-8 text (byte {error.start})"]) from None
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
            accounts[index] = account
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
