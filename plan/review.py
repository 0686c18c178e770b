"""Rapid review: the queue of plans worst-first, what changed since a review, and the filter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from plan.model import Account, Node
from plan.rules import Checklist


def review_order(account: Account, checklist: Checklist) -> tuple[float, date, str]:
    """Worst score first, then the oldest review (never reviewed first), then by name."""
    score = checklist.passed / checklist.total if checklist.total else 1.0
    return (score, account.reviewed or date.min, account.name.casefold())


def review_queue(
    accounts: Sequence[Account], checklist: Callable[[Account], Checklist]
) -> list[Account]:
    """The accounts in the order a manager should review them."""
    return sorted(accounts, key=lambda account: review_order(account, checklist(account)))


def changed_since(account: Account, since: date | None) -> set[str]:
    """Ids of the nodes created or updated after the day `since` (none when never reviewed:
    then the whole plan is new, and marking every node would say nothing)."""
    if since is None:
        return set()
    day = since.isoformat()
    return {node.id for node, _ in account.walk() if node.updated[:10] > day}


def changed_nodes(account: Account, since: date | None) -> list[Node]:
    """The changed nodes themselves, top-down."""
    ids = changed_since(account, since)
    return [node for node, _ in account.walk() if node.id in ids]


def queue_matches(account: Account, checklist: Checklist, query: str) -> bool:
    """Whether an account passes the review filter: words that must all match, each either
    `owner:NAME`, `segment:NAME`, `rule:ID` (a rule the plan does not pass), or plain text
    found in the name, owner or segment."""
    for word in query.split():
        key, _, value = word.partition(":")
        value = value.casefold()
        if key == "rule" and value:
            failing = {r.rule.casefold() for r in checklist.results if r.status != "pass"}
            if value not in failing:
                return False
        elif key == "owner" and value:
            if value not in account.owner.casefold():
                return False
        elif key == "segment" and value:
            if value not in account.segment.casefold():
                return False
        elif (
            word.casefold()
            not in " ".join((account.name, account.owner, account.segment)).casefold()
        ):
            return False
    return True
