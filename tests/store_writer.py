"""Sample accounts for the store tests, and the process they kill: `save` or `hold` a database.

python -m tests.store_writer save DB   save a growing portfolio forever, printing each count
python -m tests.store_writer hold DB   take the write lock, print "locked", hold it until killed
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from plan.model import Account, Mission, Objective, Portfolio, ReviewNote, Strategy, Tactic
from store import Repository, WriteLock


def sample_account(number: int) -> Account:
    """An account with every field set, none to its default, so a lost field shows."""
    tactics = [
        Tactic(
            f"Run workshop {number}.{t}",
            owner="Dana Lee",
            due=date(2027, 3, 1 + t),
            status="doing",
            notes=f"Bring the *uptime* report.\nRoom {t}",
        )
        for t in range(3)
    ]
    strategy = Strategy(
        "Prove best on uptime",
        why="Downtime costs them €40k an hour",
        approach="prove-best",
        notes="Use the plant map.",
        tactics=tactics,
    )
    objective = Objective(
        f"Grow revenue {number}",
        metric="annual revenue",
        target=1_500_000.5,
        unit="EUR",
        due=date(2027, 12, 31),
        current=1_200_000.25,
        notes="From the ERP.",
        strategies=[strategy],
    )
    return Account(
        f"Account {number}",
        owner="Dana Lee",
        segment="Industrial",
        archived=number % 2 == 1,
        reviewed=date(2026, 11, 12),
        review_notes=[ReviewNote(date(2026, 8, 20), "Agreed the capex seat first.")],
        notes="Customer since 2016.",
        mission=Mission(
            "Be their first call for uptime",
            horizon_years=3,
            notes="Board sees us as a partner.",
            objectives=[objective],
        ),
        updated="2026-11-24T13:36:48+00:00",
    )


@contextmanager
def running(command: str, db: Path) -> Iterator[subprocess.Popen[str]]:
    """This module as a process doing `command` on `db`; killed, if still alive, on exit."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.store_writer", command, str(db)],
        cwd=Path(__file__).resolve().parent.parent,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()


def save_forever(db: Path) -> None:
    with Repository.for_writing(db) as repository:
        portfolio: Portfolio = repository.load()
        while True:
            account = sample_account(len(portfolio.accounts))
            portfolio.accounts.append(account)
            changed = {account.id}
            if len(portfolio.accounts) > 1:
                first = portfolio.accounts[0]
                first.notes += "."
                changed.add(first.id)
            repository.save(portfolio, changed)
            print(len(portfolio.accounts), flush=True)


def hold_lock(db: Path) -> None:
    with WriteLock(db):
        print("locked", flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    command, path = sys.argv[1], Path(sys.argv[2])
    {"save": save_forever, "hold": hold_lock}[command](path)
