"""The store's writer thread as the GUI sees it: fire-and-forget writes, and jobs whose result
(or error) comes back to the GUI thread as a callback. Nothing here waits."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from app.core.store import ChatStore, StoreWorker
from app.ui.common.qt import QObject, Qt, Signal

T = TypeVar("T")
log = logging.getLogger(__name__)


class StoreJobs(QObject):
    failed = Signal(str)  # a write failed: what to tell the user
    _result = Signal(object, object, object)  # (ok, value), on_done, on_error

    def __init__(self, path: str | Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self._result.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._worker = StoreWorker(self.path, on_error=self._write_failed)
        self.closed = False

    def write(self, job: Callable[[ChatStore], object]) -> None:
        """Queue a write; a failure is reported through :attr:`failed`."""
        if not self.closed:
            self._worker.submit(job)

    def submit(self, job: Callable[[ChatStore], T]) -> Future[T] | None:
        """For :class:`~app.core.store.ReplyWriter`: queue ``job`` (dropped once closed)."""
        return None if self.closed else self._worker.submit(job)

    def run(
        self,
        job: Callable[[ChatStore], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``job`` on the writer thread; ``on_done(result)`` or ``on_error(exc)`` follow
        on the GUI thread. Errors go to ``on_error`` only, not to :attr:`failed`."""
        if self.closed:
            if on_error is not None:
                on_error(RuntimeError("the chat store is closed"))
            return

        def guarded(store: ChatStore) -> tuple[bool, Any]:
            try:
                return True, job(store)
            except Exception as exc:  # handed to on_error on the GUI thread
                if store.connection.in_transaction:
                    store.connection.execute("ROLLBACK")
                return False, exc

        def done(future: Future[tuple[bool, Any]]) -> None:
            exc = future.exception()
            self._result.emit((False, exc) if exc is not None else future.result(), on_done, on_error)

        self._worker.submit(guarded).add_done_callback(done)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait for every queued job (tests, and closing; never while the window runs)."""
        return self.closed or self._worker.flush(timeout)

    def close(self, timeout: float = 10.0) -> bool:
        if self.closed:
            return True
        self.closed = True
        return self._worker.close(timeout)

    # -- on the GUI thread -----------------------------------------------------------------
    def _deliver(self, outcome: tuple[bool, Any], on_done: Any, on_error: Any) -> None:
        ok, value = outcome
        if ok and on_done is not None:
            on_done(value)
        elif not ok:
            if on_error is not None:
                on_error(value)
            else:
                log.error("store job failed: %r", value)
                self.failed.emit(f"Saving chats failed: {value}")

    # -- on the writer thread --------------------------------------------------------------
    def _write_failed(self, exc: BaseException) -> None:
        log.error("chat store write failed: %r", exc)
        self.failed.emit(f"A change to your chats could not be saved: {exc}")
