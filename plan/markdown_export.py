"""Writing accounts as Markdown in the plan format (PLAN_FORMAT.md): same plan, same bytes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from plan.config import ChecklistConfig
from plan.escape import escape_inline, escape_tactic_owner, escape_tactic_title
from plan.fields import clean_text, format_number
from plan.model import Account, Mission, Objective, ParentNode, Strategy, Tactic
from plan.rules import DEFAULT_CHECKLIST, TACTICS_AHEAD_MESSAGE, Checklist, Result, evaluate

_MARKS = {"pass": "✓", "fail": "✗", "warn": "⚠"}
# A closed tactic is ticked; the status word is written only where the box alone cannot say it.
_CLOSED = frozenset({"done", "dropped"})
_SPOKEN_STATUSES = frozenset({"doing", "dropped"})


def export_markdown(
    accounts: Sequence[Account],
    today: date,
    *,
    checklist: bool = True,
    config: ChecklistConfig | None = None,
) -> str:
    """The accounts in the plan format; `today` is used only to evaluate the checklist."""
    blocks: list[str] = []
    for account in accounts:
        _write_plan(blocks, account)
        if checklist:
            result = evaluate(account, today, config or DEFAULT_CHECKLIST)
            _write_checklist(blocks, account, result, today)
        _write_review_notes(blocks, account)
    return "\n\n".join(blocks) + "\n"


def quote(notes: str, indent: str = "") -> str:
    """Notes (already cleaned) as a block quote, so nothing in them can read as plan structure."""
    return "\n".join(f"{indent}> {line}" if line else f"{indent}>" for line in notes.split("\n"))


def _heading(heading: str, fields: list[tuple[str, str]]) -> str:
    """A heading and, right under it, a line for each field that has a value."""
    return "\n".join([heading, *(f"{label}: {value}" for label, value in fields if value)])


def _date(day: date | None) -> str:
    return "" if day is None else day.isoformat()


def _write_plan(blocks: list[str], account: Account) -> None:
    fields = [
        ("Owner", escape_inline(account.owner)),
        ("Segment", escape_inline(account.segment)),
        ("Reviewed", _date(account.reviewed)),
        ("Archived", "yes" if account.archived else ""),
    ]
    blocks.append(_heading(f"# {escape_inline(account.name)}", fields))
    _write_notes(blocks, account.notes)
    _write_mission(blocks, account.mission)
    for objective in account.mission.objectives:
        _write_objective(blocks, objective)
        for strategy in objective.strategies:
            _write_strategy(blocks, strategy)


def _write_notes(blocks: list[str], notes: str) -> None:
    notes = clean_text(notes)
    if notes:
        blocks.append(quote(notes))


def _write_mission(blocks: list[str], mission: Mission) -> None:
    horizon = mission.horizon_years
    heading = "## Mission"
    if horizon is not None:
        heading += f" ({horizon} year{'' if horizon == 1 else 's'})"
    text = escape_inline(mission.text)
    blocks.append(f"{heading}\n{text}" if text else heading)
    _write_notes(blocks, mission.notes)


def _write_objective(blocks: list[str], objective: Objective) -> None:
    unit = escape_inline(objective.unit)
    # With a target the unit follows its number; a unit alone has a line of its own.
    target = format_number(objective.target)
    fields = [
        ("Metric", escape_inline(objective.metric)),
        ("Target", f"{target} {unit}".rstrip() if target else ""),
        ("Unit", "" if target else unit),
        ("Current", format_number(objective.current)),
        ("Due", _date(objective.due)),
    ]
    blocks.append(_heading(f"## Objective: {escape_inline(objective.title)}", fields))
    _write_notes(blocks, objective.notes)


def _write_strategy(blocks: list[str], strategy: Strategy) -> None:
    fields = [("Why", escape_inline(strategy.why)), ("Approach", strategy.approach or "")]
    blocks.append(_heading(f"### Strategy: {escape_inline(strategy.title)}", fields))
    _write_notes(blocks, strategy.notes)
    if strategy.tactics:
        blocks.append("\n".join(_tactic_item(tactic) for tactic in strategy.tactics))


def _tactic_item(tactic: Tactic) -> str:
    box = "[x]" if tactic.status in _CLOSED else "[ ]"
    tail = []
    owner = escape_tactic_owner(tactic.owner)
    if owner:
        tail.append(f"@{owner}")
    if tactic.due is not None:
        tail.append(f"due {tactic.due.isoformat()}")
    if tactic.status in _SPOKEN_STATUSES:
        tail.append(tactic.status)
    item = f"- {box} {escape_tactic_title(tactic.title)}"
    if tail:
        item += " — " + ", ".join(tail)
    notes = clean_text(tactic.notes)
    if notes:
        # Indented to the item's content, the quote belongs to this tactic.
        item += "\n" + quote(notes, indent="  ")
    return item


def _write_checklist(
    blocks: list[str], account: Account, checklist: Checklist, today: date
) -> None:
    blocks.append("## Checklist")
    summary = [f"**{checklist.score}** rules pass on {today.isoformat()}."]
    if checklist.tactics_ahead:
        summary.append(f"**Warning:** {escape_inline(TACTICS_AHEAD_MESSAGE)}.")
    if checklist.next_fix is not None:
        fix = checklist.next_fix
        summary.append(f"**Next fix:** {fix.rule}, {escape_inline(fix.message)}.")
    blocks.append("\n".join(summary))
    parents = {node.id: parent for node, parent in account.walk()} if checklist.next_fix else {}
    blocks.append("\n".join(_result_item(result, parents) for result in checklist.results))


def _result_item(result: Result, parents: dict[str, ParentNode | None]) -> str:
    """The rule's mark, id and message (which names the failing node), and where that node is."""
    item = f"- {_MARKS[result.status]} {result.rule} {escape_inline(result.message)}"
    parent = parents.get(result.nodes[0]) if result.nodes else None
    if isinstance(parent, Objective | Strategy):
        # The heading to look under; a failing objective is itself a heading.
        item += f" (under {parent.KIND.capitalize()}: {escape_inline(parent.title)})"
    return item


def _write_review_notes(blocks: list[str], account: Account) -> None:
    if not account.review_notes:
        return
    blocks.append("## Review notes")
    blocks.append(
        "\n".join(
            f"- {note.on.isoformat()}: {escape_inline(note.text)}".rstrip()
            for note in account.review_notes
        )
    )
