"""The keyplan app: holds the plans, applies every edit, saves in the background, quits safely.

The screens (the editor in tui/screens/plan.py, review mode in tui/screens/review.py) show the
plans and build edits; they hand each edit to `KeyplanApp.run_edit`, the one path by which the
plans change.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from tui.collector import Collector, freeze_loaded_plans, held_while_loading

with held_while_loading():  # the imports below are most of start-up's objects
    from rich.console import RenderableType
    from rich.text import Text
    from textual import events, on, work
    from textual.app import App, SystemCommand
    from textual.binding import Binding
    from textual.notifications import Notification, Notify
    from textual.screen import ModalScreen, Screen
    from textual.timer import Timer
    from textual.widget import Widget

    from plan.config import Config
    from plan.errors import (
        ConfigError,
        KeyplanError,
        PlanFileError,
        StaleFileError,
        ValidationError,
    )
    from plan.model import Account, Portfolio
    from plan.workspace import Workspace
    from tui.messages import PlanSaved
    from tui.screens.plan import MIN_SIZE, PlanScreen
    from tui.typeahead import TypeAhead

if TYPE_CHECKING:
    # The store is imported at run time by make_app only, and the screens not on the first
    # one when they are first opened: start-up does not wait for them.
    from plan.edits import Edit
    from store.repository import Repository, Snapshot
    from tui.screens.review import ReviewSession

SAVE_DELAY = 0.3
RETRY_DELAY = 5.0
DISK_CHECK_INTERVAL = 2.0
HELP_GROUPS = {
    "app": "App",
    "edit": "Edit",
    "account": "Accounts",
    "check": "Checklist",
    "fold": "Fold",
    "review": "Review mode",
}


class KeyplanApp(App[int]):
    """One database of plans: edit it, check it, review it, export it."""

    CSS_PATH = "app.tcss"
    TITLE = "keyplan"

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="quit, once every edit is on disk"),
        Binding("question_mark,f1", "help", "Help", id="app.help", tooltip="this list of keys"),
    ]

    def __init__(
        self, repository: Repository, config: Config | None = None, today: date | None = None
    ) -> None:
        super().__init__()
        self.repository = repository
        self.config = config or Config()
        self.workspace = Workspace(repository.load(), today or date.today(), self.config.checklist)
        gc.freeze()  # see freeze_loaded_plans; the plans join the modules frozen on import
        self.editor = PlanScreen()
        self.review: ReviewSession | None = None
        self._save_timer: Timer | None = None
        self._saving = False
        self._save_again = False
        self._save_error: str | None = None
        self._disk_warned = False
        self._told: dict[str, Notification] = {}  # topic -> its last notification (see tell)
        self.type_ahead = TypeAhead(self, route=super().on_event)
        self._focus_before_small: Widget | None = None
        self.broken_file: str | None = None  # why keyplan stopped, when the file was at fault
        self.collector = Collector(self)
        if self.config.keys:
            self.set_keymap(dict(self.config.keys))

    def get_default_screen(self) -> Screen:
        return self.editor

    def on_mount(self) -> None:
        self.set_interval(DISK_CHECK_INTERVAL, self.check_disk)
        self.call_after_refresh(self._first_screen_shown)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            await self.type_ahead.receive(event)  # keys typed ahead go one at a time
        else:
            await super().on_event(event)

    def on_resize(self, event: events.Resize) -> None:
        small = event.size.width < MIN_SIZE[0] or event.size.height < MIN_SIZE[1]
        if small == self.has_class("-too-small"):
            return
        if small:
            self._focus_before_small = self.focused
            self.editor.show_too_small()
        self.set_class(small, "-too-small")
        self.refresh_bindings()  # the screen's check_action answers otherwise now: the footer
        if not small:
            # Hidden panes lose focus; give it back to where it was, so keys work at once.
            before = self._focus_before_small
            if before is not None and before.is_mounted:
                before.focus()
            elif self.focused is None:
                self.screen.focus_next()

    def on_load(self) -> None:
        self.collector.hold()

    def _display(self, screen: Screen, renderable: RenderableType | None) -> None:
        super()._display(screen, renderable)
        if renderable is not None:  # a frame: the garbage collector runs after it
            self.collector.after_frame()

    def _first_screen_shown(self) -> None:
        self.collector.start()

    def on_unmount(self) -> None:
        self.collector.release()  # first: whatever fails below, the collector is back on
        self.repository.close()

    def _handle_exception(self, error: Exception) -> None:
        # Each plan is decoded when its account is first used (store/codec.py), so a plan the
        # file holds broken is found after start (all are decoded for their scores just after
        # the first screen). Stop as for a broken file at start: a one-line error and status 2,
        # not a traceback. Edits already made to other accounts are saved first; the broken
        # plan is written back exactly as it was read.
        if not isinstance(error, PlanFileError):
            super()._handle_exception(error)
            return
        if self.broken_file is not None:
            return
        self.broken_file = str(error)
        if self._save_timer is not None:
            self._save_timer.stop()
        changed = self.workspace.take_dirty()
        if changed and not self.repository.read_only:
            try:
                self.repository.save(self.portfolio, changed)
            except KeyplanError as save_error:
                self.broken_file += f"; your last edits are not saved: {save_error}"
        self.exit(return_code=2)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # App keys stay live under a modal; there `q` would quit from inside a dialog.
        return not (action == "quit" and isinstance(self.screen, ModalScreen))

    @property
    def portfolio(self) -> Portfolio:
        return self.workspace.portfolio

    def tell(self, message: str, severity: str = "information", *, topic: str = "") -> None:
        """A notification that shows user text literally. One with a `topic` replaces the last
        on that topic still shown: pressing f or u over and over stacked a message a press over
        the panes of an 80x24 window."""
        notification = Notification(message, "", severity, self.NOTIFICATION_TIMEOUT)  # type: ignore[arg-type]
        if topic:
            shown = self._told.get(topic)
            if shown is not None and shown in self._notifications:
                self._unnotify(shown, refresh=False)
            self._told[topic] = notification
        self.post_message(Notify(notification))

    # --- Editing: the one path by which the plans change ----------------------------------

    def writable(self) -> bool:
        """Whether edits are allowed; if not, say why."""
        if self.repository.read_only:
            self.tell(
                f"read-only: {self.repository.path.name} is open in another keyplan; "
                "close it there to edit here",
                "warning",
            )
            return False
        return True

    def run_edit(self, build: Callable[[], Edit]) -> Edit | None:
        """Build an edit (a refusal becomes a notification), apply it, show it, save it."""
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
        editor = self.editor
        if edit.account_id and any(a.id == edit.account_id for a in self.portfolio.accounts):
            editor.account_id = edit.account_id
        editor.refresh_view(select=edit.selection(undone=undone))
        self.schedule_save()

    def undo(self) -> None:
        self._replay(undone=True)

    def redo(self) -> None:
        self._replay(undone=False)

    def _replay(self, *, undone: bool) -> None:
        if not self.writable():
            return
        edit = self.workspace.undo() if undone else self.workspace.redo()
        if edit is None:
            self.tell("nothing to undo" if undone else "nothing to redo")
            return
        self.after_edit(edit, undone=undone)
        self.tell(f"{'undid' if undone else 'redid'}: {edit.label}", topic="undo")

    def mark_reviewed(self, account_id: str, note: str) -> bool:
        from plan.edits import mark_reviewed

        today = self.workspace.today
        edit = self.run_edit(lambda: mark_reviewed(self.portfolio, account_id, today, note))
        return edit is not None

    # --- Review mode ----------------------------------------------------------------------

    def action_review(self) -> None:
        """Open review mode, or go back to the same place in the queue after a jump."""
        from tui.screens.review import ReviewScreen, ReviewSession

        if isinstance(self.screen, ReviewScreen):
            return
        if self.review is None:
            self.review = ReviewSession()
        self.push_screen(ReviewScreen(self.review))

    # --- Export ---------------------------------------------------------------------------

    def export(self, accounts: list[Account], path: Path) -> None:
        """Write the accounts' plans as Markdown to `path`, in the background."""
        # Each plan is built when first used (store/codec.py): build them here, on the thread
        # that edits them, so the writer never builds one at the same time as this thread.
        for account in accounts:
            account.mission  # noqa: B018 (reading it builds it)
        self._write_export(accounts, path)

    @work(thread=True, exclusive=True, group="export")
    def _write_export(self, accounts: list[Account], path: Path) -> None:
        from plan.markdown_export import export_markdown
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

    def save_status(self) -> Text:
        """The save state, in words: it must read right without colour."""
        if self.repository.read_only:
            return Text("read-only: open in another keyplan", style="bold reverse")
        if self._save_error:
            return Text(f"not saved: {self._save_error}", style="bold red")
        if self._saving or self.workspace.dirty or self._save_timer is not None:
            return Text("saving…", style="yellow")
        return Text("saved", style="green")

    def schedule_save(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_now)
        self.editor.show_status()

    def save_now(self) -> None:
        self._save_timer = None
        if self.repository.read_only:
            return
        if self._saving:
            self._save_again = True
            return
        changed = self.workspace.take_dirty()
        if changed:
            self._saving = True
            snapshot = self.repository.snapshot(self.portfolio, changed)
            self.write_snapshot(snapshot, frozenset(changed))
        self.editor.show_status()

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
            self.workspace.put_back(event.accounts)
            self._save_error = str(event.error)
            if isinstance(event.error, StaleFileError):
                self.offer_reload(str(event.error))
            else:
                self.tell(f"not saved: {event.error}", "error")
                self._save_timer = self.set_timer(RETRY_DELAY, self.save_now)
        self.editor.show_status()

    def check_disk(self) -> None:
        if self._disk_warned or self._saving or not self.repository.changed_on_disk():
            return
        self.offer_reload(f"{self.repository.path.name} changed on disk since keyplan read it")

    def offer_reload(self, reason: str) -> None:
        """Never overwrite a file another tool changed: ask to reload it instead."""
        if self._disk_warned:
            return
        self._disk_warned = True
        unsaved = " Your unsaved edits here would be lost." if self.workspace.dirty else ""

        def answered(reload: bool | None) -> None:
            if reload:
                self.reload_from_disk()
            else:
                self.tell(
                    "not reloaded: keyplan will not overwrite the file; export, quit, or "
                    "reload it later from the command palette (ctrl+p, Reload)",
                    "warning",
                )

        from tui.screens.dialogs import Confirm

        self.push_screen(
            Confirm(f"{reason}. Reload it?{unsaved}", yes="Reload", no="Not now"), answered
        )

    def action_reload(self) -> None:
        """From the palette: read the file again (asked first, as unsaved edits would go)."""
        self._disk_warned = False
        changed = self.repository.changed_on_disk()
        self.offer_reload(
            f"{self.repository.path.name} "
            + ("changed on disk since keyplan read it" if changed else "is as keyplan last saw it")
        )

    def reload_from_disk(self) -> None:
        try:
            portfolio = self.repository.reload()
        except KeyplanError as error:
            self.tell(str(error), "error")
            return
        self.workspace.replace(portfolio)
        freeze_loaded_plans()
        self._save_error = None
        self._disk_warned = False
        self.editor.refresh_view()
        self.editor.show_status()
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
            self.workspace.put_back(changed)
            self._save_error = str(error)
            self.editor.show_status()

            def answered(quit_anyway: bool | None) -> None:
                if quit_anyway:
                    self.exit(1)

            from tui.screens.dialogs import Confirm

            question = f"Not saved: {error}. Quit anyway and lose the unsaved edits?"
            self.push_screen(Confirm(question, yes="Quit", no="Stay"), answered)
            return
        self.exit(0)

    # --- Help and the command palette -----------------------------------------------------

    def all_bindings(self) -> list[Binding]:
        """Every binding of the app and its screens, in the order help lists them."""
        from tui.screens.review import ReviewScreen

        bindings = [*self.BINDINGS, *PlanScreen.BINDINGS, *ReviewScreen.BINDINGS]
        return [b for b in bindings if isinstance(b, Binding) and b.id]

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

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
        for binding in self.all_bindings():
            assert binding.id is not None
            keys = " / ".join(
                self.get_key_display(Binding(key.strip(), binding.action))
                for key in keymap.get(binding.id, binding.key).split(",")
            )
            what = binding.tooltip or binding.description
            rows.append((HELP_GROUPS[binding.id.split(".")[0]], keys, what))
        rows.append(("App", "ctrl+p", "command palette: every action by name"))
        # Each group once, where it first comes (bindings of one group sit on several widgets).
        first: dict[str, int] = {}
        return sorted(rows, key=lambda row: first.setdefault(row[0], len(first)))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Reload", "read the database file again, as another tool left it", self.action_reload
        )
        own = [*self.BINDINGS, *screen.BINDINGS]
        for binding in own:
            if not isinstance(binding, Binding) or not binding.id:
                continue
            target = self if binding in self.BINDINGS else screen
            yield SystemCommand(
                binding.description,
                f"{binding.tooltip or binding.description} ({binding.key})",
                lambda action=binding.action, target=target: target.run_action(action),  # type: ignore[misc]
            )


def check_keys(config: Config, source: str) -> None:
    """ConfigError if the config's [keys] names a binding keyplan does not have: a typo there
    would otherwise leave the key as it was, with no word why."""
    if not config.keys:
        return
    known = binding_ids()
    unknown = sorted(set(config.keys) - known)
    if not unknown:
        return
    name = unknown[0]
    group = name.partition(".")[0]
    alike = sorted(id_ for id_ in known if id_.partition(".")[0] == group)
    listed = alike or sorted({id_.partition(".")[0] + ".…" for id_ in known})
    raise ConfigError(
        f'{source}: [keys] "{name}" is not a key binding of keyplan (known: {", ".join(listed)})'
    )


def binding_ids() -> set[str]:
    """The id of every binding a [keys] entry may remap: those of the app's screens, dialogs
    and widgets (the dialogs are imported for it, which start-up otherwise does not do)."""
    from textual.dom import DOMNode

    from tui.screens import dialogs, edit_form, export, help, review  # noqa: F401

    ids: set[str] = set()
    classes: list[type[DOMNode]] = [DOMNode]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        if cls.__module__.startswith(("tui.", "widgets.")):
            ids.update(
                binding.id
                for binding in cls.__dict__.get("BINDINGS", ())
                if isinstance(binding, Binding) and binding.id
            )
    return ids


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
    if app.broken_file is not None:
        raise PlanFileError(app.broken_file)  # the CLI prints it as any other
    return app.return_code or result or 0
