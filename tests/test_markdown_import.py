"""Markdown import: the plan format read back, forgiving where it says so, errors with lines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plan.demo import demo_accounts
from plan.errors import MarkdownError, ValidationError
from plan.escape import _NEEDS_INLINE_PARSER
from plan.markdown import MAX_PROBLEMS, decode_plan, export_markdown, merge_import, parse_markdown
from plan.markdown_import import plan_parser
from plan.model import Account, Mission, Objective, ReviewNote, Strategy, Tactic
from tests.test_markdown_export import FORMAT_EXAMPLE, acme


def problems(text: str) -> list[str]:
    with pytest.raises(MarkdownError) as raised:
        parse_markdown(text)
    return raised.value.problems


def only_tactic(text: str) -> Tactic:
    [account] = parse_markdown(f"# A\n## Mission\n## Objective: O\n### Strategy: S\n{text}")
    [tactic] = account.mission.objectives[0].strategies[0].tactics
    return tactic


def test_import_reads_the_format_example() -> None:
    assert parse_markdown(FORMAT_EXAMPLE) == [acme()]


def test_import_reads_the_fields_export_adds() -> None:
    [account] = parse_markdown(
        "# A\nArchived: yes\n\n## Mission\n\n## Objective: O\nUnit: EUR\nCurrent: 1_200.5\n\n"
        "### Strategy: S\nApproach: Change-Criteria\n\n- [x] T — dropped\n"
    )
    objective = account.mission.objectives[0]
    assert account.archived
    assert (objective.unit, objective.current, objective.target) == ("EUR", 1200.5, None)
    strategy = objective.strategies[0]
    assert strategy.approach == "change-criteria"
    assert strategy.tactics[0].status == "dropped"


def test_field_lines_and_the_horizon_are_optional() -> None:
    [account] = parse_markdown("# A\n\n## Mission\nGrow.\n\n## Objective: O\n\n### Strategy: S\n")
    assert account == Account(
        "A", mission=Mission("Grow.", objectives=[Objective("O", strategies=[Strategy("S")])])
    )


def test_an_empty_field_line_means_no_value() -> None:
    [account] = parse_markdown(
        "# A\nOwner:\nReviewed:\n\n## Mission (5years)\n\n## Objective: O\nTarget:\nDue:\n"
    )
    assert account == Account("A", mission=Mission(horizon_years=5, objectives=[Objective("O")]))


def test_a_target_unit_follows_the_number_after_any_space() -> None:
    [account] = parse_markdown("# A\n## Mission\n## Objective: O\nTarget: 1e3\t  k EUR\n")
    objective = account.mission.objectives[0]
    assert (objective.target, objective.unit) == (1000, "k EUR")


def test_field_labels_and_horizon_are_read_in_any_case() -> None:
    [account] = parse_markdown("# A\nOWNER: Dana\nsegment: Retail\n\n## MISSION (1 Year)\n")
    assert (account.owner, account.segment, account.mission.horizon_years) == ("Dana", "Retail", 1)


def test_an_account_without_a_mission_section_has_an_empty_mission() -> None:
    assert parse_markdown("# A\n\n# B\nOwner: x\n") == [Account("A"), Account("B", owner="x")]


def test_other_paragraphs_under_a_node_become_its_notes() -> None:
    [account] = parse_markdown(
        "# A\nOwner: Dana\n\nWritten by *hand*.\n\n"
        "## Mission (3 years)\nBe first\nfor everything.\n\nA second paragraph.\n\n"
        "## Objective: O\n\nNot a field: line\n\n```\n# code, not a heading\n```\n"
    )
    assert account.notes == "Written by *hand*."
    assert account.mission.text == "Be first for everything."
    assert account.mission.notes == "A second paragraph."
    assert (
        account.mission.objectives[0].notes
        == "Not a field: line\n\n```\n# code, not a heading\n```"
    )


def test_notes_are_read_back_line_for_line_without_the_quote_marks() -> None:
    [account] = parse_markdown("# A\n\n> # heading\n>\n>   - list\n> > quoted\n>\tb\nlazy line\n")
    assert account.notes == "# heading\n\n  - list\n> quoted\n\tb\nlazy line"


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ("- [ ] T", "todo"),
        ("- [x] T", "done"),
        ("- [X] T", "done"),
        ("- [ ] T — doing", "doing"),
        ("- [x] T — dropped", "dropped"),
        ("- [x] T — Done", "done"),
        ("- T — doing", "doing"),
        ("- T", "todo"),
        ("1. [x] T", "done"),
    ],
)
def test_the_box_and_the_status_word_give_the_status(line: str, status: str) -> None:
    assert only_tactic(line + "\n").status == status


def test_a_tactic_tail_is_read_by_its_parts() -> None:
    tactic = only_tactic(
        "- [ ] Call `a — b` &mdash; x — due 2027-02-15 , @Lee\\, Dana — ops, doing\n"
    )
    assert tactic == Tactic(
        "Call a — b — x", owner="Lee, Dana — ops", due=date(2027, 2, 15), status="doing"
    )


def test_an_agenda_is_not_read_as_a_plan_file() -> None:
    # It gave ten "unknown section" errors; one line says what the file is.
    agenda = (Path(__file__).parent / "golden" / "agenda.md").read_text()
    with pytest.raises(MarkdownError) as raised:
        parse_markdown(agenda, "agenda.md")
    assert raised.value.problems == [
        "agenda.md:1: this is a review-meeting agenda (keyplan export --agenda), not a plan "
        "file: import reads what keyplan export writes"
    ]
    # An account may be named like the agenda: its plan still imports.
    named = Account("Account plan review — 2027-01-01", mission=Mission("Be first"))
    assert parse_markdown(export_markdown([named], date(2026, 11, 29)), "plan.md") == [named]


def test_a_link_typed_by_hand_keeps_its_address() -> None:
    # A link was read as its text alone: the address was lost without a word. Emphasis marks
    # are still dropped, so a label in bold is still a field.
    typed = (
        "*because* `code` [the deck](https://x.example/deck) and <https://y.example/a?b=1> "
        'and ![pic](http://p.example/i.png) and **bold** [t](http://t.example "Title") '
        "[odd](<https://x.example/a)b>)"
    )
    markdown = (
        "# ACME\n**Owner:** Dana Lee\n## Mission (5 years)\nBe first.\n"
        "## Objective: Win *big*\n**Due:** 2027-01-01\n"
        f"### Strategy: Prove it\nWhy: {typed}\n"
        '- [ ] Read [the deck](https://x.example/a "see — notes") — @Dana Lee, due 2027-01-01\n'
    )
    account = parse_markdown(markdown, "plan.md")[0]
    objective = account.mission.objectives[0]
    strategy = objective.strategies[0]
    assert (account.owner, objective.title, objective.due) == (
        "Dana Lee",
        "Win big",
        date(2027, 1, 1),
    )
    assert strategy.why == (
        "because code [the deck](https://x.example/deck) and https://y.example/a?b=1 and "
        '![pic](http://p.example/i.png) and bold [t](http://t.example "Title") '
        "[odd](<https://x.example/a)b>)"
    )
    tactic = strategy.tactics[0]
    assert tactic.title == 'Read [the deck](https://x.example/a "see — notes")'
    assert (tactic.owner, tactic.due) == ("Dana Lee", date(2027, 1, 1))
    # and it survives the next round trip, escaped this time
    again = parse_markdown(export_markdown([account], date(2026, 11, 29)), "again.md")[0]
    assert again == account


def test_a_tactic_keeps_the_notes_indented_under_it() -> None:
    tactic = only_tactic("- [ ] T\n  > first\n  >\n  > - a list\n\n  more\n\n  - sub item\n")
    assert tactic.notes == "first\n\n- a list\n\nmore\n\n- sub item"


def test_the_checklist_is_ignored_and_review_notes_are_kept() -> None:
    [account] = parse_markdown(
        "# A\n\n## Checklist\n\n**1/12** rules pass.\n\n- ✗ M1 x\n\n### Not read\n\n"
        "## Review notes\n\n- 2026-01-02: Went \\*well\\*\n- 2026-01-09:\n"
    )
    assert account == Account(
        "A",
        review_notes=[
            ReviewNote(date(2026, 1, 2), "Went *well*"),
            ReviewNote(date(2026, 1, 9), ""),
        ],
    )


def test_raw_html_and_markup_are_read_as_text() -> None:
    [account] = parse_markdown("# <b>A</b> [bold]x[/] <!-- c -->\nOwner: <script>x</script>\n")
    assert account.name == "<b>A</b> [bold]x[/] <!-- c -->"
    assert account.owner == "<script>x</script>"


def test_link_reference_definitions_do_not_vanish() -> None:
    [account] = parse_markdown("# A\n\n[x]: /url\n")
    assert account.notes == "[x]: /url"


def test_control_characters_and_line_endings_are_cleaned() -> None:
    [account] = parse_markdown("\ufeff# A\x1b[31m\r\nOwner: D\x07ana\r\n\r\n> n\x9bo\r\n")
    assert (account.name, account.owner, account.notes) == ("A[31m", "Dana", "no")


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["[a](b)", "![a](b)", "[x]", "&amp;", "&#35;", "`c`", "*e*", "_e_", "\\*"])
        | st.text(st.sampled_from("[]()!x — @,.:#>|~=+-1 \t\u00a0中&;") | st.characters()),
        max_size=6,
    )
    .map("".join)
    .map(str.strip)
    .filter(lambda text: not _NEEDS_INLINE_PARSER.search(text))
)
def test_text_read_without_the_inline_parser_is_one_text_token_to_it(text: str) -> None:
    parser = plan_parser()
    tokens = parser.inline.parse(text, parser, {}, [])
    assert [token.type for token in tokens] == (["text"] if text else [])
    assert "".join(token.content for token in tokens) == text


def test_deep_nesting_in_notes_is_kept_whole() -> None:
    # Far past markdown-it-py's nesting limit: the notes still come back exactly.
    deep = "\n".join("  " * level + "- item" for level in range(150))
    deep_quote = ">" * 300 + " deepest"
    note = f"{deep}\n\n{deep_quote}"
    quoted = "\n".join(f"  > {line}" if line else "  >" for line in note.split("\n"))
    tactic = only_tactic(f"- [ ] T\n{quoted}\n")
    assert tactic.notes == note


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "# A\n\n## Mission\n\n## Objective: O\n\n- [ ] T\n",
            "plan.md:7: a tactic must follow a strategy (strategy before tactics)",
        ),
        (
            "# A\n\n## Mission\n\n### Strategy: S\n",
            "plan.md:5: a strategy must follow an objective (objectives before strategies)",
        ),
        (
            "# A\n\n## Objective: O\n",
            "plan.md:3: an objective must follow the mission (mission before objectives)",
        ),
        (
            "# A\n\n## Mission\n\n## Objective: O\nMetric: m\nDue: 2030-13-45\n",
            'plan.md:7: Due: bad date "2030-13-45" (want YYYY-MM-DD)',
        ),
        (
            "# A\nReviewed: 30/09/2026\n",
            'plan.md:2: Reviewed: bad date "30/09/2026" (want YYYY-MM-DD)',
        ),
        (
            "# A\n## Mission\n## Objective: O\n### Strategy: S\n- [ ] T — due 2027-02-30\n",
            'plan.md:5: bad date "2027-02-30" (want YYYY-MM-DD)',
        ),
        (
            "# A\n## Mission\n## Objective: O\nTarget: lots EUR\n",
            'plan.md:4: Target: "lots" is not a number (write 1500000, 1,500,000 or 12.5)',
        ),
        (
            "# A\n## Mission\n## Objective: O\n### Strategy: S\n- [ ] T — @Dana, waiting\n",
            'plan.md:5: unknown status "waiting" (want todo, doing, done, dropped)',
        ),
        (
            "# A\n## Mission\n## Objective: O\n### Strategy: S\n- [ ] Lyon — phase 2 — @Dana\n",
            'plan.md:5: unknown status "phase 2 — @Dana" (want todo, doing, done, dropped) '
            '(a " — " in a title is written &mdash;)',
        ),
        (
            "# A\n## Mission\n## Objective: O\n### Strategy: S\nApproach: bribe\n",
            'plan.md:5: Approach: unknown approach "bribe" '
            "(want prove-best, change-criteria, segment, other)",
        ),
        (
            "# A\n## Mission\n## Objective: O\n### Strategy: S\n- [x] T — doing\n",
            'plan.md:5: the box is ticked but the status says "doing"',
        ),
        (
            "# A\n## Mission\n## Objective:\n",
            "plan.md:3: an objective must have a title (## Objective: TITLE)",
        ),
        (
            "# A\n## Mission\n## Objective: O\n### Strategy:  \n",
            "plan.md:4: a strategy must have a title (### Strategy: TITLE)",
        ),
        (
            "# A\n## Mission\n## Objective: O\n### Strategy: S\n- [ ]\n",
            "plan.md:5: a tactic must have a title (- [ ] TITLE)",
        ),
        ("#\nOwner: x\n", "plan.md:1: an account must have a name (# NAME)"),
        ("Hello\n\n# A\n", "plan.md:1: text before the first account (want a heading: # NAME)"),
        ("Just some text.\n", "plan.md: no account in the file (want a heading: # NAME)"),
        ("", "plan.md: no account in the file (want a heading: # NAME)"),
        ("# A\n## Mission (soon)\n", 'plan.md:2: bad mission horizon "(soon)" (want "(N years)")'),
        (
            "# A\n## Mission (200 years)\n",
            'plan.md:2: horizon "200" must be a whole number of years from 1 to 100',
        ),
        (
            "# A\n## Mission\n## Mission\n",
            "plan.md:3: an account has one mission (a second ## Mission)",
        ),
        (
            "# A\n\n## Notes\n\ntext\n",
            'plan.md:3: unknown section "Notes" '
            '(want "Mission", "Objective: TITLE", "Checklist" or "Review notes")',
        ),
        (
            "# A\n## Mission\n## Objective: O\n#### Deep\n",
            'plan.md:4: unexpected heading "Deep" (want "### Strategy: TITLE")',
        ),
        (
            "# A\nOwner: x\nColour: red\n",
            "plan.md:3: expected a field line (Owner:, Segment:, Reviewed:, Archived:)",
        ),
        ("# A\nOwner: x\nOwner: y\n", "plan.md:3: Owner is given twice"),
        ("# A\nArchived: maybe\n", 'plan.md:2: Archived: "maybe" (want yes or no)'),
        (
            "# A\n\n## Review notes\n\n- 2026-13-01: x\n",
            'plan.md:5: bad date "2026-13-01" (want YYYY-MM-DD)',
        ),
        (
            "# A\n\n## Review notes\n\nA paragraph.\n",
            "plan.md:5: review notes are list items (- YYYY-MM-DD: text)",
        ),
        (
            "# Zephyr Robotics\n\n# Other\n\n# zephyr robotics\n",
            'plan.md:5: the account "zephyr robotics" is in the file twice (first at line 1)',
        ),
    ],
)
def test_import_error_names_the_line_and_what_was_expected(text: str, problem: str) -> None:
    assert problems(text) == [problem]


def test_import_reports_every_problem_in_one_run() -> None:
    text = (
        "# A\nReviewed: someday\n\n## Mission\n\n## Objective: O\nTarget: x\n\n"
        "- [ ] too early\n\n### Strategy: S\n- [ ] T — later\n"
    )
    assert problems(text) == [
        'plan.md:2: Reviewed: bad date "someday" (want YYYY-MM-DD)',
        'plan.md:7: Target: "x" is not a number (write 1500000, 1,500,000 or 12.5)',
        "plan.md:9: a tactic must follow a strategy (strategy before tactics)",
        'plan.md:12: unknown status "later" (want todo, doing, done, dropped)',
    ]


def test_import_stops_after_twenty_problems() -> None:
    text = "".join(f"# A{n}\nReviewed: never\n\n" for n in range(MAX_PROBLEMS + 10))
    found = problems(text)
    assert len(found) == MAX_PROBLEMS
    assert found[-1].startswith(f"plan.md:{3 * MAX_PROBLEMS - 1}: ")


def test_a_problem_names_the_source_it_was_given() -> None:
    with pytest.raises(MarkdownError, match=r"^q3\.md:1: an account must have a name"):
        parse_markdown("#\n", source="q3.md")


def test_decode_plan_reads_utf8_with_or_without_a_byte_order_mark() -> None:
    assert decode_plan("# Zoë\n".encode(), "p.md") == "# Zoë\n"
    assert decode_plan("\ufeff# Zoë\n".encode(), "p.md") == "# Zoë\n"


def test_decode_plan_refuses_text_that_is_not_utf8() -> None:
    with pytest.raises(MarkdownError) as raised:
        decode_plan("# Plans\n\n# Zoë\n".encode("latin-1"), "p.md")
    assert raised.value.problems == ["p.md:3: not UTF-8 text (column 5: save the file as UTF-8)"]


def test_merge_refuses_a_clash_and_names_every_clashing_account() -> None:
    with pytest.raises(ValidationError) as raised:
        merge_import(
            [Account("ACME"), Account("Beta")], [Account("acme"), Account("BETA")], "refuse"
        )
    assert str(raised.value) == (
        'accounts named "acme", "BETA" already exist: '
        "import with --replace to overwrite them or --rename to keep both"
    )
    with pytest.raises(ValidationError, match="--replace to overwrite it or --rename"):
        merge_import([Account("ACME")], [Account("Acme")], "refuse")


def test_merge_adds_new_accounts_after_the_existing_ones() -> None:
    merged = merge_import([Account("A")], [Account("B")], "refuse")
    assert [a.name for a in merged] == ["A", "B"]


def test_merge_replace_puts_the_import_where_the_old_account_stood() -> None:
    old = [Account("A"), Account("B", owner="old"), Account("C")]
    merged = merge_import(old, [Account("b", owner="new"), Account("D")], "replace")
    assert [(a.name, a.owner) for a in merged] == [
        ("A", ""),
        ("b", "new"),
        ("C", ""),
        ("D", ""),
    ]


def _history(account: Account) -> list[tuple[str, str, str, str]]:
    """Each node's title, id and times, in plan order."""
    return [(node.title, node.id, node.created, node.updated) for node, _ in account.walk()]


def test_replacing_with_the_same_plan_keeps_every_id_and_time() -> None:
    # A plan file has no ids or times: a round trip through Markdown made the whole plan new,
    # so review mode and the agenda showed every node as changed since the last review.
    old = demo_accounts(date(2026, 11, 1))[0]
    imported = parse_markdown(export_markdown([old], date(2026, 11, 1)), "plan.md")
    merged = merge_import([old], imported, "replace")
    assert _history(merged[0]) == _history(old)
    assert (merged[0].id, merged[0].created, merged[0].updated) == (
        old.id,
        old.created,
        old.updated,
    )


def test_a_replaced_plan_keeps_the_history_of_the_nodes_it_still_has() -> None:
    old = _plan(Strategy("Prove", tactics=[Tactic("Call"), Tactic("Visit")]), Strategy("Segment"))
    for node, _ in old.walk():
        node.created = node.updated = "2026-01-01T00:00:00+00:00"
    old.created = old.updated = "2026-01-01T00:00:00+00:00"
    before = {node.title: node.id for node, _ in old.walk()}
    new = _plan(
        Strategy("Segment"),  # moved up: found by its title
        Strategy(
            "Prove it",  # its title edited: the only one left, in place
            tactics=[Tactic("Visit", owner="Dana"), Tactic("Email"), Tactic("Fax")],
        ),
    )
    merged = merge_import([old], [new], "replace")[0]
    after = {node.title: node for node, _ in merged.walk()}
    assert after["Segment"].id == before["Segment"]
    assert after["Prove it"].id == before["Prove"]
    assert after["Visit"].id == before["Visit"]
    # "Call" is gone and two came: not one edited in place, so both are new.
    assert after["Email"].id not in before.values() and after["Fax"].id not in before.values()
    unchanged = ("Be first", "Win", "Segment")
    assert all(after[t].updated == "2026-01-01T00:00:00+00:00" for t in unchanged)
    changed = ("Prove it", "Visit", "Email")
    assert all(after[t].updated > "2026-01-01T00:00:00+00:00" for t in changed)
    assert after["Visit"].created == "2026-01-01T00:00:00+00:00"
    assert after["Email"].created > "2026-01-01T00:00:00+00:00"
    assert merged.id == old.id and merged.updated > "2026-01-01T00:00:00+00:00"


def test_of_two_tactics_with_one_title_the_one_kept_keeps_its_history() -> None:
    twins = [Tactic("Call", owner="Ana"), Tactic("Call", owner="Ben")]
    old = _plan(Strategy("s", tactics=twins))
    for node, _ in old.walk():
        node.updated = "2026-01-01T00:00:00+00:00"
    new = _plan(Strategy("s", tactics=[Tactic("Call", owner="Ben")]))
    kept = merge_import([old], [new], "replace")[0].mission.objectives[0].strategies[0].tactics
    assert kept[0].id == twins[1].id  # Ben's, not Ana's deleted twin's
    assert kept[0].updated == "2026-01-01T00:00:00+00:00"  # unchanged since


def _plan(*strategies: Strategy) -> Account:
    """An account with one objective and these strategies."""
    return Account(
        "ACME", mission=Mission("Be first", objectives=[Objective("Win", strategies=[*strategies])])
    )


def test_merge_rename_numbers_the_copies() -> None:
    old = [Account("A"), Account("a (2)")]
    imported = [Account("A", owner="x"), Account("a")]
    merged = merge_import(old, imported, "rename")
    assert [a.name for a in merged] == ["A", "a (2)", "A (3)", "a (4)"]
    assert merged[2].owner == "x"
    assert [a.name for a in imported] == ["A", "a"]


@pytest.mark.parametrize(
    ("line", "title", "owner", "due"),
    [
        ("- [ ] Book a site visit - @Al, due 2027-01-05", "Book a site visit", "Al", "2027-01-05"),
        ("- [ ] Book a site visit -- @Al", "Book a site visit", "Al", None),
        ("- [ ] Call the COO - due 2027-01-05", "Call the COO", "", "2027-01-05"),
        ("- [ ] Plan Q1 - Q2 roadmap", "Plan Q1 - Q2 roadmap", "", None),
        ("- [ ] Mail sales - \\@team", "Mail sales - @team", "", None),
    ],
)
def test_a_hyphen_typed_for_the_em_dash_still_starts_the_owner_or_due_date(
    line: str, title: str, owner: str, due: str | None
) -> None:
    tactic = only_tactic(line + "\n")
    assert (tactic.title, tactic.owner) == (title, owner)
    assert (tactic.due.isoformat() if tactic.due else None) == due


def test_a_tactic_indented_under_another_is_reported_not_hidden_in_its_notes() -> None:
    text = "# A\n## Mission\n## Objective: O\n### Strategy: S\n- [ ] T\n  - [ ] Book a visit\n"
    assert problems(text) == [
        "plan.md:6: a tactic indented under another: tactics are not nested (take the indent away)"
    ]


def test_an_unknown_box_is_reported() -> None:
    text = "# A\n## Mission\n## Objective: O\n### Strategy: S\n- [?] Book a visit\n"
    assert problems(text) == ['plan.md:5: unknown box "[?]" (want [ ] to do or [x] done)']


def test_a_strategy_heading_at_the_wrong_level_is_one_error() -> None:
    text = "# A\n## Mission\n## Objective: O\n#### Strategy: S\n- [ ] T — @Dana\n"
    assert problems(text) == ['plan.md:4: "#### Strategy:" (want "### Strategy: TITLE")']
