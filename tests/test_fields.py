"""Cleaning typed text: notes keep their lines, lose control characters and end-of-text space."""

from __future__ import annotations

import pytest

from plan.fields import clean_text


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("", ""),
        ("one\n\ntwo", "one\n\ntwo"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("  indented\n  and trailing  \n", "indented\n  and trailing"),
        ("bell\x07 esc\x1b[31m nel\x85", "bell esc[31m nel"),
        ("tab\tkept", "tab\tkept"),
    ],
)
def test_notes_keep_their_lines_and_lose_control_characters(typed: str, kept: str) -> None:
    assert clean_text(typed) == kept
