"""The demo plan: six fictional key accounts, one for each worked strategy of the M.O.S.T. method.

They range from a clean plan to one where tactics run ahead of strategy, so that a new user
sees every part of the checklist at work. Dates are relative to the day the demo is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from plan.model import Account, Mission, Objective, ReviewNote, Strategy, Tactic

DaysFromToday = Callable[[int], date]


def demo_accounts(today: date) -> list[Account]:
    """The six demo accounts, the same content for the same `today`."""

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    accounts = [
        _nordhavn(day),
        _kestrel(day),
        _marlowe_finch(day),
        _brightline(day),
        _st_brigid(day),
        _harvest_valley(day),
    ]
    for account in accounts:
        _give_history(account, today)
    return accounts


def _give_history(account: Account, today: date) -> None:
    """Date the plan as if written months ago, with its last tactic and first objective
    touched two days ago, so review mode has a change since the last review to show."""
    written = _timestamp(today - timedelta(days=200))
    for node, _ in account.walk():
        node.created = node.updated = written
    account.created = account.updated = written
    recent = _timestamp(today - timedelta(days=2))
    tactics = [tactic for tactic, _, _ in account.tactics()]
    touched = [*account.mission.objectives[:1], *tactics[-1:]]
    for node in touched:
        node.updated = recent
    if touched:
        account.updated = recent


def _timestamp(day: date) -> str:
    return f"{day.isoformat()}T09:00:00+00:00"


def _nordhavn(day: DaysFromToday) -> Account:
    """Relationships with the decision-makers, in a plan that passes every rule."""
    return Account(
        name="Nordhavn Industrial Group",
        owner="Dana Lee",
        segment="Industrial manufacturing",
        reviewed=day(-12),
        review_notes=[
            ReviewNote(day(-96), "Agreed to go for the capex planning seat before more revenue."),
            ReviewNote(day(-12), "Good QBR; the COO asked for an uptime report per plant."),
        ],
        notes="Customer since 2016. Read the **plant map** before every executive review.",
        mission=Mission(
            text="Be the automation partner Nordhavn's plant directors call first, "
            "with a seat at the table whenever they plan a new line.",
            horizon_years=5,
            objectives=[
                Objective(
                    title="Join capex planning at four of the six plants",
                    metric="plants where we join capex planning",
                    target=4,
                    unit="plants",
                    due=day(300),
                    current=1,
                    strategies=[
                        Strategy(
                            title="Build trust with the COO and the plant directors",
                            why="Unplanned stops are the COO's first KPI; she backs the "
                            "suppliers who help her plants hit uptime, not the cheapest bid.",
                            approach="prove-best",
                            notes="The COO prefers *short* updates: one page, numbers first.",
                            tactics=[
                                Tactic(
                                    "Map who signs off capex at each plant",
                                    owner="Sam Ortiz",
                                    due=day(-30),
                                    status="done",
                                ),
                                Tactic(
                                    "Run quarterly executive business reviews with the COO",
                                    owner="Dana Lee",
                                    due=day(40),
                                    status="doing",
                                ),
                                Tactic(
                                    "Invite the plant directors to the spring user day",
                                    owner="Sam Ortiz",
                                    due=day(95),
                                ),
                                Tactic(
                                    "Send a monthly note on energy prices in their markets",
                                    owner="Dana Lee",
                                    due=day(20),
                                    status="doing",
                                ),
                            ],
                        )
                    ],
                ),
                Objective(
                    title="Grow annual revenue from the account to 1.5M EUR",
                    metric="annual revenue",
                    target=1_500_000,
                    unit="EUR",
                    due=day(640),
                    current=1_120_000,
                    notes="Revenue counts service contracts, not one-off spare parts.",
                    strategies=[
                        Strategy(
                            title="Cross-sell predictive maintenance to the plant managers",
                            why="Each plant loses about 6% uptime to unplanned stops; "
                            "they buy what removes that pain.",
                            approach="change-criteria",
                            tactics=[
                                Tactic(
                                    "Build a demo from their own downtime data",
                                    owner="Sam Ortiz",
                                    due=day(60),
                                ),
                                Tactic(
                                    "Show the plant managers the return per avoided stop",
                                    owner="Dana Lee",
                                    due=day(120),
                                ),
                            ],
                        )
                    ],
                ),
            ],
        ),
    )


def _kestrel(day: DaysFromToday) -> Account:
    """Cross-selling, with one tactic past its due date."""
    return Account(
        name="Kestrel Freight & Logistics",
        owner="Sam Ortiz",
        segment="Logistics",
        reviewed=day(-30),
        review_notes=[ReviewNote(day(-30), "Fleet managers open to route planning; CFO not yet.")],
        mission=Mission(
            text="Run the telematics and route planning for Kestrel's whole European fleet, "
            "and be their first call when they open a new hub.",
            horizon_years=4,
            objectives=[
                Objective(
                    title="Grow annual revenue from Kestrel to 900k EUR",
                    metric="annual revenue",
                    target=900_000,
                    unit="EUR",
                    due=day(540),
                    current=610_000,
                    strategies=[
                        Strategy(
                            title="Cross-sell route optimisation to the fleet managers "
                            "already on our telematics",
                            why="Fuel is their largest cost after drivers, and fleet managers "
                            "are measured on cost per kilometre.",
                            approach="segment",
                            tactics=[
                                Tactic(
                                    "Train the account team to ask about empty kilometres",
                                    owner="Sam Ortiz",
                                    due=day(-40),
                                    status="done",
                                ),
                                Tactic(
                                    "Run a needs assessment with the Rotterdam fleet manager",
                                    owner="Sam Ortiz",
                                    due=day(-9),
                                    status="doing",
                                    notes="Moved twice by the customer; confirm by phone.",
                                ),
                                Tactic(
                                    "Build a demo from their own route data",
                                    owner="Lea Novak",
                                    due=day(25),
                                ),
                                Tactic(
                                    "Share the Baltic Haulage case study with the CFO",
                                    owner="Lea Novak",
                                    due=day(50),
                                ),
                            ],
                        )
                    ],
                )
            ],
        ),
    )


def _marlowe_finch(day: DaysFromToday) -> Account:
    """New opportunities inside the account, with a tactic nobody owns."""
    return Account(
        name="Marlowe & Finch Retail",
        owner="Lea Novak",
        segment="Retail",
        reviewed=day(-50),
        notes="Six banners, one parent company; only the department stores buy from us today.",
        mission=Mission(
            text="Serve every Marlowe & Finch banner, not just the department stores, "
            "with one store analytics platform.",
            horizon_years=5,
            objectives=[
                Objective(
                    title="Win two banners beyond the department stores",
                    metric="banners served",
                    target=3,
                    unit="banners",
                    due=day(330),
                    current=1,
                    strategies=[
                        Strategy(
                            title="Find the banners and regions we do not serve yet",
                            why="Their new chief digital officer must consolidate six store "
                            "systems; the first banner to standardise sets it for the rest.",
                            approach="segment",
                            tactics=[
                                Tactic(
                                    "Map the account: banners, regions and who decides",
                                    owner="Lea Novak",
                                    due=day(-20),
                                    status="done",
                                ),
                                Tactic(
                                    "Run a joint innovation workshop with the outlet banner",
                                    due=day(35),
                                ),
                                Tactic(
                                    "Watch their news for acquisitions and new store formats",
                                    owner="Lea Novak",
                                    due=day(90),
                                    status="doing",
                                ),
                            ],
                        )
                    ],
                )
            ],
        ),
    )


def _brightline(day: DaysFromToday) -> Account:
    """Differentiation, with a tactic planned past its objective and a review overdue."""
    return Account(
        name="Brightline Software",
        owner="Ravi Shah",
        segment="Software",
        reviewed=day(-130),
        review_notes=[ReviewNote(day(-130), "Renewal done. Next: show value rivals cannot.")],
        mission=Mission(
            text="Be the payments partner Brightline names in its annual report, "
            "because our data makes their product better.",
            horizon_years=3,
            objectives=[
                Objective(
                    title="Renew the platform contract for three years",
                    metric="contract years signed",
                    target=3,
                    unit="years",
                    due=day(-45),
                    current=3,
                    notes="Met: signed at the last review.",
                    strategies=[
                        Strategy(
                            title="Prove our uptime record against their own criteria",
                            why="Their engineers were burned by an outage at the old provider.",
                            approach="prove-best",
                            tactics=[
                                Tactic(
                                    "Send the 24-month uptime report to the CTO",
                                    owner="Ravi Shah",
                                    due=day(-70),
                                    status="done",
                                )
                            ],
                        )
                    ],
                ),
                Objective(
                    title="Raise their share of wallet with us to 40%",
                    metric="share of payment volume",
                    target=40,
                    unit="%",
                    due=day(270),
                    current=28,
                    strategies=[
                        Strategy(
                            title="Offer analytics the competition cannot",
                            why="Their product team wants churn signals from payment data, "
                            "which no other provider gives them.",
                            approach="change-criteria",
                            tactics=[
                                Tactic(
                                    "Build a custom churn report from their payment data",
                                    owner="Ravi Shah",
                                    due=day(45),
                                    status="doing",
                                ),
                                Tactic(
                                    "Write a case study with measured results",
                                    owner="Mia Koch",
                                    due=day(120),
                                ),
                                Tactic(
                                    "Invite their product leads to the early-access programme",
                                    owner="Mia Koch",
                                    due=day(300),
                                ),
                            ],
                        )
                    ],
                ),
            ],
        ),
    )


def _st_brigid(day: DaysFromToday) -> Account:
    """Satisfaction and retention, with a half-thought strategy and a review long overdue."""
    return Account(
        name="St. Brigid Hospital Group",
        owner="Priya Raman",
        segment="Healthcare",
        reviewed=day(-140),
        review_notes=[ReviewNote(day(-140), "Renewal is a year out; procurement wants KPIs.")],
        mission=Mission(
            text="Remain St. Brigid's sterilisation partner across all five hospitals, "
            "renewed on our record rather than by tender.",
            horizon_years=3,
            objectives=[
                Objective(
                    title="Raise the quarterly service score to 9 out of 10",
                    metric="service score from the quarterly survey",
                    target=9,
                    unit="/10",
                    due=day(270),
                    current=8.1,
                    strategies=[
                        Strategy(
                            title="Make service levels visible before anyone asks",
                            why="Their procurement board must justify every renewal; a year "
                            "of documented KPIs makes renewing us the safe choice.",
                            approach="prove-best",
                            tactics=[
                                Tactic(
                                    "Assign a dedicated customer success manager",
                                    owner="Priya Raman",
                                    due=day(-60),
                                    status="done",
                                ),
                                Tactic(
                                    "Review KPIs and service levels with sterile services",
                                    owner="Tom Becker",
                                    due=day(30),
                                    status="doing",
                                ),
                                Tactic(
                                    "Ask for feedback after each project",
                                    owner="Priya Raman",
                                    due=day(45),
                                ),
                            ],
                        ),
                        Strategy(
                            title="Offer on-site instrument repair",
                            notes="Idea from the theatre managers' lunch; no owner yet.",
                        ),
                    ],
                )
            ],
        ),
    )


def _harvest_valley(day: DaysFromToday) -> Account:
    """Understanding the client's goals, skipped: lots of activity and no direction."""
    return Account(
        name="Harvest Valley Foods",
        owner="Tom Becker",
        segment="Food & beverage",
        notes="Inherited from the previous account manager; plan written for one meeting.",
        mission=Mission(
            text="Become Harvest Valley's main packaging supplier.",
            objectives=[
                Objective(
                    title="Do more business with Harvest Valley",
                    strategies=[
                        Strategy(
                            title="Get closer to the buyers",
                            tactics=[
                                Tactic(
                                    "Take the purchasing team to the trade fair",
                                    owner="Tom Becker",
                                    due=day(-15),
                                    status="doing",
                                ),
                                Tactic("Send the new catalogue", status="doing"),
                                Tactic("Call the buyers every week", owner="Tom Becker"),
                                Tactic("Quote for the spring tender", due=day(10)),
                            ],
                        ),
                        Strategy(
                            title="Push the new compostable packaging line",
                            tactics=[
                                Tactic(
                                    "Mail samples to every plant",
                                    owner="Mia Koch",
                                    due=day(-3),
                                ),
                                Tactic("Offer a launch discount", status="doing"),
                                Tactic(
                                    "Run a tasting day with the sample packs",
                                    owner="Mia Koch",
                                    due=day(20),
                                ),
                            ],
                        ),
                    ],
                )
            ],
        ),
    )
