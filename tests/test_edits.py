"""Edits: each applies, validates and undoes; any sequence undoes and redoes exactly."""

from __future__ import annotations

import copy
from dataclasses import asdict
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plan.edits import (
    add_child,
    add_sibling,
    delete_account,
    delete_node,
    edit_fields,
    mark_reviewed,
    move,
    new_account,
    set_archived,
    toggle_done,
)
from plan.errors import ValidationError
from plan.fields import parse_number
from plan.history import History
from plan.model import Account, Mission, Objective, Portfolio, Strategy, Tactic


def sample_portfolio() -> Portfolio:
    def tactics(prefix: str) -> list[Tactic]:
        return [Tactic(f"{prefix} tactic {i}", owner="Dana") for i in range(2)]

    objectives = [
        Objective(
            f"Objective {o}",
            metric="revenue",
            target=100.0,
            strategies=[
                Strategy(f"Strategy {o}.{s}", tactics=tactics(f"{o}.{s}")) for s in range(2)
            ],
        )
        for o in range(2)
    ]
    acme = Account("ACME", mission=Mission("Be their first call", 5, objectives=objectives))
    return Portfolio([acme, Account("Globex")])


def snapshot(portfolio: Portfolio) -> dict:
    return copy.deepcopy(asdict(portfolio))


def titles(account: Account) -> list[str]:
    return [node.title for node, _ in account.walk()]


def test_add_child_picks_the_level_below() -> None:
    portfolio = sample_portfolio()
    acme = portfolio.accounts[0]
    history = History(portfolio)
    edit = history.do(add_child(acme, acme.mission.id, "Win the Lyon plant"))
    assert isinstance(acme.mission.objectives[-1], Objective)
    assert acme.mission.objectives[-1].title == "Win the Lyon plant"
    assert edit.selection(undone=False) == acme.mission.objectives[-1].id
    strategy = acme.mission.objectives[0].strategies[0]
    history.do(add_child(acme, strategy.id, "Run a needs assessment"))
    assert isinstance(strategy.tactics[-1], Tactic)


def test_add_child_under_a_tactic_is_refused() -> None:
    acme = sample_portfolio().accounts[0]
    tactic = acme.mission.objectives[0].strategies[0].tactics[0]
    with pytest.raises(ValidationError, match="tactic has no children"):
        add_child(acme, tactic.id, "x")


def test_add_with_empty_title_is_refused() -> None:
    acme = sample_portfolio().accounts[0]
    with pytest.raises(ValidationError, match="must not be empty"):
        add_child(acme, acme.mission.id, "  \x1b ")


def test_add_sibling_above_and_below() -> None:
    portfolio = sample_portfolio()
    acme = portfolio.accounts[0]
    history = History(portfolio)
    first = acme.mission.objectives[0]
    history.do(add_sibling(acme, first.id, "Above", below=False))
    history.do(add_sibling(acme, first.id, "Below"))
    assert [o.title for o in acme.mission.objectives] == [
        "Above",
        "Objective 0",
        "Below",
        "Objective 1",
    ]


def test_the_mission_has_no_siblings_and_cannot_be_deleted() -> None:
    acme = sample_portfolio().accounts[0]
    with pytest.raises(ValidationError, match="exactly one mission"):
        add_sibling(acme, acme.mission.id, "Another mission")
    with pytest.raises(ValidationError, match="cannot be deleted"):
        delete_node(acme, acme.mission.id)


def test_delete_removes_the_subtree_and_undo_restores_it_in_place() -> None:
    portfolio = sample_portfolio()
    acme = portfolio.accounts[0]
    before = snapshot(portfolio)
    history = History(portfolio)
    edit = delete_node(acme, acme.mission.objectives[0].id)
    assert edit.count == 1 + 2 + 4
    history.do(edit)
    assert [o.title for o in acme.mission.objectives] == ["Objective 1"]
    history.undo()
    assert snapshot(portfolio) == before


def test_move_among_siblings_and_across_parents() -> None:
    portfolio = sample_portfolio()
    acme = portfolio.accounts[0]
    history = History(portfolio)
    s00, s01 = acme.mission.objectives[0].strategies
    last = s00.tactics[-1]
    history.do(move(acme, last.id, -1))
    assert [t.title for t in s00.tactics] == ["0.0 tactic 1", "0.0 tactic 0"]
    # At the bottom edge the tactic moves into the next strategy, at its top.
    history.do(move(acme, s00.tactics[-1].id, 1))
    assert [t.title for t in s01.tactics] == ["0.0 tactic 0", "0.1 tactic 0", "0.1 tactic 1"]
    # Across objectives too: the last strategy of objective 0 goes to the top of objective 1.
    history.do(move(acme, s01.id, 1))
    assert acme.mission.objectives[1].strategies[0] is s01


def test_move_at_the_very_edge_is_refused() -> None:
    acme = sample_portfolio().accounts[0]
    with pytest.raises(ValidationError, match="already at the top"):
        move(acme, acme.mission.objectives[0].id, -1)
    last_tactic = acme.mission.objectives[-1].strategies[-1].tactics[-1]
    with pytest.raises(ValidationError, match="already at the bottom"):
        move(acme, last_tactic.id, 1)


def test_edit_fields_parses_typed_text() -> None:
    portfolio = sample_portfolio()
    acme = portfolio.accounts[0]
    objective = acme.mission.objectives[0]
    History(portfolio).do(
        edit_fields(portfolio, acme.id, objective.id, {"target": "1_500_000", "due": "2027-12-31"})
    )
    assert objective.target == 1_500_000.0
    assert objective.due == date(2027, 12, 31)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1,500,000", 1_500_000.0),
        ("-12,000.5", -12_000.5),
        ("1500000", 1_500_000.0),
        ("1_000", 1000.0),
    ],
)
def test_a_target_may_be_typed_with_thousands_separators(typed: str, value: float) -> None:
    assert parse_number(typed) == value


@pytest.mark.parametrize("typed", ["1,5", "1,50,000", "12,000,00", "1,500", "0,250", "0,250,000"])
def test_a_comma_that_is_not_a_thousands_separator_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError, match="is not a number"):
        parse_number(typed)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("due", "2030-13-45", 'bad date "2030-13-45"'),
        ("target", "lots", '"lots" is not a number'),
        ("title", "   ", "must not be empty"),
        ("colour", "red", "no field 'colour'"),
    ],
)
def test_edit_fields_rejects_bad_values_and_changes_nothing(
    field: str, value: str, message: str
) -> None:
    portfolio = sample_portfolio()
    acme = portfolio.accounts[0]
    before = snapshot(portfolio)
    with pytest.raises(ValidationError, match=message):
        edit_fields(
            portfolio, acme.id, acme.mission.objectives[0].id, {"metric": "x", field: value}
        )
    assert snapshot(portfolio) == before


def test_edit_fields_keeps_only_real_changes() -> None:
    portfolio = sample_portfolio()
    acme = portfolio.accounts[0]
    edit = edit_fields(portfolio, acme.id, acme.mission.id, {"text": "Be their first call"})
    assert edit.changes == {}


def test_edit_sets_the_updated_timestamp_and_undo_restores_it() -> None:
    portfolio = sample_portfolio()
    acme = portfolio.accounts[0]
    tactic = acme.mission.objectives[0].strategies[0].tactics[0]
    tactic.updated = acme.updated = "2020-01-01T00:00:00+00:00"
    history = History(portfolio)
    edit = history.do(toggle_done(acme, tactic.id))
    assert tactic.status == "done"
    assert tactic.updated == acme.updated == edit.at
    history.undo()
    assert tactic.status == "todo"
    assert tactic.updated == acme.updated == "2020-01-01T00:00:00+00:00"


def test_rename_refuses_empty_and_duplicate_names() -> None:
    portfolio = sample_portfolio()
    acme = portfolio.accounts[0]
    with pytest.raises(ValidationError, match="name must not be empty"):
        edit_fields(portfolio, acme.id, None, {"name": " "})
    with pytest.raises(ValidationError, match='"Globex" exists already'):
        edit_fields(portfolio, acme.id, None, {"name": "globex"})
    with pytest.raises(ValidationError, match="exists already"):
        new_account(portfolio, "ACME")


def test_account_edits_undo_and_redo() -> None:
    portfolio = sample_portfolio()
    before = snapshot(portfolio)
    history = History(portfolio)
    history.do(new_account(portfolio, "Initech", owner="Sam"))
    history.do(set_archived(portfolio, portfolio.accounts[0].id, True))
    history.do(mark_reviewed(portfolio, portfolio.accounts[1].id, date(2026, 11, 1), "Looks good"))
    history.do(delete_account(portfolio, portfolio.accounts[0].id))
    after = snapshot(portfolio)
    assert [a.name for a in portfolio.accounts] == ["Globex", "Initech"]
    while history.undo():
        pass
    assert snapshot(portfolio) == before
    while history.redo():
        pass
    assert snapshot(portfolio) == after


def test_a_new_edit_clears_redo() -> None:
    portfolio = sample_portfolio()
    acme = portfolio.accounts[0]
    history = History(portfolio)
    history.do(add_child(acme, acme.mission.id, "One"))
    history.undo()
    assert history.can_redo
    history.do(add_child(acme, acme.mission.id, "Two"))
    assert not history.can_redo


def test_of_two_twin_tactics_the_one_chosen_is_deleted_and_moved() -> None:
    # Twins are equal (ids are not content), but an edit must act on the one it was given.
    first, second, other = Tactic("Call"), Tactic("Call"), Tactic("Visit")
    strategy = Strategy("Win the COO", tactics=[first, second, other])
    account = Account("Acme", mission=Mission("Be first", objectives=[Objective("Grow")]))
    account.mission.objectives[0].strategies.append(strategy)
    portfolio = Portfolio([account])
    history = History(portfolio)
    history.do(move(account, second.id, 1))
    assert [t.id for t in strategy.tactics] == [first.id, other.id, second.id]
    history.do(delete_node(account, second.id))
    assert [t.id for t in strategy.tactics] == [first.id, other.id]
    history.undo()
    history.undo()
    assert [t.id for t in strategy.tactics] == [first.id, second.id, other.id]


# --- The property: undo after any sequence of edits restores the plan exactly. --------------

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(
            ["child", "below", "above", "edit", "delete", "up", "down", "done", "rename", "review"]
        ),
        st.integers(min_value=0, max_value=10_000),
        st.text(min_size=1, max_size=8),
    ),
    max_size=25,
)


def build_edit(portfolio: Portfolio, action: str, pick: int, text: str):
    account = portfolio.accounts[pick % len(portfolio.accounts)]
    nodes = [node for node, _ in account.walk()]
    node = nodes[pick % len(nodes)]
    match action:
        case "child":
            return add_child(account, node.id, text)
        case "below" | "above":
            return add_sibling(account, node.id, text, below=action == "below")
        case "edit":
            field = "text" if node.KIND == "mission" else "title"
            return edit_fields(portfolio, account.id, node.id, {field: text, "notes": text})
        case "delete":
            return delete_node(account, node.id)
        case "up" | "down":
            return move(account, node.id, -1 if action == "up" else 1)
        case "done":
            return toggle_done(account, node.id)
        case "rename":
            return edit_fields(portfolio, account.id, None, {"name": text})
        case _:
            return mark_reviewed(portfolio, account.id, date(2026, 1, 1 + pick % 28), text)


@settings(max_examples=150, deadline=None)
@given(ACTIONS)
def test_undo_and_redo_of_any_sequence_restore_the_plan_exactly(actions: list) -> None:
    portfolio = sample_portfolio()
    history = History(portfolio)
    states = [snapshot(portfolio)]
    for action, pick, text in actions:
        try:
            edit = build_edit(portfolio, action, pick, text)
        except ValidationError:
            assert snapshot(portfolio) == states[-1]
            continue
        history.do(edit)
        states.append(snapshot(portfolio))
    for expected in reversed(states[:-1]):
        history.undo()
        assert snapshot(portfolio) == expected
    assert history.undo() is None
    for expected in states[1:]:
        history.redo()
        assert snapshot(portfolio) == expected
