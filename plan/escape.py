"""Escaping one line of user text so that a CommonMark reader gives back exactly what was typed."""

from __future__ import annotations

import re

from plan.fields import clean_line

# Characters that open or close inline syntax anywhere on a line: backslash escapes, code spans,
# emphasis, links and images, autolinks (and raw HTML, for readers that pass it through), ATX
# heading marks, and GitHub's table cells and strikethrough. `&` only where it would start an
# entity reference; "R&D" stays readable.
_INLINE_SYNTAX = re.compile(r"[\\`*_\[\]<#|~]|&(?=#?[0-9A-Za-z]+;)")

# Block markers that count only at the start of a line: list items, block quotes, setext
# underlines and thematic breaks, and ordered list numbers ("2024. ", "1) ").
_LINE_START = re.compile(r"[-+>=]|[0-9]+(?=[.)](?: |$))")


def escape_inline(text: str) -> str:
    """The text cleaned to one line (`clean_line`) and escaped to read back as plain text.

    The result may stand anywhere in a paragraph or heading, including at the start of a line.
    """
    escaped = _INLINE_SYNTAX.sub(r"\\\g<0>", clean_line(text))
    start = _LINE_START.match(escaped)
    if start is None:
        return escaped
    if start.group().isdigit():
        return f"{escaped[: start.end()]}\\{escaped[start.end() :]}"
    return f"\\{escaped}"


def escape_tactic_title(text: str) -> str:
    """A tactic's title: as `escape_inline`, and its `@` and `—` can never read as the tail.

    An em dash cannot be backslash-escaped, so it is written as the entity `&mdash;`.
    """
    return escape_inline(text).replace("@", "\\@").replace("—", "&mdash;")


def escape_tactic_owner(text: str) -> str:
    """A tactic's owner: as `escape_inline`, and a comma in it is not the end of the owner."""
    return escape_inline(text).replace(",", "\\,")
