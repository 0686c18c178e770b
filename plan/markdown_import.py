"""Reading the plan format (PLAN_FORMAT.md) back into accounts, from markdown-it-py's tokens."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator, Sequence
from datetime import date
from functools import cache
from typing import Any, Literal, TypeAlias

from markdown_it import MarkdownIt
from markdown_it.token import Token

from plan.agenda import AGENDA_TITLE
from plan.errors import MarkdownError, ValidationError
from plan.escape import HYPHEN_TAIL, find_literal, read_inline
from plan.fields import (
    FieldSpec,
    clean_line,
    clean_text,
    field_spec,
    parse_date,
    parse_number,
    parse_value,
)
from plan.model import Account, Mission, Objective, ReviewNote, Strategy, Tactic

MAX_PROBLEMS = 20

# markdown-it-py recurses once or twice per level of nesting, and past `maxNesting` it stops
# parsing the deeper content. The plan's structure lives in the top three levels and everything
# deeper is inside notes, which are taken from the source lines, not from tokens; so this limit
# only keeps Python's recursion bounded and never loses what was written.
MAX_NESTING = 100

Section: TypeAlias = Literal["account", "mission", "objective", "strategy", "checklist", "review"]
Noted: TypeAlias = Account | Mission | Objective | Strategy

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MISSION = re.compile(r"mission(?:\s*\((.*)\))?", re.IGNORECASE)
_YEARS = re.compile(r"(\S+?)\s*years?", re.IGNORECASE)
_OBJECTIVE = re.compile(r"objective\s*:(.*)", re.IGNORECASE)
_STRATEGY = re.compile(r"strategy\s*:(.*)", re.IGNORECASE)
_FIELD = re.compile(r"([A-Za-z]+)\s*:(.*)")
_DUE = re.compile(r"due\b(.*)", re.IGNORECASE)
_REVIEW_NOTE = re.compile(r"([^:]*):(.*)")
_BOX = re.compile(r"\[(.)\](?: |$)")  # a task box; only [ ], [x] and [X] are known

_FIELD_LABELS: dict[Section, tuple[str, ...]] = {
    "account": ("Owner", "Segment", "Reviewed", "Archived"),
    "objective": ("Metric", "Target", "Unit", "Current", "Due"),
    "strategy": ("Why", "Approach"),
}
_APPROACH = field_spec("strategy", "approach")
_STATUS = field_spec("tactic", "status")
_HORIZON = field_spec("mission", "horizon_years")
_ARCHIVED = {"yes": True, "no": False}


_AGENDA_HEADING = re.compile(rf"# {re.escape(AGENDA_TITLE)} — \d{{4}}-\d{{2}}-\d{{2}}\n")


@cache
def plan_parser() -> MarkdownIt:
    """CommonMark as the plan format reads it: no raw HTML, no link reference definitions."""
    parser = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING})
    # A definition such as "[x]: /url" would vanish from the token stream; read it as text.
    # Escapes and entities stay tokens of their own, so a typed "—" or "," (written `&mdash;`
    # or `\,`) is told apart from the " — " and "," that separate a tactic's parts.
    # Inline content is parsed only where the reader looks (`read_inline`), never inside notes
    # or the checklist: that halves the time to read a large file.
    parser.disable(["reference", "html_block", "inline", "text_join"])
    return parser


def parse_markdown(text: str, source: str = "plan.md") -> list[Account]:
    """The accounts written in the plan format; MarkdownError lists every problem (up to 20)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    tokens = plan_parser().parse(text)
    if not any(token.type == "heading_open" and token.tag == "h1" for token in tokens):
        raise MarkdownError([f"{source}: no account in the file (want a heading: # NAME)"])
    reader = _Reader(text.split("\n"), source)
    reader.read(tokens)
    if reader.problems and _AGENDA_HEADING.match(text):
        # Not a dozen "unknown section"s: one line on what the file is. (Only when it does
        # not read as a plan: an account may be named like the agenda.)
        raise MarkdownError(
            [
                f"{source}:1: this is a review-meeting agenda (keyplan export --agenda), not a "
                "plan file: import reads what keyplan export writes"
            ]
        )
    if reader.problems:
        raise MarkdownError(reader.problems)
    return reader.accounts


def _is_task_list(tokens: Sequence[Token], first: int) -> bool:
    """Whether the block at `first` is a list whose first item reads as a tactic (- [ ] …)."""
    block = tokens[first : first + 4]
    return [t.type for t in block] == [
        "bullet_list_open",
        "list_item_open",
        "paragraph_open",
        "inline",
    ] and bool(_BOX.match(block[3].content))


def _blocks(tokens: Sequence[Token], start: int, end: int) -> Iterator[tuple[int, int]]:
    """The [first, after-last) token ranges of the sibling blocks in tokens[start:end]."""
    first = start
    while first < end:
        after = first + 1
        if tokens[first].nesting == 1:
            depth = 1
            while depth:
                depth += tokens[after].nesting
                after += 1
        yield first, after
        first = after


class _Reader:
    """Walks the top-level blocks of a plan file, building accounts and noting problems."""

    def __init__(self, lines: list[str], source: str) -> None:
        self.lines = lines
        self.source = source
        self.problems: list[str] = []
        self.accounts: list[Account] = []
        self.account_lines: dict[str, int] = {}  # casefolded name -> the line it starts on
        self.account: Account | None = None
        self.section: Section = "account"
        self.noted: Noted | None = None
        self.objective: Objective | None = None
        self.strategy: Strategy | None = None
        self.has_mission = False
        self.under_heading = False
        self.parser = plan_parser()

    def text(self, inline: Token) -> str:
        return read_inline(inline, self.parser)[0]

    def problem(self, line: int, what: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(f"{self.source}:{line}: {what}")

    def read(self, tokens: list[Token]) -> None:
        for first, after in _blocks(tokens, 0, len(tokens)):
            if len(self.problems) >= MAX_PROBLEMS:
                return
            token = tokens[first]
            line = _line(token)
            under_heading, self.under_heading = self.under_heading, False
            is_heading = token.type == "heading_open"
            if self.account is None and not (is_heading and token.tag == "h1"):
                if not self.problems:
                    self.problem(line, "text before the first account (want a heading: # NAME)")
            elif is_heading:
                self.heading(int(token.tag[1]), self.text(tokens[first + 1]), line)
            elif self.section == "checklist" or token.type == "hr":
                continue
            elif self.section == "review":
                self.review_notes(tokens, first, after, line)
            elif token.type == "paragraph_open":
                self.paragraph(tokens[first + 1], under_heading, line)
            elif token.type in ("bullet_list_open", "ordered_list_open"):
                self.tactics(tokens, first, after, line)
            elif self.noted is not None:
                add_notes(self.noted, self.notes_text(token))

    # Headings: where each account, mission, objective and strategy starts.

    def heading(self, level: int, text: str, line: int) -> None:
        text = clean_line(text)
        self.under_heading = True
        if level == 1:
            self.start_account(text, line)
        elif self.section == "checklist" and level > 2:
            return
        elif level == 2:
            self.section_heading(text, line)
        elif level >= 3 and (strategy := _STRATEGY.fullmatch(text)):
            if level != 3:  # read as the strategy it is, so its tactics add no second error
                self.problem(line, f'"{"#" * level} Strategy:" (want "### Strategy: TITLE")')
            self.start_strategy(strategy.group(1).strip(), line)
        else:
            self.problem(line, f'unexpected heading "{text}" (want "### Strategy: TITLE")')

    def start_account(self, name: str, line: int) -> None:
        if not name:
            self.problem(line, "an account must have a name (# NAME)")
        elif (first := self.account_lines.setdefault(name.casefold(), line)) != line:
            self.problem(line, f'the account "{name}" is in the file twice (first at line {first})')
        self.account = Account(name=name)
        self.accounts.append(self.account)
        self.section, self.noted = "account", self.account
        self.objective = self.strategy = None
        self.has_mission = False

    def section_heading(self, text: str, line: int) -> None:
        assert self.account is not None
        self.objective = self.strategy = None
        if mission := _MISSION.fullmatch(text):
            self.start_mission(mission.group(1), line)
        elif objective := _OBJECTIVE.fullmatch(text):
            self.start_objective(objective.group(1).strip(), line)
        elif text.casefold() == "checklist":
            self.section, self.noted = "checklist", None
        elif text.casefold() == "review notes":
            self.section, self.noted = "review", None
        else:
            # Skipped like the checklist, so its content does not add a problem per block.
            self.section, self.noted = "checklist", None
            self.problem(
                line,
                f'unknown section "{text}" '
                '(want "Mission", "Objective: TITLE", "Checklist" or "Review notes")',
            )

    def start_mission(self, horizon: str | None, line: int) -> None:
        assert self.account is not None
        mission = self.account.mission
        if self.has_mission:
            self.problem(line, "an account has one mission (a second ## Mission)")
        self.has_mission = True
        self.section, self.noted = "mission", mission
        if horizon is None:
            return
        years = _YEARS.fullmatch(horizon.strip())
        if years is None:
            self.problem(line, f'bad mission horizon "({horizon})" (want "(N years)")')
            return
        try:
            mission.horizon_years = parse_value(_HORIZON, years[1])
        except ValidationError as error:
            self.problem(line, error.message)

    def start_objective(self, title: str, line: int) -> None:
        assert self.account is not None
        objective = Objective(title=title)
        self.objective, self.section, self.noted = objective, "objective", objective
        if not title:
            self.problem(line, "an objective must have a title (## Objective: TITLE)")
        if self.has_mission:
            self.account.mission.objectives.append(objective)
        else:
            self.problem(line, "an objective must follow the mission (mission before objectives)")

    def start_strategy(self, title: str, line: int) -> None:
        strategy = Strategy(title=title)
        self.strategy, self.section, self.noted = strategy, "strategy", strategy
        if not title:
            self.problem(line, "a strategy must have a title (### Strategy: TITLE)")
        if self.objective is not None:
            self.objective.strategies.append(strategy)
        else:
            self.problem(line, "a strategy must follow an objective (objectives before strategies)")

    # Paragraphs: field lines, the mission's text, or notes.

    def paragraph(self, inline: Token, under_heading: bool, line: int) -> None:
        text = self.text(inline)
        labels = _FIELD_LABELS.get(self.section, ())
        if under_heading and self.section == "mission":
            assert self.account is not None
            self.account.mission.text = clean_line(text)
            return
        lines = text.split("\n")
        first = _FIELD.match(lines[0])
        if under_heading and first and first[1].capitalize() in labels:
            self.fields(lines, labels, line)
        elif self.noted is not None:
            add_notes(self.noted, self.notes_text(inline))

    def fields(self, lines: list[str], labels: tuple[str, ...], first_line: int) -> None:
        given: set[str] = set()
        for number, text in enumerate(lines, start=first_line):
            match = _FIELD.match(text)
            label = match[1].capitalize() if match else ""
            if match is None or label not in labels:
                wanted = ", ".join(f"{label}:" for label in labels)
                self.problem(number, f"expected a field line ({wanted})")
                continue
            if label in given:
                self.problem(number, f"{label} is given twice")
            given.add(label)
            try:
                self.set_field(label, match[2].strip())
            except ValidationError as error:
                self.problem(number, f"{label}: {error.message}")

    def set_field(self, label: str, value: str) -> None:
        node = self.noted
        if isinstance(node, Account):
            if label == "Reviewed":
                node.reviewed = parse_date(value)
            elif label == "Archived":
                if value.casefold() not in _ARCHIVED:
                    raise ValidationError(f'"{value}" (want yes or no)')
                node.archived = _ARCHIVED[value.casefold()]
            else:
                setattr(node, label.lower(), clean_line(value))
        elif isinstance(node, Objective):
            self.set_objective_field(node, label, value)
        elif isinstance(node, Strategy):
            if label == "Why":
                node.why = clean_line(value)
            else:
                node.approach = _choice(_APPROACH, value)

    @staticmethod
    def set_objective_field(objective: Objective, label: str, value: str) -> None:
        if label == "Target":
            number, *unit = value.split(None, 1) or [""]
            objective.target = parse_number(number)
            _set_unit(objective, "".join(unit))
        elif label == "Unit":
            _set_unit(objective, value)
        elif label == "Current":
            objective.current = parse_number(value)
        elif label == "Due":
            objective.due = parse_date(value)
        else:
            objective.metric = clean_line(value)

    # Notes: block quotes, and any other block a person wrote under a node.

    def notes_text(self, token: Token) -> str:
        """A block's source lines as notes: a quote without its markers, anything else as is."""
        lines = self.lines[token.map[0] : token.map[1]] if token.map else []
        if token.type == "blockquote_open":
            return "\n".join(_unquote(line) for line in lines)
        # Inside a list item the lines carry the item's indent.
        return textwrap.dedent("\n".join(lines))

    # Lists: tactics under a strategy, review notes under "## Review notes".

    def tactics(self, tokens: list[Token], first: int, after: int, line: int) -> None:
        strategy = self.strategy
        if self.section != "strategy" or strategy is None:
            self.problem(line, "a tactic must follow a strategy (strategy before tactics)")
            return
        for item_first, item_after in _blocks(tokens, first + 1, after - 1):
            item_line = _line(tokens[item_first])
            parts = list(_blocks(tokens, item_first + 1, item_after - 1))
            if not parts or tokens[parts[0][0]].type != "paragraph_open":
                self.problem(item_line, "a tactic must have a title (- [ ] TITLE)")
                continue
            tactic = self.tactic(tokens[parts[0][0] + 1], item_line)
            strategy.tactics.append(tactic)
            for part_first, _ in parts[1:]:
                if _is_task_list(tokens, part_first):
                    self.problem(
                        _line(tokens[part_first]),
                        "a tactic indented under another: tactics are not nested "
                        "(take the indent away)",
                    )
                add_notes(tactic, self.notes_text(tokens[part_first]))

    def tactic(self, inline: Token, line: int) -> Tactic:
        text, mask = read_inline(inline, self.parser)
        text = text.replace("\n", " ")
        box = _BOX.match(text)
        if box and "x" in mask[:3]:  # written \[ \]: part of the title
            box = None
        if box and box[1] not in " xX":
            self.problem(line, f'unknown box "[{box[1]}]" (want [ ] to do or [x] done)')
            box = None
        start = box.end() if box else 0
        separator = find_literal(text, mask, " — ", start)
        tail = separator + 3
        if separator < 0:
            hyphen = HYPHEN_TAIL.search(text, start)
            if hyphen and "x" not in mask[hyphen.start() : hyphen.end() + 1]:
                separator, tail = hyphen.start(), hyphen.end()
        end = separator if separator >= 0 else len(text)
        tactic = Tactic(title=clean_line(text[start:end]))
        if not tactic.title:
            self.problem(line, "a tactic must have a title (- [ ] TITLE)")
        status = None
        if separator >= 0:
            status = self.tactic_tail(tactic, text, mask, tail, line)
        ticked = None if box is None else box[1] != " "
        tactic.status = self.tactic_status(ticked, status, line)
        return tactic

    def tactic_tail(
        self, tactic: Tactic, text: str, mask: str, start: int, line: int
    ) -> str | None:
        """Read `@OWNER, due DATE, STATUS` into the tactic; the status word, if any."""
        status = None
        given: set[str] = set()
        while start <= len(text):
            comma = find_literal(text, mask, ",", start)
            end = comma if comma >= 0 else len(text)
            piece = text[start:end]
            part = piece.strip()
            at = start + len(piece) - len(piece.lstrip())
            start = end + 1
            if not part:
                continue
            if part.startswith("@") and mask[at] == "L":
                what = "owner"
                tactic.owner = clean_line(part[1:])
            elif due := _DUE.fullmatch(part):
                what = "due date"
                try:
                    tactic.due = _required_date(due[1])
                except ValidationError as error:
                    self.problem(line, error.message)
            else:
                what = "status"
                try:
                    status = _choice(_STATUS, part)
                except ValidationError as error:
                    hint = ' (a " — " in a title is written &mdash;)' if " — " in part else ""
                    self.problem(line, error.message + hint)
            if what in given:
                self.problem(line, f"the tactic's {what} is given twice")
            given.add(what)
        return status

    def tactic_status(self, ticked: bool | None, status: str | None, line: int) -> str:
        """The status from the box and the status word, which must not contradict each other."""
        if ticked is None:
            return status or "todo"
        if status is None:
            return "done" if ticked else "todo"
        if ticked and status in ("todo", "doing"):
            self.problem(line, f'the box is ticked but the status says "{status}"')
        elif not ticked and status in ("done", "dropped"):
            self.problem(line, f'the status says "{status}" but the box is not ticked ([x])')
        return status

    def review_notes(self, tokens: list[Token], first: int, after: int, line: int) -> None:
        assert self.account is not None
        token = tokens[first]
        expected = "review notes are list items (- YYYY-MM-DD: text)"
        if token.type not in ("bullet_list_open", "ordered_list_open"):
            self.problem(line, expected)
            return
        for item_first, item_after in _blocks(tokens, first + 1, after - 1):
            item_line = _line(tokens[item_first])
            parts = list(_blocks(tokens, item_first + 1, item_after - 1))
            if len(parts) != 1 or tokens[parts[0][0]].type != "paragraph_open":
                self.problem(item_line, expected)
                continue
            text = self.text(tokens[parts[0][0] + 1])
            note = _REVIEW_NOTE.fullmatch(text.replace("\n", " "))
            if note is None:
                self.problem(item_line, expected)
                continue
            try:
                on = _required_date(note[1])
            except ValidationError as error:
                self.problem(item_line, error.message)
                continue
            self.account.review_notes.append(ReviewNote(on, clean_line(note[2])))


def _choice(spec: FieldSpec, text: str) -> Any:
    """One of the field's choices, in any case; anything else is refused as the field refuses it."""
    folded = text.casefold()
    return folded if folded in spec.choices else parse_value(spec, text)


def _required_date(text: str) -> date:
    day = parse_date(text)
    if day is None:
        raise ValidationError("a date is missing (want YYYY-MM-DD)")
    return day


def _set_unit(objective: Objective, unit: str) -> None:
    unit = clean_line(unit)
    if unit and objective.unit:
        raise ValidationError("the unit is given twice (in Target: and in Unit:)")
    objective.unit = objective.unit or unit


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def _unquote(line: str) -> str:
    """A block quote's line without its `>` marker and the one space after it."""
    line = line.lstrip(" \t")
    if line.startswith(">"):
        line = line[1:]
        if line.startswith(" "):
            line = line[1:]
    return line


def add_notes(node: Noted | Tactic, text: str) -> None:
    """Add a block of notes to a node; blocks are kept apart by a blank line."""
    text = clean_text(text)
    if text:
        node.notes = f"{node.notes}\n\n{text}" if node.notes else text
