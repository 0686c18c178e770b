"""The editor: accounts, the M.O.S.T. tree and the checklist, with every editing key."""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from plan.errors import ValidationError
from plan.fields import FIELDS
from plan.model import CHILD_KIND, Account, Node
from plan.rules import Checklist, Result, fix_field, fix_stops, node_verdicts
from tui.collector import freeze_scored_plans
from tui.keys import EDITOR_BINDINGS
from tui.screens.base import PanesScreen
from widgets.account_list import AccountList, AccountRow
from widgets.checklist import ChecklistPane
from widgets.footer import KeyFooter
from widgets.node_details import NodeDetails
from widgets.plan_tree import PlanTree
from widgets.prompt import PromptInput

if TYPE_CHECKING:
    from tui.app import KeyplanApp
    from tui.screens.export import ExportRequest

MIN_SIZE = (60, 16)
# Accounts scored between two frames after the first screen: decoding and scoring one takes
# 0.1-0.2 ms, so at 1000 accounts keys are still answered within a frame while it goes on.
NO_ACCOUNT = "no account: press n to add one"
NO_MATCH = "no account matches the filter: Esc clears it"
SCORE_BATCH = 64
TOO_SMALL = Text(
    f"Make the window larger: keyplan needs {MIN_SIZE[0]}×{MIN_SIZE[1]}. q quits.",
    justify="center",
)


def edits() -> ModuleType:
    """plan.edits, imported on the first edit: the first screen does without its classes."""
    import plan.edits

    return plan.edits


def dialogs() -> ModuleType:
    """The dialogs, imported when one first opens."""
    import tui.screens.dialogs

    return tui.screens.dialogs


def matches(text: str, needle: str) -> bool:
    """Whether the (casefolded) filter text occurs in this text."""
    return needle in text.casefold()


def slug(name: str) -> str:
    """A file-name-safe version of an account name."""
    kept = "".join(c if c.isalnum() else "-" for c in name.casefold())
    return "-".join(part for part in kept.split("-") if part) or "account"


RowInputs = tuple[str, str, bool, "Checklist | None"]  # account id, name, archived, checklist


def account_row(
    account_id: str, name: str, archived: bool, checklist: Checklist | None
) -> AccountRow:
    """What the accounts pane shows of an account; its score once it is known."""
    return AccountRow(
        account_id,
        name,
        None if checklist is None else checklist.passed,
        0 if checklist is None else checklist.total,
        checklist is not None and checklist.tactics_ahead,
        archived,
    )


class PlanScreen(PanesScreen):
    """Edits the plans; the app holds the data, applies edits and saves them."""

    BINDINGS = EDITOR_BINDINGS

    AUTO_FOCUS = "#accounts"

    app: KeyplanApp  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.account_id: str | None = None
        self.filter_text = ""
        self._shown_anyway: set[str] = set()  # shown whatever the filter: see refresh_view
        self._adding: tuple[str, str, bool] | None = None  # (how, node id, below)
        self._fix_field: tuple[str, str] | None = None  # (node id, field) of the last jump
        self._last_stop: tuple[str, str, str | None] | None = None  # account, rule, node of f
        self._focus_before_filter: Widget | None = None
        self._status: Text | None = None
        self._scoring = False  # score_the_rest is on its way
        self._showing_tree = False  # within refresh_view's tree.show
        # Each account's row as last shown, with the checklist it was made from.
        self._rows: dict[str, tuple[RowInputs, AccountRow]] = {}

    def compose(self) -> ComposeResult:
        # The filter, the new-title prompt and the too-small notice are hidden at first: each
        # is mounted when first needed (see `filter_input`), 5 ms sooner on the first screen.
        with Horizontal(id="panes"):
            yield AccountList(id="accounts")
            with Vertical(id="center"):
                yield PlanTree(id="tree")
                yield NodeDetails(id="details")
            yield ChecklistPane(id="checklist")
        yield Static(id="status")
        yield KeyFooter(show_command_palette=False)

    def filter_input(self) -> Input | None:
        """The filter's input; None until it is first opened."""
        return next(iter(self.query("#filter").results(Input)), None)

    async def mount_filter(self) -> Input:
        filter_input = self.filter_input()
        if filter_input is None:
            placeholder = "filter accounts and nodes: type, Enter to keep, Esc to clear"
            filter_input = Input(placeholder=placeholder, id="filter")
            await self.mount(filter_input, before="#panes")
        return filter_input

    async def mount_adding(self) -> tuple[Label, Input]:
        """The new-title prompt: its label and input, mounted on first use."""
        if not self.query("#adding"):
            await self.query_one("#center").mount(
                Label("", id="adding-label"), PromptInput(id="adding"), before="#details"
            )
        return self.query_one("#adding-label", Label), self.query_one("#adding", Input)

    def show_too_small(self) -> None:
        """Mount the notice that the window is too small (the app's CSS shows it)."""
        # Not before the screen is composed: its on_mount looks again.
        if self.query("#status") and not self.query("#too-small"):
            self.mount(Static(TOO_SMALL, id="too-small"), after="#status")

    def on_mount(self) -> None:
        self.query_one("#accounts").border_title = "Accounts"
        self.query_one("#tree").border_title = "Plan (M.O.S.T.)"
        self.query_one("#checklist").border_title = "Checklist"
        self.watch(self.tree, "cursor_line", self.cursor_moved, init=False)
        accounts = self.visible_accounts()
        self.account_id = accounts[0].id if accounts else None
        self.refresh_view()
        self.show_status()
        if self.app.has_class("-too-small"):  # a window too small from the start
            self.show_too_small()

    # --- State → screen -------------------------------------------------------------------

    @property
    def account(self) -> Account | None:
        if self.account_id is None:
            return None
        try:
            return self.app.portfolio.account(self.account_id)
        except KeyError:
            return None

    @property
    def tree(self) -> PlanTree:
        return self.query_one(PlanTree)

    def current_node(self) -> Node | None:
        account = self.account
        node_id = self.tree.current
        if account is None or node_id is None:
            return None
        found = account.find(node_id)
        return found[0] if found else None

    def visible_accounts(self) -> list[Account]:
        """Accounts in the list: the active ones, then the archived; narrowed by the filter."""
        portfolio = self.app.portfolio
        accounts = portfolio.active() + [a for a in portfolio.accounts if a.archived]
        if not self.filter_text:
            return accounts
        return [a for a in accounts if self.account_matches(a)]

    def account_matches(self, account: Account) -> bool:
        needle = self.filter_text
        return any(
            matches(text, needle) for text in (account.name, account.owner, account.segment)
        ) or any(matches(node.title, needle) for node, _ in account.walk())

    def filtered_nodes(self, account: Account) -> tuple[set[str] | None, list[str]]:
        """With a filter: the nodes shown (those that match and their ancestors) and the ids
        of the matches in plan order. (None, []) shows everything."""
        needle = self.filter_text
        if not needle or any(
            matches(t, needle) for t in (account.name, account.owner, account.segment)
        ):
            return None, []
        visible: set[str] = set()
        found: list[str] = []
        parents: dict[str, str | None] = {}
        for node, parent in account.walk():
            parents[node.id] = parent.id if parent else None
            matched = matches(node.title, needle)
            if matched:
                found.append(node.id)
            if matched or node.id in self._shown_anyway:
                node_id: str | None = node.id
                while node_id is not None and node_id not in visible:
                    visible.add(node_id)
                    node_id = parents[node_id]
        return visible, found

    def refresh_view(self, select: str | None = None, *, to_matches: bool = False) -> None:
        """Show the workspace: account scores, the current account's tree and checklist.

        Only the accounts the list can show at once, and the open one, are scored at once; the
        rest are scored after the screen is shown (see score_the_rest), which at 1000 accounts
        is a tenth of a second sooner on screen.
        """
        workspace = self.app.workspace
        accounts = self.visible_accounts()
        if self.account_id not in {account.id for account in accounts}:
            self.account_id = accounts[0].id if accounts else None
        at_once = max(self.size.height, MIN_SIZE[1])
        rows = []
        for index, account in enumerate(accounts):
            checklist = workspace.checked(account)
            if checklist is None and (index < at_once or account.id == self.account_id):
                checklist = workspace.checklist(account)
            # The same row object while its inputs are the same: the list compares rows at once.
            inputs = (account.id, account.name, account.archived, checklist)
            shown = self._rows.get(account.id)
            if shown is None or shown[0] != inputs:
                shown = self._rows[account.id] = (inputs, account_row(*inputs))
            rows.append(shown[1])
            if checklist is None and not self._scoring:
                self._scoring = True
                self.app.call_after_refresh(self.score_the_rest)
        self.query_one(AccountList).show(rows, current=self.account_id)
        account = self.account
        checklist = workspace.checklist(account) if account else None
        verdicts = node_verdicts(checklist) if checklist else {}
        if select is not None and self.filter_text:
            # What an edit just made or moved stays in sight until the filter changes, or a
            # node added under a filter would vanish as it was made.
            self._shown_anyway.add(select)
        visible, found = self.filtered_nodes(account) if account else (None, [])
        self.tree.empty = NO_MATCH if self.filter_text and not accounts else NO_ACCOUNT
        # A filter brings its matches into sight, folded or not; as it is typed, the cursor goes
        # to the first of them. Cleared, it gives the folds back (`to_matches`, nothing found).
        self._showing_tree = True  # the details are shown below, once
        try:
            self.tree.show(
                account,
                verdicts,
                visible=visible,
                cursor=select or (next(iter(found), None) if to_matches else None),
                unfold=found if to_matches or self.filter_text else None,
            )
        finally:
            self._showing_tree = False
        checklist_pane, details = self.query_one(ChecklistPane), self.query_one(NodeDetails)
        checklist_pane.show(checklist, self.account_id)
        details.show(self.current_node())
        # Send their repaints to the screen now, not when each pane next falls idle: moving
        # through the accounts list, the new highlight was drawn a frame (17-25 ms) before the
        # new plan, which waited for the tree to handle its queued messages. (`_check_refresh`
        # is what Textual runs on a widget's idle; its version is pinned.)
        for pane in (self.tree, checklist_pane, details):
            pane._check_refresh()
            # Their scrollbars too, or a new length is drawn a frame (20-40 ms) later.
            if pane._vertical_scrollbar is not None:
                pane._vertical_scrollbar._check_refresh()

    def score_the_rest(self) -> None:
        """Score the next batch of the accounts refresh_view left for later, and show their
        scores; refresh_view asks for the next batch after the next frame."""
        self._scoring = False
        workspace = self.app.workspace
        unscored = (a for a in self.app.portfolio.accounts if workspace.checked(a) is None)
        for account in islice(unscored, SCORE_BATCH):
            workspace.checklist(account)
        if next(unscored, None) is None:  # every plan is decoded now
            freeze_scored_plans()
        self.refresh_view()

    def show_status(self) -> None:
        parts = [Text(self.app.repository.path.name, style="bold"), self.app.save_status()]
        active = len(self.app.portfolio.active())
        archived = len(self.app.portfolio.accounts) - active
        shown = f"{active} account{'s' if active != 1 else ''}"
        parts.append(Text(f"{shown} + {archived} archived" if archived else shown))
        if self.filter_text:
            parts.append(Text(f"filter: {self.filter_text}", style="bold"))
        status = Text(" · ").join(parts)
        if status == self._status:
            return  # as most edits leave it ("saving…"): no repaint
        self._status = status
        # The status line has a fixed height: no need to lay out the screen again.
        self.query_one("#status", Static).update(status, layout=False)

    def open_node(self, account_id: str, node_id: str | None) -> None:
        """Show a node of an account (its mission when None), with the cursor on it."""
        self.clear_filter()
        self.account_id = account_id
        self.refresh_view(select=node_id)
        self.tree.focus()

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

    def cursor_moved(self) -> None:
        """Show the node under the tree's cursor in the details pane, in the cursor's frame.

        Called as the cursor moves, not on the tree's NodeHighlighted: that message reached
        the screen after the tree's own repaint, so the details came a frame (20 ms) after the
        cursor, at each j and k.
        """
        if self._showing_tree:
            return
        details = self.query_one(NodeDetails)
        details.show(self.current_node())
        details._check_refresh()  # see refresh_view

    @on(PlanTree.NodeSelected)
    def node_selected(self) -> None:
        self.action_edit()

    @on(ChecklistPane.RuleChosen)
    def rule_chosen(self, event: ChecklistPane.RuleChosen) -> None:
        self.jump_to(event.result)

    def jump_to(self, result: Result, node_id: str | None = None) -> None:
        """Put the cursor on the node a rule names (`node_id`, else its first); `e` then opens
        the field that fixes it."""
        account = self.account
        if account is None:
            return
        if result.status == "pass":
            self.app.tell(f"passes: {result.message}")
            return
        named = (node_id,) if node_id is not None else result.nodes
        found = next((account.find(n) for n in named if account.find(n)), None)
        if found is None:
            # The review rule names the account: the fix is a review, not a node.
            self.app.tell(result.message, "warning")
            return
        node = found[0]
        field = fix_field(result.rule, node)
        self._fix_field = (node.id, field) if field else None
        self.open_node(account.id, node.id)

    # --- Editing --------------------------------------------------------------------------

    async def action_add_child(self) -> None:
        node = self.current_node()
        if node is None or not self.app.writable():
            return
        kind = CHILD_KIND[node.KIND]
        if kind is None:
            self.app.tell("a tactic has no children: press o to add another tactic", "warning")
            return
        await self.start_adding("child", node, kind, below=True)

    async def action_add_sibling(self, below: bool) -> None:
        node = self.current_node()
        if node is None or not self.app.writable():
            return
        if node.KIND == "mission":
            self.app.tell(
                "an account has exactly one mission: press a to add an objective", "warning"
            )
            return
        await self.start_adding("sibling", node, node.KIND, below=below)

    async def start_adding(self, how: str, node: Node, kind: str, *, below: bool) -> None:
        self._adding = (how, node.id, below)
        where = f'under "{node.title}"' if how == "child" else ("below" if below else "above")
        label, adding = await self.mount_adding()
        label.update(Text(f"New {kind} {where}: type its title, Enter to add, Esc to cancel"))
        adding.value = ""
        self.set_class(True, "-adding")
        adding.focus()

    @on(Input.Submitted, "#adding")
    def adding_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        pending = self._adding
        self.stop_adding()
        account = self.account
        if pending is None or account is None or not event.value.strip():
            return
        how, node_id, below = pending
        if how == "child":
            self.app.run_edit(lambda: edits().add_child(account, node_id, event.value))
        else:
            self.app.run_edit(
                lambda: edits().add_sibling(account, node_id, event.value, below=below)
            )

    def stop_adding(self, *, refocus: bool = True) -> None:
        self._adding = None
        self.set_class(False, "-adding")
        if refocus:
            self.tree.focus()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if self._adding is not None and event.widget.id == "adding":
            self.call_after_refresh(self._left_adding)

    def _left_adding(self) -> None:
        # A click moved the focus on: the prompt closes, as Escape would, or the letters typed
        # next would run as commands beside it. (No focus at all is the terminal losing it,
        # say to another tmux pane: the prompt waits with its title.)
        focused = self.focused
        if self._adding is not None and focused is not None and focused.id != "adding":
            self.stop_adding(refocus=False)

    def action_edit(self) -> None:
        account = self.account
        if account is None or not self.app.writable():
            return
        if self.focused is self.query_one(AccountList):
            self.edit_form(account, None, f"Account: {account.name}")
            return
        node = self.current_node()
        if node is not None:
            fix = self._fix_field
            focus = fix[1] if fix is not None and fix[0] == node.id else None
            self.edit_form(account, node, f"Edit {node.KIND}", focus)

    def edit_form(
        self, account: Account, node: Node | None, title: str, focus: str | None = None
    ) -> None:
        kind = "account" if node is None else node.KIND
        target: Any = account if node is None else node
        values = {spec.name: getattr(target, spec.name) for spec in FIELDS[kind]}
        node_id = None if node is None else node.id
        portfolio = self.app.portfolio

        def check(typed: dict[str, Any]) -> None:
            edits().edit_fields(portfolio, account.id, node_id, typed)

        def done(typed: dict[str, Any] | None) -> None:
            if typed is not None:
                self.app.run_edit(
                    lambda: edits().edit_fields(portfolio, account.id, node_id, typed)
                )

        from tui.screens.edit_form import EditForm  # not needed until the first form

        self.app.push_screen(EditForm(title, kind, values, check, focus), done)

    def action_toggle_done(self) -> None:
        account, node = self.account, self.current_node()
        if account is not None and node is not None:
            self.app.run_edit(lambda: edits().toggle_done(account, node.id))

    def action_delete(self) -> None:
        account = self.account
        if account is None or not self.app.writable():
            return
        if self.focused is self.query_one(AccountList):
            count = account.node_count()
            question = f'Delete the account "{account.name}" and its whole plan ({count} nodes)?'
            self.confirm(question, lambda: edits().delete_account(self.app.portfolio, account.id))
            return
        node = self.current_node()
        if node is None:
            return
        try:
            edit = edits().delete_node(account, node.id)
        except ValidationError as error:
            self.app.tell(str(error), "warning")
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
                self.app.run_edit(build)

        self.app.push_screen(dialogs().Confirm(question, yes="Delete", no="Keep"), answered)

    def action_move(self, step: int) -> None:
        account, node = self.account, self.current_node()
        if account is not None and node is not None:
            self.app.run_edit(lambda: edits().move(account, node.id, step))

    def action_undo(self) -> None:
        self.app.undo()

    def action_redo(self) -> None:
        self.app.redo()

    def action_new_account(self) -> None:
        if not self.app.writable():
            return

        def named(name: str | None) -> None:
            if name is None:
                return
            edit = self.app.run_edit(lambda: edits().new_account(self.app.portfolio, name))
            if edit is not None:
                self.open_node(edit.account_id, None)

        self.app.push_screen(
            dialogs().Prompt("New account: its name", placeholder="e.g. ACME Manufacturing"), named
        )

    def action_rename_account(self) -> None:
        account = self.account
        if account is None or not self.app.writable():
            return

        def named(name: str | None) -> None:
            if name is not None:
                self.app.run_edit(
                    lambda: edits().edit_fields(
                        self.app.portfolio, account.id, None, {"name": name}
                    )
                )

        self.app.push_screen(dialogs().Prompt("Rename the account", value=account.name), named)

    def action_archive_account(self) -> None:
        account = self.account
        if account is not None:
            edit = self.app.run_edit(
                lambda: edits().set_archived(self.app.portfolio, account.id, not account.archived)
            )
            if edit is not None:
                self.app.tell(f"{edit.label}: {account.name}")

    def action_fold(self, level: int) -> None:
        self.tree.fold_to(level)

    def action_next_fix(self) -> None:
        """f: the next fix; f again, with the cursor still where it went, the one after."""
        account = self.account
        if account is None:
            return
        stops = fix_stops(self.app.workspace.checklist(account))
        if not stops:
            self.app.tell(f"{account.name}: every rule passes")
            return
        places = [(account.id, result.rule, node) for result, node in stops]
        last, index = self._last_stop, 0
        if last is not None and last in places and last[2] == self.tree.current:
            index = (places.index(last) + 1) % len(stops)
        result, node = stops[index]
        self._last_stop = places[index]
        which = "next fix" if index == 0 else f"fix {index + 1} of {len(stops)}"
        self.app.tell(f"{which}: {result.rule} {result.message}", topic="fix")
        self.jump_to(result, node)

    # --- Filter ---------------------------------------------------------------------------

    async def action_filter(self) -> None:
        filter_input = await self.mount_filter()
        if self.focused is not filter_input:
            self._focus_before_filter = self.focused
        self.set_class(True, "-filtering")
        filter_input.focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip().casefold()
        self._shown_anyway.clear()
        self.refresh_view(to_matches=True)
        self.show_status()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.filter_text:
            self.set_class(False, "-filtering")
        self.query_one(AccountList).focus()

    def clear_filter(self) -> None:
        filter_input = self.filter_input()
        if filter_input is not None and filter_input.value:
            filter_input.value = ""
            self.filter_text = ""
            self._shown_anyway.clear()
            self.refresh_view(to_matches=True)  # the folds the filter opened close again
            self.show_status()
        self.set_class(False, "-filtering")

    def action_back(self) -> None:
        """Escape: drop the new title, else clear the filter, else go back to the review."""
        if self._adding is not None:
            self.stop_adding()
        elif self.filter_text or (self.focused is not None and self.focused is self.filter_input()):
            self.clear_filter()
            (self._focus_before_filter or self.query_one(AccountList)).focus()
        elif self.app.review is not None and self.app.review.jumped:
            self.app.action_review()

    # --- Export ---------------------------------------------------------------------------

    def action_export(self) -> None:
        account = self.account
        default = Path.cwd() / (slug(account.name) + ".md" if account else "keyplan-export.md")

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                everything = request.everything or account is None
                accounts = self.app.portfolio.active() if everything else [account]
                self.app.export(accounts, request.path)  # type: ignore[arg-type]

        from tui.screens.export import ExportDialog  # not needed until the first export

        self.app.push_screen(ExportDialog(str(default), account.name if account else None), chosen)
