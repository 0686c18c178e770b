"""The review-meeting agenda: order, what to decide, changes, due tactics, escaping, golden file."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from plan.agenda import DECIDE, export_agenda
from plan.config import RULE_IDS, ChecklistConfig
from plan.demo import demo_accounts
from plan.model import Account, Mission, Objective, ReviewNote, Strategy, Tactic
from plan.review import review_queue
from plan.rules import evaluate

TODAY = date(2026, 11, 24)
GOLDEN = Path(__file__).parent / "golden" / "agenda.md"
OLD = "2026-01-05T09:00:00+00:00"


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def section(text: str, heading: str) -> str:
    """The body of the first `### heading` section, up to the next heading."""
    start = text.index(f"\n### {heading}\n\n") + len(f"\n### {heading}\n\n")
    end = re.compile(r"\n\n#{2,3} ").search(text, start)
    return text[start : end.start() if end else len(text)].rstrip("\n")


def plain_blocks(markdown: str) -> list[str]:
    """The text of every heading, paragraph and list item as a CommonMark reader sees it."""
    tokens = MarkdownIt("commonmark", {"html": False}).parse(markdown)
    blocks = []
    for token in tokens:
        if token.type != "inline":
            continue
        parts = []
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append("\n")
        blocks.append("".join(parts))
    return blocks


def test_agenda_of_the_demo_matches_the_golden_file() -> None:
    text = export_agenda(demo_accounts(TODAY), TODAY)
    if os.environ.get("KEYPLAN_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), (
        "the agenda changed: review the diff, then accept it with "
        "KEYPLAN_UPDATE_GOLDEN=1 pytest tests/test_agenda.py"
    )


def test_sections_follow_the_review_order_and_only_the_accounts_given() -> None:
    accounts = demo_accounts(TODAY)
    queue = [a.name for a in review_queue(accounts, lambda a: evaluate(a, TODAY))]
    text = export_agenda(accounts, TODAY)
    assert re.findall(r"^## (.+) — score \d+/\d+$", text, flags=re.MULTILINE) == queue
    listed = re.findall(r"^\d+\. (.+) — \d+/\d+", text, flags=re.MULTILINE)
    assert listed == queue
    assert queue[0] == "Harvest Valley Foods"
    assert "1. Harvest Valley Foods — 5/12, tactics ahead of strategy, never reviewed\n" in text

    two = [accounts[0], accounts[-1]]
    text = export_agenda(two, TODAY)
    headings = re.findall(r"^## (.+) — score", text, flags=re.MULTILINE)
    assert headings == ["Harvest Valley Foods", "Nordhavn Industrial Group"]


def test_summary_counts_plans_tactics_ahead_and_reviews_overdue() -> None:
    text = export_agenda(demo_accounts(TODAY), TODAY)
    assert text.startswith(
        "# Account plan review — 2026-11-24\n\n"
        "6 plans to review: 1 with tactics ahead of strategy, 3 overdue for review.\n"
    )
    assert export_agenda([], TODAY) == (
        "# Account plan review — 2026-11-24\n\n"
        "0 plans to review: 0 with tactics ahead of strategy, 0 overdue for review.\n"
    )


def test_account_header_gives_owner_segment_last_review_and_the_warning() -> None:
    accounts = {a.name: a for a in demo_accounts(TODAY)}
    harvest = export_agenda([accounts["Harvest Valley Foods"]], TODAY)
    assert (
        "## Harvest Valley Foods — score 5/12\n\n"
        "- Owner: Tom Becker\n"
        "- Segment: Food & beverage\n"
        "- Last reviewed: never\n\n"
        "⚠ Tactics ahead of strategy: settle the mission, objectives and strategies "
        "before adding more activity.\n\n"
        "### To decide\n"
    ) in harvest
    nordhavn = export_agenda([accounts["Nordhavn Industrial Group"]], TODAY)
    assert "- Last reviewed: 2026-11-12 (12 days ago)\n\n### To decide\n" in nordhavn
    bare = export_agenda([Account("Bare", reviewed=TODAY)], TODAY)
    assert "- Owner: none\n- Segment: none\n- Last reviewed: 2026-11-24 (today)\n" in bare
    yesterday = export_agenda([Account("B", reviewed=day(-1))], TODAY)
    assert "- Last reviewed: 2026-11-23 (1 day ago)\n" in yesterday
    # A hand-edited file can carry a review date still to come.
    ahead = export_agenda([Account("B", reviewed=day(3))], TODAY)
    assert "- Last reviewed: 2026-11-27 (3 days from now)\n" in ahead


def test_a_failing_rule_shows_its_id_the_node_and_what_to_decide() -> None:
    brigid = next(a for a in demo_accounts(TODAY) if a.name == "St. Brigid Hospital Group")
    assert section(export_agenda([brigid], TODAY), "To decide") == (
        '- **S2** (next fix) strategy "Offer on-site instrument repair" does not say why the '
        "customer will buy — *decide:* what is the customer's reason to buy?\n"
        '- **T1** strategy "Offer on-site instrument repair" has no tactic: a strategy without '
        "tactics is a wish — *decide:* which action carries it out first?\n"
        "- **R1** the plan was last reviewed 140 days ago, on 2026-07-07; review it every 90 days"
        " — *decide:* review it today?"
    )


def test_a_rule_failed_by_several_nodes_lists_every_one() -> None:
    harvest = next(a for a in demo_accounts(TODAY) if a.name == "Harvest Valley Foods")
    decide = section(export_agenda([harvest], TODAY), "To decide")
    assert decide.startswith("- **M2** (next fix) the mission has no horizon")
    assert decide.count("(next fix)") == 1
    assert (
        '- **S2** strategy "Get closer to the buyers" (and 1 more) does not say why the customer '
        "will buy — *decide:* what is the customer's reason to buy?\n"
        "  - strategy: Get closer to the buyers\n"
        "  - strategy: Push the new compostable packaging line\n"
    ) in decide


def test_a_plan_that_passes_every_rule_has_nothing_to_decide() -> None:
    nordhavn = demo_accounts(TODAY)[0]
    assert section(export_agenda([nordhavn], TODAY), "To decide") == "Nothing: every rule passes."


def test_every_rule_has_a_question_to_decide() -> None:
    assert set(DECIDE) == set(RULE_IDS)


def test_the_config_decides_which_rules_count() -> None:
    brigid = next(a for a in demo_accounts(TODAY) if a.name == "St. Brigid Hospital Group")
    text = export_agenda([brigid], TODAY, ChecklistConfig(disabled=frozenset({"R1"})))
    assert "## St. Brigid Hospital Group — score 9/11\n" in text
    assert "**R1**" not in text
    assert "0 overdue for review" in text


def test_changes_since_the_last_review_come_from_node_timestamps() -> None:
    kept = Strategy("Kept", why="w", created=OLD)
    on_review_day = Strategy(
        "Touched on the review day", created=OLD, updated="2026-10-01T23:59:59"
    )
    edited = Strategy("Edited", created=OLD, updated="2026-10-02T08:00:00+00:00")
    added = Tactic("Added", created="2026-10-05T10:00:00+00:00")
    added_then_edited = Tactic(
        "Added then edited",
        created="2026-10-03T10:00:00+00:00",
        updated="2026-10-06T10:00:00+00:00",
    )
    edited.tactics = [added, added_then_edited]
    objective = Objective("O", strategies=[kept, on_review_day, edited], created=OLD)
    account = Account(
        "A",
        reviewed=date(2026, 10, 1),
        mission=Mission("M", 3, objectives=[objective], created=OLD),
    )
    assert section(export_agenda([account], TODAY), "Changed since the last review") == (
        "- strategy: Edited (updated 2026-10-02)\n"
        "- tactic: Added (added 2026-10-05)\n"
        "- tactic: Added then edited (added 2026-10-03, updated 2026-10-06)"
    )

    account.reviewed = date(2026, 10, 6)
    assert section(export_agenda([account], TODAY), "Changed since the last review") == (
        "Nothing changed."
    )
    account.reviewed = None
    assert section(export_agenda([account], TODAY), "Changed since the last review") == (
        "Never reviewed: the whole plan is new."
    )


def test_tactics_due_are_open_ones_overdue_or_due_within_thirty_days() -> None:
    tactics = [
        Tactic("Day 31, out", owner="Dana", due=day(31)),
        Tactic("Day 30, in", owner="Dana", due=day(30)),
        Tactic("Due today", owner="Sam", due=day(0), status="doing"),
        Tactic("Nobody's", due=day(1)),
        Tactic("Overdue", owner="Lea", due=day(-12)),
        Tactic("Overdue but done", owner="Lea", due=day(-3), status="done"),
        Tactic("Due but dropped", owner="Lea", due=day(2), status="dropped"),
        Tactic("No date", owner="Lea"),
        Tactic("Also due today", owner="Mia", due=day(0)),
    ]
    strategy = Strategy("S", why="w", tactics=tactics)
    account = Account("A", mission=Mission(objectives=[Objective("O", strategies=[strategy])]))
    assert section(export_agenda([account], TODAY), "Tactics due") == (
        "- 2026-11-12 Overdue — @Lea (overdue 12 days)\n"
        "- 2026-11-24 Due today — @Sam (due today)\n"
        "- 2026-11-24 Also due today — @Mia (due today)\n"
        "- 2026-11-25 Nobody's — no owner (in 1 day)\n"
        "- 2026-12-24 Day 30, in — @Dana (in 30 days)"
    )
    strategy.tactics = [tactics[0], tactics[5]]
    assert section(export_agenda([account], TODAY), "Tactics due") == (
        "Nothing open is due in the next 30 days."
    )


def test_review_notes_are_quoted_newest_first() -> None:
    account = Account(
        "A",
        reviewed=day(-1),
        review_notes=[
            ReviewNote(day(-100), "First"),
            ReviewNote(day(-1), "Same day, earlier"),
            ReviewNote(day(-1), "Same day, later\n- not a list\n\n**bold**"),
            ReviewNote(day(-50), ""),
        ],
    )
    assert section(export_agenda([account], TODAY), "Review notes") == (
        "> **2026-11-23** — Same day, later\n"
        "> \\- not a list\n"
        ">\n"
        "> \\*\\*bold\\*\\*\n\n"
        "> **2026-11-23** — Same day, earlier\n\n"
        "> **2026-10-05**\n\n"
        "> **2026-08-16** — First"
    )
    assert section(export_agenda([Account("B")], TODAY), "Review notes") == "None yet."


def test_each_account_ends_with_three_empty_actions() -> None:
    text = export_agenda(demo_accounts(TODAY), TODAY)
    actions = (
        "### Actions\n\nFill in during the meeting: what, who, by when.\n\n" + "- [ ] &nbsp;\n" * 3
    )
    assert text.count(actions) == 6
    assert text.endswith(actions)


@pytest.mark.parametrize(
    "typed",
    ["[/]", "<script>alert(1)</script>", "# x", "*x*", "1. one", "a — @b, c", "\\", "`x`"],
)
def test_hostile_text_reads_back_exactly_and_never_becomes_html(typed: str) -> None:
    tactic = Tactic(typed, owner=typed, due=day(-2), created=OLD, updated="2026-11-20T10:00:00")
    strategy = Strategy(typed, tactics=[tactic], created=OLD)
    objective = Objective(
        typed, metric="m", target=1, due=day(100), strategies=[strategy], created=OLD
    )
    account = Account(
        typed,
        owner=typed,
        segment=typed,
        reviewed=day(-30),
        review_notes=[ReviewNote(day(-30), typed)],
        mission=Mission(typed, 3, objectives=[objective], created=OLD),
    )
    checklist = evaluate(account, TODAY)
    text = export_agenda([account], TODAY)
    blocks = plain_blocks(text)

    assert f"{typed} — score {checklist.score}" in blocks
    # A strategy without its why while tactics hang below it: tactics ahead of strategy.
    assert f"{typed} — {checklist.score}, tactics ahead of strategy" in blocks
    assert f"Owner: {typed}" in blocks
    assert f"Segment: {typed}" in blocks
    failing = [r for r in checklist.results if r.status != "pass"]
    assert {r.rule for r in failing} == {"S2", "T3"}
    for result in failing:
        mark = " (next fix)" if result is checklist.next_fix else ""
        assert f"{result.rule}{mark} {result.message} — decide: {DECIDE[result.rule]}" in blocks
    assert f"tactic: {typed} (updated 2026-11-20)" in blocks
    assert f"2026-11-22 {typed} — @{typed} (overdue 2 days)" in blocks
    assert f"2026-10-25 — {typed}" in blocks

    for html in (
        MarkdownIt("commonmark", {"html": False}).render(text),
        MarkdownIt("gfm-like").render(text),  # raw HTML on, as on GitHub
    ):
        assert "<script" not in html
        assert "<code>" not in html
        assert [html.count(f"<h{level}>") for level in (1, 2, 3)] == [1, 1, 5]


def test_the_agenda_is_the_same_bytes_every_time_and_for_any_input_order() -> None:
    first = export_agenda(demo_accounts(TODAY), TODAY)
    assert export_agenda(demo_accounts(TODAY), TODAY) == first
    assert export_agenda(list(reversed(demo_accounts(TODAY))), TODAY) == first
