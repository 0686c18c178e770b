"""Edits as small command objects that apply and undo themselves (the undo history that
applies them is in plan/history.py).

Every change to a plan — from the app, the CLI or an import — is an `Edit`. Edits are built by
the functions at the bottom (`add_child`, `edit_fields`, `move`, ...), which validate first and
raise `ValidationError` with nothing changed; `apply` and `undo` then cannot fail. An edit keeps
the time it was first applied, so a redo restores exactly the state the first apply made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from plan.errors import ValidationError
from plan.fields import FIELDS, clean_line, field_spec, parse_value
from plan.model import (
    CHILD_KIND,
    NODE_CLASSES,
    Account,
    Node,
    ParentNode,
    Portfolio,
    ReviewNote,
    subtree,
    utc_now,
)


@dataclass(eq=False)
class Edit:
    """One undoable change to one account (or to the list of accounts)."""

    account_id: str
    label: str = field(default="edit", init=False)
    at: str = field(default_factory=utc_now, init=False)
    _account_updated: str = field(default="", init=False, repr=False)

    def apply(self, portfolio: Portfolio) -> None:
        account = self._account(portfolio)
        if account is not None:
            self._account_updated = account.updated
        self._apply(portfolio)
        account = self._account(portfolio)
        if account is not None:
            account.updated = self.at

    def undo(self, portfolio: Portfolio) -> None:
        self._undo(portfolio)
        account = self._account(portfolio)
        if account is not None:
            account.updated = self._account_updated

    def selection(self, *, undone: bool) -> str | None:
        """The node to select once this edit is applied (or undone); None for the mission."""
        return None

    def _account(self, portfolio: Portfolio) -> Account | None:
        try:
            return portfolio.account(self.account_id)
        except KeyError:
            return None

    def _apply(self, portfolio: Portfolio) -> None:
        raise NotImplementedError

    def _undo(self, portfolio: Portfolio) -> None:
        raise NotImplementedError


def position(items: Sequence[object], item: object) -> int:
    """Where this very object stands in the list. Not `list.index`: two nodes with the same
    content are equal (ids are not compared), so it found the first of two twin tactics, and
    deleting or moving the second one changed the first."""
    return next(index for index, candidate in enumerate(items) if candidate is item)


def _parent_and_index(account: Account, node_id: str) -> tuple[ParentNode, int]:
    found = account.find(node_id)
    if found is None:
        raise KeyError(node_id)
    node, parent = found
    if parent is None:
        raise ValidationError("the mission is the root of the plan and does not move")
    return parent, position(parent.children, node)


@dataclass(eq=False)
class AddNode(Edit):
    parent_id: str = ""
    index: int = 0
    node: Node | None = None

    def __post_init__(self) -> None:
        assert self.node is not None
        self.label = f"add {self.node.KIND}"
        self.node.created = self.node.updated = self.at

    def _apply(self, portfolio: Portfolio) -> None:
        parent = portfolio.account(self.account_id).node(self.parent_id)
        parent.children.insert(self.index, self.node)  # type: ignore[arg-type]

    def _undo(self, portfolio: Portfolio) -> None:
        parent = portfolio.account(self.account_id).node(self.parent_id)
        del parent.children[self.index]

    def selection(self, *, undone: bool) -> str | None:
        assert self.node is not None
        return self.parent_id if undone else self.node.id


@dataclass(eq=False)
class DeleteNode(Edit):
    node_id: str = ""
    parent_id: str = ""
    index: int = 0
    node: Node | None = None

    def __post_init__(self) -> None:
        assert self.node is not None
        self.label = f"delete {self.node.KIND}"

    @property
    def count(self) -> int:
        """How many nodes go: the node and everything below it."""
        assert self.node is not None
        return sum(1 for _ in subtree(self.node))

    def _apply(self, portfolio: Portfolio) -> None:
        parent = portfolio.account(self.account_id).node(self.parent_id)
        del parent.children[self.index]

    def _undo(self, portfolio: Portfolio) -> None:
        parent = portfolio.account(self.account_id).node(self.parent_id)
        parent.children.insert(self.index, self.node)  # type: ignore[arg-type]

    def selection(self, *, undone: bool) -> str | None:
        return self.node_id if undone else self.parent_id


@dataclass(eq=False)
class MoveNode(Edit):
    node_id: str = ""
    from_parent: str = ""
    from_index: int = 0
    to_parent: str = ""
    to_index: int = 0

    def __post_init__(self) -> None:
        self.label = "move"

    def _move(self, portfolio: Portfolio, src: tuple[str, int], dst: tuple[str, int]) -> None:
        account = portfolio.account(self.account_id)
        node = account.node(src[0]).children.pop(src[1])
        account.node(dst[0]).children.insert(dst[1], node)  # type: ignore[arg-type]

    def _apply(self, portfolio: Portfolio) -> None:
        self._move(portfolio, (self.from_parent, self.from_index), (self.to_parent, self.to_index))

    def _undo(self, portfolio: Portfolio) -> None:
        self._move(portfolio, (self.to_parent, self.to_index), (self.from_parent, self.from_index))

    def selection(self, *, undone: bool) -> str | None:
        return self.node_id


@dataclass(eq=False)
class EditFields(Edit):
    """Set fields of a node (or of the account itself when `node_id` is None)."""

    node_id: str | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    _old: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    _old_updated: str = field(default="", init=False, repr=False)

    def __post_init__(self) -> None:
        self.label = "edit " + ", ".join(self.changes) if self.changes else "edit"

    def _target(self, portfolio: Portfolio) -> Account | Node:
        account = portfolio.account(self.account_id)
        return account if self.node_id is None else account.node(self.node_id)

    def _apply(self, portfolio: Portfolio) -> None:
        target = self._target(portfolio)
        self._old = {name: getattr(target, name) for name in self.changes}
        self._old_updated = target.updated
        for name, value in self.changes.items():
            setattr(target, name, value)
        target.updated = self.at

    def _undo(self, portfolio: Portfolio) -> None:
        target = self._target(portfolio)
        for name, value in self._old.items():
            setattr(target, name, value)
        target.updated = self._old_updated

    def selection(self, *, undone: bool) -> str | None:
        return self.node_id


@dataclass(eq=False)
class AddAccount(Edit):
    account: Account | None = None
    index: int = 0

    def __post_init__(self) -> None:
        assert self.account is not None
        self.label = "new account"

    def apply(self, portfolio: Portfolio) -> None:
        # A new account keeps its own timestamps: nothing in it was "edited".
        portfolio.accounts.insert(self.index, self.account)  # type: ignore[arg-type]

    def undo(self, portfolio: Portfolio) -> None:
        del portfolio.accounts[self.index]


@dataclass(eq=False)
class DeleteAccount(Edit):
    account: Account | None = None
    index: int = 0

    def __post_init__(self) -> None:
        self.label = "delete account"

    def apply(self, portfolio: Portfolio) -> None:
        del portfolio.accounts[self.index]

    def undo(self, portfolio: Portfolio) -> None:
        portfolio.accounts.insert(self.index, self.account)  # type: ignore[arg-type]


@dataclass(eq=False)
class ReplaceAccounts(Edit):
    """Swap the whole list of accounts, as an import does; undo puts the old list back."""

    accounts: list[Account] = field(default_factory=list)
    _old: list[Account] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self.label = "import"

    def apply(self, portfolio: Portfolio) -> None:
        self._old = portfolio.accounts
        portfolio.accounts = list(self.accounts)

    def undo(self, portfolio: Portfolio) -> None:
        portfolio.accounts = self._old


@dataclass(eq=False)
class SetArchived(Edit):
    archived: bool = True
    _was: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self.label = "archive account" if self.archived else "unarchive account"

    def _apply(self, portfolio: Portfolio) -> None:
        account = portfolio.account(self.account_id)
        self._was, account.archived = account.archived, self.archived

    def _undo(self, portfolio: Portfolio) -> None:
        portfolio.account(self.account_id).archived = self._was


@dataclass(eq=False)
class MarkReviewed(Edit):
    """Mark the account reviewed on a day, with an optional dated review note."""

    on: date | None = None
    note: str = ""
    _was: date | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.label = "mark reviewed"

    def _apply(self, portfolio: Portfolio) -> None:
        account = portfolio.account(self.account_id)
        self._was, account.reviewed = account.reviewed, self.on
        if self.note:
            account.review_notes.append(ReviewNote(self.on, self.note))  # type: ignore[arg-type]

    def _undo(self, portfolio: Portfolio) -> None:
        account = portfolio.account(self.account_id)
        account.reviewed = self._was
        if self.note:
            account.review_notes.pop()


# --- Building edits: validate, then describe the change. -------------------------------------


def _new_node(kind: str, title: str) -> Node:
    spec = field_spec(kind, "title")
    return NODE_CLASSES[kind](title=parse_value(spec, title))  # type: ignore[call-arg]


def add_child(account: Account, node_id: str, title: str) -> AddNode:
    """A new node of the right kind at the end of this node's children."""
    parent = account.node(node_id)
    kind = CHILD_KIND[parent.KIND]
    if kind is None:
        raise ValidationError("a tactic has no children: add a sibling tactic with o instead")
    node = _new_node(kind, title)
    return AddNode(account.id, parent_id=parent.id, index=len(parent.children), node=node)


def add_sibling(account: Account, node_id: str, title: str, *, below: bool = True) -> AddNode:
    """A new node of the same kind right below (or above) this one."""
    found = account.find(node_id)
    if found is None:
        raise KeyError(node_id)
    node, parent = found
    if parent is None:
        raise ValidationError("an account has exactly one mission: add an objective under it")
    index = position(parent.children, node) + (1 if below else 0)
    return AddNode(account.id, parent_id=parent.id, index=index, node=_new_node(node.KIND, title))


def delete_node(account: Account, node_id: str) -> DeleteNode:
    """Delete the node and everything below it."""
    found = account.find(node_id)
    if found is None:
        raise KeyError(node_id)
    node, parent = found
    if parent is None:
        raise ValidationError("the mission cannot be deleted: edit its text instead")
    index = position(parent.children, node)
    return DeleteNode(account.id, node_id=node_id, parent_id=parent.id, index=index, node=node)


def move(account: Account, node_id: str, step: int) -> MoveNode:
    """Move a node one place down (step=1) or up (step=-1) among its siblings; at the edge,
    into the neighbouring parent of the same kind (the next or previous strategy, say)."""
    parent, index = _parent_and_index(account, node_id)
    target = index + step
    if 0 <= target < len(parent.children):
        return MoveNode(account.id, node_id, parent.id, index, parent.id, target)
    parents = [n for n, _ in account.walk() if n.KIND == parent.KIND]
    neighbour = position(parents, parent) + step
    if not 0 <= neighbour < len(parents):
        raise ValidationError("already at the " + ("bottom" if step > 0 else "top"))
    new_parent = parents[neighbour]
    to_index = len(new_parent.children) if step < 0 else 0
    return MoveNode(account.id, node_id, parent.id, index, new_parent.id, to_index)


def edit_fields(
    portfolio: Portfolio, account_id: str, node_id: str | None, values: Mapping[str, Any]
) -> EditFields:
    """Set fields from typed text or values; only fields whose value changes are kept."""
    account = portfolio.account(account_id)
    target: Account | Node = account if node_id is None else account.node(node_id)
    kind = "account" if node_id is None else target.KIND  # type: ignore[union-attr]
    known = {spec.name for spec in FIELDS[kind]}
    changes: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in known:
            raise ValidationError(f"a {kind} has no field {name!r}")
        value = parse_value(field_spec(kind, name), raw)
        if value != getattr(target, name):
            changes[name] = value
    if "name" in changes:
        check_account_name(portfolio, changes["name"], exclude=account)
    return EditFields(account_id, node_id=node_id, changes=changes)


def toggle_done(account: Account, node_id: str) -> EditFields:
    """Mark a tactic done, or open it again."""
    node = account.node(node_id)
    if node.KIND != "tactic":
        raise ValidationError(f"only a tactic can be done; this is the {node.KIND}")
    status = "todo" if node.status == "done" else "done"  # type: ignore[union-attr]
    return EditFields(account.id, node_id=node_id, changes={"status": status})


def check_account_name(portfolio: Portfolio, name: str, exclude: Account | None = None) -> str:
    """A clean, non-empty account name that no other account has."""
    name = clean_line(name)
    if not name:
        raise ValidationError("an account needs a name")
    other = portfolio.by_name(name)
    if other is not None and other is not exclude:
        raise ValidationError(f'an account named "{other.name}" exists already')
    return name


def new_account(portfolio: Portfolio, name: str, **fields: str) -> AddAccount:
    """A new account with an empty mission, after the existing ones."""
    account = Account(name=check_account_name(portfolio, name))
    for key, value in fields.items():
        setattr(account, key, parse_value(field_spec("account", key), value))
    return AddAccount(account.id, account=account, index=len(portfolio.accounts))


def delete_account(portfolio: Portfolio, account_id: str) -> DeleteAccount:
    account = portfolio.account(account_id)
    index = position(portfolio.accounts, account)
    return DeleteAccount(account_id, account=account, index=index)


def set_archived(portfolio: Portfolio, account_id: str, archived: bool) -> SetArchived:
    portfolio.account(account_id)
    return SetArchived(account_id, archived=archived)


def mark_reviewed(portfolio: Portfolio, account_id: str, on: date, note: str = "") -> MarkReviewed:
    portfolio.account(account_id)
    return MarkReviewed(account_id, on=on, note=clean_line(note))
