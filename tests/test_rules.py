"""The "strategy before tactics" checklist: each rule, the score, next fix and tactics ahead."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from plan.config import RULE_IDS, ChecklistConfig
from plan.model import Account, Mission, Objective, Strategy, Tactic
from plan.rules import (
    GATES,
    RULES,
    TACTICS_AHEAD_MESSAGE,
    Result,
    evaluate,
    fix_stops,
    node_verdicts,
)

TODAY = date(2026, 6, 15)


def days(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def tactic(title: str = "Run quarterly business reviews with the COO", **fields: Any) -> Tactic:
    return Tactic(title, **{"owner": "Dana Lee", "due": days(30), **fields})


def strategy(title: str = "Cross-sell predictive maintenance", **fields: Any) -> Strategy:
    defaults = {"why": "Unplanned stops cost them uptime.", "tactics": [tactic()]}
    return Strategy(title, **{**defaults, **fields})


def objective(title: str = "Grow revenue", **fields: Any) -> Objective:
    defaults = {
        "metric": "annual revenue",
        "target": 1_500_000,
        "unit": "EUR",
        "due": days(365),
        "strategies": [strategy()],
    }
    return Objective(title, **{**defaults, **fields})


def account(*objectives: Objective, **fields: Any) -> Account:
    """A plan that passes every rule unless the test changes it."""
    mission = fields.pop("mission", None) or Mission(
        text="Be the partner ACME calls first.",
        horizon_years=3,
        objectives=list(objectives) if objectives else [objective()],
    )
    return Account("ACME Manufacturing", **{"reviewed": TODAY, "mission": mission, **fields})


def result(plan: Account, rule: str, today: date = TODAY, **config: Any) -> Result:
    checklist = evaluate(plan, today, ChecklistConfig(**config))
    return next(r for r in checklist.results if r.rule == rule)


def test_rule_table_matches_the_ids_config_knows_in_gate_order() -> None:
    assert tuple(rule.id for rule in RULES) == RULE_IDS
    gate_positions = [GATES.index(rule.gate) for rule in RULES]
    assert gate_positions == sorted(gate_positions)
    assert all(rule.summary for rule in RULES)


def test_clean_plan_passes_every_rule() -> None:
    checklist = evaluate(account(), TODAY)
    assert [r.rule for r in checklist.results] == list(RULE_IDS)
    assert {r.status for r in checklist.results} == {"pass"}
    assert all(r.nodes == () and r.message for r in checklist.results)
    assert (checklist.passed, checklist.total, checklist.score) == (12, 12, "12/12")
    assert checklist.next_fix is None
    assert not checklist.tactics_ahead
    assert node_verdicts(checklist) == {}


def test_default_config_is_used_when_none_is_given() -> None:
    plan = account(reviewed=days(-91))
    assert evaluate(plan, TODAY).results == evaluate(plan, TODAY, ChecklistConfig()).results


@pytest.mark.parametrize("text", ["", "   "])
def test_m1_fails_when_the_mission_has_no_text(text: str) -> None:
    plan = account()
    plan.mission.text = text
    failed = result(plan, "M1")
    assert failed.status == "fail"
    assert failed.nodes == (plan.mission.id,)
    assert failed.gate == "Mission"
    assert "mission is empty" in failed.message


def test_m2_fails_without_a_horizon() -> None:
    plan = account()
    plan.mission.horizon_years = None
    failed = result(plan, "M2")
    assert failed.status == "fail"
    assert failed.nodes == (plan.mission.id,)
    assert "no horizon" in failed.message


def test_m2_passes_when_the_horizon_reaches_exactly_the_latest_due_date() -> None:
    plan = account(objective(due=date(2029, 6, 15)), objective("Win the Lyon plant", due=None))
    assert result(plan, "M2").status == "pass"


def test_m2_fails_when_the_latest_objective_is_due_after_the_horizon() -> None:
    plan = account(objective("Early", due=days(30)), objective("Late", due=date(2029, 6, 16)))
    failed = result(plan, "M2")
    assert failed.status == "fail"
    assert failed.nodes == (plan.mission.id,)
    assert 'objective "Late"' in failed.message
    assert "2029-06-15" in failed.message


def test_m2_counts_a_horizon_from_29_february_to_28_february() -> None:
    leap_day = date(2028, 2, 29)
    plan = account(objective(due=date(2029, 2, 28)))
    plan.mission.horizon_years = 1
    assert result(plan, "M2", today=leap_day).status == "pass"
    plan.mission.objectives[0].due = date(2029, 3, 1)
    assert result(plan, "M2", today=leap_day).status == "fail"


def test_m2_passes_with_a_horizon_and_no_dated_objectives() -> None:
    assert result(account(objective(due=None)), "M2").status == "pass"
    assert result(account(mission=Mission(text="x", horizon_years=2)), "M2").status == "pass"


def test_o1_fails_and_o2_o3_s1_pass_vacuously_without_objectives() -> None:
    plan = account(mission=Mission(text="Be the partner ACME calls first.", horizon_years=3))
    checklist = evaluate(plan, TODAY)
    statuses = {r.rule: r.status for r in checklist.results}
    assert statuses["O1"] == "fail"
    assert all(statuses[rule] == "pass" for rule in ("O2", "O3", "S1", "S2", "T1", "T2"))
    assert result(plan, "O1").nodes == (plan.mission.id,)


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"metric": ""}, "has no metric"),
        ({"target": None}, "has no numeric target"),
        ({"metric": "", "target": None}, "has no metric and no numeric target"),
    ],
)
def test_o2_fails_when_an_objective_is_not_measurable(fields: dict, missing: str) -> None:
    plan = account(objective(), objective("Grow share of wallet", **fields))
    failed = result(plan, "O2")
    assert failed.status == "fail"
    assert failed.nodes == (plan.mission.objectives[1].id,)
    assert failed.message == f'objective "Grow share of wallet" {missing}'


def test_o2_accepts_a_target_of_zero() -> None:
    assert result(account(objective(target=0)), "O2").status == "pass"


def test_o3_fails_without_a_due_date() -> None:
    failed = result(account(objective(due=None)), "O3")
    assert failed.status == "fail"
    assert failed.message == 'objective "Grow revenue" has no due date'


def test_o3_fails_when_an_unmet_objective_is_past_due() -> None:
    failed = result(account(objective(due=days(-1), current=1_000_000)), "O3")
    assert failed.status == "fail"
    assert "was due on 2026-06-14 and is not met" in failed.message


def test_o3_passes_when_a_past_objective_was_met_or_is_due_today() -> None:
    assert result(account(objective(due=days(-100), current=1_500_000)), "O3").status == "pass"
    assert result(account(objective(due=TODAY)), "O3").status == "pass"


def test_s1_fails_for_an_objective_without_strategy() -> None:
    plan = account(objective(), objective("Win the Lyon plant", strategies=[]))
    failed = result(plan, "S1")
    assert failed.status == "fail"
    assert failed.nodes == (plan.mission.objectives[1].id,)
    assert 'objective "Win the Lyon plant" has no strategy' in failed.message


@pytest.mark.parametrize("why", ["", "  "])
def test_s2_fails_for_a_strategy_without_why(why: str) -> None:
    plan = account(objective(strategies=[strategy("Push the new line", why=why)]))
    failed = result(plan, "S2")
    assert failed.status == "fail"
    assert failed.message == 'strategy "Push the new line" does not say why the customer will buy'


def test_t1_fails_for_a_strategy_without_tactics() -> None:
    plan = account(objective(strategies=[strategy(), strategy("Map the account", tactics=[])]))
    failed = result(plan, "T1")
    assert failed.status == "fail"
    assert failed.nodes == (plan.mission.objectives[0].strategies[1].id,)
    assert failed.message == (
        'strategy "Map the account" has no tactic: a strategy without tactics is a wish'
    )


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"owner": ""}, "owner"),
        ({"due": None}, "due date"),
        ({"owner": " ", "due": None}, "owner and no due date"),
    ],
)
def test_t2_fails_for_an_open_tactic_without_owner_or_due(fields: dict, missing: str) -> None:
    plan = account(objective(strategies=[strategy(tactics=[tactic("Send samples", **fields)])]))
    failed = result(plan, "T2")
    assert failed.status == "fail"
    assert failed.message == f'tactic "Send samples" has no {missing}'


def test_t2_says_only_what_the_tactics_it_counts_together_all_lack() -> None:
    alike = [tactic("Call", owner=""), tactic("Visit", owner="")]
    plan = account(objective(strategies=[strategy(tactics=alike)]))
    assert result(plan, "T2").message == 'tactic "Call" (and 1 more) has no owner'
    # One lacks both, the others one or the other: "(and 2 more)" must not claim both of them.
    mixed = [
        tactic("Send", owner="", due=None),
        tactic("Quote", owner=""),
        tactic("Ring", due=None),
    ]
    plan = account(objective(strategies=[strategy(tactics=mixed)]))
    assert result(plan, "T2").message == (
        'tactic "Send" has no owner and no due date (and 2 more without an owner or a due date)'
    )


@pytest.mark.parametrize("status", ["done", "dropped"])
def test_t2_ignores_closed_tactics(status: str) -> None:
    closed = tactic(owner="", due=None, status=status)
    assert (
        result(account(objective(strategies=[strategy(tactics=[closed])])), "T2").status == "pass"
    )


@pytest.mark.parametrize("status", ["todo", "doing"])
def test_t3_fails_for_an_open_tactic_past_its_due_date(status: str) -> None:
    late = tactic("Send samples", due=days(-1), status=status)
    plan = account(objective(strategies=[strategy(tactics=[tactic(), late])]))
    failed = result(plan, "T3")
    assert failed.status == "fail"
    assert failed.nodes == (late.id,)
    assert failed.message == 'tactic "Send samples" is overdue (due 2026-06-14)'


@pytest.mark.parametrize("status", ["done", "dropped"])
def test_t3_never_counts_closed_tactics_as_overdue(status: str) -> None:
    closed = tactic(due=days(-300), status=status)
    assert (
        result(account(objective(strategies=[strategy(tactics=[closed])])), "T3").status == "pass"
    )


def test_t3_passes_for_a_tactic_due_today() -> None:
    plan = account(objective(strategies=[strategy(tactics=[tactic(due=TODAY)])]))
    assert result(plan, "T3").status == "pass"


@pytest.mark.parametrize("status", ["todo", "done"])
def test_t4_fails_for_any_tactic_due_after_its_objective(status: str) -> None:
    late = tactic("Pilot in the garden centres", due=days(366), status=status)
    plan = account(objective(strategies=[strategy(tactics=[late])]))
    failed = result(plan, "T4")
    assert failed.status == "fail"
    assert failed.nodes == (late.id,)
    assert 'tactic "Pilot in the garden centres" is due on 2027-06-16' in failed.message
    assert 'after its objective "Grow revenue" (due 2027-06-15)' in failed.message


def test_t4_passes_on_the_objective_due_date_or_without_one() -> None:
    on_time = account(objective(strategies=[strategy(tactics=[tactic(due=days(365))])]))
    assert result(on_time, "T4").status == "pass"
    undated = account(objective(due=None, strategies=[strategy(tactics=[tactic(due=days(900))])]))
    assert result(undated, "T4").status == "pass"


def test_r1_warns_when_the_plan_was_never_reviewed() -> None:
    plan = account(reviewed=None)
    warned = result(plan, "R1")
    assert warned.status == "warn"
    assert warned.gate == "Review"
    assert warned.nodes == (plan.id,)
    assert warned.message == "the plan has never been reviewed"


def test_r1_allows_exactly_the_review_interval() -> None:
    assert result(account(reviewed=days(-90)), "R1").status == "pass"
    warned = result(account(reviewed=days(-91)), "R1")
    assert warned.status == "warn"
    assert "91 days ago" in warned.message


def test_r1_follows_the_configured_interval() -> None:
    plan = account(reviewed=days(-31))
    assert result(plan, "R1", review_interval_days=30).status == "warn"
    assert result(plan, "R1", review_interval_days=31).status == "pass"


def test_a_warning_is_not_counted_as_passed() -> None:
    checklist = evaluate(account(reviewed=None), TODAY)
    assert (checklist.passed, checklist.total, checklist.score) == (11, 12, "11/12")
    assert checklist.next_fix is not None and checklist.next_fix.rule == "R1"


def test_disabled_rules_are_not_evaluated_or_counted() -> None:
    plan = account(reviewed=None)
    plan.mission.horizon_years = None
    checklist = evaluate(plan, TODAY, ChecklistConfig(disabled=frozenset({"R1", "M2"})))
    assert [r.rule for r in checklist.results] == [r for r in RULE_IDS if r not in {"R1", "M2"}]
    assert checklist.score == "10/10"
    assert checklist.next_fix is None


def test_next_fix_is_the_first_failure_in_gate_order() -> None:
    late = tactic(due=days(-5))
    plan = account(objective(strategies=[strategy(tactics=[late])]), reviewed=None)
    assert evaluate(plan, TODAY).next_fix.rule == "T3"
    plan.mission.objectives[0].strategies.append(strategy("Map the account", why=""))
    assert evaluate(plan, TODAY).next_fix.rule == "S2"
    plan.mission.objectives[0].metric = ""
    checklist = evaluate(plan, TODAY)
    assert checklist.next_fix.rule == "O2"
    assert checklist.next_fix is next(r for r in checklist.results if r.status != "pass")


def test_tactics_ahead_when_an_objective_with_tactics_is_not_measurable() -> None:
    checklist = evaluate(account(objective(metric="")), TODAY)
    assert checklist.tactics_ahead
    assert TACTICS_AHEAD_MESSAGE.startswith("tactics ahead of strategy: ")


def test_tactics_ahead_when_a_strategy_with_tactics_has_no_why() -> None:
    assert evaluate(account(objective(strategies=[strategy(why="")])), TODAY).tactics_ahead


def test_tactics_ahead_when_tactics_exist_and_the_mission_is_empty() -> None:
    plan = account()
    plan.mission.text = ""
    assert evaluate(plan, TODAY).tactics_ahead


def test_no_tactics_ahead_when_the_failing_nodes_have_no_tactics() -> None:
    unmeasured = objective("Win the Lyon plant", metric="", strategies=[strategy(tactics=[])])
    no_why = objective(strategies=[strategy(), strategy("Map the account", why="", tactics=[])])
    checklist = evaluate(account(unmeasured, no_why), TODAY)
    assert {r.rule for r in checklist.results if r.status == "fail"} == {"O2", "S2", "T1"}
    assert not checklist.tactics_ahead


def test_no_tactics_ahead_when_only_tactics_and_review_fail() -> None:
    plan = account(objective(strategies=[strategy(tactics=[tactic(owner="", due=days(-3))])]))
    plan.reviewed = None
    checklist = evaluate(plan, TODAY)
    assert checklist.passed == 9
    assert not checklist.tactics_ahead


def test_no_tactics_ahead_for_an_empty_mission_without_tactics() -> None:
    plan = account(mission=Mission())
    assert not evaluate(plan, TODAY).tactics_ahead


def test_a_message_names_the_first_failing_node_and_counts_the_rest() -> None:
    strategies = [strategy(f"Strategy {n}", why="") for n in range(1, 4)]
    plan = account(objective(strategies=strategies))
    failed = result(plan, "S2")
    assert failed.nodes == tuple(s.id for s in strategies)
    assert failed.message == (
        'strategy "Strategy 1" (and 2 more) does not say why the customer will buy'
    )


def test_node_verdicts_map_each_failing_node_to_its_rules() -> None:
    bare = strategy("Map the account", why="", tactics=[])
    plan = account(objective(strategies=[strategy(), bare]), reviewed=None)
    verdicts = node_verdicts(evaluate(plan, TODAY))
    assert verdicts == {bare.id: ["S2", "T1"], plan.id: ["R1"]}


def test_fix_stops_are_every_failing_node_in_gate_order() -> None:
    late = [tactic("Call A", due=days(-5)), tactic("Call B", due=days(-3))]
    plan = account(objective(strategies=[strategy(tactics=late)]), reviewed=None)
    plan.mission.objectives[0].metric = ""
    checklist = evaluate(plan, TODAY)
    stops = fix_stops(checklist)
    assert stops[0][0] is checklist.next_fix
    assert [(r.rule, node) for r, node in stops] == [
        ("O2", plan.mission.objectives[0].id),
        ("T3", late[0].id),
        ("T3", late[1].id),
        ("R1", plan.id),  # the review names the account
    ]


def test_fix_field_names_the_field_that_fixes_a_rule() -> None:
    from plan.rules import fix_field

    assert fix_field("M2", Mission("x")) == "horizon_years"
    assert fix_field("O2", Objective("x")) == "metric"
    assert fix_field("O2", Objective("x", metric="revenue")) == "target"
    assert fix_field("S2", Strategy("x")) == "why"
    assert fix_field("T2", Tactic("x")) == "owner"
    assert fix_field("T2", Tactic("x", owner="Dana")) == "due"
    assert fix_field("T1", Strategy("x")) is None
