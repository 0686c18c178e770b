"""Typed text in Markdown: escaped so a CommonMark reader gives back exactly what was typed, and
read back from markdown-it-py's tokens with the characters that were written as syntax marked.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from plan.fields import clean_line

if TYPE_CHECKING:  # the export path must not pay for importing the Markdown reader
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# Characters that open or close inline syntax anywhere on a line: backslash escapes, code spans,
# emphasis, links and images, autolinks (and raw HTML, for readers that pass it through), ATX
# heading marks, and GitHub's table cells and strikethrough. `&` only where it would start an
# entity reference; "R&D" stays readable.
_INLINE_SYNTAX = re.compile(r"[\\`*_\[\]<#|~]|&(?=#?[0-9A-Za-z]+;)")

# What any inline syntax needs: escapes, code, emphasis, autolinks, entities, line breaks, and
# for a link or image "](" (the plan reader has no reference definitions). Text without any of
# these is a single text token, so reading it skips the inline parser, which would otherwise be
# the larger part of reading a big file.
_NEEDS_INLINE_PARSER = re.compile(r"[\\`*_<&\n]|\]\(")

# Block markers that count only at the start of a line: list items, block quotes, setext
# underlines and thematic breaks, and ordered list numbers ("2024. ", "1) ").
_LINE_START = re.compile(r"[-+>=]|[0-9]+(?=[.)](?: |$))")

# What a hand edit types for the em dash before a tactic's owner or due date; the reader takes
# it for the tail's start where it is literal, so a title's own is written escaped.
HYPHEN_TAIL = re.compile(r" --? (?=@|due \d{4}-)")


# Text that `escape_inline` would give back as it came, told at once: printable (which leaves
# the space as the only whitespace), no syntax character, no `&`, no digit or list, quote or
# underline mark first, no space at either end. It is a safe subset ("R&D" and "2024 plan" come
# out unchanged too, the long way), and nearly all text is in it; one match of a character
# class tells it, where cleaning and the three searches below took 2.4 times as long (an export
# calls this 24,000 times at 200 accounts).
_PLAIN = re.compile(r"[^ \\`*_\[\]<#|~&+>=0-9-](?:[^\\`*_\[\]<#|~&]*[^ \\`*_\[\]<#|~&])?")


def escape_inline(text: str) -> str:
    """The text cleaned to one line (`clean_line`) and escaped to read back as plain text.

    The result may stand anywhere in a paragraph or heading, including at the start of a line.
    """
    if text.isprintable() and _PLAIN.fullmatch(text):
        return text
    return _cleaned_and_escaped(text)


def _cleaned_and_escaped(text: str) -> str:
    escaped = clean_line(text)
    # Searched first: most text that gets here still has nothing to escape, and `sub` costs
    # three times a `search` even then.
    if _INLINE_SYNTAX.search(escaped):
        escaped = _INLINE_SYNTAX.sub(r"\\\g<0>", escaped)
    start = _LINE_START.match(escaped)
    if start is None:
        return escaped
    if start.group().isdigit():
        return f"{escaped[: start.end()]}\\{escaped[start.end() :]}"
    return f"\\{escaped}"


def escape_tactic_title(text: str) -> str:
    """A tactic's title: as `escape_inline`, and its `@`, `—` and `HYPHEN_TAIL` can never read
    as the tail.

    An em dash cannot be backslash-escaped, so it is written as the entity `&mdash;`.
    """
    escaped = escape_inline(text).replace("@", "\\@").replace("—", "&mdash;")
    if " -" not in escaped:  # nearly every title: no regex pass for them on an export
        return escaped
    return HYPHEN_TAIL.sub(lambda hyphen: " \\" + hyphen[0][1:], escaped)


def escape_tactic_owner(text: str) -> str:
    """A tactic's owner: as `escape_inline`, and a comma in it is not the end of the owner."""
    return escape_inline(text).replace(",", "\\,")


def read_inline(inline: Token, parser: MarkdownIt) -> tuple[str, str]:
    """An inline token's text as typed, and a mask with "L" where a character is literal.

    Literal characters are written as themselves, so they can be syntax (the " — " before a
    tactic's owner); the others came from an escape, an entity or a code span and are content.
    Emphasis marks a person typed are dropped (so `**Owner:** Dana` is still a field), but a
    link or an image keeps its address, written back as `[text](address)`: reading it as its
    text alone lost the address without a word. What a link adds is content, never syntax.
    The inline content is parsed here, on first use, with `parser`.
    """
    content = inline.content
    if not _NEEDS_INLINE_PARSER.search(content):
        return content, "L" * len(content)
    if not inline.children:
        inline.children = parser.inline.parse(content, parser, {}, [])
    text: list[str] = []
    mask: list[str] = []

    def put(part: str, kind: str) -> None:
        text.append(part)
        mask.append(kind * len(part))

    links: list[Token] = []  # the links open at this point, innermost last
    for child in inline.children:
        kind = child.type
        if kind == "text":
            put(child.content, "L")
        elif kind in ("softbreak", "hardbreak"):
            put("\n", "L")
        elif kind in ("text_special", "code_inline"):
            put(child.content, "x")
        elif kind == "link_open":
            links.append(child)
            if child.markup != "autolink":  # an autolink's text is its address
                put("[", "x")
        elif kind == "link_close" and links:
            link = links.pop()
            if link.markup != "autolink":
                put(_link_end(link), "x")
        elif kind == "image":
            put(f"![{child.content}", "x")
            put(_link_end(child), "x")
    return "".join(text), "".join(mask)


def _link_end(link: Token) -> str:
    """What closes a link or image as written: `](address)`, or `](address "title")`."""
    address = str(link.attrs.get("href") or link.attrs.get("src") or "")
    if any(c in address for c in " ()<>"):
        address = f"<{address}>"
    title = str(link.attrs.get("title") or "")
    if not title:
        return f"]({address})"
    opening, closing = next(
        (pair for pair in ('""', "''", "()") if pair[0] not in title and pair[1] not in title),
        ('"', '"'),
    )
    return f"]({address} {opening}{title}{closing})"


def find_literal(text: str, mask: str, needle: str, start: int = 0) -> int:
    """Where `needle` first stands in `text` written literally (see `read_inline`), or -1."""
    at = text.find(needle, start)
    while at >= 0 and "x" in mask[at : at + len(needle)]:
        at = text.find(needle, at + 1)
    return at
