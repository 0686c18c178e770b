"""Bindings the list panes share: vi-style moves on top of the arrows."""

from __future__ import annotations

from textual.binding import Binding

LIST_MOVES = [
    Binding("j", "cursor_down", "Down", show=False),
    Binding("k", "cursor_up", "Up", show=False),
    Binding("g", "first", "First", show=False),
    Binding("G", "last", "Last", show=False),
]
