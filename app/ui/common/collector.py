"""Python's garbage collector runs on the GUI thread, between two events, and nowhere else.

Left automatic, a collection runs on whichever thread happens to allocate when a threshold is
crossed: the model-file probe, the store's writer, a rendering thread. It may then free the
last Python reference to one of the window's Qt objects, and PySide tears its signal
connections down right there, under Qt's connection lock, then asks for the interpreter lock
to look for Python overrides. Meanwhile the GUI thread, holding the interpreter lock, waits
for Qt's connection lock to connect a signal: both wait forever. A test run froze so (py-spy:
"ponder-models" in ``gc_collect_main`` → ``QObject::disconnect`` → ``GilState::acquire``; the
main thread in ``QObject::connectImpl`` → ``QBasicMutex::lockInternal``).

So automatic collection is off while the window runs, and a timer on the GUI thread collects
what Python's own thresholds call for, in pieces of about the size Python's would have:

- the timer looks every ``BUSY_CHECK_MS`` while there is garbage to collect, and backs off to
  ``IDLE_CHECK_MS`` while there is none, so that an idle window does not wake for nothing;
- a young collection here may hold many times Python's 700 objects, so the middle generation
  is collected once the young collections together have put through as many objects as
  Python's ten of 700 would (Python counts collections, not objects), and never in the same
  tick as a young one;
- a full collection (every object the app holds) waits at least ``FULL_GAP_S`` after the last
  one: Python itself skips most of them too, until the old generation has grown by a
  quarter, and each costs the GUI thread milliseconds.
"""

from __future__ import annotations

import gc
import time

from app.ui.common.qt import QCoreApplication, QTimer

BUSY_CHECK_MS = 20  # how often the GUI thread looks at the collector's counts while it collects
IDLE_CHECK_MS = 500  # ...and at most this seldom while there is nothing to collect
FULL_GAP_S = 10.0  # the least time between two full collections


class GuiCollector:
    """Collects garbage on the GUI thread only (``install``), until ``uninstall``."""

    def __init__(self) -> None:
        self._timer: QTimer | None = None
        self._full_at = 0.0  # when the last full collection ran (monotonic)
        self._young = 0  # objects through young collections since the last middle one (at most)
        self._was_enabled = True

    @property
    def installed(self) -> bool:
        return self._timer is not None

    @property
    def check_ms(self) -> int:
        """How long until the next look at the counts (0 when not installed)."""
        return self._timer.interval() if self._timer is not None else 0

    def install(self, app: QCoreApplication) -> None:
        if self._timer is not None:
            return
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._full_at = time.monotonic()
        timer = QTimer(app)
        timer.setInterval(BUSY_CHECK_MS)
        timer.timeout.connect(self._tick)
        timer.start()
        self._timer = timer

    def uninstall(self) -> None:
        timer, self._timer = self._timer, None
        if timer is None:
            return
        timer.stop()
        timer.deleteLater()
        if self._was_enabled:
            gc.enable()

    def _tick(self) -> None:
        timer = self._timer
        if timer is None:
            return
        collected = self.collect_due() is not None
        timer.setInterval(BUSY_CHECK_MS if collected else min(IDLE_CHECK_MS, 2 * timer.interval()))

    def collect_due(self) -> int | None:
        """Collect what is due: the generation collected, or None when nothing was."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return None  # as in Python: older generations are looked at when the youngest is due
        generation = 0
        if self._young >= thresholds[0] * thresholds[1]:
            generation = 1
            if counts[2] >= thresholds[2] and time.monotonic() - self._full_at >= FULL_GAP_S:
                generation = 2
        gc.collect(generation)
        if generation == 0:
            self._young += counts[0]
        else:
            self._young = 0
        if generation == 2:
            self._full_at = time.monotonic()
        return generation


COLLECTOR = GuiCollector()
