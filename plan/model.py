"""The M.O.S.T. model: an account, its mission, objectives, strategies and tactics.

The hierarchy is held by the types: a mission holds objectives, an objective strategies, a
strategy tactics, and nothing else can be put there without a type error. Two nodes are equal
when their content is equal; ids and timestamps are identity, not content (`compare=False`), so
a plan read back from Markdown equals the plan that was exported.

Timestamps are ISO-8601 UTC strings ("2026-11-24T13:36:48+00:00"): they sort as text and cost
nothing to load.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import ClassVar, Literal, NamedTuple, TypeAlias

TacticStatus: TypeAlias = Literal["todo", "doing", "done", "dropped"]
TACTIC_STATUSES: tuple[TacticStatus, ...] = ("todo", "doing", "done", "dropped")
OPEN_STATUSES: frozenset[str] = frozenset({"todo", "doing"})

Approach: TypeAlias = Literal["prove-best", "change-criteria", "segment", "other"]
APPROACHES: tuple[Approach, ...] = ("prove-best", "change-criteria", "segment", "other")


def new_id() -> str:
    """A fresh, stable node id (os.urandom: `secrets` would pull in hashlib at start-up)."""
    return os.urandom(8).hex()


def utc_now() -> str:
    """The current time as an ISO-8601 UTC string, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _stamp() -> str:
    return utc_now()


@dataclass(slots=True)
class Tactic:
    """A specific action that carries out a strategy: who does what by when."""

    KIND: ClassVar[str] = "tactic"
    LEVEL: ClassVar[int] = 4

    title: str
    owner: str = ""
    due: date | None = None
    status: TacticStatus = "todo"
    notes: str = ""
    id: str = field(default_factory=new_id, compare=False)
    created: str = field(default_factory=_stamp, compare=False)
    updated: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        self.updated = self.updated or self.created

    @property
    def children(self) -> list[Node]:
        return []

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(slots=True)
class Strategy:
    """How an objective will be reached: the what, and why this customer will buy."""

    KIND: ClassVar[str] = "strategy"
    LEVEL: ClassVar[int] = 3

    title: str
    why: str = ""
    approach: Approach | None = None
    notes: str = ""
    tactics: list[Tactic] = field(default_factory=list)
    id: str = field(default_factory=new_id, compare=False)
    created: str = field(default_factory=_stamp, compare=False)
    updated: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        self.updated = self.updated or self.created

    @property
    def children(self) -> list[Tactic]:
        return self.tactics


@dataclass(slots=True)
class Objective:
    """A measurable, dated milestone on the way to the mission."""

    KIND: ClassVar[str] = "objective"
    LEVEL: ClassVar[int] = 2

    title: str
    metric: str = ""
    target: float | None = None
    unit: str = ""
    due: date | None = None
    current: float | None = None
    notes: str = ""
    strategies: list[Strategy] = field(default_factory=list)
    id: str = field(default_factory=new_id, compare=False)
    created: str = field(default_factory=_stamp, compare=False)
    updated: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        self.updated = self.updated or self.created

    @property
    def children(self) -> list[Strategy]:
        return self.strategies

    @property
    def is_met(self) -> bool:
        """The current value reaches the target."""
        return self.target is not None and self.current is not None and self.current >= self.target


@dataclass(slots=True)
class Mission:
    """Where the account should be in N years: the root of an account's plan."""

    KIND: ClassVar[str] = "mission"
    LEVEL: ClassVar[int] = 1

    text: str = ""
    horizon_years: int | None = None
    notes: str = ""
    objectives: list[Objective] = field(default_factory=list)
    id: str = field(default_factory=new_id, compare=False)
    created: str = field(default_factory=_stamp, compare=False)
    updated: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        self.updated = self.updated or self.created

    @property
    def title(self) -> str:
        """The mission's text, so that every node has a title to show."""
        return self.text

    @property
    def children(self) -> list[Objective]:
        return self.objectives


Node: TypeAlias = Mission | Objective | Strategy | Tactic
ParentNode: TypeAlias = Mission | Objective | Strategy

CHILD_KIND: dict[str, str | None] = {
    "mission": "objective",
    "objective": "strategy",
    "strategy": "tactic",
    "tactic": None,
}
NODE_CLASSES: dict[str, type[Node]] = {
    "mission": Mission,
    "objective": Objective,
    "strategy": Strategy,
    "tactic": Tactic,
}


class ReviewNote(NamedTuple):
    """A dated note left when the account's plan was reviewed."""

    on: date
    text: str


@dataclass(slots=True)
class Account:
    """A key account and its plan."""

    name: str
    owner: str = ""
    segment: str = ""
    archived: bool = False
    reviewed: date | None = None
    review_notes: list[ReviewNote] = field(default_factory=list)
    notes: str = ""
    mission: Mission = field(default_factory=Mission)
    id: str = field(default_factory=new_id, compare=False)
    created: str = field(default_factory=_stamp, compare=False)
    updated: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        self.updated = self.updated or self.created

    def walk(self) -> Iterator[tuple[Node, ParentNode | None]]:
        """Every node of the plan with its parent, top-down in document order."""
        mission = self.mission
        yield mission, None
        for objective in mission.objectives:
            yield objective, mission
            for strategy in objective.strategies:
                yield strategy, objective
                for tactic in strategy.tactics:
                    yield tactic, strategy

    def find(self, node_id: str) -> tuple[Node, ParentNode | None] | None:
        """The node with this id and its parent, or None."""
        for node, parent in self.walk():
            if node.id == node_id:
                return node, parent
        return None

    def node(self, node_id: str) -> Node:
        """The node with this id; KeyError if the plan has none."""
        found = self.find(node_id)
        if found is None:
            raise KeyError(node_id)
        return found[0]

    def tactics(self) -> Iterator[tuple[Tactic, Strategy, Objective]]:
        """Every tactic with the strategy and objective it serves."""
        for objective in self.mission.objectives:
            for strategy in objective.strategies:
                for tactic in strategy.tactics:
                    yield tactic, strategy, objective

    def node_count(self) -> int:
        return sum(1 for _ in self.walk())


def subtree(node: Node) -> Iterator[Node]:
    """The node and everything below it."""
    yield node
    for child in node.children:
        yield from subtree(child)


def has_tactics(node: Node) -> bool:
    """Whether any tactic stands at or below this node."""
    return any(isinstance(n, Tactic) for n in subtree(node))


@dataclass(slots=True)
class Portfolio:
    """Every account in one database: what edits apply to and undo restores."""

    accounts: list[Account] = field(default_factory=list)

    def account(self, account_id: str) -> Account:
        for account in self.accounts:
            if account.id == account_id:
                return account
        raise KeyError(account_id)

    def by_name(self, name: str) -> Account | None:
        folded = name.casefold()
        for account in self.accounts:
            if account.name.casefold() == folded:
                return account
        return None

    def active(self) -> list[Account]:
        """The accounts that are not archived."""
        return [a for a in self.accounts if not a.archived]
