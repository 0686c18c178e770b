"""Markdown export: the format of PLAN_FORMAT.md, escaping, the checklist and the golden file."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from plan.config import RULE_IDS, ChecklistConfig
from plan.demo import demo_accounts
from plan.escape import (
    _cleaned_and_escaped,
    escape_inline,
    escape_tactic_owner,
    escape_tactic_title,
)
from plan.markdown import export_markdown
from plan.model import Account, Mission, Objective, ReviewNote, Strategy, Tactic

TODAY = date(2026, 1, 15)
GOLDEN = Path(__file__).parent / "golden" / "demo.md"

# The grammar example of PLAN_FORMAT.md, byte for byte.
FORMAT_EXAMPLE = """\
# ACME Manufacturing
Owner: Dana Lee
Segment: Industrial automation
Reviewed: 2026-09-30

## Mission (5 years)
Be the partner ACME's plant directors call first for every automation decision.

## Objective: Grow annual revenue from the account to 1.5M EUR
Metric: annual revenue
Target: 1500000 EUR
Due: 2027-12-31

### Strategy: Cross-sell predictive maintenance to existing plant managers
Why: Unplanned stops cost each plant about 6% uptime; they buy what removes that pain.

> Their CFO asked for numbers per plant, not per region.

- [ ] Run a needs assessment at the Lyon plant — @Dana Lee, due 2027-02-15
- [x] Build a demo from their 2025 downtime data — @Sam Ortiz, due 2027-01-10
- [ ] Invite the plant directors to the spring user day — @Dana Lee, doing
"""


def acme() -> Account:
    """The account of the PLAN_FORMAT.md example."""
    strategy = Strategy(
        "Cross-sell predictive maintenance to existing plant managers",
        why="Unplanned stops cost each plant about 6% uptime; they buy what removes that pain.",
        notes="Their CFO asked for numbers per plant, not per region.",
        tactics=[
            Tactic("Run a needs assessment at the Lyon plant", "Dana Lee", date(2027, 2, 15)),
            Tactic(
                "Build a demo from their 2025 downtime data",
                "Sam Ortiz",
                date(2027, 1, 10),
                status="done",
            ),
            Tactic("Invite the plant directors to the spring user day", "Dana Lee", status="doing"),
        ],
    )
    objective = Objective(
        "Grow annual revenue from the account to 1.5M EUR",
        metric="annual revenue",
        target=1_500_000,
        unit="EUR",
        due=date(2027, 12, 31),
        strategies=[strategy],
    )
    return Account(
        "ACME Manufacturing",
        owner="Dana Lee",
        segment="Industrial automation",
        reviewed=date(2026, 9, 30),
        mission=Mission(
            "Be the partner ACME's plant directors call first for every automation decision.",
            horizon_years=5,
            objectives=[objective],
        ),
    )


def test_export_writes_the_format_example_exactly() -> None:
    assert export_markdown([acme()], TODAY, checklist=False) == FORMAT_EXAMPLE


def test_export_writes_fields_the_format_example_does_not_show() -> None:
    account = Account(
        "Old Co",
        archived=True,
        notes="Line one\n\n  indented\n# not a heading",
        mission=Mission(
            "",
            horizon_years=1,
            objectives=[
                Objective("No target", unit="EUR", current=12.5),
                Objective("Target", target=-0.25, unit="%", current=1e20),
            ],
        ),
    )
    account.mission.objectives[0].strategies.append(
        Strategy("S", approach="prove-best", tactics=[Tactic("Dropped one", status="dropped")])
    )
    assert export_markdown([account], TODAY, checklist=False) == (
        "# Old Co\n"
        "Archived: yes\n"
        "\n"
        "> Line one\n"
        ">\n"
        ">   indented\n"
        "> # not a heading\n"
        "\n"
        "## Mission (1 year)\n"
        "\n"
        "## Objective: No target\n"
        "Unit: EUR\n"
        "Current: 12.5\n"
        "\n"
        "### Strategy: S\n"
        "Approach: prove-best\n"
        "\n"
        "- [x] Dropped one — dropped\n"
        "\n"
        "## Objective: Target\n"
        "Target: -0.25 %\n"
        "Current: 1e+20\n"
    )


def test_tactic_notes_are_a_quote_inside_the_tactic_item() -> None:
    strategy = Strategy("S", tactics=[Tactic("T", notes="first\n\n- a list"), Tactic("U")])
    account = Account("A", mission=Mission(objectives=[Objective("O", strategies=[strategy])]))
    text = export_markdown([account], TODAY, checklist=False)
    assert "- [ ] T\n  > first\n  >\n  > - a list\n- [ ] U\n" in text


def test_review_notes_are_dated_items_after_the_checklist() -> None:
    account = Account(
        "A",
        review_notes=[
            ReviewNote(date(2026, 1, 2), "Went *well*"),
            ReviewNote(date(2026, 1, 9), ""),
        ],
    )
    text = export_markdown([account], TODAY)
    assert text.index("## Checklist") < text.index("## Review notes")
    assert text.endswith("## Review notes\n\n- 2026-01-02: Went \\*well\\*\n- 2026-01-09:\n")


def test_export_is_the_same_bytes_every_time() -> None:
    first = export_markdown(demo_accounts(TODAY), TODAY)
    assert export_markdown(demo_accounts(TODAY), TODAY) == first


def test_export_of_the_demo_matches_the_golden_file() -> None:
    text = export_markdown(demo_accounts(TODAY), TODAY)
    if os.environ.get("KEYPLAN_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), (
        "the export format changed: review the diff, then accept it with "
        "KEYPLAN_UPDATE_GOLDEN=1 pytest tests/test_markdown_export.py"
    )


def test_checklist_lists_every_rule_with_its_mark_id_and_message() -> None:
    harvest = next(a for a in demo_accounts(TODAY) if a.name == "Harvest Valley Foods")
    text = export_markdown([harvest], TODAY)
    checklist = text[text.index("## Checklist") :]
    items = re.findall(r"^- (\S) (\w\d) ", checklist, flags=re.MULTILINE)
    assert [rule for _, rule in items] == list(RULE_IDS)
    assert dict((rule, mark) for mark, rule in items) == {
        **dict.fromkeys(["M1", "O1", "S1", "T1", "T4"], "✓"),
        **dict.fromkeys(["M2", "O2", "O3", "S2", "T2", "T3"], "✗"),
        "R1": "⚠",
    }
    assert "**Warning:** tactics ahead of strategy" in checklist
    assert "**Next fix:** M2, the mission has no horizon" in checklist
    assert f"**5/12** rules pass on {TODAY.isoformat()}." in checklist


def test_checklist_names_where_the_failing_node_stands() -> None:
    strategy = Strategy("Win the *buyers*", why="w", tactics=[Tactic("Call [them]")])
    account = Account("A", mission=Mission(objectives=[Objective("O", strategies=[strategy])]))
    text = export_markdown([account], TODAY)
    assert (
        '- ✗ T2 tactic "Call \\[them\\]" has no owner and no due date '
        "(under Strategy: Win the \\*buyers\\*)\n"
    ) in text
    assert '- ✗ O2 objective "O" has no metric and no numeric target\n' in text


def test_checklist_can_be_left_out_or_configured() -> None:
    account = acme()
    assert "## Checklist" not in export_markdown([account], TODAY, checklist=False)
    config = ChecklistConfig(disabled=frozenset({"R1"}))
    configured = export_markdown([account], TODAY, config=config)
    assert " R1 " not in configured
    assert re.search(r"\*\*\d+/11\*\* rules pass", configured)


def test_control_characters_never_reach_the_file() -> None:
    # Every C0 and C1 control but the tab and the line breaks, which clean_line makes spaces.
    controls = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r")
    tactic = Tactic(f"T{controls}", owner=f"O{controls}", notes=f"n{controls}\tx")
    account = Account(
        f"A{controls}\nB",
        owner=f"\x1b]0;title\x07Dana{controls}",
        review_notes=[ReviewNote(TODAY, f"r{controls}")],
        notes=f"a{controls}\r\nb",
        mission=Mission(
            f"m{controls}",
            objectives=[Objective("O", strategies=[Strategy("S", tactics=[tactic])])],
        ),
    )
    text = export_markdown([account], TODAY)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    assert "# A B\n" in text
    assert "> a\n> b\n" in text
    assert "Owner: \\]0;titleDana\n" in text
    assert "  > n\tx\n" in text


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("[bold]red[/]", "\\[bold\\]red\\[/\\]"),
        ("[@click=app.quit]x", "\\[@click=app.quit\\]x"),
        ("<script>alert(1)</script>", "\\<script>alert(1)\\</script>"),
        ("# not a heading", "\\# not a heading"),
        ("- not a list", "\\- not a list"),
        ("+ not a list", "\\+ not a list"),
        ("2024. a good year", "2024\\. a good year"),
        ("1) first", "1\\) first"),
        ("1.5M EUR", "1.5M EUR"),
        ("> not a quote", "\\> not a quote"),
        ("===", "\\==="),
        ("a *b* _c_ `d` ~~e~~ | f", "a \\*b\\* \\_c\\_ \\`d\\` \\~\\~e\\~\\~ \\| f"),
        ("R&D", "R&D"),
        ("&amp; &#35; &#x41;", "\\&amp; \\&\\#35; \\&\\#x41;"),
        ("C:\\path\\", "C:\\\\path\\\\"),
        ("<http://x.y>", "\\<http://x.y>"),
        ("  tabs\tand spaces  ", "tabs and spaces"),
        ("Ünïcödé — 中文 — עברית", "Ünïcödé — 中文 — עברית"),
    ],
)
def test_escape_inline_escapes_only_what_could_be_syntax(typed: str, written: str) -> None:
    assert escape_inline(typed) == written


# What escaping cares about (syntax, line starts, entities, digits, spaces of all kinds,
# control characters), mixed with plain letters.
_ESCAPE_ALPHABET = st.sampled_from(
    [
        *"ab Zé中-+=#*_`~|[]<>&;\\0123456789.)@—,\t\n\r\x00\x1b\x7f\x85",
        *"\u00a0\u2028\u200b\u3000\ufeff",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ESCAPE_ALPHABET, max_size=12).map("".join))
def test_plain_text_is_recognised_exactly_as_the_full_escape_would_leave_it(text: str) -> None:
    # escape_inline returns text that needs nothing at once; the full path must agree.
    assert escape_inline(text) == _cleaned_and_escaped(text)


def test_every_character_alone_and_within_text_is_told_as_the_full_escape_would() -> None:
    # Each ASCII and Latin-1 character, every kind of Unicode space, and a few more, alone,
    # first, last and in the middle: the quick test and the full escape must agree on each.
    characters = [chr(c) for c in range(0x100)] + [*"\u2000\u2028\u2029\u200b\u3000\ufeff—中"]
    for c in characters:
        for text in (c, c + "a", "a" + c, "a" + c + "a", c + c):
            assert escape_inline(text) == _cleaned_and_escaped(text), repr(text)


@pytest.mark.parametrize(
    "text",
    [
        " a",
        "a ",
        "\u00a0a",
        "a\u00a0",
        "1 a",
        "1.",
        "2024) x",
        "a&amp;",
        "&#35;1",
        "-a",
        "a&b",
        "a]",
        "é",
        "a",
        "",
        " ",
    ],
)
def test_text_at_the_edge_of_plain_goes_the_full_way(text: str) -> None:
    assert escape_inline(text) == _cleaned_and_escaped(text)


def test_tactic_title_and_owner_escape_the_tail_separators() -> None:
    assert escape_tactic_title("Call Dana — @Lyon, today") == "Call Dana &mdash; \\@Lyon, today"
    assert escape_tactic_owner("Lee, Dana — ops") == "Lee\\, Dana — ops"
    # A hand edit may write " - " for the em dash before a due date: a title's stays a title.
    assert escape_tactic_title("Phase 2 - due 2027-01-05") == "Phase 2 \\- due 2027-01-05"
    assert escape_tactic_title("Plan Q1 - Q2") == "Plan Q1 - Q2"


def test_demo_export_renders_cleanly_as_github_markdown() -> None:
    # gfm-like is CommonMark plus tables, strikethrough and linkify, with raw HTML on, as GitHub.
    accounts = demo_accounts(TODAY)
    html = MarkdownIt("gfm-like").render(export_markdown(accounts, TODAY))
    headings = re.findall(r"<h1>(.*?)</h1>", html)
    assert headings == [a.name.replace("&", "&amp;") for a in accounts]
    objectives = [o for a in accounts for o in a.mission.objectives]
    assert len(re.findall(r"<h2>Objective: ", html)) == len(objectives)
    strategies = [s for o in objectives for s in o.strategies]
    assert len(re.findall(r"<h3>Strategy: ", html)) == len(strategies)
    assert html.count("<li>[ ] ") + html.count("<li>[x] ") == sum(
        len(s.tactics) for s in strategies
    )
    # Every escape was consumed, and nothing became code, a table or a rule by accident.
    assert "\\" not in html
    for tag in ("<pre", "<code", "<table", "<hr", "<del", "<s>", "<script"):
        assert tag not in html
