"""SVG snapshots of the layout at 80x24 and 120x40 (pytest-textual-snapshot; plain def tests)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from plan.demo import demo_accounts
from tests.helpers import write_db
from tui.app import make_app

TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor would make a snapshot depend on the moment it was taken."""
    monkeypatch.setattr(Input.cursor_blink, "_default", False)
    monkeypatch.setattr(TextArea.cursor_blink, "_default", False)


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    return write_db(tmp_path / "plans.json", demo_accounts(TODAY))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_demo_layout(snap_compare, demo_db: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo_db, today=TODAY), terminal_size=size)


def test_weakest_plan_after_next_fix(snap_compare, demo_db: Path) -> None:
    assert snap_compare(make_app(demo_db, today=TODAY), press=["G", "f"], terminal_size=(80, 24))


def test_edit_form_fits_80x24(snap_compare, demo_db: Path) -> None:
    assert snap_compare(
        make_app(demo_db, today=TODAY), press=["enter", "j", "e"], terminal_size=(80, 24)
    )
