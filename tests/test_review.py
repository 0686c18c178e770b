"""Review logic without the UI: queue order, changes since a review, the queue filter."""

from __future__ import annotations

from datetime import date

from plan.demo import demo_accounts
from plan.model import Account, Mission, Objective, Strategy
from plan.review import changed_nodes, changed_since, queue_matches, review_queue
from plan.rules import Checklist, evaluate

TODAY = date(2026, 11, 24)


def checklist_of(account: Account) -> Checklist:
    return evaluate(account, TODAY)


def test_the_queue_puts_the_worst_plan_first_then_the_oldest_review() -> None:
    accounts = demo_accounts(TODAY)
    queue = review_queue(accounts, checklist_of)
    scores = [checklist_of(a).passed / checklist_of(a).total for a in queue]
    assert scores == sorted(scores)
    assert queue[0].name == "Harvest Valley Foods"
    # Two plans with the same score: the one reviewed longest ago comes first.
    a = Account("A", reviewed=date(2026, 1, 1))
    b = Account("B", reviewed=date(2025, 1, 1))
    never = Account("C")
    assert [x.name for x in review_queue([a, b, never], checklist_of)] == ["C", "B", "A"]


def test_changed_since_uses_created_and_updated_dates() -> None:
    old = "2026-09-01T10:00:00+00:00"
    kept = Strategy("Kept", why="because", created=old)
    edited = Strategy("Edited", created=old, updated="2026-10-02T09:00:00+00:00")
    added = Strategy("Added", created="2026-10-01T00:00:01+00:00")
    objective = Objective("O", strategies=[kept, edited, added], created=old)
    account = Account("A", mission=Mission("M", 3, objectives=[objective], created=old))
    assert changed_since(account, date(2026, 10, 1)) == {edited.id}
    assert changed_since(account, date(2026, 9, 30)) == {edited.id, added.id}
    assert [n.title for n in changed_nodes(account, date(2026, 9, 30))] == ["Edited", "Added"]
    assert changed_since(account, None) == set(), "never reviewed: nothing is marked"


def test_the_queue_filter_knows_owner_segment_rule_and_text() -> None:
    accounts = {a.name: a for a in demo_accounts(TODAY)}
    harvest = accounts["Harvest Valley Foods"]
    nordhavn = accounts["Nordhavn Industrial Group"]

    def match(account: Account, query: str) -> bool:
        return queue_matches(account, checklist_of(account), query)

    assert match(harvest, "rule:S2") and not match(nordhavn, "rule:s2")
    assert match(harvest, "owner:tom") and not match(harvest, "owner:dana")
    assert match(harvest, "segment:food") and match(harvest, "harvest")
    assert not match(harvest, "harvest owner:dana")
    assert match(nordhavn, "")
