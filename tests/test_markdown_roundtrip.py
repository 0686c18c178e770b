"""Properties of the Markdown format: import undoes export, and typed text stays text."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from plan.escape import escape_inline, escape_tactic_owner, escape_tactic_title
from plan.fields import clean_line, clean_text
from plan.markdown import export_markdown, parse_markdown
from plan.model import (
    APPROACHES,
    TACTIC_STATUSES,
    Account,
    Mission,
    Objective,
    ReviewNote,
    Strategy,
    Tactic,
)

TODAY = date(2026, 1, 15)
ROUND_TRIPS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# What users paste into titles: Markdown and Rich/Textual markup, HTML, entities, the parts of
# a tactic line, block markers, control characters and odd whitespace.
TRICKY = st.sampled_from(
    [
        "[bold]", "[/]", "[@click=app.quit]", "<script>alert(1)</script>", "<b>", "<!-- c -->",
        "*", "**", "_", "`", "``", "\\", "#", "# ", "- ", "+ ", "* ", "1. ", "1) ", "2024. ",
        "> ", " — ", "—", "@", ",", "&amp;", "&#35;", "&#x41;", "&", ";", "|", "~~", "[x] ",
        "[ ] ", "![a](b)", "[a](b)", "<http://x.y>", "<a@b.c>", "---", "===", "```", "~~~",
        "    ", "\t", "\n", "\r", "\u2028", "\x1b[31m", "\x85", "\x00", "\u00a0", "\u200b",
        "Owner: x", "due 2020-01-01", "doing", "Objective: ", "### Strategy: ", "[^1]", "  ",
        " - ", " -- ", " - @", " - due 2027-01-05", "[?] ", "[-] ",
    ]
)  # fmt: skip
# Notes are Markdown: lines that would be plan structure if they were not quoted.
NOTE_LINES = st.sampled_from(
    [
        "# heading", "## Objective: x", "- item", "- [ ] x — @y, due 2020-01-01", "```", "~~~",
        "> q", ">", "    code", "", "  ", "1. one", "---", "===", "<div>", "\t- tab", "| a |",
        "[ref]: /url", "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - x",
    ]
)  # fmt: skip

typed = st.lists(st.text(max_size=6) | TRICKY, max_size=6).map("".join)
lines = typed.map(clean_line)
titles = lines.filter(bool)
notes = st.lists(typed | NOTE_LINES, max_size=6).map("\n".join).map(clean_text)
numbers = st.none() | st.floats(allow_nan=False, allow_infinity=False)
dates = st.none() | st.dates()

tactics = st.builds(
    Tactic,
    title=titles,
    owner=lines,
    due=dates,
    status=st.sampled_from(TACTIC_STATUSES),
    notes=notes,
)
strategies = st.builds(
    Strategy,
    title=titles,
    why=lines,
    approach=st.none() | st.sampled_from(APPROACHES),
    notes=notes,
    tactics=st.lists(tactics, max_size=3),
)
objectives = st.builds(
    Objective,
    title=titles,
    metric=lines,
    target=numbers,
    unit=lines,
    due=dates,
    current=numbers,
    notes=notes,
    strategies=st.lists(strategies, max_size=2),
)
missions = st.builds(
    Mission,
    text=lines,
    horizon_years=st.none() | st.integers(1, 100),
    notes=notes,
    objectives=st.lists(objectives, max_size=2),
)
accounts = st.builds(
    Account,
    name=titles,
    owner=lines,
    segment=lines,
    archived=st.booleans(),
    reviewed=dates,
    review_notes=st.lists(st.builds(ReviewNote, on=st.dates(), text=lines), max_size=2),
    notes=notes,
    mission=missions,
)
# Names are unique in a portfolio (the app refuses a taken one), and so in a plan file.
plans = st.lists(accounts, min_size=1, max_size=2, unique_by=lambda a: a.name.casefold())


@ROUND_TRIPS
@given(plans)
def test_import_of_an_export_is_the_plan_and_exports_the_same_text(plan: list[Account]) -> None:
    text = export_markdown(plan, TODAY)
    imported = parse_markdown(text)
    assert imported == plan
    assert export_markdown(imported, TODAY) == text


def _inline_texts(text: str) -> list[str]:
    """The text of every heading and list item paragraph, as a plain CommonMark reader sees it."""
    tokens = MarkdownIt("commonmark").parse(text)
    return [
        "".join(child.content for child in token.children or [] if child.type == "text")
        for token in tokens
        if token.type == "inline" and token.level <= 3
    ]


def _tactic_line_starts(tactic: Tactic) -> tuple[str, str]:
    box = "[x]" if tactic.status in ("done", "dropped") else "[ ]"
    return f"{box} {tactic.title}", f"{box} {tactic.title} — "


@ROUND_TRIPS
@given(plans)
def test_a_commonmark_reader_gives_every_title_back_exactly(plan: list[Account]) -> None:
    texts = _inline_texts(export_markdown(plan, TODAY, checklist=False))
    for account in plan:
        assert account.name in texts
        assert not account.mission.text or account.mission.text in texts
        for objective in account.mission.objectives:
            assert f"Objective: {objective.title}" in texts
            for strategy in objective.strategies:
                assert f"Strategy: {strategy.title}" in texts
                for tactic in strategy.tactics:
                    whole, with_tail = _tactic_line_starts(tactic)
                    assert any(t == whole or t.startswith(with_tail) for t in texts)


_MARKDOWN_TAGS = {"h1", "h2", "h3", "p", "ul", "li", "blockquote", "strong"}


@ROUND_TRIPS
@given(plans)
def test_rendered_export_has_no_tag_a_user_typed(plan: list[Account]) -> None:
    # Notes are Markdown by design; every other text is typed and must render as text, even
    # for a renderer that passes raw HTML through.
    for account in plan:
        for node, _ in account.walk():
            node.notes = ""
        account.notes = ""
    html = MarkdownIt("commonmark", {"html": True}).render(export_markdown(plan, TODAY))
    assert set(re.findall(r"</?([A-Za-z][\w-]*)", html)) <= _MARKDOWN_TAGS


def _paragraph_text(parser: MarkdownIt, source: str) -> str:
    tokens: list[Token] = parser.parse(source)
    assert [token.type for token in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    children = tokens[1].children or []
    return "".join(child.content for child in children if child.type == "text")


@settings(max_examples=1000, deadline=None)
@given(typed)
def test_escaped_text_reads_back_as_the_typed_text(text: str) -> None:
    # GitHub's extensions too (tables, strikethrough); its autolinks keep the text as it is.
    expected = clean_line(text)
    assume(expected)
    for preset in (MarkdownIt("commonmark"), MarkdownIt("gfm-like", {"linkify": False})):
        assert _paragraph_text(preset, escape_inline(text)) == expected
        assert _paragraph_text(preset, f"x {escape_tactic_title(text)}").removeprefix("x ") == (
            expected
        )
        assert _paragraph_text(preset, f"x {escape_tactic_owner(text)}").removeprefix("x ") == (
            expected
        )


@settings(max_examples=1000, deadline=None)
@given(typed)
def test_escaped_text_renders_no_tag(text: str) -> None:
    html = MarkdownIt("gfm-like", {"linkify": False}).render(escape_inline(text))
    assert set(re.findall(r"</?([A-Za-z][\w-]*)", html)) <= {"p"}
