"""Progress reports and the pause/cancel switch of a download.

Qt-free: the progress callback and the control are plain Python, called and checked
on the download's own thread; the GUI turns them into signals and button clicks.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from app.core.hub.errors import DownloadStopped

__all__ = ["DownloadControl", "Meter", "Phase", "Progress", "ProgressCallback"]

Phase = Literal["checking", "downloading", "verifying", "done"]


@dataclass(frozen=True, slots=True)
class Progress:
    done: int  # bytes of the whole download (all parts) on disk and checked
    total: int | None
    speed: float  # bytes/s over the last few seconds of network transfer
    eta: float | None  # seconds
    file: str
    file_index: int  # 0-based, among file_count
    file_count: int
    phase: Phase

    @property
    def fraction(self) -> float | None:
        return self.done / self.total if self.total else None


ProgressCallback = Callable[[Progress], None]


class DownloadControl:
    """Pause and cancel flags, checked between chunks and during retry waits."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._cancel = False

    def pause(self) -> None:
        self._stop.set()

    def cancel(self) -> None:
        self._cancel = True
        self._stop.set()

    def reset(self) -> None:
        self._cancel = False
        self._stop.clear()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def check(self) -> None:
        if self._stop.is_set():
            raise DownloadStopped(cancelled=self._cancel)

    def wait(self, seconds: float) -> None:
        """Sleep, waking early (and raising DownloadStopped) on pause or cancel."""
        if self._stop.wait(seconds):
            self.check()


class Meter:
    """Turns byte counts into throttled Progress events with speed and ETA."""

    WINDOW = 5.0

    def __init__(self, callback: ProgressCallback | None, count: int, interval: float) -> None:
        self.callback = callback
        self.count = count
        self.interval = interval
        self.total: int | None = None
        self.base = 0  # bytes of the files before the current one
        self.file = ""
        self.index = 0
        self._samples: deque[tuple[float, int]] = deque()
        self._downloaded = 0
        self._last_emit = 0.0

    def start_file(self, index: int, name: str) -> None:
        self.index, self.file = index, name

    def add_network(self, n: int) -> None:
        self._downloaded += n
        now = time.monotonic()
        self._samples.append((now, self._downloaded))
        while len(self._samples) > 2 and now - self._samples[0][0] > self.WINDOW:
            self._samples.popleft()

    def speed(self) -> float:
        if len(self._samples) < 2:
            return 0.0
        (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0

    def emit(self, in_file: int, phase: Phase, *, force: bool = False) -> None:
        now = time.monotonic()
        if self.callback is None or (not force and now - self._last_emit < self.interval):
            return
        self._last_emit = now
        done = self.base + in_file
        speed = self.speed() if phase == "downloading" else 0.0
        eta = (self.total - done) / speed if speed > 0 and self.total is not None else None
        self.callback(Progress(done, self.total, speed, eta, self.file, self.index, self.count, phase))
