"""The demo plan: six accounts that show the whole checklist, the same every time."""

from __future__ import annotations

from datetime import date

import pytest

from plan.demo import demo_accounts
from plan.fields import FIELDS, parse_value
from plan.rules import evaluate

TODAY = date(2026, 11, 24)


def test_there_are_six_accounts_with_unique_names() -> None:
    accounts = demo_accounts(TODAY)
    assert len(accounts) == 6
    assert len({account.name.casefold() for account in accounts}) == 6
    assert len({account.id for account in accounts}) == 6


def test_the_demo_is_the_same_for_the_same_day() -> None:
    assert demo_accounts(TODAY) == demo_accounts(TODAY)
    assert demo_accounts(TODAY) != demo_accounts(date(2026, 11, 25))


def test_one_account_passes_everything_and_one_has_tactics_ahead() -> None:
    checklists = [evaluate(account, TODAY) for account in demo_accounts(TODAY)]
    clean = [c for c in checklists if c.score == "12/12"]
    assert len(clean) == 1
    assert clean[0].next_fix is None
    assert sum(c.tactics_ahead for c in checklists) == 1
    middling = [c for c in checklists if c.passed < 12 and not c.tactics_ahead]
    assert len(middling) >= 3
    assert any(r.status == "warn" for c in middling for r in c.results)


@pytest.mark.parametrize("today", [date(2024, 2, 29), date(2026, 1, 1), date(2031, 12, 31)])
def test_scores_do_not_depend_on_the_day_the_demo_is_written(today: date) -> None:
    expected = [evaluate(a, TODAY).score for a in demo_accounts(TODAY)]
    assert [evaluate(a, today).score for a in demo_accounts(today)] == expected


def test_every_field_holds_a_value_a_user_could_have_typed() -> None:
    for account in demo_accounts(TODAY):
        assert _unchanged_by_parsing("account", account)
        for node, _ in account.walk():
            assert _unchanged_by_parsing(node.KIND, node)


def test_the_demo_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    demo_accounts(TODAY)
    assert capsys.readouterr() == ("", "")


def test_every_account_has_an_owner_a_segment_and_a_mission() -> None:
    assert all(a.owner and a.segment and a.mission.text for a in demo_accounts(TODAY))


def _unchanged_by_parsing(kind: str, node: object) -> bool:
    for spec in FIELDS[kind]:
        value = getattr(node, spec.name)
        if parse_value(spec, value) != value:
            return False
    return True
