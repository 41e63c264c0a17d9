"""Run slow work (the Hub, headers, files, the hardware probe) off the GUI thread.

A task is a plain function run on a Python thread; its result or exception comes back
as a queued signal, so the callbacks run on the GUI thread. After :meth:`shutdown`
nothing more is delivered, and the threads still running are joined briefly.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from app.ui.common.qt import QObject, Qt, Signal

log = logging.getLogger(__name__)
T = TypeVar("T")
Done = Callable[[Any], None]
Failed = Callable[[Exception], None]


class TaskRunner(QObject):
    _finished = Signal(object, object, object)  # (on_done, on_error), result, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._threads: set[threading.Thread] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._threads)

    def run(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Failed | None = None,
        *,
        name: str = "task",
    ) -> None:
        """Run ``work()`` on a thread; ``on_done(result)`` or ``on_error(exc)`` on the GUI thread."""
        with self._lock:
            if self._closed:
                return

        def body() -> None:
            result: Any = None
            error: Exception | None = None
            try:
                result = work()
            except Exception as exc:
                error = exc
            with self._lock:
                self._threads.discard(threading.current_thread())
                if self._closed:
                    return
                with contextlib.suppress(RuntimeError):  # the runner was deleted with its window
                    self._finished.emit((on_done, on_error), result, error)

        thread = threading.Thread(target=body, name=f"ponder-models-{name}", daemon=True)
        with self._lock:
            self._threads.add(thread)
        thread.start()

    def _deliver(self, callbacks: tuple[Done | None, Failed | None], result: object, error: object) -> None:
        if self._closed:
            return
        on_done, on_error = callbacks
        if isinstance(error, Exception):
            if on_error is not None:
                on_error(error)
            else:
                log.error("background task failed: %s", error, exc_info=error)
        elif on_done is not None:
            on_done(result)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Deliver nothing more; wait up to ``timeout`` seconds for running tasks."""
        with self._lock:
            self._closed = True
            threads = list(self._threads)
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
