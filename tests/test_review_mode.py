"""Review mode through Pilot: queue order, stepping, jump and return, mark reviewed and undo."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Static

from plan.demo import demo_accounts
from plan.model import Account
from store.repository import Repository
from tests.helpers import write_db
from tui.app import make_app
from tui.screens.dialogs import Prompt
from tui.screens.review import ReviewScreen
from widgets.checklist import ChecklistPane
from widgets.plan_tree import PlanTree

TODAY = date(2026, 11, 24)


@pytest.fixture
def demo_db(db_path: Path) -> Path:
    return write_db(db_path, demo_accounts(TODAY))


async def test_review_steps_through_the_queue_worst_first(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        names = [app.portfolio.account(i).name for i in screen.session.queue]
        assert names[0] == "Harvest Valley Foods"
        assert names[-1] == "Nordhavn Industrial Group"
        assert screen.account().name == "Harvest Valley Foods"  # type: ignore[union-attr]
        await pilot.press("n", "n")
        assert screen.account().name == names[2]  # type: ignore[union-attr]
        await pilot.press("p")
        assert screen.account().name == names[1]  # type: ignore[union-attr]
        await pilot.press("s")
        assert screen.session.position == 2
        assert "0 of 6 reviewed" in str(screen.query_one("#review-progress").render())


async def test_jump_to_a_failing_node_and_come_back_to_the_same_place(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R", "n")
        position = app.review.position  # type: ignore[union-attr]
        account = app.screen.account()  # type: ignore[attr-defined]
        checklist = app.workspace.checklist(account)
        assert checklist.next_fix is not None
        await pilot.press("enter")  # the checklist opens on the next fix
        assert not isinstance(app.screen, ReviewScreen)
        assert app.editor.account is account
        assert app.query_one(PlanTree).current == checklist.next_fix.nodes[0]
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.session.position == position
        await pilot.press("R")
        assert not isinstance(app.screen, ReviewScreen)
        await pilot.press("R")
        assert app.screen.account() is account  # type: ignore[attr-defined]


async def test_mark_reviewed_with_a_note_and_undo_it(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        screen = app.screen
        account = screen.account()  # type: ignore[attr-defined]
        assert account.reviewed is None
        await pilot.press("m")
        assert isinstance(app.screen, Prompt)
        app.screen.query_one("Input").value = "Mission first, then [/] the objective"  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert account.reviewed == TODAY
        assert account.review_notes[-1].text == "Mission first, then [/] the objective"
        assert screen.session.position == 1, "marking moves on to the next plan"  # type: ignore[attr-defined]
        assert "1 of 6 reviewed" in str(screen.query_one("#review-progress").render())
        await pilot.press("u")
        assert account.reviewed is None and account.review_notes == []
        await pilot.press("q")
    with Repository(demo_db, write=False) as repository:
        saved = repository.load().account(account.id)
    assert saved.reviewed is None


async def test_the_queue_filter_narrows_by_rule(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R", "slash")
        for key in "rule:T3":
            await pilot.press(key if key != ":" else "colon")
        screen = app.screen
        names = [app.portfolio.account(i).name for i in screen.session.queue]  # type: ignore[attr-defined]
        assert names == ["Harvest Valley Foods", "Kestrel Freight & Logistics"]
        await pilot.press("enter")
        assert isinstance(app.focused, ChecklistPane)


async def test_escape_clears_the_queue_filter_before_it_leaves_the_review(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R", "slash", *"zzz")
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.session.queue == []
        assert "no plan to review" in str(screen.query_one(PlanTree).root.label)
        await pilot.press("escape")  # clears the filter, the whole queue is back
        assert app.screen is screen and screen.session.query == ""
        assert len(screen.session.queue) > 1
        await pilot.press("slash", *"zzz", "enter", "escape")  # the filter kept, focus away
        assert app.screen is screen and screen.session.query == ""
        await pilot.press("escape")
        assert not isinstance(app.screen, ReviewScreen)
        await pilot.press("R", "slash", *"zzz", "enter", "R")  # R leaves, filter or not
        assert not isinstance(app.screen, ReviewScreen)


async def test_review_mode_asks_for_a_larger_window_as_the_editor_does(demo_db: Path) -> None:
    app = make_app(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        notice = screen.query_one("#too-small", Static)
        assert not notice.display
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert notice.display and "Make the window larger" in str(notice.render())
        hidden = ("#review-panes", "#review-header", "#review-progress", "#review-filter")
        assert not any(screen.query_one(name).display for name in hidden)
        position = screen.session.position
        await pilot.press("n", "m")  # no step through the queue, no review of an unseen plan
        await pilot.pause()
        assert app.screen is screen and screen.session.position == position
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not notice.display and screen.query_one("#review-panes").display


async def test_the_review_note_question_wraps_at_80_by_24(db_path: Path) -> None:
    # The question was cut at the dialog's edge: 'Mark "St. Brigid …" reviewed today. A note (opt'
    name = "St. Brigid Hospital Group of the Northern Counties"
    app = make_app(write_db(db_path, [Account(name)]), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("R", "m")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, Prompt)
        question = dialog.query_one(".question")
        assert question.size.height >= 2  # wrapped within the dialog
        lines = question.render_lines(question.region.reset_offset)
        assert "A note (optional):" in " ".join("".join(line.text for line in lines).split())
