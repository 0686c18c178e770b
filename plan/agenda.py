"""The review-meeting agenda as Markdown: worst plan first, what to decide, changes, due tactics."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from plan.config import ChecklistConfig
from plan.escape import escape_inline, escape_tactic_owner, escape_tactic_title
from plan.fields import clean_text
from plan.markdown_export import quote
from plan.model import Account, Node, ReviewNote, Tactic
from plan.review import changed_nodes, review_queue
from plan.rules import DEFAULT_CHECKLIST, TACTICS_AHEAD_MESSAGE, Checklist, Result, evaluate

AGENDA_TITLE = "Account plan review"  # the agenda's heading, before its date

# Open tactics due within this many days of the meeting are on the agenda, with every overdue one.
DUE_WINDOW_DAYS = 30
ACTION_ITEMS = 3

# The question the meeting answers for each rule a plan does not pass.
DECIDE: dict[str, str] = {
    "M1": "where should this account be in a few years?",
    "M2": "how many years ahead does the mission look?",
    "O1": "which milestone must we reach first?",
    "O2": "which metric and target?",
    "O3": "by when, or is it met?",
    "S1": "how will we reach it?",
    "S2": "what is the customer's reason to buy?",
    "T1": "which action carries it out first?",
    "T2": "who owns it and by when?",
    "T3": "a new date, done, or dropped?",
    "T4": "bring the tactic forward, or move the objective?",
    "R1": "review it today?",
}


def export_agenda(
    accounts: Sequence[Account], today: date, config: ChecklistConfig | None = None
) -> str:
    """The agenda for these accounts on `today`, in review order; same input, same bytes."""
    checklists = {
        id(account): evaluate(account, today, config or DEFAULT_CHECKLIST) for account in accounts
    }
    queue = [
        (account, checklists[id(account)])
        for account in review_queue(accounts, lambda account: checklists[id(account)])
    ]
    blocks = [f"# {AGENDA_TITLE} — {today.isoformat()}"]
    _write_summary(blocks, queue)
    for account, checklist in queue:
        _write_account(blocks, account, checklist, today)
    return "\n\n".join(blocks) + "\n"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _review_overdue(checklist: Checklist) -> bool:
    return any(result.rule == "R1" and result.status != "pass" for result in checklist.results)


def _write_summary(blocks: list[str], queue: list[tuple[Account, Checklist]]) -> None:
    ahead = sum(checklist.tactics_ahead for _, checklist in queue)
    overdue = sum(_review_overdue(checklist) for _, checklist in queue)
    blocks.append(
        f"{_plural(len(queue), 'plan')} to review: {ahead} with tactics ahead of strategy, "
        f"{overdue} overdue for review."
    )
    if queue:
        blocks.append(
            "\n".join(
                f"{number}. {_queue_entry(account, checklist)}"
                for number, (account, checklist) in enumerate(queue, start=1)
            )
        )


def _queue_entry(account: Account, checklist: Checklist) -> str:
    flags = []
    if checklist.tactics_ahead:
        flags.append("tactics ahead of strategy")
    if _review_overdue(checklist):
        flags.append("never reviewed" if account.reviewed is None else "review overdue")
    return ", ".join([f"{escape_inline(account.name)} — {checklist.score}", *flags])


def _write_account(blocks: list[str], account: Account, checklist: Checklist, today: date) -> None:
    blocks.append(f"## {escape_inline(account.name)} — score {checklist.score}")
    reviewed = "never"
    if account.reviewed is not None:
        reviewed = f"{account.reviewed.isoformat()} ({_days_ago((today - account.reviewed).days)})"
    # A list, not bare lines: rendered Markdown would run bare lines into one.
    blocks.append(
        "\n".join(
            [
                f"- Owner: {escape_inline(account.owner) or 'none'}",
                f"- Segment: {escape_inline(account.segment) or 'none'}",
                f"- Last reviewed: {reviewed}",
            ]
        )
    )
    if checklist.tactics_ahead:
        warning = TACTICS_AHEAD_MESSAGE[0].upper() + TACTICS_AHEAD_MESSAGE[1:]
        blocks.append(f"⚠ {escape_inline(warning)}.")
    _write_decisions(blocks, account, checklist)
    _write_changes(blocks, account)
    _write_tactics_due(blocks, account, today)
    _write_review_notes(blocks, account.review_notes)
    blocks.append("### Actions")
    blocks.append("Fill in during the meeting: what, who, by when.")
    # A task item needs some content to render as a checkbox on GitHub; &nbsp; prints blank.
    blocks.append("\n".join(["- [ ] &nbsp;"] * ACTION_ITEMS))


def _days_ago(days: int) -> str:
    if days == 0:
        return "today"
    if days < 0:
        return f"{_plural(-days, 'day')} from now"
    return f"{_plural(days, 'day')} ago"


def _node_label(node: Node) -> str:
    return f"{node.KIND}: {escape_inline(node.title) or '(empty)'}"


def _write_decisions(blocks: list[str], account: Account, checklist: Checklist) -> None:
    blocks.append("### To decide")
    items = [
        _decision(account, result, result is checklist.next_fix)
        for result in checklist.results
        if result.status != "pass"
    ]
    blocks.append("\n".join(items) if items else "Nothing: every rule passes.")


def _decision(account: Account, result: Result, next_fix: bool) -> str:
    """The rule's id, its message (which names the first failing node), and the question."""
    mark = " (next fix)" if next_fix else ""
    item = (
        f"- **{result.rule}**{mark} {escape_inline(result.message)} — "
        f"*decide:* {DECIDE[result.rule]}"
    )
    # The message names only the first node that fails alike; the meeting needs them all.
    if len(result.nodes) > 1:
        nodes = [found[0] for node_id in result.nodes if (found := account.find(node_id))]
        item += "".join(f"\n  - {_node_label(node)}" for node in nodes)
    return item


def _write_changes(blocks: list[str], account: Account) -> None:
    blocks.append("### Changed since the last review")
    if account.reviewed is None:
        blocks.append("Never reviewed: the whole plan is new.")
        return
    day = account.reviewed.isoformat()
    items = []
    for node in changed_nodes(account, account.reviewed):
        created, updated = node.created[:10], node.updated[:10]
        if created <= day:
            when = f"updated {updated}"
        elif updated > created:
            when = f"added {created}, updated {updated}"
        else:
            when = f"added {created}"
        items.append(f"- {_node_label(node)} ({when})")
    blocks.append("\n".join(items) if items else "Nothing changed.")


def _tactics_due(account: Account, today: date) -> list[tuple[date, Tactic]]:
    """Open tactics overdue or due within DUE_WINDOW_DAYS of today, with their dates, soonest
    first (in plan order on the same day)."""
    last = today + timedelta(days=DUE_WINDOW_DAYS)
    due = [
        (tactic.due, tactic)
        for tactic, _, _ in account.tactics()
        if tactic.is_open and tactic.due is not None and tactic.due <= last
    ]
    return sorted(due, key=lambda pair: pair[0])


def _write_tactics_due(blocks: list[str], account: Account, today: date) -> None:
    blocks.append("### Tactics due")
    items = []
    for due, tactic in _tactics_due(account, today):
        days = (due - today).days
        if days < 0:
            when = f"overdue {_plural(-days, 'day')}"
        elif days == 0:
            when = "due today"
        else:
            when = f"in {_plural(days, 'day')}"
        owner = escape_tactic_owner(tactic.owner)
        who = f"@{owner}" if owner else "no owner"
        items.append(f"- {due.isoformat()} {escape_tactic_title(tactic.title)} — {who} ({when})")
    blocks.append(
        "\n".join(items) if items else f"Nothing open is due in the next {DUE_WINDOW_DAYS} days."
    )


def _write_review_notes(blocks: list[str], notes: Sequence[ReviewNote]) -> None:
    blocks.append("### Review notes")
    if not notes:
        blocks.append("None yet.")
        return
    # Newest first; of two notes on one day, the one added later.
    for note in sorted(reversed(notes), key=lambda note: note.on, reverse=True):
        text = "\n".join(escape_inline(line) for line in clean_text(note.text).split("\n"))
        dated = f"**{note.on.isoformat()}**"
        blocks.append(quote(f"{dated} — {text}" if text else dated))
