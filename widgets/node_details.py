"""The details pane: every field of the selected node, and its notes, as text."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import Reactive
from textual.widgets import Static

from plan.fields import FIELDS, format_value
from plan.model import Node


def node_details(node: Node) -> Text:
    text = Text()
    for spec in FIELDS[node.KIND]:
        if spec.name == "notes":
            continue
        value = format_value(spec, getattr(node, spec.name))
        text.append(f"{spec.label}: ", style="bold")
        text.append(value or "—", style="" if value else "dim")
        text.append("\n")
    if node.notes:
        text.append("Notes: ", style="bold")
        text.append(node.notes)
    else:
        text.append("Notes: —", style="dim")
    return text


class NodeDetails(Static):
    """Shows the fields of the node under the tree's cursor; `e` edits them."""

    # Its text is the app's own Text, never markup: no links to style, which Textual would
    # otherwise work out for each drawing, at each move of the tree's cursor.
    auto_links = Reactive(False)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._shown: Text | None = None

    def show(self, node: Node | None) -> None:
        text = node_details(node) if node is not None else Text("")
        if text != self._shown:
            self._shown = text
            # The pane has a fixed height (app.tcss), so new text needs no new layout.
            self.update(text, layout=False)
