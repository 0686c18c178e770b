"""The M.O.S.T. tree of one account: mission at the root, then objectives, strategies, tactics.

Tree nodes carry the plan node's id in `data`. `show` patches the tree in place (new labels,
nodes taken out and put in where the plan changed), keeping each node's fold state and the
cursor, and repaints once, only the rows that changed (see widgets/lean_tree.py).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from difflib import SequenceMatcher
from functools import lru_cache, partial

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from plan.fields import format_number
from plan.model import Account, Node, Tactic
from widgets.lean_tree import LeanTree

LEVEL_TAGS = {"mission": "M", "objective": "O", "strategy": "S", "tactic": "T"}
STATUS_MARKS = {"todo": "☐", "doing": "◐", "done": "☑", "dropped": "☒"}


def node_facts(node: Node) -> str:
    """The key facts shown after a node's title: target and due, owner/due/status, ..."""
    match node.KIND:
        case "mission":
            return f"{node.horizon_years} years" if node.horizon_years else ""  # type: ignore[union-attr]
        case "objective":
            parts = []
            if node.target is not None:  # type: ignore[union-attr]
                parts.append(f"{format_number(node.target)} {node.unit}".strip())  # type: ignore[union-attr]
            if node.due:  # type: ignore[union-attr]
                parts.append(f"by {node.due.isoformat()}")  # type: ignore[union-attr]
            return " ".join(parts)
        case "strategy":
            return node.approach or ""  # type: ignore[union-attr]
    tactic: Tactic = node  # type: ignore[assignment]
    parts = [f"@{tactic.owner}"] if tactic.owner else []
    if tactic.due:
        parts.append(tactic.due.isoformat())
    if tactic.status not in ("todo", "done"):
        parts.append(tactic.status)
    return ", ".join(parts)


def node_label(node: Node, failing: Collection[str] = (), changed: bool = False) -> Text:
    """One tree line: the level, the rules it fails (first, so a narrow pane still shows
    them), the title as typed, then the key facts."""
    status = node.status if isinstance(node, Tactic) else None
    return _label(node.KIND, node.title, node_facts(node), status, tuple(failing), changed)


@lru_cache(maxsize=4096)
def _label(
    kind: str, title: str, facts: str, status: str | None, failing: tuple[str, ...], changed: bool
) -> Text:
    # Remembered by what it shows: every edit asks again for the label of every node in the
    # account, and most come out as they were. (The tree copies a label it is given.)
    label = Text(no_wrap=True, overflow="ellipsis")
    label.append(LEVEL_TAGS[kind], style="bold")
    label.append(" ")
    if failing:
        label.append(f"✗{','.join(failing)} ", style="bold red")
    if changed:
        label.append("•new ", style="bold cyan")
    if status is not None:
        label.append(STATUS_MARKS[status] + " ")
    shown = title or ("(no mission yet: press e)" if kind == "mission" else "(untitled)")
    done = status in ("done", "dropped")
    label.append(shown, style="dim strike" if done else ("italic dim" if not title else ""))
    if facts:
        label.append(f"  {facts}", style="dim")
    return label


Label = Callable[[Node], Text]


def _label_of(node: Node, failing: dict[str, list[str]], changed: Collection[str]) -> Text:
    return node_label(node, failing.get(node.id, ()), node.id in changed)


def _children_of(nodes: list[tuple[Node, Node | None]]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for node, parent in nodes:
        if parent is not None:
            children.setdefault(parent.id, []).append(node.id)
    return children


def _ancestors(tree_node: TreeNode[str]) -> Iterator[TreeNode[str]]:
    """The tree node's parent, its parent's parent, ... up to the root."""
    parent = tree_node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _subtree(tree_node: TreeNode[str]) -> Iterator[TreeNode[str]]:
    """The tree node's descendants, depth first."""
    for child in tree_node.children:
        yield child
        yield from _subtree(child)


class PlanTree(LeanTree):
    """Shows one account's plan; the app edits, the tree only shows and moves the cursor."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("h,left", "fold_or_parent", "Fold/parent", show=False),
        Binding("l,right", "unfold_or_child", "Unfold/child", show=False),
        Binding("g", "scroll_home", "First", show=False),
        Binding("G", "scroll_end", "Last", show=False),
    ]

    def __init__(self, empty: str = "no account: press n to add one", **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.empty = empty  # what the tree says with no account to show
        self.auto_expand = False
        self.account_id: str | None = None
        self._children: dict[str, list[str]] = {}  # shown node id -> its shown children
        self._by_plan_id: dict[str, TreeNode[str]] = {}
        self._collapsed: set[str] = set()
        self._opened_for_filter: set[str] = set()  # folded by the user, unfolded by a filter

    @property
    def current(self) -> str | None:
        """The id of the plan node under the cursor."""
        node = self.cursor_node
        return node.data if node is not None else None

    def show(
        self,
        account: Account | None,
        failing: dict[str, list[str]],
        *,
        visible: Collection[str] | None = None,
        changed: Collection[str] = (),
        cursor: str | None = None,
        unfold: Collection[str] | None = None,
    ) -> None:
        """Show the account; `visible` limits the nodes (a filter), `cursor` moves the cursor.
        `unfold` is a filter's matches, brought into sight for as long as the filter lasts
        (an empty one when it is cleared; None leaves the folds as they are)."""
        if account is None:
            self.account_id = None
            self._children = {}
            self._by_plan_id = {}
            self.clear()
            self.root.set_label(Text(self.empty, style="dim italic"))
            self.root.data = None
            return
        keep = cursor or (self.current if account.id == self.account_id else None)
        nodes = [
            (node, parent)
            for node, parent in account.walk()
            if visible is None or parent is None or node.id in visible
        ]
        label = partial(_label_of, failing=failing, changed=changed)
        with self.one_repaint():
            if account.id == self.account_id:
                self._patch(nodes, label)
            else:
                self._rebuild(account.id, nodes, label)
            if unfold is not None:
                self._unfold_for_filter(unfold)
            self.select(keep or account.mission.id)

    def _rebuild(
        self, account_id: str, nodes: list[tuple[Node, Node | None]], label: Label
    ) -> None:
        """Build the whole tree for another account."""
        self.account_id = account_id
        self.clear()
        mission = nodes[0][0]
        self.root.set_label(label(mission))
        self.root.data = mission.id
        self._by_plan_id = {mission.id: self.root}
        self._children = _children_of(nodes)
        self._add_children(self.root, mission.id, {n.id: n for n, _ in nodes}, label)
        if mission.id not in self._collapsed:
            self.root.expand()

    def _patch(self, nodes: list[tuple[Node, Node | None]], label: Label) -> None:
        """Bring the tree in line with the plan, touching only what changed: nodes that left a
        parent are taken out, nodes that came are put in at their place (with their subtree),
        the rest keep their tree node and get at most a new label."""
        old, self._children = self._children, _children_of(nodes)
        by_id = {node.id: node for node, _ in nodes}
        created: set[str] = set()
        for node, parent in nodes:
            if node.id in created or (parent is not None and parent.id in created):
                created.add(node.id)  # put in with its subtree, label and children new
                continue
            tree_node = self._by_plan_id[node.id]
            new_label = label(node)
            if tree_node.label != new_label:
                tree_node.set_label(new_label)
            kids = self._children_ids(node.id)
            if kids != old.get(node.id, []):
                created.update(self._rechild(tree_node, old.get(node.id, []), kids, by_id, label))

    def _rechild(
        self,
        tree_node: TreeNode[str],
        old: list[str],
        new: list[str],
        by_id: dict[str, Node],
        label: Label,
    ) -> set[str]:
        """Turn a tree node's children from `old` into `new`; the ids of the nodes put in."""
        put_in: set[str] = set()
        at = 0  # the index in tree_node.children, as it is now
        for tag, i1, i2, j1, j2 in SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
            if tag == "equal":
                at += i2 - i1
                continue
            for _ in range(i2 - i1):  # "delete" and "replace"
                self._forget(tree_node.children[at])
                tree_node.children[at].remove()
            for kid_id in new[j1:j2]:  # "insert" and "replace"
                self._put_in(tree_node, kid_id, by_id, label, before=at)
                put_in.add(kid_id)
                at += 1
        tree_node.allow_expand = bool(new) or tree_node is self.root
        if new and tree_node.data not in self._collapsed:
            tree_node.expand()
        return put_in

    def _forget(self, tree_node: TreeNode[str]) -> None:
        """Drop a subtree about to be taken out from the id map; a node that moved elsewhere
        in this patch already maps to its new tree node and keeps it."""
        for each in (tree_node, *_subtree(tree_node)):
            if each.data and self._by_plan_id.get(each.data) is each:
                del self._by_plan_id[each.data]

    def _add_children(
        self, tree_node: TreeNode[str], node_id: str, by_id: dict[str, Node], label: Label
    ) -> None:
        kids = self._children_ids(node_id)
        tree_node.allow_expand = bool(kids) or tree_node is self.root
        if kids and node_id not in self._collapsed and not tree_node.is_expanded:
            tree_node.expand()
        for kid_id in kids:
            self._put_in(tree_node, kid_id, by_id, label)

    def _put_in(
        self,
        tree_node: TreeNode[str],
        node_id: str,
        by_id: dict[str, Node],
        label: Label,
        before: int | None = None,
    ) -> None:
        """Add a plan node and its subtree under a tree node, last or before an index."""
        node = by_id[node_id]
        if self._children_ids(node_id):
            # Unfolded as it is made: expand() would post a message per node, and the tree's
            # repaint waits until it has handled them all (a frame later, on a new account).
            unfold = node_id not in self._collapsed
            child = tree_node.add(label(node), data=node_id, before=before, expand=unfold)
        else:
            child = tree_node.add_leaf(label(node), data=node_id, before=before)
        self._by_plan_id[node_id] = child
        self._add_children(child, node_id, by_id, label)

    def _children_ids(self, node_id: str) -> list[str]:
        return self._children.get(node_id, [])

    def select(self, node_id: str) -> None:
        """Put the cursor on a node, unfolding its ancestors so it can be seen."""
        tree_node = self._by_plan_id.get(node_id) or self.root
        self._unfold_above(tree_node)
        # Reading last_line builds the tree's lines, so the node's line number is known.
        if self.last_line >= 0:
            self.move_cursor(tree_node)

    def _unfold_for_filter(self, matches: Collection[str]) -> None:
        """Unfold above each match, and fold again what an earlier filter unfolded and these
        matches do not need: the user's folds come back as the filter changes or clears (the
        cursor's ancestors stay open, see select)."""
        needed: set[str] = set()
        opened: set[str] = set()
        for node_id in matches:
            if node_id not in self._by_plan_id:
                continue
            for parent in _ancestors(self._by_plan_id[node_id]):
                if not parent.data or parent.data in needed:
                    break
                needed.add(parent.data)
                if not parent.is_expanded:
                    parent.expand()
                    opened.add(parent.data)
        for node_id in self._opened_for_filter - needed:
            tree_node = self._by_plan_id.get(node_id)
            if tree_node is not None and tree_node.is_expanded:
                tree_node.collapse()
                self._collapsed.add(node_id)
        self._opened_for_filter = (self._opened_for_filter & needed) | opened

    def _unfold_above(self, tree_node: TreeNode[str]) -> None:
        """Unfold a node's ancestors, so that it can be seen."""
        for parent in _ancestors(tree_node):
            if not parent.is_expanded:
                parent.expand()
                self._collapsed.discard(parent.data or "")

    def fold_to(self, level: int) -> None:
        """Show the plan down to a level: 1 the mission only ... 4 everything."""
        with self.one_repaint():
            self._fold_to(level)

    def _fold_to(self, level: int) -> None:
        for node_id, tree_node in self._by_plan_id.items():
            depth = 1 + self._depth(tree_node)
            if depth < level:
                tree_node.expand()
                self._collapsed.discard(node_id)
            else:
                tree_node.collapse()
                self._collapsed.add(node_id)
        cursor = self.cursor_node
        while cursor is not None and cursor.parent is not None and not cursor.parent.is_expanded:
            cursor = cursor.parent
        if cursor is not None and self.last_line >= 0:
            self.move_cursor(cursor)

    @staticmethod
    def _depth(tree_node: TreeNode[str]) -> int:
        depth = 0
        while tree_node.parent is not None:
            depth += 1
            tree_node = tree_node.parent
        return depth

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[str]) -> None:
        if event.node.data:
            self._collapsed.add(event.node.data)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[str]) -> None:
        if event.node.data:
            self._collapsed.discard(event.node.data)

    def action_fold_or_parent(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None:
            self.move_cursor(node.parent)

    def action_unfold_or_child(self) -> None:
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if not node.is_expanded:
            node.expand()
        elif node.children:
            self.action_cursor_down()
