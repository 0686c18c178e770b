"""The editable fields of each kind of node and account, and how typed text becomes a value.

Edits, the node form and the Markdown reader all parse through here, so a date or a target is
accepted or refused with the same message everywhere.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any, Literal, NamedTuple

from plan.errors import ValidationError
from plan.model import APPROACHES, TACTIC_STATUSES

FieldType = Literal["line", "text", "date", "number", "years", "choice"]

# C0 and C1 control characters, DEL included; newline and tab are handled by the callers.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class FieldSpec(NamedTuple):
    """One editable field: its attribute name, the label a user sees, and its type."""

    name: str
    label: str
    type: FieldType
    choices: tuple[str, ...] = ()
    required: bool = False


FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "mission": (
        FieldSpec("text", "Mission", "line"),
        FieldSpec("horizon_years", "Horizon (years)", "years"),
        FieldSpec("notes", "Notes", "text"),
    ),
    "objective": (
        FieldSpec("title", "Objective", "line", required=True),
        FieldSpec("metric", "Metric", "line"),
        FieldSpec("target", "Target", "number"),
        FieldSpec("unit", "Unit", "line"),
        FieldSpec("due", "Due", "date"),
        FieldSpec("current", "Current value", "number"),
        FieldSpec("notes", "Notes", "text"),
    ),
    "strategy": (
        FieldSpec("title", "Strategy", "line", required=True),
        FieldSpec("why", "Why will they buy?", "line"),
        FieldSpec("approach", "Approach", "choice", choices=APPROACHES),
        FieldSpec("notes", "Notes", "text"),
    ),
    "tactic": (
        FieldSpec("title", "Tactic", "line", required=True),
        FieldSpec("owner", "Owner", "line"),
        FieldSpec("due", "Due", "date"),
        FieldSpec("status", "Status", "choice", choices=TACTIC_STATUSES, required=True),
        FieldSpec("notes", "Notes", "text"),
    ),
    "account": (
        FieldSpec("name", "Account", "line", required=True),
        FieldSpec("owner", "Owner", "line"),
        FieldSpec("segment", "Segment", "line"),
        FieldSpec("notes", "Notes", "text"),
    ),
}


def field_spec(kind: str, name: str) -> FieldSpec:
    for spec in FIELDS[kind]:
        if spec.name == name:
            return spec
    raise ValidationError(f"a {kind} has no field {name!r}")


def clean_line(text: str) -> str:
    """One line of user text: control characters, newlines and tabs removed, ends trimmed."""
    if text.isprintable():  # the common case: nothing to remove (isprintable excludes all Cc)
        return text.strip()
    return _CONTROL.sub("", text.replace("\t", " ").replace("\r", " ").replace("\n", " ")).strip()


def clean_text(text: str) -> str:
    """Free text (notes): control characters removed, newlines kept, ends trimmed."""
    # Each step only where it has work: nearly all notes have none (an export cleans 10,000
    # of them at 200 accounts, and `sub` costs three times a `search` that finds nothing).
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    return text.strip()


def parse_date(text: str) -> date | None:
    """An ISO date `YYYY-MM-DD`, or None for empty text."""
    text = text.strip()
    if not text:
        return None
    if not _ISO_DATE.fullmatch(text):
        raise ValidationError(f'bad date "{text}" (want YYYY-MM-DD)')
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f'bad date "{text}" (want YYYY-MM-DD)') from None


# Thousands separators, only where they cannot be a decimal comma: 1,500,000 or 12,000.50,
# but not 1,500 (1.5 where a comma is the decimal point) nor 0,250.
_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3}){2,}(?:\.\d+)?|[+-]?[1-9]\d{0,2},\d{3}\.\d+")


def parse_number(text: str) -> float | None:
    """A finite number such as `1500000`, `1,500,000`, `12.5` or `-3`, or None for empty text.

    A single group after a comma (1,500) is refused: with a decimal comma it means 1.5."""
    text = text.strip()
    if not text:
        return None
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        raise ValidationError(
            f'"{text}" is not a number (write 1500000, 1,500,000 or 12.5)'
        ) from None
    if not math.isfinite(value):
        raise ValidationError(f'"{text}" is not a finite number')
    return value


def parse_years(text: str) -> int | None:
    """A horizon in whole years, 1 to 100, or None for empty text."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise ValidationError(f'horizon "{text}" must be a whole number of years from 1 to 100')
    return int(text)


def format_number(value: float | None) -> str:
    """A number as a user would write it: `1500000`, not `1500000.0`; exact for any float."""
    if value is None:
        return ""
    value = float(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def format_value(spec: FieldSpec, value: Any) -> str:
    """A field's value as the text a user edits."""
    if value is None:
        return ""
    if spec.type == "date":
        return value.isoformat()
    if spec.type == "number":
        return format_number(value)
    return str(value)


def parse_value(spec: FieldSpec, raw: Any) -> Any:
    """The typed value of a field from what a user typed (or an already typed value)."""
    if spec.type == "line":
        value = clean_line(str(raw))
        if spec.required and not value:
            raise ValidationError(f"the {spec.name} must not be empty")
        return value
    if spec.type == "text":
        return clean_text(str(raw))
    if spec.type == "date":
        return raw if isinstance(raw, date) or raw is None else parse_date(str(raw))
    if spec.type == "number":
        if raw is None or (isinstance(raw, (int, float)) and not isinstance(raw, bool)):
            return None if raw is None else parse_number(repr(float(raw)))
        return parse_number(str(raw))
    if spec.type == "years":
        return None if raw is None else parse_years(str(raw))
    # choice
    value = None if raw is None else clean_line(str(raw))
    if not value:
        if spec.required:
            raise ValidationError(f"{spec.label.lower()} must be one of {', '.join(spec.choices)}")
        return None
    if value not in spec.choices:
        raise ValidationError(
            f'unknown {spec.label.lower()} "{value}" (want {", ".join(spec.choices)})'
        )
    return value
