"""Realistic benchmark databases, written through keyplan's own store, the same bytes per seed.

    python -m bench.generate --size M --db /tmp/m.json [--seed 7]

S is 20 accounts of 50 nodes, M 200 of 50, L 1000 of 100. Every id, date and timestamp comes
from one `random.Random(seed)` and a fixed anchor day, never from the clock, so two runs with
the same seed write identical files and a benchmark result can be reproduced.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from plan.model import (
    APPROACHES,
    Account,
    Mission,
    Objective,
    Portfolio,
    ReviewNote,
    Strategy,
    Tactic,
    TacticStatus,
)
from store.repository import Repository


@dataclass(frozen=True, slots=True)
class Size:
    """How big a benchmark database is: accounts, and nodes in each account's plan."""

    name: str
    accounts: int
    nodes: int


SIZES: dict[str, Size] = {
    "S": Size("S", 20, 50),
    "M": Size("M", 200, 50),
    "L": Size("L", 1000, 100),
}

# Dates are spread around this day rather than today, so the file does not change with the
# calendar; the checklist's verdicts on it do, which a benchmark's timings do not notice.
ANCHOR = date(2026, 6, 1)
ANCHOR_TIME = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)

COMPANY_STEMS = (
    "Nordhavn", "Kestrel", "Brightline", "Marlowe", "Harvest Valley", "St Brigid", "Alder",
    "Bluewater", "Cobalt", "Dunmore", "Eastgate", "Fairhaven", "Granite Peak", "Halden",
    "Ironbridge", "Juniper", "Kingsmere", "Larkspur", "Meridian", "Northwind", "Oakridge",
    "Pinecrest", "Quayside", "Redfern", "Silverline", "Thornbury", "Upland", "Vantage",
    "Westbrook", "Yarrow", "Zenith", "Ashford", "Beacon", "Caldera", "Driftwood", "Elmstead",
    "Foxglove", "Greystone", "Highmoor", "Inverness",
)  # fmt: skip
COMPANY_KINDS = (
    "Industrial Group", "Logistics", "Foods", "Health Partners", "Energy", "Retail", "Pharma",
    "Motors", "Packaging", "Telecom", "Bank", "Insurance", "Chemicals", "Hotels", "Airlines",
    "Steel", "Water", "Media", "Software", "Construction", "Agriculture", "Textiles",
    "Electronics", "Rail", "Shipping", "University Hospitals", "Utilities", "Paper",
    "Beverages", "Machinery",
)  # fmt: skip
FIRST_NAMES = (
    "Dana", "Sam", "Priya", "Tomás", "Aisha", "Lena", "Marco", "Chen", "Ingrid", "Kwame",
    "Sofia", "Ravi", "Hannah", "Jonas", "Mei", "Oliver", "Fatima", "Lucas", "Noor", "Erik",
)  # fmt: skip
LAST_NAMES = (
    "Lee", "Ortiz", "Nair", "Berg", "Okafor", "Schmidt", "Rossi", "Wang", "Larsen", "Mensah",
    "García", "Iyer", "Becker", "Novak", "Tanaka", "Walsh", "Haddad", "Silva", "Khan", "Moreau",
)  # fmt: skip
SEGMENTS = (
    "Industrial manufacturing", "Healthcare", "Retail", "Financial services", "Public sector",
    "Energy and utilities", "Transport and logistics", "Food and beverage",
)  # fmt: skip
OFFERINGS = (
    "predictive maintenance", "the service contract", "spare parts", "the analytics platform",
    "cold-chain monitoring", "fleet telematics", "the training academy", "managed print",
    "cloud backup", "the safety programme", "energy audits", "the loyalty platform",
)  # fmt: skip
STAKEHOLDERS = (
    "the COO", "the CFO", "procurement", "the plant directors", "the IT director",
    "the head of operations", "the category manager", "the quality lead", "the board",
    "the regional managers",
)  # fmt: skip
ACTIONS = (
    "Run a workshop on {offering} with {who}",
    "Send {who} the uptime report for Q{q}",
    "Book the quarterly business review with {who}",
    "Draft the proposal for {offering}",
    "Map who signs off {offering} budgets",
    "Invite {who} to the customer advisory board",
    "Pilot {offering} at one site",
    "Share the reference case on {offering} with {who}",
    "Agree success criteria for {offering} with {who}",
    "Prepare the renewal pricing for {offering}",
)
STRATEGY_TITLES = (
    "Build trust with {who}",
    "Prove {offering} pays back within a year",
    "Change the buying criteria towards total cost of ownership",
    "Win {offering} at the flagship site first",
    "Become the standard for {offering} across the group",
    "Replace the incumbent on {offering}",
)
WHYS = (
    "{Who} is measured on uptime and backs the suppliers who help hit it.",
    "Downtime costs them more than our price difference; {who} knows the numbers.",
    "A single supplier for {offering} cuts their audit work in half.",
    "They lost a contract last year over late deliveries and will pay to avoid it again.",
)
NOTE_LINES = (
    "{Who} prefers short updates: one page, numbers first.",
    "Budget cycle closes in **October**; proposals after that wait a year.",
    "- ask about the new site in the north",
    "- follow up on the open service tickets",
    "Competitor offered a 12% discount on {offering} last spring.",
    "Reference call with a similar customer went well.",
    "See the account map in the shared drive before the next meeting.",
)
METRICS = (
    ("annual revenue", "kEUR", (400, 800, 1200, 2500)),
    ("sites using {offering}", "sites", (3, 4, 6, 10)),
    ("share of wallet", "%", (25, 35, 50)),
    ("net promoter score", "points", (30, 40, 50)),
    ("contract length", "years", (3, 5)),
)
STATUSES: tuple[TacticStatus, ...] = ("todo", "doing", "done", "dropped")
STATUS_WEIGHTS = (45, 20, 30, 5)


class PlanWriter:
    """Makes plan objects from one seeded random source, in a fixed order of calls."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def new_id(self) -> str:
        return f"{self.rng.getrandbits(64):016x}"

    def stamps(self) -> tuple[str, str]:
        """A (created, updated) pair in the past year before the anchor, updated not earlier."""
        created = ANCHOR_TIME - timedelta(seconds=self.rng.randrange(60, 365 * 86400))
        updated = created + timedelta(seconds=self.rng.randrange(0, 30 * 86400))
        return created.isoformat(), min(updated, ANCHOR_TIME).isoformat()

    def day(self, low: int, high: int) -> date:
        return ANCHOR + timedelta(days=self.rng.randint(low, high))

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def fill(self, template: str) -> str:
        who = self.rng.choice(STAKEHOLDERS)
        return template.format(
            who=who,
            Who=who[0].upper() + who[1:],
            offering=self.rng.choice(OFFERINGS),
            q=self.rng.randint(1, 4),
        )

    def notes(self, chance: float) -> str:
        """Empty, or a few lines of Markdown."""
        if self.rng.random() >= chance:
            return ""
        count = self.rng.randint(2, 4)
        return "\n".join(self.fill(line) for line in self.rng.sample(NOTE_LINES, count))

    def account(self, name: str, node_count: int) -> Account:
        reviewed = self.day(-200, -1) if self.rng.random() < 0.9 else None
        review_notes = []
        if reviewed is not None:
            for back in sorted(
                self.rng.sample(range(0, 400), self.rng.randint(0, 3)), reverse=True
            ):
                text = self.fill("Reviewed with {who}; next step on {offering}.")
                review_notes.append(ReviewNote(reviewed - timedelta(days=back), text))
        account_id = self.new_id()
        created, updated = self.stamps()
        return Account(
            name=name,
            owner=self.person(),
            segment=self.rng.choice(SEGMENTS),
            archived=self.rng.random() < 0.03,
            reviewed=reviewed,
            review_notes=review_notes,
            notes=self.notes(0.7),
            mission=self.mission(node_count),
            id=account_id,
            created=created,
            updated=updated,
        )

    def mission(self, node_count: int) -> Mission:
        """A mission with exactly `node_count` nodes below and including it."""
        objectives = max(1, node_count // 16)
        strategies = 2 * objectives
        tactics = node_count - 1 - objectives - strategies
        if tactics < strategies:
            raise ValueError(f"{node_count} nodes is too few for a plan with tactics")
        per_strategy = [1] * strategies
        for _ in range(tactics - strategies):
            per_strategy[self.rng.randrange(strategies)] += 1
        counts = iter(per_strategy)
        mission_id = self.new_id()
        created, updated = self.stamps()
        return Mission(
            text=self.fill("Be the partner {who} calls first for {offering}, across the group."),
            horizon_years=self.rng.choice((3, 4, 5, 5, None)),
            notes=self.notes(0.5),
            objectives=[self.objective([next(counts), next(counts)]) for _ in range(objectives)],
            id=mission_id,
            created=created,
            updated=updated,
        )

    def objective(self, tactic_counts: list[int]) -> Objective:
        metric, unit, targets = self.rng.choice(METRICS)
        metric = self.fill(metric)
        target = float(self.rng.choice(targets))
        objective_id = self.new_id()
        created, updated = self.stamps()
        return Objective(
            title=f"Reach {target:g} {unit} of {metric}",
            metric=metric if self.rng.random() < 0.92 else "",
            target=target,
            unit=unit,
            due=self.day(-30, 900) if self.rng.random() < 0.95 else None,
            current=round(target * self.rng.random(), 1),
            notes=self.notes(0.4),
            strategies=[self.strategy(count) for count in tactic_counts],
            id=objective_id,
            created=created,
            updated=updated,
        )

    def strategy(self, tactic_count: int) -> Strategy:
        strategy_id = self.new_id()
        created, updated = self.stamps()
        return Strategy(
            title=self.fill(self.rng.choice(STRATEGY_TITLES)),
            why=self.fill(self.rng.choice(WHYS)) if self.rng.random() < 0.88 else "",
            approach=self.rng.choice((*APPROACHES, None)),
            notes=self.notes(0.3),
            tactics=[self.tactic() for _ in range(tactic_count)],
            id=strategy_id,
            created=created,
            updated=updated,
        )

    def tactic(self) -> Tactic:
        tactic_id = self.new_id()
        created, updated = self.stamps()
        return Tactic(
            title=self.fill(self.rng.choice(ACTIONS)),
            owner=self.person() if self.rng.random() < 0.95 else "",
            due=self.day(-60, 400) if self.rng.random() < 0.93 else None,
            status=self.rng.choices(STATUSES, STATUS_WEIGHTS)[0],
            notes=self.notes(0.15),
            id=tactic_id,
            created=created,
            updated=updated,
        )


def generate(size: Size, seed: int = 0) -> Portfolio:
    """The benchmark portfolio of this size: the same accounts, ids and dates for a seed."""
    writer = PlanWriter(seed)
    names = [f"{stem} {kind}" for stem, kind in itertools.product(COMPANY_STEMS, COMPANY_KINDS)]
    if size.accounts > len(names):
        raise ValueError(f"at most {len(names)} accounts have distinct names")
    chosen = writer.rng.sample(names, size.accounts)
    return Portfolio([writer.account(name, size.nodes) for name in chosen])


def write_database(path: Path, size: Size, seed: int = 0) -> Portfolio:
    """Write a new database at `path` through the store; FileExistsError if one is there."""
    if path.exists():
        raise FileExistsError(f"{path} exists; the generator writes new databases only")
    portfolio = generate(size, seed)
    with Repository(path) as repository:
        repository.save(portfolio)
    return portfolio


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description="Write a benchmark database."
    )
    parser.add_argument("--size", choices=sorted(SIZES), required=True)
    parser.add_argument("--db", type=Path, required=True, help="the new database file")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        portfolio = write_database(args.db, SIZES[args.size], args.seed)
    except FileExistsError as error:
        print(f"generate: {error}", file=sys.stderr)
        return 2
    nodes = sum(account.node_count() for account in portfolio.accounts)
    print(f"{args.db}: {len(portfolio.accounts)} accounts, {nodes} nodes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
