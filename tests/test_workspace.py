"""The workspace: which accounts an edit leaves unsaved, and checklists re-evaluated only there."""

from __future__ import annotations

from datetime import date

from plan.edits import ReplaceAccounts, add_child, toggle_done
from plan.model import Account, Mission, Objective, Portfolio, Strategy, Tactic
from plan.workspace import Workspace

TODAY = date(2026, 11, 24)


def portfolio() -> Portfolio:
    tactic = Tactic("Call the COO", owner="Dana", due=date(2027, 1, 10))
    objective = Objective("Grow", strategies=[Strategy("Win the COO", tactics=[tactic])])
    return Portfolio(
        [Account("ACME", mission=Mission("M", 3, objectives=[objective])), Account("B")]
    )


def test_an_edit_marks_its_account_unsaved_and_refreshes_only_its_checklist() -> None:
    workspace = Workspace(portfolio(), TODAY)
    acme, other = workspace.portfolio.accounts
    before_acme, before_other = workspace.checklist(acme), workspace.checklist(other)
    tactic = acme.mission.objectives[0].strategies[0].tactics[0]
    workspace.do(toggle_done(acme, tactic.id))
    assert workspace.dirty == {acme.id}
    assert workspace.checklist(other) is before_other, "the other account is not re-checked"
    assert workspace.checklist(acme) is not before_acme
    workspace.undo()
    assert workspace.take_dirty() == {acme.id}
    assert workspace.dirty == set()


def test_a_failed_save_puts_the_accounts_back_as_unsaved() -> None:
    workspace = Workspace(portfolio(), TODAY)
    acme = workspace.portfolio.accounts[0]
    workspace.do(add_child(acme, acme.mission.id, "Second objective"))
    taken = workspace.take_dirty()
    workspace.put_back(frozenset(taken))
    assert workspace.dirty == {acme.id}


def test_an_import_marks_every_account_unsaved() -> None:
    workspace = Workspace(portfolio(), TODAY)
    accounts = [*workspace.portfolio.accounts, Account("New")]
    workspace.do(ReplaceAccounts("", accounts=accounts))
    assert workspace.dirty == {a.id for a in accounts}
