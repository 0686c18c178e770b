"""Keys typed ahead, as a burst over a laggy SSH link, routed one at a time and in order.

Textual routes each key to whatever has focus when it reads it, so in a burst like
`e ctrl+u Call the COO Enter` the title would reach the tree, as commands, before the form
that `e` opens has taken focus. `TypeAhead` holds the keys behind one that is still being
handled and sends the next once that one has done its work: it has passed through the widgets
it bubbles through, the screen has refreshed, and a screen it opened has taken focus.

Text typed into a text box is the exception: a character there can neither move the focus nor
open a screen, and the box handles its keys in order, so it goes on at once. Held to a frame
each, a title pasted or typed over SSH came in at ~30 characters a second.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from functools import partial

from textual import events
from textual.app import App
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input

FOCUS_WAIT_FRAMES = 5
HOLD_LIMIT = 0.5  # seconds: a key whose end is never seen (its widget went) releases anyway


class TypeAhead:
    """Routes keys for an app; `route` is the app's own routing of one key."""

    def __init__(self, app: App, route: Callable[[events.Key], Awaitable[None]]) -> None:
        self.app = app
        self.route = route
        self.held: list[events.Key] = []
        self.serial = 0  # the key in flight; callbacks for an earlier key are ignored
        self.in_flight = False
        self.limit: Timer | None = None

    async def receive(self, key: events.Key) -> None:
        if self.in_flight or self.held:
            self.held.append(key)
        else:
            await self._send(key)

    async def _send(self, key: events.Key) -> None:
        target = self.app.focused or self.app.screen
        if key.is_printable and _is_text_box(target):
            await self.route(key)
            return
        self.serial += 1
        serial = self.serial
        self.in_flight = True
        await self.route(key)
        # A key no widget binds bubbles up, one queue at a time, to the screen's bindings.
        chain = [node for node in target.ancestors_with_self if isinstance(node, Widget)]
        self.app.call_after_refresh(self._after, serial, chain)
        self.limit = self.app.set_timer(HOLD_LIMIT, partial(self._done, serial))

    def _after(self, serial: int, chain: list[Widget]) -> None:
        # Typed at a person's pace the next key comes after this point: nothing to wait for.
        # Only a burst (keys held meanwhile) pays for following the key to its end.
        if serial != self.serial:
            return
        if self.held:
            self._drain(serial, chain)
        else:
            self._finish()

    def _drain(self, serial: int, chain: list[Widget]) -> None:
        if not chain:
            self.app.call_after_refresh(self._focused, serial, FOCUS_WAIT_FRAMES)
        elif not chain[0].call_later(self._drain, serial, chain[1:]):
            self._drain(serial, chain[1:])

    def _focused(self, serial: int, frames_left: int) -> None:
        # A screen the key opened takes focus a frame or two later (some have nothing to
        # focus). Focus moves by a callback on the app's queue: go round that queue once, then
        # let the focused widget handle what it was sent meanwhile (its Focus event).
        if self.app.focused is None and frames_left > 0:
            self.app.call_after_refresh(self._focused, serial, frames_left - 1)
        else:
            self.app.call_later(self._through_focused, serial)

    def _through_focused(self, serial: int) -> None:
        focused = self.app.focused
        if focused is None or not focused.call_later(self._done, serial):
            self.app.call_later(self._done, serial)

    async def _done(self, serial: int) -> None:
        if serial != self.serial or not self.in_flight:
            return
        self._finish()
        while self.held and not self.in_flight:
            await self._send(self.held.pop(0))

    def _finish(self) -> None:
        self.in_flight = False
        if self.limit is not None:
            self.limit.stop()
            self.limit = None


def _is_text_box(widget: object) -> bool:
    """An Input or a TextArea; TextArea is not imported for this (20 ms of the first screen):
    if its module is not loaded, no widget is one."""
    if isinstance(widget, Input):
        return True
    text_area = sys.modules.get("textual.widgets._text_area")
    return text_area is not None and isinstance(widget, text_area.TextArea)
