"""Slices of GUI-thread work within the event loop's turns.

In one turn of the event loop Qt delivers the posted events that are due (a paint, a result
from a worker thread, a page of older messages) and then fires the timers that are due, one
after the other. Work cut into slices (rows built while idle, a long text shown a piece at a
time) runs from timers, so a slice that lands after a paint makes one long block with it, and
the window misses a frame although each part alone was short.

The module notes when the event loop wakes up (the dispatcher's ``awake`` signal, once per
turn). A slice takes what is left of its turn's ``TURN_S``; a slice that finds less than
``MIN_SLICE_S`` left waits for the next turn. Only once in a row: on a loaded machine every
turn's paint may spend the budget, and the work must still go on, so a slice that waited
runs next time however little is left, and does at least one step.

What this cannot split is a slice and the paint it causes: Qt delivers that paint before the
timers of the next turn. Their sum is what each slicer's ``SLICE_S`` keeps short.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from app.ui.common.qt import QAbstractEventDispatcher

TURN_S = 0.010  # GUI-thread time for one turn of the event loop: its paint, answers and slices
MIN_SLICE_S = 0.002  # a slice with less of its turn left than this waits for the next (once)


class _Turns:
    """When the GUI thread's event loop last woke up (one connection for the whole app)."""

    def __init__(self) -> None:
        self.began = 0.0  # perf_counter
        self._dispatcher: QAbstractEventDispatcher | None = None

    def watch(self) -> None:
        dispatcher = QAbstractEventDispatcher.instance()
        if dispatcher is not None and dispatcher is not self._dispatcher:
            dispatcher.awake.connect(self._woke)
            self._dispatcher = dispatcher

    def _woke(self) -> None:
        self.began = time.perf_counter()

    def left(self, now: float) -> float:
        """GUI-thread time left in this turn (``TURN_S`` if no wake-up was seen lately: a
        slice run outside a running event loop)."""
        spent = now - self.began
        return TURN_S if spent > 10 * TURN_S else TURN_S - spent


_TURNS = _Turns()


@dataclass(frozen=True)
class Slice:
    deadline: float  # perf_counter
    waited: bool  # put off a turn already: it does at least one step, however late


class SliceTurns:
    """One slicer's slices: each within what is left of its turn, put off once at most."""

    def __init__(self, slice_s: float) -> None:
        self.slice_s = slice_s
        self._put_off = False  # the last slice waited for a fresh turn
        _TURNS.watch()

    def next_slice(self, now: float) -> Slice | None:
        """The slice that may run now, or None: this turn is spent, wait for the next."""
        left = _TURNS.left(now)
        if left < MIN_SLICE_S and not self._put_off:
            self._put_off = True
            return None
        waited, self._put_off = self._put_off, False
        return Slice(now + min(self.slice_s, left), waited)

    def put_off(self) -> None:
        """The slice just given did nothing (its next step would not fit): the next one does
        at least one step, however little of its turn is left."""
        self._put_off = True
