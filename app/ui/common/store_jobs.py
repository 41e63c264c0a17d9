"""The chat store's writes as the GUI sees them: fire-and-forget writes, and jobs whose result
(or error) comes back to the GUI thread as a callback. Nothing here waits.

Every job runs on one ordered lane (:class:`~app.ui.common.tasks.Tasks`), which also opens
and closes the store's connection, so SQLite sees a single writer thread and the writes keep
their order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from app.core.store import ChatStore
from app.ui.common.i18n import tr
from app.ui.common.qt import QObject, Signal
from app.ui.common.tasks import Tasks

T = TypeVar("T")
log = logging.getLogger(__name__)


class StoreJobs(QObject):
    failed = Signal(str)  # a write failed: what to tell the user

    def __init__(self, path: str | Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.closed = False
        self._store: ChatStore | None = None
        self._open_error: Exception | None = None
        self._lane = Tasks(self, ordered=True, name="store-writer")
        self._lane.run(self._open, name="open")

    def write(self, job: Callable[[ChatStore], object]) -> None:
        """Queue a write; a failure is reported through :attr:`failed`."""
        if not self.closed:
            self._lane.run(partial(self._write, job), name="write")

    def submit(self, job: Callable[[ChatStore], object]) -> None:
        """For :class:`~app.core.store.ReplyWriter`: queue a write (dropped once closed)."""
        self.write(job)

    def run(
        self,
        job: Callable[[ChatStore], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``job`` in the lane; ``on_done(result)`` or ``on_error(exc)`` follow on the GUI
        thread. Errors go to ``on_error`` only, not to :attr:`failed`."""
        if self.closed:
            if on_error is not None:
                on_error(RuntimeError(tr("the chat store is closed")))
            return
        self._lane.run(partial(self._with_store, job), on_done, on_error or self._job_failed, name="job")

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait for every queued job (tests, and closing; never while the window runs)."""
        return self.closed or self._lane.flush(timeout)

    def close(self, timeout: float = 10.0) -> bool:
        """Run what is queued, close the connection and stop the lane."""
        if self.closed:
            return True
        self.closed = True
        self._lane.run(self._close, name="close")
        return self._lane.shutdown(timeout)

    # -- in the lane ---------------------------------------------------------------------------
    def _open(self) -> None:
        try:
            self._store = ChatStore(self.path)
        except Exception as exc:  # every job will fail with this error
            self._open_error = exc
            self._write_failed(exc)

    def _close(self) -> None:
        if self._store is not None:
            self._store.close()

    def _with_store(self, job: Callable[[ChatStore], T]) -> T:
        store = self._store
        if store is None:
            raise RuntimeError(f"could not open {self.path}: {self._open_error!r}")
        try:
            return job(store)
        except BaseException:
            if store.connection.in_transaction:
                store.connection.execute("ROLLBACK")
            raise

    def _write(self, job: Callable[[ChatStore], object]) -> None:
        try:
            self._with_store(job)
        except Exception as exc:
            self._write_failed(exc)

    def _write_failed(self, exc: BaseException) -> None:
        # Emitted from the lane: Qt queues it to the receivers' thread. Not an answer through
        # the lane, because writes drained while closing must still be reported.
        log.error("chat store write failed: %r", exc)
        self.failed.emit(tr("A change to your chats could not be saved: {reason}").format(reason=exc))

    # -- on the GUI thread ---------------------------------------------------------------------
    def _job_failed(self, exc: BaseException) -> None:
        log.error("store job failed: %r", exc)
        self.failed.emit(tr("Saving chats failed: {reason}").format(reason=exc))
