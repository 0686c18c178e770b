"""An account as a JSON-ready document and back, exactly: ids and timestamps included.

A document holds every field of the model under its own name, dates as ISO strings and the
children as lists in plan order. Reading one builds the account's own fields at once and its
plan (the mission and all below it) when the account is first used: see `StoredAccount`.

`from_doc` raises KeyError, TypeError or ValueError on a document of the wrong shape; the
repository reports those as a PlanFileError. A plan built later raises PlanFileError itself.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeAlias

from plan.errors import PlanFileError
from plan.model import Account, Mission, Objective, ReviewNote, Strategy, Tactic
from store.layout import PlanBytes

Document: TypeAlias = dict[str, Any]

_from_iso = date.fromisoformat
_MISSION_SLOT = Account.__dict__["mission"]  # the slot StoredAccount.mission keeps it in
_COMPARED = tuple(name for name, field in Account.__dataclass_fields__.items() if field.compare)


class StoredAccount(Account):
    """An account read from the file, its plan built from its document on first use.

    Opening a database builds each account's own fields only (building every node took 100 ms
    at 1000 accounts); the app shows its first screen after building the few plans on it.
    Reading `mission` builds the plan (and raises PlanFileError, naming the file and the
    account, if its document is not a valid plan); setting it drops the document. It equals an
    `Account` of the same content, like any other account.
    """

    __slots__ = ("_plan", "_where")

    def __init__(  # the model's fields, in its order, with the plan's document
        self,
        name: str,
        owner: str,
        segment: str,
        archived: bool,
        reviewed: date | None,
        review_notes: list[ReviewNote],
        notes: str,
        plan: Document | PlanBytes,
        id: str,
        created: str,
        updated: str,
        where: str,
    ) -> None:
        self.name = name
        self.owner = owner
        self.segment = segment
        self.archived = archived
        self.reviewed = reviewed
        self.review_notes = review_notes
        self.notes = notes
        self.id = id
        self.created = created
        self.updated = updated
        self._plan: Document | PlanBytes | None = plan
        self._where = where

    @property  # type: ignore[override]
    def mission(self) -> Mission:
        plan = self._plan
        if plan is not None:
            try:
                mission = _mission(_object(plan.load()) if type(plan) is PlanBytes else plan)
            except (KeyError, TypeError, ValueError) as error:
                message = f"{self._where}: its plan is not valid ({one_line(error)})"
                raise PlanFileError(message) from None
            _MISSION_SLOT.__set__(self, mission)
            self._plan = None
        return _MISSION_SLOT.__get__(self)

    @mission.setter
    def mission(self, mission: Mission) -> None:
        _MISSION_SLOT.__set__(self, mission)
        self._plan = None

    @property
    def plan_document(self) -> Document | PlanBytes | None:
        """The plan's document as read, while the plan is not built; None once it is."""
        return self._plan

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Account):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _COMPARED)

    __hash__ = None  # type: ignore[assignment]  # mutable, as Account


def one_line(error: Exception) -> str:
    """An error from decoding a document, as the end of a one-line message."""
    if isinstance(error, KeyError):
        return f"missing {error.args[0]!r}"
    return " ".join(str(error).split())


def to_doc(account: Account) -> Document:
    return {
        "id": account.id,
        "name": account.name,
        "owner": account.owner,
        "segment": account.segment,
        "archived": account.archived,
        "reviewed": _iso(account.reviewed),
        "review_notes": [
            {"on": note.on.isoformat(), "text": note.text} for note in account.review_notes
        ],
        "notes": account.notes,
        "created": account.created,
        "updated": account.updated,
        "mission": mission_doc(account),
    }


def mission_doc(account: Account) -> Document | PlanBytes:
    """The plan's document: as it was read, while the account's plan is not built."""
    if isinstance(account, StoredAccount) and (document := account.plan_document) is not None:
        return document
    mission = account.mission
    return {
        "id": mission.id,
        "text": mission.text,
        "horizon_years": mission.horizon_years,
        "notes": mission.notes,
        "created": mission.created,
        "updated": mission.updated,
        "objectives": [_objective_doc(objective) for objective in mission.objectives],
    }


def _objective_doc(objective: Objective) -> Document:
    return {
        "id": objective.id,
        "title": objective.title,
        "metric": objective.metric,
        "target": objective.target,
        "unit": objective.unit,
        "due": _iso(objective.due),
        "current": objective.current,
        "notes": objective.notes,
        "created": objective.created,
        "updated": objective.updated,
        "strategies": [_strategy_doc(strategy) for strategy in objective.strategies],
    }


def _strategy_doc(strategy: Strategy) -> Document:
    return {
        "id": strategy.id,
        "title": strategy.title,
        "why": strategy.why,
        "approach": strategy.approach,
        "notes": strategy.notes,
        "created": strategy.created,
        "updated": strategy.updated,
        "tactics": [_tactic_doc(tactic) for tactic in strategy.tactics],
    }


def _tactic_doc(tactic: Tactic) -> Document:
    return {
        "id": tactic.id,
        "title": tactic.title,
        "owner": tactic.owner,
        "due": _iso(tactic.due),
        "status": tactic.status,
        "notes": tactic.notes,
        "created": tactic.created,
        "updated": tactic.updated,
    }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def from_doc(doc: Document, where: str = "the file") -> StoredAccount:
    """The account of a document, its plan left as a document until first used.

    `where` names the account in the error its plan raises if it turns out not to be valid.
    """
    # Positional, in the model's field order: a third faster than keywords at 100,000 nodes.
    # The exact round-trip test fails if a model's fields are ever reordered.
    plan = doc["mission"]
    if type(plan) is not PlanBytes:  # bytes are checked when loaded
        _object(plan)
    return StoredAccount(
        doc["name"],
        doc["owner"],
        doc["segment"],
        doc["archived"],
        _date(doc["reviewed"]),
        [ReviewNote(_from_iso(note["on"]), note["text"]) for note in doc["review_notes"]],
        doc["notes"],
        plan,
        doc["id"],
        doc["created"],
        doc["updated"],
        where,
    )


def _object(plan: Any) -> Document:
    """A plan read from the file, refused unless it is a JSON object."""
    if type(plan) is not dict:
        raise TypeError(f"its mission is {type(plan).__name__}, not an object")
    return plan


def _mission(doc: Document) -> Mission:
    return Mission(
        doc["text"],
        doc["horizon_years"],
        doc["notes"],
        [_objective(objective) for objective in doc["objectives"]],
        doc["id"],
        doc["created"],
        doc["updated"],
    )


def _objective(doc: Document) -> Objective:
    return Objective(
        doc["title"],
        doc["metric"],
        doc["target"],
        doc["unit"],
        _date(doc["due"]),
        doc["current"],
        doc["notes"],
        [_strategy(strategy) for strategy in doc["strategies"]],
        doc["id"],
        doc["created"],
        doc["updated"],
    )


def _strategy(doc: Document) -> Strategy:
    return Strategy(
        doc["title"],
        doc["why"],
        doc["approach"],
        doc["notes"],
        [_tactic(tactic) for tactic in doc["tactics"]],
        doc["id"],
        doc["created"],
        doc["updated"],
    )


def _tactic(doc: Document) -> Tactic:
    return Tactic(
        doc["title"],
        doc["owner"],
        _date(doc["due"]),
        doc["status"],
        doc["notes"],
        doc["id"],
        doc["created"],
        doc["updated"],
    )


def _date(text: str | None) -> date | None:
    return None if text is None else _from_iso(text)
