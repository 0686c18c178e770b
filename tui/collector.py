"""The garbage collector, run once a frame is out rather than in the middle of a keypress.

Python collects its young objects whenever 700 more have been made than freed. Drawing an
edit makes thousands (strips, segments, styles), so the collector ran 5-6 times within each add
or delete of a tactic, 0.5-1.5 ms of it, and every hundredth pass was a full one, 6-17 ms,
landing on whichever key came then. `Collector` turns the automatic passes off once the first
screen is shown and runs the same passes, as many objects later, just after a frame has gone
to the terminal: the screen already shows the key, and the next key rarely comes within the
millisecond it takes. A slow timer catches what timers and workers leave while nothing is
drawn.

The plans and the first screen are frozen out of the collector's sight (`start` and the
functions below), so a full pass scans only what was made since.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App


@contextmanager
def held_while_loading() -> Iterator[None]:
    """No automatic collection while the app's modules load, and everything alive frozen after.

    Importing Textual, Rich and keyplan makes some 50,000 objects the collector tracks
    (classes, functions, Rich's and Textual's tables), all living as long as the process; the
    collector passed over them about 80 times as they were made, and the passes it owed when
    it came back on ran as the app started: 8-10 ms of the first screen, for nothing freed.
    (store/repository.py's `_collector_paused` does the same for parsing, without the freeze.)
    The collector is on or off afterwards as it was before, so a process that imports the app
    without running it (a test) keeps its own.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


class Collector:
    """Holds the collector while the first screen is built, then runs it after frames."""

    AFTER_FRAME = 0.003  # seconds from a frame to the pass that follows it
    FALLBACK_INTERVAL = 1.0  # seconds between passes (when due) while nothing is drawn

    def __init__(self, app: App[object]) -> None:
        self.app = app
        self.owned = False  # automatic collection was on, and this turned it off
        self.running = False
        self._due = False  # a pass is asked for after the next frame

    def hold(self) -> None:
        """Turn automatic collection off, if it is on, while the first screen is built: the
        ~100 passes it made, over objects that all live as long as the app, took 4 ms of it."""
        if gc.isenabled():
            self.owned = True
            gc.disable()

    def start(self) -> None:
        """Once the first screen is shown: freeze it, and collect after frames from now on.
        Nothing is collected by hand when the collector was off before keyplan started."""
        # The screen as first shown (widgets, styles, Rich's caches) lives as long as the app,
        # like the plans: out of the collector's sight too, or a full collection rescans it.
        gc.freeze()
        if self.owned and not self.running:
            self.running = True
            self.app.set_interval(self.FALLBACK_INTERVAL, self.collect)

    def release(self) -> None:
        """Give automatic collection back, as the app stops."""
        self.running = False
        if self.owned:
            self.owned = False
            gc.enable()

    def after_frame(self) -> None:
        """A frame has just been handed to the terminal: collect soon after, if a pass is due.
        Not at once: the frame is written by another thread, which would wait for the pass."""
        if self.running and not self._due and gc.get_count()[0] > gc.get_threshold()[0]:
            self._due = True
            # Imported here: this module is imported before the collector is held (see
            # held_while_loading), and importing asyncio alone made it pass 22 times.
            import asyncio

            asyncio.get_running_loop().call_later(self.AFTER_FRAME, self.collect)

    def collect(self) -> None:
        """The pass Python's own thresholds call for, if any: the young generation once it
        outgrows its threshold, the middle one after that many young passes, the whole heap
        after that many middle ones. (Python also holds a full pass back until a quarter of the
        old generation is new; with the plans and the first screen frozen, that is nearly
        always so, and the full passes here scan only what is not frozen.)"""
        self._due = False
        if not self.running:
            return
        young, middle, old = gc.get_count()
        young_limit, middle_limit, old_limit = gc.get_threshold()
        if young <= young_limit:
            return
        generation = 0
        if middle >= middle_limit:
            generation = 2 if old >= old_limit else 1
        gc.collect(generation)


def freeze_scored_plans() -> None:
    """Move the plans decoded since the first screen (scored after it) out of the collector's
    sight, as the first screen's are: each full collection rescanned them, 25 ms at 200
    accounts, landing on a keypress. The young generations are collected first (1-2 ms), so
    the garbage cycles of the last moments (a tree dropped for another account) are not kept
    for good."""
    gc.collect(1)
    gc.freeze()


def freeze_loaded_plans() -> None:
    """Move the loaded plans out of the garbage collector's sight.

    They live as long as the app: at 100,000 nodes a full collection would rescan them all,
    a pause of ~200 ms that lands on an unlucky keypress. What was frozen before (a previous
    load) is released first, so a reload can free the old plans.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
