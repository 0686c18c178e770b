"""The keyplan app: accounts, the M.O.S.T. tree and the checklist, driven from the keyboard."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, Static

from plan.config import Config
from plan.edits import (
    Edit,
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
from plan.errors import KeyplanError, StaleFileError, ValidationError
from plan.fields import FIELDS
from plan.model import CHILD_KIND, Account, Node, Portfolio
from plan.rules import node_verdicts
from plan.workspace import Workspace
from tui.messages import PlanSaved
from tui.screens.dialogs import Confirm, Prompt
from tui.screens.edit_form import EditForm
from tui.screens.export import ExportDialog, ExportRequest
from tui.screens.help import HelpScreen
from tui.screens.review import ReviewScreen, ReviewSession
from widgets.account_list import AccountList, AccountRow
from widgets.checklist import ChecklistPane
from widgets.node_details import NodeDetails
from widgets.plan_tree import PlanTree

if TYPE_CHECKING:  # the store is imported at run time only by run_app, off the import path
    from store.repository import Repository, Snapshot

SAVE_DELAY = 0.3
MIN_SIZE = (60, 16)
TOO_SMALL = Text(
    f"Make the window larger: keyplan needs {MIN_SIZE[0]}×{MIN_SIZE[1]}. q quits.",
    justify="center",
)
RETRY_DELAY = 5.0
DISK_CHECK_INTERVAL = 2.0

def matches(text: str, needle: str) -> bool:
    """Whether the (casefolded) filter text occurs in this text."""
    return needle in text.casefold()


class KeyplanApp(App[int]):
    """One database: edit it, check it, export it."""

    CSS_PATH = "app.tcss"
    TITLE = "keyplan"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding(
            "a", "add_child", "Add", id="edit.add_child", tooltip="Add a child of the right kind"
        ),
        Binding("o", "add_sibling(True)", "Sibling", id="edit.add_below", show=False),
        Binding("O", "add_sibling(False)", "Sibling above", id="edit.add_above", show=False),
        Binding("e", "edit", "Edit", id="edit.edit"),
        Binding("d", "toggle_done", "Done", id="edit.toggle_done", show=False),
        Binding("D,delete", "delete", "Delete", id="edit.delete", show=False),
        Binding("J", "move(1)", "Move down", id="edit.move_down", show=False),
        Binding("K", "move(-1)", "Move up", id="edit.move_up", show=False),
        Binding("u", "undo", "Undo", id="edit.undo"),
        Binding("ctrl+r", "redo", "Redo", id="edit.redo", show=False),
        Binding("n", "new_account", "New account", id="account.new", show=False),
        Binding("r", "rename_account", "Rename account", id="account.rename", show=False),
        Binding("A", "archive_account", "Archive", id="account.archive", show=False),
        Binding("slash", "filter", "Filter", id="app.filter"),
        Binding("f", "next_fix", "Next fix", id="check.next_fix"),
        Binding("X", "export", "Export", id="app.export", show=False),
        Binding("R", "review", "Review", id="app.review"),
        Binding("escape", "back", "Back", id="app.back", show=False),
        Binding("1", "fold(1)", "Fold to mission", id="fold.1", show=False),
        Binding("2", "fold(2)", "Fold to objectives", id="fold.2", show=False),
        Binding("3", "fold(3)", "Fold to strategies", id="fold.3", show=False),
        Binding("4", "fold(4)", "Unfold all", id="fold.4", show=False),
    ]

    def __init__(
        self, repository: Repository, config: Config | None = None, today: date | None = None
    ) -> None:
        super().__init__()
        self.repository = repository
        self.config = config or Config()
        self.workspace = Workspace(repository.load(), today or date.today(), self.config.checklist)
        self.account_id: str | None = None
        self.filter_text = ""
        self._adding: tuple[str, str, bool] | None = None  # (how, node id, below)
        self._save_timer: Timer | None = None
        self._saving = False
        self._save_again = False
        self._save_error: str | None = None
        self._disk_warned = False
        self.review: ReviewSession | None = None
        if self.config.keys:
            self.set_keymap(dict(self.config.keys))

    # --- Layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="filter accounts and nodes: type, Enter to keep, Esc to clear", id="filter"
        )
        with Horizontal(id="panes"):
            yield AccountList(id="accounts")
            with Vertical(id="center"):
                yield PlanTree(id="tree")
                yield Label("", id="adding-label")
                yield Input(id="adding")
                yield NodeDetails(id="details")
            yield ChecklistPane(id="checklist")
        yield Static(id="status")
        yield Static(TOO_SMALL, id="too-small")
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        small = event.size.width < MIN_SIZE[0] or event.size.height < MIN_SIZE[1]
        self.set_class(small, "-too-small")

    def on_mount(self) -> None:
        self.main_screen.query_one("#accounts").border_title = "Accounts"
        self.main_screen.query_one("#tree").border_title = "Plan (M.O.S.T.)"
        self.main_screen.query_one("#checklist").border_title = "Checklist"
        accounts = self.visible_accounts()
        self.account_id = accounts[0].id if accounts else None
        self.refresh_view()
        self.main_screen.query_one(AccountList).focus()
        self.set_interval(DISK_CHECK_INTERVAL, self.check_disk)
        self.show_status()

    # --- State → screen -------------------------------------------------------------------

    @property
    def portfolio(self) -> Portfolio:
        return self.workspace.portfolio

    @property
    def account(self) -> Account | None:
        if self.account_id is None:
            return None
        try:
            return self.portfolio.account(self.account_id)
        except KeyError:
            return None

    @property
    def main_screen(self) -> Screen:
        """The editing screen, the bottom of the stack: review mode and dialogs sit above it."""
        return self.screen_stack[0]

    @property
    def tree(self) -> PlanTree:
        return self.main_screen.query_one(PlanTree)

    def current_node(self) -> Node | None:
        account = self.account
        node_id = self.tree.current
        if account is None or node_id is None:
            return None
        found = account.find(node_id)
        return found[0] if found else None

    def visible_accounts(self) -> list[Account]:
        """Accounts in the list: the active ones, then the archived; narrowed by the filter."""
        accounts = self.portfolio.active() + [a for a in self.portfolio.accounts if a.archived]
        if not self.filter_text:
            return accounts
        return [a for a in accounts if self.account_matches(a)]

    def account_matches(self, account: Account) -> bool:
        needle = self.filter_text
        return any(
            matches(text, needle) for text in (account.name, account.owner, account.segment)
        ) or any(matches(node.title, needle) for node, _ in account.walk())

    def visible_nodes(self, account: Account) -> set[str] | None:
        """With a filter, the nodes that match and their ancestors; None shows everything."""
        needle = self.filter_text
        if not needle or any(
            matches(t, needle) for t in (account.name, account.owner, account.segment)
        ):
            return None
        visible: set[str] = set()
        parents: dict[str, str | None] = {}
        for node, parent in account.walk():
            parents[node.id] = parent.id if parent else None
            if matches(node.title, needle):
                node_id: str | None = node.id
                while node_id is not None and node_id not in visible:
                    visible.add(node_id)
                    node_id = parents[node_id]
        return visible

    def refresh_view(self, select: str | None = None) -> None:
        """Show the workspace: account scores, the current account's tree and checklist."""
        rows = []
        for account in self.visible_accounts():
            checklist = self.workspace.checklist(account)
            rows.append(
                AccountRow(
                    account.id,
                    account.name,
                    checklist.passed,
                    checklist.total,
                    checklist.tactics_ahead,
                    account.archived,
                )
            )
        if self.account_id not in {row.id for row in rows}:
            self.account_id = rows[0].id if rows else None
        self.main_screen.query_one(AccountList).show(rows, current=self.account_id)
        account = self.account
        checklist = self.workspace.checklist(account) if account else None
        verdicts = node_verdicts(checklist) if checklist else {}
        visible = self.visible_nodes(account) if account else None
        self.tree.show(account, verdicts, visible=visible, cursor=select)
        self.main_screen.query_one(ChecklistPane).show(checklist, self.account_id)
        self.main_screen.query_one(NodeDetails).show(self.current_node())

    def show_status(self) -> None:
        parts = [Text(str(self.repository.path.name), style="bold")]
        if self.repository.read_only:
            parts.append(Text("read-only: open in another keyplan", style="bold reverse"))
        elif self._save_error:
            parts.append(Text(f"not saved: {self._save_error}", style="bold red"))
        elif self._saving or self.workspace.dirty or self._save_timer is not None:
            parts.append(Text("saving…", style="yellow"))
        else:
            parts.append(Text("saved", style="green"))
        active = len(self.portfolio.active())
        parts.append(Text(f"{active} account{'s' if active != 1 else ''}"))
        if self.filter_text:
            parts.append(Text(f"filter: {self.filter_text}", style="bold"))
        self.main_screen.query_one("#status", Static).update(Text(" · ").join(parts))

    def tell(self, message: str, severity: str = "information") -> None:
        """A notification that shows user text literally."""
        self.notify(message, severity=severity, markup=False)  # type: ignore[arg-type]

    # --- Events from the panes ------------------------------------------------------------

    @on(AccountList.AccountHighlighted)
    def account_highlighted(self, event: AccountList.AccountHighlighted) -> None:
        if event.account_id != self.account_id:
            self.account_id = event.account_id
            self.refresh_view()

    @on(AccountList.AccountOpened)
    def account_opened(self, event: AccountList.AccountOpened) -> None:
        self.account_id = event.account_id
        self.refresh_view()
        self.tree.focus()

    @on(PlanTree.NodeHighlighted)
    def node_highlighted(self) -> None:
        self.main_screen.query_one(NodeDetails).show(self.current_node())

    @on(PlanTree.NodeSelected)
    def node_selected(self) -> None:
        self.action_edit()

    @on(ChecklistPane.RuleChosen)
    def rule_chosen(self, event: ChecklistPane.RuleChosen) -> None:
        self.jump_to(event.result.nodes, event.result.message, event.result.status)

    def jump_to(self, nodes: tuple[str, ...], message: str, status: str) -> None:
        account = self.account
        if account is None:
            return
        if status == "pass":
            self.tell(f"passes: {message}")
            return
        node_id = next((n for n in nodes if account.find(n) is not None), None)
        if node_id is None:
            # The review rule names the account: the fix is a review, not a node.
            self.tell(message, "warning")
            return
        if self.filter_text:
            self.clear_filter()
        self.tree.select(node_id)
        self.tree.focus()
        self.main_screen.query_one(NodeDetails).show(self.current_node())

    # --- Editing --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # App bindings stay live under modal screens; keys there belong to the modal.
        if action not in OWN_ACTIONS or action == "quit":
            return True
        # Under a modal the keys belong to it; in a too-small window the panes are hidden.
        return not (isinstance(self.screen, ModalScreen) or self.has_class("-too-small"))

    def writable(self) -> bool:
        if self.repository.read_only:
            self.tell(
                f"read-only: {self.repository.path.name} is open in another keyplan; "
                "close it there to edit here",
                "warning",
            )
            return False
        return True

    def run_edit(self, build: Any) -> Edit | None:
        """Build an edit (refusals become a notification), apply it, show it, save it."""
        if not self.writable():
            return None
        try:
            edit = build()
        except ValidationError as error:
            self.tell(str(error), "warning")
            return None
        if getattr(edit, "changes", True) == {}:
            return None
        self.workspace.do(edit)
        self.after_edit(edit, undone=False)
        return edit

    def after_edit(self, edit: Edit, *, undone: bool) -> None:
        if edit.account_id and self.portfolio_has(edit.account_id):
            self.account_id = edit.account_id
        self.refresh_view(select=edit.selection(undone=undone))
        self.schedule_save()

    def portfolio_has(self, account_id: str) -> bool:
        return any(a.id == account_id for a in self.portfolio.accounts)

    def action_add_child(self) -> None:
        node = self.current_node()
        if node is None or not self.writable():
            return
        kind = CHILD_KIND[node.KIND]
        if kind is None:
            self.tell("a tactic has no children: press o to add another tactic", "warning")
            return
        self.start_adding("child", node, kind, below=True)

    def action_add_sibling(self, below: bool) -> None:
        node = self.current_node()
        if node is None or not self.writable():
            return
        if node.KIND == "mission":
            self.tell("an account has exactly one mission: press a to add an objective", "warning")
            return
        self.start_adding("sibling", node, node.KIND, below=below)

    def start_adding(self, how: str, node: Node, kind: str, *, below: bool) -> None:
        self._adding = (how, node.id, below)
        where = f'under "{node.title}"' if how == "child" else ("below" if below else "above")
        self.main_screen.query_one("#adding-label", Label).update(
            Text(f"New {kind} {where}: type its title, Enter to add, Esc to cancel")
        )
        adding = self.main_screen.query_one("#adding", Input)
        adding.value = ""
        self.set_class(True, "-adding")
        adding.focus()

    @on(Input.Submitted, "#adding")
    def adding_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        pending, self._adding = self._adding, None
        self.set_class(False, "-adding")
        self.tree.focus()
        account = self.account
        if pending is None or account is None or not event.value.strip():
            return
        how, node_id, below = pending
        if how == "child":
            self.run_edit(lambda: add_child(account, node_id, event.value))
        else:
            self.run_edit(lambda: add_sibling(account, node_id, event.value, below=below))

    def cancel_adding(self) -> None:
        self._adding = None
        self.set_class(False, "-adding")
        self.tree.focus()

    def action_edit(self) -> None:
        if not self.writable():
            return
        account = self.account
        if account is None:
            return
        if self.focused is self.main_screen.query_one(AccountList):
            self.edit_form(account, None, f"Account: {account.name}")
            return
        node = self.current_node()
        if node is not None:
            self.edit_form(account, node, f"Edit {node.KIND}")

    def edit_form(self, account: Account, node: Node | None, title: str) -> None:
        kind = "account" if node is None else node.KIND
        target: Any = account if node is None else node
        values = {spec.name: getattr(target, spec.name) for spec in FIELDS[kind]}
        node_id = None if node is None else node.id

        def check(typed: dict[str, Any]) -> None:
            edit_fields(self.portfolio, account.id, node_id, typed)

        def done(typed: dict[str, Any] | None) -> None:
            if typed is not None:
                self.run_edit(lambda: edit_fields(self.portfolio, account.id, node_id, typed))

        self.push_screen(EditForm(title, kind, values, check), done)

    def action_toggle_done(self) -> None:
        account, node = self.account, self.current_node()
        if account is not None and node is not None:
            self.run_edit(lambda: toggle_done(account, node.id))

    def action_delete(self) -> None:
        if not self.writable():
            return
        account = self.account
        if account is None:
            return
        if self.focused is self.main_screen.query_one(AccountList):
            count = account.node_count()
            question = f'Delete the account "{account.name}" and its whole plan ({count} nodes)?'
            self.confirm(question, lambda: delete_account(self.portfolio, account.id))
            return
        node = self.current_node()
        if node is None:
            return
        try:
            edit = delete_node(account, node.id)
        except ValidationError as error:
            self.tell(str(error), "warning")
            return
        below = edit.count - 1
        extra = f" and the {below} node{'s' if below != 1 else ''} below it" if below else ""
        self.confirm(
            f'Delete {node.KIND} "{node.title}"{extra}? ({edit.count} in all; u undoes)',
            lambda: edit,
        )

    def confirm(self, question: str, build: Any) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.run_edit(build)

        self.push_screen(Confirm(question, yes="Delete", no="Keep"), answered)

    def action_move(self, step: int) -> None:
        account, node = self.account, self.current_node()
        if account is not None and node is not None:
            self.run_edit(lambda: move(account, node.id, step))

    def action_undo(self) -> None:
        if not self.writable():
            return
        edit = self.workspace.undo()
        if edit is None:
            self.tell("nothing to undo")
            return
        self.after_edit(edit, undone=True)
        self.tell(f"undid: {edit.label}")

    def action_redo(self) -> None:
        if not self.writable():
            return
        edit = self.workspace.redo()
        if edit is None:
            self.tell("nothing to redo")
            return
        self.after_edit(edit, undone=False)
        self.tell(f"redid: {edit.label}")

    def action_new_account(self) -> None:
        if not self.writable():
            return

        def named(name: str | None) -> None:
            if name is None:
                return
            edit = self.run_edit(lambda: new_account(self.portfolio, name))
            if edit is not None:
                self.account_id = edit.account_id
                self.clear_filter()
                self.refresh_view()
                self.tree.focus()

        self.push_screen(
            Prompt("New account: its name", placeholder="e.g. ACME Manufacturing"), named
        )

    def action_rename_account(self) -> None:
        account = self.account
        if account is None or not self.writable():
            return

        def named(name: str | None) -> None:
            if name is not None:
                self.run_edit(lambda: edit_fields(self.portfolio, account.id, None, {"name": name}))

        self.push_screen(Prompt("Rename the account", value=account.name), named)

    def action_archive_account(self) -> None:
        account = self.account
        if account is not None:
            edit = self.run_edit(
                lambda: set_archived(self.portfolio, account.id, not account.archived)
            )
            if edit is not None:
                self.tell(f"{edit.label}: {account.name}")

    def action_review(self) -> None:
        """Open review mode, or go back to the same place in the queue after a jump."""
        if isinstance(self.screen, ReviewScreen):
            return
        if self.review is None:
            self.review = ReviewSession()
        self.push_screen(ReviewScreen(self.review))

    def open_node(self, account_id: str, node_id: str) -> None:
        """Show a node of an account in the editor, with the cursor on it."""
        self.clear_filter()
        self.account_id = account_id
        self.refresh_view(select=node_id)
        self.tree.focus()

    def mark_reviewed(self, account_id: str, note: str) -> bool:
        today = self.workspace.today
        edit = self.run_edit(lambda: mark_reviewed(self.portfolio, account_id, today, note))
        return edit is not None

    def action_fold(self, level: int) -> None:
        self.tree.fold_to(level)

    def action_next_fix(self) -> None:
        account = self.account
        if account is None:
            return
        checklist = self.workspace.checklist(account)
        fix = checklist.next_fix
        if fix is None:
            self.tell(f"{account.name}: every rule passes")
            return
        self.tell(f"next fix: {fix.rule} {fix.message}")
        self.jump_to(fix.nodes, fix.message, fix.status)

    # --- Filter ---------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.set_class(True, "-filtering")
        self.main_screen.query_one("#filter", Input).focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip().casefold()
        self.refresh_view()
        self.show_status()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.filter_text:
            self.set_class(False, "-filtering")
        self.main_screen.query_one(AccountList).focus()

    def clear_filter(self) -> None:
        filter_input = self.main_screen.query_one("#filter", Input)
        if filter_input.value:
            filter_input.value = ""
            self.filter_text = ""
            self.refresh_view()
        self.set_class(False, "-filtering")

    def action_back(self) -> None:
        """Escape: drop the new title, else clear the filter, else go back to the review."""
        if self.focused is self.main_screen.query_one("#adding", Input):
            self.cancel_adding()
        elif self.focused is self.main_screen.query_one("#filter", Input) or self.filter_text:
            self.clear_filter()
            self.main_screen.query_one(AccountList).focus()
            self.show_status()
        elif self.review is not None:
            self.action_review()

    # --- Export ---------------------------------------------------------------------------

    def action_export(self) -> None:
        account = self.account
        default = Path.cwd() / (slug(account.name) + ".md" if account else "keyplan-export.md")

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                accounts = (
                    self.portfolio.active() if request.everything or account is None else [account]
                )
                self.export(accounts, request.path)

        self.push_screen(ExportDialog(str(default), account.name if account else None), chosen)

    @work(thread=True, exclusive=True, group="export")
    def export(self, accounts: list[Account], path: Path) -> None:
        from plan.markdown import export_markdown
        from store.files import atomic_write_bytes

        text = export_markdown(accounts, self.workspace.today, config=self.config.checklist)
        try:
            atomic_write_bytes(path, text.encode(), mode=0o644)
        except OSError as error:
            self.call_from_thread(self.tell, f"export failed: {path}: {error.strerror}", "error")
            return
        noun = "account" if len(accounts) == 1 else "accounts"
        self.call_from_thread(self.tell, f"exported {len(accounts)} {noun} to {path}")

    # --- Saving ---------------------------------------------------------------------------

    def schedule_save(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_now)
        self.show_status()

    def save_now(self) -> None:
        self._save_timer = None
        if self.repository.read_only:
            return
        if self._saving:
            self._save_again = True
            return
        changed = self.workspace.take_dirty()
        if not changed:
            self.show_status()
            return
        self._saving = True
        self.write_snapshot(self.repository.snapshot(self.portfolio, changed), frozenset(changed))
        self.show_status()

    @work(thread=True, group="save")
    def write_snapshot(self, snapshot: Snapshot, changed: frozenset[str]) -> None:
        try:
            self.repository.write(snapshot)
        except KeyplanError as error:
            self.post_message(PlanSaved(changed, error))
        else:
            self.post_message(PlanSaved(changed))

    @on(PlanSaved)
    def plan_saved(self, event: PlanSaved) -> None:
        self._saving = False
        if event.error is None:
            self._save_error = None
            if self._save_again or self.workspace.dirty:
                self._save_again = False
                self.schedule_save()
        else:
            # Nothing is lost: the accounts are marked unsaved again and saved on the next try.
            self.workspace.dirty |= event.accounts
            self._save_error = str(event.error)
            if isinstance(event.error, StaleFileError):
                self.offer_reload(str(event.error))
            else:
                self.tell(f"not saved: {event.error}", "error")
                self._save_timer = self.set_timer(RETRY_DELAY, self.save_now)
        self.show_status()

    def check_disk(self) -> None:
        if self._disk_warned or self._saving or not self.repository.changed_on_disk():
            return
        self.offer_reload(f"{self.repository.path.name} changed on disk since keyplan read it")

    def offer_reload(self, reason: str) -> None:
        if self._disk_warned:
            return
        self._disk_warned = True
        unsaved = " Your unsaved edits here would be lost." if self.workspace.dirty else ""

        def answered(reload: bool | None) -> None:
            if reload:
                self.reload_from_disk()
            else:
                self.tell(
                    "not reloaded: keyplan will not overwrite the file; export or quit", "warning"
                )

        self.push_screen(
            Confirm(f"{reason}. Reload it?{unsaved}", yes="Reload", no="Not now"), answered
        )

    def reload_from_disk(self) -> None:
        try:
            portfolio = self.repository.reload()
        except KeyplanError as error:
            self.tell(str(error), "error")
            return
        self.workspace.replace(portfolio)
        self._save_error = None
        self._disk_warned = False
        self.refresh_view()
        self.show_status()
        self.tell(f"reloaded {self.repository.path.name}")

    async def action_quit(self) -> None:
        """Quit once every edit is on disk; if it cannot be saved, ask before losing it."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        await self.workers.wait_for_complete()
        self._saving = False
        if self.repository.read_only or not self.workspace.dirty:
            self.exit(0)
            return
        changed = self.workspace.take_dirty()
        try:
            self.repository.save(self.portfolio, changed)
        except KeyplanError as error:
            self.workspace.dirty |= changed
            self._save_error = str(error)
            self.show_status()

            def answered(quit_anyway: bool | None) -> None:
                if quit_anyway:
                    self.exit(1)

            self.push_screen(
                Confirm(
                    f"Not saved: {error}. Quit anyway and lose the unsaved edits?",
                    yes="Quit",
                    no="Stay",
                ),
                answered,
            )
            return
        self.exit(0)

    def on_unmount(self) -> None:
        self.repository.close()

    # --- Help and the command palette -----------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.key_help()))

    def key_help(self) -> list[tuple[str, str, str]]:
        """(group, keys, what) for every binding, with remapped keys as they are now."""
        keymap = getattr(self, "_keymap", {}) or {}
        rows = [
            ("Move", "j/k ↑/↓", "move the cursor"),
            ("Move", "h/l ←/→", "fold / unfold, or go to the parent / child"),
            ("Move", "g / G", "first / last"),
            ("Move", "Tab / shift+Tab", "next / previous pane"),
            ("Move", "Enter", "open the account's plan; edit a node; jump to a rule's node"),
            ("Fold", "space", "fold or unfold the node"),
        ]
        groups = {
            "app": "App",
            "edit": "Edit",
            "account": "Accounts",
            "check": "Checklist",
            "fold": "Fold",
        }
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding) and binding.id
            keys = keymap.get(binding.id, binding.key)
            rows.append(
                (groups[binding.id.split(".")[0]], keys.replace(",", " / "), binding.description)
            )
        rows.append(("App", "ctrl+p", "command palette: every action by name"))
        return rows

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:  # type: ignore[override]
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            action = binding.action
            yield SystemCommand(
                binding.description,
                f"{binding.tooltip or binding.description} ({binding.key})",
                lambda action=action: self.run_action(action),  # type: ignore[misc]
            )


OWN_ACTIONS = frozenset(
    binding.action.split("(")[0] for binding in KeyplanApp.BINDINGS if isinstance(binding, Binding)
)


def slug(name: str) -> str:
    """A file-name-safe version of an account name."""
    kept = "".join(c if c.isalnum() else "-" for c in name.casefold())
    return "-".join(part for part in kept.split("-") if part) or "account"


def make_app(
    db_path: Path, *, config: Config | None = None, today: date | None = None
) -> KeyplanApp:
    """Open the database (read-only if another keyplan holds it) and build the app on it.

    Errors opening the file (not JSON, a newer schema, ...) propagate: the CLI prints them.
    """
    from store.repository import Repository

    repository = Repository(db_path, write=True)
    try:
        return KeyplanApp(repository, config, today)
    except BaseException:
        repository.close()
        raise


def run_app(app: KeyplanApp, *, mouse: bool = True) -> int:
    """Run the app; the exit status is the app's (0 after a clean quit)."""
    try:
        result = app.run(mouse=mouse)
    finally:
        app.repository.close()
    return app.return_code or result or 0
