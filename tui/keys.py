"""The editor's key bindings: each with an id (for `[keys]` in config.toml) and its help text."""

from __future__ import annotations

from textual.binding import Binding


def key(
    keys: str, action: str, label: str, binding_id: str, help_text: str, *, show: bool = False
) -> Binding:
    """A binding: `label` is what the footer shows, `help_text` what `?` and the palette say."""
    return Binding(keys, action, label, show=show, id=binding_id, tooltip=help_text)


EDITOR_BINDINGS = [
    key(
        "a",
        "add_child",
        "Add",
        "edit.add_child",
        "add a child of the right kind: an objective "
        "under the mission, a strategy under an objective, a tactic under a strategy",
        show=True,
    ),
    key("o", "add_sibling(True)", "Sibling", "edit.add_below", "add a sibling below"),
    key("O", "add_sibling(False)", "Sibling above", "edit.add_above", "add a sibling above"),
    key(
        "e",
        "edit",
        "Edit",
        "edit.edit",
        "edit the node (in the accounts pane: the account) in a form",
        show=True,
    ),
    key("d", "toggle_done", "Done", "edit.toggle_done", "mark a tactic done, or open it again"),
    key(
        "D,delete",
        "delete",
        "Delete",
        "edit.delete",
        "delete the node and everything below it (asks first)",
    ),
    key(
        "J",
        "move(1)",
        "Move down",
        "edit.move_down",
        "move the node down (at the edge, into the next parent)",
    ),
    key(
        "K",
        "move(-1)",
        "Move up",
        "edit.move_up",
        "move the node up (at the edge, into the previous parent)",
    ),
    key(
        "u",
        "undo",
        "Undo",
        "edit.undo",
        "undo the last edit: every edit, deletes and account changes too",
        show=True,
    ),
    key("ctrl+r", "redo", "Redo", "edit.redo", "redo what was undone"),
    key(
        "n",
        "new_account",
        "New account",
        "account.new",
        "add a new account; its plan starts with an empty mission",
    ),
    key("r", "rename_account", "Rename account", "account.rename", "rename the account"),
    key(
        "A",
        "archive_account",
        "Archive",
        "account.archive",
        "archive the account, or bring it back",
    ),
    key(
        "slash",
        "filter",
        "Filter",
        "app.filter",
        "filter accounts and nodes as you type",
        show=True,
    ),
    key(
        "f",
        "next_fix",
        "Next fix",
        "check.next_fix",
        "jump to the next thing to fix (the first rule that fails); again: the one after",
        show=True,
    ),
    key(
        "X",
        "export",
        "Export",
        "app.export",
        "export the account (or every account) as Markdown meeting notes",
    ),
    key(
        "R",
        "app.review",
        "Review",
        "app.review",
        "review the plans one by one, worst first",
        show=True,
    ),
    key(
        "escape",
        "back",
        "Back",
        "app.back",
        "drop a new title, clear the filter, or go back to the review",
    ),
    key("1", "fold(1)", "Fold to mission", "fold.1", "show the mission only"),
    key("2", "fold(2)", "Fold to objectives", "fold.2", "show the mission and its objectives"),
    key("3", "fold(3)", "Fold to strategies", "fold.3", "show objectives and strategies"),
    key("4", "fold(4)", "Unfold all", "fold.4", "show everything, tactics included"),
]
