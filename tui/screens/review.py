"""Review mode: one account at a time, worst plan first, with what changed since its last review."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from plan.model import Account
from plan.review import changed_since, queue_matches, review_queue
from plan.rules import node_verdicts
from tui.screens.base import PanesScreen
from tui.screens.plan import TOO_SMALL
from widgets.checklist import ChecklistPane
from widgets.footer import KeyFooter
from widgets.plan_tree import PlanTree

if TYPE_CHECKING:
    from tui.app import KeyplanApp


@dataclass
class ReviewSession:
    """Where a manager is in the review queue; it outlives the screen so a jump can come back."""

    queue: list[str] = field(default_factory=list)
    position: int = 0
    query: str = ""
    jumped: bool = False  # left for the editor to fix a rule: Escape there comes back

    @property
    def current(self) -> str | None:
        return self.queue[self.position] if self.queue else None


class ReviewScreen(PanesScreen):
    """Steps through the plans; Enter on a rule jumps to the editor, R or Escape comes back."""

    BINDINGS = [
        Binding("n", "step(1)", "Next", id="review.next"),
        Binding("p", "step(-1)", "Previous", id="review.previous"),
        Binding("m", "mark", "Mark reviewed", id="review.mark"),
        Binding("s", "skip", "Skip", id="review.skip"),
        Binding("u", "undo", "Undo", id="review.undo"),
        Binding("slash", "filter", "Filter", id="review.filter"),
        Binding("escape", "back", "Clear the filter, else back to editing", id="review.back"),
        Binding("R", "leave", "Back to editing", id="review.leave"),
        Binding("q", "app.quit", "Quit", id="review.quit", show=False),
    ]

    app: KeyplanApp  # type: ignore[assignment]

    def __init__(self, session: ReviewSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="filter the queue: owner:NAME segment:NAME rule:S2 or text; Enter keeps it",
            id="review-filter",
        )
        yield Static(id="review-header")
        with Horizontal(id="review-panes"):
            yield PlanTree("no plan to review here", id="review-tree")
            yield ChecklistPane(id="review-checklist")
        yield Static(id="review-progress")
        yield Static(TOO_SMALL, id="too-small")  # shown below MIN_SIZE (see app.tcss)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.session.jumped = False
        self.query_one("#review-tree").border_title = "Plan: objectives and strategies"
        self.query_one("#review-checklist").border_title = "Checklist"
        filter_input = self.query_one("#review-filter", Input)
        filter_input.value = self.session.query
        self.set_class(bool(self.session.query), "-filtering")
        if not self.session.queue:
            self.rebuild_queue()
        self.show_account()
        self.query_one(ChecklistPane).focus()

    def rebuild_queue(self) -> None:
        workspace = self.app.workspace
        current = self.session.current
        accounts = [
            account
            for account in workspace.portfolio.active()
            if queue_matches(account, workspace.checklist(account), self.session.query)
        ]
        self.session.queue = [a.id for a in review_queue(accounts, workspace.checklist)]
        self.session.position = (
            self.session.queue.index(current) if current in self.session.queue else 0
        )

    def account(self) -> Account | None:
        current = self.session.current
        if current is None:
            return None
        try:
            return self.app.workspace.portfolio.account(current)
        except KeyError:
            return None

    def show_account(self) -> None:
        account = self.account()
        tree = self.query_one(PlanTree)
        checklist_pane = self.query_one(ChecklistPane)
        if account is None:
            self.query_one("#review-header", Static).update(
                Text("No plan to review" + (" matches the filter" if self.session.query else ""))
            )
            tree.show(None, {})
            checklist_pane.show(None)
            self.show_progress()
            return
        checklist = self.app.workspace.checklist(account)
        changed = changed_since(account, account.reviewed)
        header = Text()
        header.append(account.name, style="bold")
        header.append(f"   score {checklist.score}", style="bold")
        if checklist.tactics_ahead:
            header.append("   ⚠ tactics ahead of strategy", style="bold yellow")
        header.append("\nowner ")
        header.append(account.owner or "—")
        header.append(" · segment ")
        header.append(account.segment or "—")
        header.append(" · last reviewed ")
        header.append(account.reviewed.isoformat() if account.reviewed else "never")
        if account.reviewed:
            count = len(changed)
            header.append(
                f" · {count} change{'s' if count != 1 else ''} since, marked •new"
                if count
                else " · nothing changed since"
            )
        if account.review_notes:
            last = account.review_notes[-1]
            header.append(f"\nlast note {last.on.isoformat()}: ", style="dim")
            header.append(last.text, style="dim")
        self.query_one("#review-header", Static).update(header)
        if tree.account_id != account.id:
            tree.show(account, node_verdicts(checklist), changed=changed)
            tree.fold_to(3)
        else:
            tree.show(account, node_verdicts(checklist), changed=changed)
        checklist_pane.show(checklist, account.id)
        self.show_progress()

    def show_progress(self) -> None:
        queue = self.session.queue
        today = self.app.workspace.today
        portfolio = self.app.workspace.portfolio
        reviewed = sum(
            1
            for account_id in queue
            if any(a.id == account_id and a.reviewed == today for a in portfolio.accounts)
        )
        text = Text(f"{reviewed} of {len(queue)} reviewed", style="bold")
        if queue:
            text.append(f" · plan {self.session.position + 1} of {len(queue)}")
        text.append(
            " · n next · p previous · m mark reviewed · s skip · Enter on a rule: go fix it"
        )
        self.query_one("#review-progress", Static).update(text)

    def action_step(self, step: int) -> None:
        if not self.session.queue:
            return
        self.session.position = (self.session.position + step) % len(self.session.queue)
        self.show_account()

    def action_skip(self) -> None:
        self.action_step(1)

    def action_mark(self) -> None:
        account = self.account()
        if account is None:
            return
        from tui.screens.dialogs import Prompt

        def noted(note: str | None) -> None:
            if note is not None and self.app.mark_reviewed(account.id, note):
                self.show_account()
                self.action_step(1)

        self.app.push_screen(
            Prompt(f'Mark "{account.name}" reviewed today. A note (optional):'), noted
        )

    def action_undo(self) -> None:
        self.app.undo()
        self.show_account()

    def action_back(self) -> None:
        """Escape: clear the filter (as in the editor), else go back to editing."""
        filter_input = self.query_one("#review-filter", Input)
        if not (filter_input.has_focus or self.session.query):
            self.action_leave()
            return
        filter_input.value = ""  # its Changed event rebuilds the whole queue
        self.set_class(False, "-filtering")
        self.query_one(ChecklistPane).focus()

    def action_leave(self) -> None:
        self.app.pop_screen()

    def action_filter(self) -> None:
        self.set_class(True, "-filtering")
        self.query_one("#review-filter", Input).focus()

    @on(Input.Changed, "#review-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.session.query = event.value.strip()
        self.rebuild_queue()
        self.show_account()

    @on(Input.Submitted, "#review-filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.set_class(bool(self.session.query), "-filtering")
        self.query_one(ChecklistPane).focus()

    @on(ChecklistPane.RuleChosen)
    def rule_chosen(self, event: ChecklistPane.RuleChosen) -> None:
        account = self.account()
        result = event.result
        if account is None or result.status == "pass" or not result.nodes:
            return
        if account.find(result.nodes[0]) is None:
            self.app.tell(result.message, "warning")
            return
        self.session.jumped = True
        self.app.pop_screen()
        self.app.editor.open_node(account.id, result.nodes[0])
        self.app.tell("fixing from the review: R or Escape goes back to the queue")

    def on_screen_resume(self) -> None:
        self.session.jumped = False
        self.show_account()
