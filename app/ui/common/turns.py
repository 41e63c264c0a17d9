"""Slices of GUI-thread work within the event loop's stretches of work.

The GUI thread works in stretches: it wakes for an event (input, a paint, a timer, a result
from a worker thread) and handles whatever is due after it, one thing after the other, until
nothing is left and it waits again. Input that comes meanwhile waits for the stretch to end.
Work cut into slices (rows built while idle, a long text shown a piece at a time) runs from
timers, so a slice that lands after a scroll and its paint makes one long stretch with them,
and the window misses a frame although each part alone was short.

So the module tells a slice how much of its stretch is left. A stretch began when the thread
last rested: whenever it looks, it compares the time that passed with the CPU time the thread
used, and more than ``REST_S`` of difference means it waited in between (for events, or for a
core: either way the window was not busy). It looks when the event loop is about to wait and
when it wakes (the dispatcher's ``aboutToBlock`` and ``awake``, whose order differs from one
platform to the next) and when a slice asks.

A slice takes what is left of its stretch's ``TURN_S``; a slice that finds less than
``MIN_SLICE_S`` left waits ``PUT_OFF_MS``, long enough for the thread to rest and answer what
came meanwhile. Only once in a row: on a loaded machine every stretch may spend the budget, and
the work must still go on, so a slice that waited runs next time however little is left, and
does at least one step.

What this cannot split is a slice and the paint it causes: Qt delivers that paint before the
timers of the next turn. Their sum is what each slicer's ``SLICE_S`` keeps short.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from app.ui.common.qt import QAbstractEventDispatcher

TURN_S = 0.010  # GUI-thread time for one stretch of work: its input, paint, answers and slices
MIN_SLICE_S = 0.002  # a slice with less of its stretch left than this waits (once)
PUT_OFF_MS = 3  # how long a slice that waits for a fresh stretch waits
REST_S = 0.001  # time passed beyond the CPU time used that shows the thread rested


class _Turns:
    """When the GUI thread's current stretch of work began (one watcher for the whole app)."""

    def __init__(self) -> None:
        self.began = 0.0  # perf_counter
        self._looked = (0.0, 0.0)  # perf_counter and the thread's CPU time at the last look
        self._dispatcher: QAbstractEventDispatcher | None = None

    def watch(self) -> None:
        dispatcher = QAbstractEventDispatcher.instance()
        if dispatcher is not None and dispatcher is not self._dispatcher:
            dispatcher.aboutToBlock.connect(self._look_now)
            dispatcher.awake.connect(self._look_now)
            self._dispatcher = dispatcher

    def _look_now(self) -> None:
        self.look(time.perf_counter())

    def look(self, now: float) -> None:
        """Note whether the thread rested since the last look; if it did, the stretch began
        at the latest when the work since then began (the rest came first: the thread only
        rests when nothing is left)."""
        cpu = time.thread_time()
        looked_at, cpu_then = self._looked
        worked = cpu - cpu_then
        if now - looked_at - worked > REST_S:
            self.began = now - worked
        self._looked = (now, cpu)

    def left(self, now: float) -> float:
        """GUI-thread time left in this stretch of work."""
        self.look(now)
        return TURN_S - (now - self.began)


_TURNS = _Turns()


@dataclass(frozen=True)
class Slice:
    deadline: float  # perf_counter
    waited: bool  # put off once already: it does at least one step, however late


class SliceTurns:
    """One slicer's slices: each within what is left of its stretch, put off once at most."""

    def __init__(self, slice_s: float) -> None:
        self.slice_s = slice_s
        self._put_off = False  # the last slice waited for a fresh stretch
        _TURNS.watch()

    def next_slice(self, now: float) -> Slice | None:
        """The slice that may run now, or None: this stretch is spent, try again in
        ``PUT_OFF_MS``."""
        left = _TURNS.left(now)
        if left < MIN_SLICE_S and not self._put_off:
            self._put_off = True
            return None
        waited, self._put_off = self._put_off, False
        return Slice(now + min(self.slice_s, left), waited)
