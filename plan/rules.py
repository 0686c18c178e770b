"""The "strategy before tactics" checklist: its rules, and the one evaluator every view calls."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, NamedTuple, TypeAlias

from plan.config import ChecklistConfig
from plan.model import Account, Node, Objective, Strategy, Tactic

Status: TypeAlias = Literal["pass", "fail", "warn"]

GATES: tuple[str, ...] = ("Mission", "Objectives", "Strategies", "Tactics", "Review")

# Failing one of these gates while tactics already hang below is activity without direction.
_STRATEGIC_GATES = frozenset({"Mission", "Objectives", "Strategies"})

DEFAULT_CHECKLIST = ChecklistConfig()

TACTICS_AHEAD_MESSAGE = (
    "tactics ahead of strategy: settle the mission, objectives and strategies "
    "before adding more activity"
)


@dataclass(slots=True)
class PlanFacts:
    """What the rules look at, gathered in one walk of an account's plan."""

    account: Account
    today: date
    config: ChecklistConfig
    strategies: list[Strategy] = field(default_factory=list)
    tactics: list[tuple[Tactic, Objective]] = field(default_factory=list)
    # The objective due last: the mission's horizon must reach it.
    latest_objective: Objective | None = None
    # Ids of the mission, objectives and strategies with a tactic at or below them.
    with_tactics: set[str] = field(default_factory=set)


def gather(account: Account, today: date, config: ChecklistConfig) -> PlanFacts:
    """The facts the rules need, in one pass over the plan."""
    facts = PlanFacts(account, today, config)
    mission = account.mission
    latest_due: date | None = None
    for objective in mission.objectives:
        if objective.due is not None and (latest_due is None or objective.due > latest_due):
            latest_due = objective.due
            facts.latest_objective = objective
        for strategy in objective.strategies:
            facts.strategies.append(strategy)
            if strategy.tactics:
                facts.with_tactics.update((strategy.id, objective.id, mission.id))
            facts.tactics.extend((tactic, objective) for tactic in strategy.tactics)
    return facts


Failure: TypeAlias = tuple[tuple[str, ...], str]
"""The ids of the nodes that fail a rule, and the message that names them."""


class Result(NamedTuple):
    """How one rule fared on one account."""

    rule: str
    gate: str
    status: Status
    nodes: tuple[str, ...]
    message: str


class Rule(NamedTuple):
    """One checklist rule: when it passes, and the check that finds what fails it."""

    id: str
    gate: str
    summary: str
    praise: str
    check: Callable[[PlanFacts], Failure | None]
    severity: Status = "fail"

    def run(self, facts: PlanFacts) -> Result:
        failure = self.check(facts)
        if failure is None:
            return Result(self.id, self.gate, "pass", (), self.praise)
        nodes, message = failure
        return Result(self.id, self.gate, self.severity, nodes, message)


class Checklist(NamedTuple):
    """Every evaluated rule's result for one account, and what to fix first."""

    results: tuple[Result, ...]
    passed: int
    total: int
    next_fix: Result | None
    tactics_ahead: bool

    @property
    def score(self) -> str:
        return f"{self.passed}/{self.total}"


def _subject(kind: str, nodes: Sequence[Node]) -> str:
    """`strategy "X"`, or `strategy "X" (and 2 more)` when several fail alike."""
    more = f" (and {len(nodes) - 1} more)" if len(nodes) > 1 else ""
    return f'{kind} "{nodes[0].title}"{more}'


def _ids(nodes: Sequence[Node]) -> tuple[str, ...]:
    return tuple(node.id for node in nodes)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _mission_has_text(facts: PlanFacts) -> Failure | None:
    mission = facts.account.mission
    if mission.text.strip():
        return None
    return (mission.id,), "the mission is empty: say where this account should be in a few years"


def _mission_reaches_far_enough(facts: PlanFacts) -> Failure | None:
    mission = facts.account.mission
    if mission.horizon_years is None:
        return (mission.id,), "the mission has no horizon: say how many years it looks ahead"
    latest = facts.latest_objective
    if latest is None or latest.due is None:
        return None
    horizon_end = _years_after(facts.today, mission.horizon_years)
    if horizon_end >= latest.due:
        return None
    return (mission.id,), (
        f"the mission's {mission.horizon_years}-year horizon ends on {horizon_end}, "
        f'before objective "{latest.title}" is due on {latest.due}'
    )


def _has_objectives(facts: PlanFacts) -> Failure | None:
    mission = facts.account.mission
    if mission.objectives:
        return None
    return (mission.id,), "the mission has no objectives: set a measurable milestone on the way"


def _objectives_measurable(facts: PlanFacts) -> Failure | None:
    failing = [
        o for o in facts.account.mission.objectives if not o.metric.strip() or o.target is None
    ]
    if not failing:
        return None
    first = failing[0]
    if not first.metric.strip() and first.target is None:
        missing = "metric and no numeric target"
    else:
        missing = "numeric target" if first.metric.strip() else "metric"
    return _ids(failing), f"{_subject('objective', failing)} has no {missing}"


def _objectives_time_bound(facts: PlanFacts) -> Failure | None:
    today = facts.today
    failing = [
        o
        for o in facts.account.mission.objectives
        if o.due is None or (o.due < today and not o.is_met)
    ]
    if not failing:
        return None
    first = failing[0]
    problem = "has no due date" if first.due is None else f"was due on {first.due} and is not met"
    return _ids(failing), f"{_subject('objective', failing)} {problem}"


def _objectives_have_strategies(facts: PlanFacts) -> Failure | None:
    failing = [o for o in facts.account.mission.objectives if not o.strategies]
    if not failing:
        return None
    return _ids(failing), f"{_subject('objective', failing)} has no strategy: say how to reach it"


def _strategies_say_why(facts: PlanFacts) -> Failure | None:
    failing = [s for s in facts.strategies if not s.why.strip()]
    if not failing:
        return None
    return _ids(failing), f"{_subject('strategy', failing)} does not say why the customer will buy"


def _strategies_have_tactics(facts: PlanFacts) -> Failure | None:
    failing = [s for s in facts.strategies if not s.tactics]
    if not failing:
        return None
    return _ids(failing), (
        f"{_subject('strategy', failing)} has no tactic: a strategy without tactics is a wish"
    )


def _open_tactics_assigned(facts: PlanFacts) -> Failure | None:
    failing = [t for t, _ in facts.tactics if t.is_open and (not t.owner.strip() or t.due is None)]
    if not failing:
        return None
    lacks = [_tactic_lacks(tactic) for tactic in failing]
    if len(set(lacks)) == 1:
        return _ids(failing), f"{_subject('tactic', failing)} has no {lacks[0]}"
    # Not all lack the same: say what the first lacks, and only "or" of the rest.
    more = len(failing) - 1
    return _ids(failing), (
        f'tactic "{failing[0].title}" has no {lacks[0]} '
        f"(and {more} more without an owner or a due date)"
    )


def _tactic_lacks(tactic: Tactic) -> str:
    if not tactic.owner.strip() and tactic.due is None:
        return "owner and no due date"
    return "due date" if tactic.owner.strip() else "owner"


def _no_overdue_tactics(facts: PlanFacts) -> Failure | None:
    today = facts.today
    failing = [t for t, _ in facts.tactics if t.is_open and t.due is not None and t.due < today]
    if not failing:
        return None
    return _ids(failing), f"{_subject('tactic', failing)} is overdue (due {failing[0].due})"


def _tactics_due_by_objective(facts: PlanFacts) -> Failure | None:
    failing = [
        (t, o)
        for t, o in facts.tactics
        if t.due is not None and o.due is not None and t.due > o.due
    ]
    if not failing:
        return None
    tactic, objective = failing[0]
    tactics = [t for t, _ in failing]
    return _ids(tactics), (
        f"{_subject('tactic', tactics)} is due on {tactic.due}, "
        f'after its objective "{objective.title}" (due {objective.due})'
    )


def _reviewed_recently(facts: PlanFacts) -> Failure | None:
    account = facts.account
    interval = facts.config.review_interval_days
    if account.reviewed is None:
        return (account.id,), "the plan has never been reviewed"
    days = (facts.today - account.reviewed).days
    if days <= interval:
        return None
    return (account.id,), (
        f"the plan was last reviewed {days} days ago, on {account.reviewed}; "
        f"review it every {interval} days"
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "M1",
        "Mission",
        "the mission has text",
        "the mission says where the account is going",
        _mission_has_text,
    ),
    Rule(
        "M2",
        "Mission",
        "the mission has a horizon, and it reaches at least as far as the latest objective's "
        "due date",
        "the mission's horizon covers every objective",
        _mission_reaches_far_enough,
    ),
    Rule(
        "O1",
        "Objectives",
        "the account has at least one objective",
        "the mission has objectives",
        _has_objectives,
    ),
    Rule(
        "O2",
        "Objectives",
        "every objective is measurable: a metric and a numeric target",
        "every objective is measurable",
        _objectives_measurable,
    ),
    Rule(
        "O3",
        "Objectives",
        "every objective is time-bound: a due date, not in the past unless the objective is met",
        "every objective is dated and on time",
        _objectives_time_bound,
    ),
    Rule(
        "S1",
        "Strategies",
        "every objective has at least one strategy",
        "every objective has a strategy",
        _objectives_have_strategies,
    ),
    Rule(
        "S2",
        "Strategies",
        "every strategy states its why",
        "every strategy says why the customer will buy",
        _strategies_say_why,
    ),
    Rule(
        "T1",
        "Tactics",
        "every strategy has at least one tactic",
        "every strategy is carried out by tactics",
        _strategies_have_tactics,
    ),
    Rule(
        "T2",
        "Tactics",
        "every open tactic has an owner and a due date",
        "every open tactic has an owner and a due date",
        _open_tactics_assigned,
    ),
    Rule(
        "T3",
        "Tactics",
        "no open tactic is past its due date",
        "no tactic is overdue",
        _no_overdue_tactics,
    ),
    Rule(
        "T4",
        "Tactics",
        "no tactic is due after its objective",
        "every tactic is due by its objective's date",
        _tactics_due_by_objective,
    ),
    Rule(
        "R1",
        "Review",
        "the plan was reviewed within the review interval (default 90 days)",
        "the plan was reviewed within the review interval",
        _reviewed_recently,
        severity="warn",
    ),
)


def evaluate(
    account: Account, today: date, config: ChecklistConfig = DEFAULT_CHECKLIST
) -> Checklist:
    """Run every enabled rule on the account; results in table order, which is gate order."""
    facts = gather(account, today, config)
    results = tuple(rule.run(facts) for rule in RULES if rule.id not in config.disabled)
    failing = [result for result in results if result.status != "pass"]
    tactics_ahead = any(
        result.gate in _STRATEGIC_GATES and not facts.with_tactics.isdisjoint(result.nodes)
        for result in failing
    )
    return Checklist(
        results=results,
        passed=len(results) - len(failing),
        total=len(results),
        next_fix=failing[0] if failing else None,
        tactics_ahead=tactics_ahead,
    )


def fix_stops(checklist: Checklist) -> list[tuple[Result, str | None]]:
    """Every place to fix, in the order to fix them: each failing rule (the next fix first) with
    each node it names (the review rule names the account), or None if it names none."""
    stops: list[tuple[Result, str | None]] = []
    for result in checklist.results:
        if result.status != "pass":
            stops.extend((result, node) for node in result.nodes or (None,))
    return stops


def node_verdicts(checklist: Checklist) -> dict[str, list[str]]:
    """Node id (or account id, for the review rule) → ids of the rules it does not pass."""
    verdicts: dict[str, list[str]] = {}
    for result in checklist.results:
        if result.status != "pass":
            for node_id in result.nodes:
                verdicts.setdefault(node_id, []).append(result.rule)
    return verdicts


def fix_field(rule: str, node: Node) -> str | None:
    """The field of the node a rule names that, filled in, fixes it (None: no single field)."""
    match rule:
        case "M1":
            return "text"
        case "M2":
            return "horizon_years"
        case "O2":
            return "metric" if not getattr(node, "metric", "").strip() else "target"
        case "O3" | "T3" | "T4":
            return "due"
        case "S2":
            return "why"
        case "T2":
            return "owner" if not getattr(node, "owner", "").strip() else "due"
    return None
