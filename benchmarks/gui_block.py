"""What the GUI-thread benchmarks share: a 5 ms heartbeat, event-loop pumping, CPU pressure.

The heartbeat is a precise 5 ms timer on the GUI thread; the gap between two beats is how
long the thread could not answer. On a shared machine the operating system also takes the
thread away, and that shows as a gap too, so each beat also records the GUI thread's own
CPU time: a long gap with little CPU in it was the scheduler, not the app. On Linux it also
records how long the thread waited for a core (``/proc/thread-self/schedstat``): with every
core busy, a long piece of work is cut into turns with the other threads.

Each scenario prints ``longest GUI block <scenario>: <ms> ms`` and, under it, the CPU the GUI
thread used in that gap (and how long it waited for a core there), the most it used between
any two beats, and how many beats had more than ``HEAVY_MS`` of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QEventLoop  # a benchmark's own loop; the app never needs one

from app.ui.common.qt import QElapsedTimer, Qt, QTimer

BEAT_MS = 5
HEAVY_MS = 10  # GUI-thread CPU between two beats that alone takes most of a 60 Hz frame

# One child process, one thread per core: hashing a large buffer releases the GIL, so the
# threads keep every core busy, as llama.cpp does while it generates. It stops by itself.
# With "background" it first takes the priority the window gives its engine
# (app/core/priority.py), as the llama.cpp it stands for would.
BUSY_CHILD = """
import hashlib, os, sys, threading, time
if sys.argv[2] == "background":
    from app.core.priority import run_in_background
    run_in_background()
end = time.monotonic() + float(sys.argv[1])
buf = os.urandom(1 << 20)
def spin():
    while time.monotonic() < end:
        hashlib.sha256(buf).digest()
threads = [threading.Thread(target=spin) for _ in range(os.cpu_count() or 2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
"""


class Beat(NamedTuple):
    """One gap between two beats, in ms."""

    gap: float
    cpu: float  # the GUI thread's own CPU time in it
    core: float | None  # how long it waited for a core in it (None: not known here)


class Heartbeat:
    """A 5 ms timer on the GUI thread; ``block()`` reports the longest gap since ``mark()``."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.beats: list[Beat] = []
        self._last = 0.0
        self._cpu = 0.0
        self._waited = waited_for_core()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(BEAT_MS)
        self.timer.timeout.connect(self._beat)

    def start(self) -> None:
        self.clock.start()
        self.mark()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def mark(self) -> None:
        """A scenario starts: forget earlier beats."""
        self.beats = []
        self._last = self.clock.nsecsElapsed() / 1e6
        self._cpu = time.thread_time() * 1000
        self._waited = waited_for_core()

    def _beat(self) -> None:
        now = self.clock.nsecsElapsed() / 1e6
        cpu = time.thread_time() * 1000
        waited = waited_for_core()
        core = None if waited is None or self._waited is None else waited - self._waited
        self.beats.append(Beat(now - self._last, cpu - self._cpu, core))
        self._last, self._cpu, self._waited = now, cpu, waited

    def report(self, scenario: str) -> float:
        """Print the scenario's lines; return the longest gap in ms."""
        self._beat()  # a block that is still running at the end counts too
        gap, cpu, waited = max(self.beats, key=lambda beat: beat.gap)
        most_cpu = max(beat.cpu for beat in self.beats)
        heavy = sum(beat.cpu > HEAVY_MS for beat in self.beats)
        waiting = "" if waited is None else f", waiting for a core {waited:.1f} ms"
        print(f"longest GUI block {scenario}: {gap:.1f} ms")
        print(
            f"    GUI-thread CPU in that gap {cpu:.1f} ms{waiting}; "
            f"most CPU between two beats {most_cpu:.1f} ms; "
            f"{heavy:,} of {len(self.beats):,} beats with over {HEAVY_MS} ms of CPU"
        )
        return gap


def run_for(ms: int) -> None:
    """Run the event loop for ``ms`` milliseconds."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def run_until(done: Callable[[], bool], timeout_s: float, poll_ms: int = 10) -> bool:
    """Run the event loop until ``done()``; False if ``timeout_s`` ran out first."""
    loop = QEventLoop()
    deadline = time.monotonic() + timeout_s

    def check() -> None:
        if done() or time.monotonic() > deadline:
            loop.quit()

    poll = QTimer()
    poll.setInterval(poll_ms)
    poll.timeout.connect(check)
    poll.start()
    check()
    if not done() and time.monotonic() <= deadline:
        loop.exec()
    poll.stop()
    return done()


def later(action: Callable[[], object]) -> None:
    """Run ``action`` from inside the event loop (so that the heartbeat sees it as a block)."""
    QTimer.singleShot(0, action)


@contextmanager
def cpu_pressure(seconds: float, *, background: bool = True) -> Iterator[subprocess.Popen[bytes]]:
    """Every core busy in another process for at most ``seconds`` (it stops by itself): by
    default at the priority of Ponder's engine; ``background=False``: another program's."""
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    mode = "background" if background else "normal"
    child = subprocess.Popen([sys.executable, "-c", BUSY_CHILD, str(seconds), mode], env=env)
    try:
        yield child
    finally:
        try:
            child.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            child.terminate()
            child.wait(timeout=10)


def waited_for_core() -> float | None:
    """Milliseconds this thread has waited for a core so far (Linux only; else None)."""
    try:
        with open("/proc/thread-self/schedstat") as stat:
            return int(stat.read().split()[1]) / 1e6
    except (OSError, ValueError, IndexError):
        return None


def cores() -> int:
    return os.cpu_count() or 1
