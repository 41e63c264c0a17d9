"""The UI's one way to run work off the GUI thread and have its answer on the GUI thread.

Modelled on Anki's ``QueryOp`` and napari's thread workers::

    tasks = Tasks(parent)
    tasks.run(work, on_done, on_error, owner=widget)

runs ``work()`` on a thread, then ``on_done(result)`` or ``on_error(exc)`` on the GUI thread
(a queued signal). Around that:

- a user's cancel (:meth:`Task.cancel`) is not an error: neither callback runs;
- a task with an ``owner`` answers only while the owner exists (a card removed meanwhile
  gets nothing);
- work runs at once, each piece on its own thread: a thread that finished its work waits a
  while (``WORKER_IDLE_S``) for the next piece, so giving work rarely starts a thread (a
  start makes the GUI thread wait until the new thread runs: a millisecond or more when
  every core is busy); ``Tasks(keep=n)`` starts ``n`` threads at once and keeps them
  waiting however long nothing comes, for work given in the middle of a frame (a chat
  opened after a pause);
- ``Tasks(ordered=True)`` is a lane: one thread runs the work one piece at a time, in the
  order given (the chat store's writes);
- :meth:`Tasks.relay` hands a callback to another thread's code (a download queue's
  events) so that it runs on the GUI thread;
- after :meth:`Tasks.shutdown`, or once the runner is destroyed, nothing more is delivered;
  shutdown lets the work already given finish and waits for its threads, so none outlives
  its window.

A failure with no ``on_error`` to take it, or after shutdown, is logged where it happened.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from app.ui.common.qt import QObject, Qt, Signal

log = logging.getLogger(__name__)
T = TypeVar("T")
Failed = Callable[[Exception], None]
WORKER_IDLE_S = 30.0  # how long a thread with nothing to do waits for more work


class Task(Generic[T]):
    """One piece of work given to :class:`Tasks`: cancel it, or wait until it has run."""

    def __init__(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None] | None,
        on_error: Failed | None,
        owner: QObject | None,
        name: str,
    ) -> None:
        self.name = name
        self.work = work
        self.on_done = on_done
        self.on_error = on_error
        self.owner = owner
        self._cancelled = False
        self._ran = threading.Event()
        #: What the work returned, or raised; set before :meth:`wait` returns (None if skipped).
        self.result: T | None = None
        self.error: Exception | None = None

    def cancel(self) -> None:
        """The answer is no longer wanted: neither callback runs (work not started is skipped)."""
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work has run; False if ``timeout`` ran out (tests, benchmarks, closing)."""
        return self._ran.wait(timeout)


def _exists(owner: QObject | None) -> bool:
    """Whether ``owner``'s Qt object is still there: PySide raises RuntimeError on any call
    once the C++ object is deleted (the binding's ``isValid`` without importing it here)."""
    if owner is None:
        return True
    try:
        owner.objectName()
    except RuntimeError:
        return False
    return True


class _Gate:
    """What worker threads and the GUI thread share: whether answers may still be delivered,
    and the work not yet run. A plain object, so it outlives the runner's Qt object."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.open = True
        self.pending: set[Task[Any]] = set()
        # Unordered work, queued for the waiting threads. Each piece queued has claimed one of
        # them (``idle`` counts the unclaimed), so none waits for a thread that leaves.
        self.work: queue.SimpleQueue[Task[Any] | None] = queue.SimpleQueue()
        self.workers = 0
        self.idle = 0

    def close(self, *_destroyed: object) -> None:
        """No more answers; the waiting threads leave once the work queued has run."""
        with self.lock:
            if self.open:
                for _ in range(self.workers):
                    self.work.put(None)
            self.open = False


class Tasks(QObject):
    """Runs work on threads (one per piece of work running, reused; or one lane when
    ``ordered``); answers on the GUI thread."""

    _answer = Signal(object, object, object)  # Task, result, error
    _relayed = Signal(object, object)  # callback, value

    def __init__(
        self, parent: QObject | None = None, *, ordered: bool = False, keep: int = 0, name: str = "task"
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.ordered = ordered
        self.keep = 0 if ordered else keep  # threads that stay waiting, however long idle
        self._gate = _Gate()
        self._threads: set[threading.Thread] = set()
        self._lane: queue.SimpleQueue[Task[Any] | None] = queue.SimpleQueue()
        self.idle_s = WORKER_IDLE_S
        self._answer.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._relayed.connect(self._call, Qt.ConnectionType.QueuedConnection)
        # Deleted with its parent before shutdown: worker threads must stop emitting on it.
        self.destroyed.connect(self._gate.close)
        with self._gate.lock:
            for _ in range(self.keep):
                self._gate.idle += 1
                self._add_worker()

    @property
    def busy(self) -> bool:
        """Whether some work has not finished yet."""
        with self._gate.lock:
            return bool(self._gate.pending)

    def run(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Failed | None = None,
        *,
        owner: QObject | None = None,
        name: str = "task",
    ) -> Task[T]:
        """Run ``work()`` off the GUI thread; ``on_done(result)`` or ``on_error(exc)`` follow on it.

        Once shut down, the work is not run and the returned task is already cancelled."""
        task = Task(work, on_done, on_error, owner, name)
        with self._gate.lock:
            if not self._gate.open:
                task.cancel()
                return task
            self._gate.pending.add(task)
            if self.ordered:
                self._lane.put(task)
                if not self._threads:
                    self._start(self._drain, self.name)
            else:
                gate = self._gate
                if gate.idle:
                    gate.idle -= 1
                else:
                    self._add_worker()
                gate.work.put(task)
        return task

    def relay(self, callback: Callable[[T], None]) -> Callable[[T], None]:
        """``callback`` made callable from any thread: each call runs it on the GUI thread,
        in the order of the calls, until shutdown."""

        def call(value: T) -> None:
            with self._gate.lock:
                if self._gate.open:
                    with contextlib.suppress(RuntimeError):  # deleted while being shut down
                        self._relayed.emit(callback, value)

        return call

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until the work given so far has run; False if ``timeout`` ran out.
        Never on a running GUI: for tests, and for closing."""
        with self._gate.lock:
            given = list(self._gate.pending)
        deadline = time.monotonic() + timeout
        return all(task.wait(max(0.0, deadline - time.monotonic())) for task in given)

    def shutdown(self, timeout: float = 5.0) -> bool:
        """Deliver nothing more; let the work given finish (a lane runs what is queued) and
        wait up to ``timeout`` seconds for the threads. False if some are still running."""
        with self._gate.lock:
            threads = list(self._threads)
            if self.ordered:
                self._lane.put(None)
        self._gate.close()
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in threads)

    # -- on worker threads ---------------------------------------------------------------
    def _add_worker(self) -> None:  # with the gate's lock held
        self._gate.workers += 1
        self._start(self._serve, self.name)

    def _start(self, target: Callable[[], None], name: str) -> None:  # with the gate's lock held
        def body() -> None:
            try:
                target()
            finally:
                with self._gate.lock:
                    self._threads.discard(threading.current_thread())

        thread = threading.Thread(target=body, name=f"ponder-{name}", daemon=True)
        self._threads.add(thread)
        thread.start()

    def _serve(self) -> None:
        """Run queued work until the runner closes, or until none came for ``idle_s`` seconds
        (unless this thread is one of the ``keep``)."""
        gate = self._gate
        while True:
            try:
                task = gate.work.get(timeout=self.idle_s)
            except queue.Empty:
                with gate.lock:
                    if gate.idle and gate.workers > self.keep:  # an unclaimed waiter: this one may go
                        gate.idle -= 1
                        gate.workers -= 1
                        return
                continue  # this thread was claimed just now: its work is on the way
            if task is None:
                return
            self._execute(task)
            with gate.lock:
                gate.idle += 1

    def _drain(self) -> None:
        while (task := self._lane.get()) is not None:
            self._execute(task)

    def _execute(self, task: Task[Any]) -> None:
        result: Any = None
        error: Exception | None = None
        if not task.cancelled:
            try:
                result = task.work()
            except Exception as exc:
                error = exc
        with self._gate.lock:
            self._gate.pending.discard(task)
            delivered = self._gate.open and not task.cancelled
            wanted = task.on_error if error is not None else task.on_done
            if delivered and wanted is not None:
                with contextlib.suppress(RuntimeError):  # deleted while being shut down
                    self._answer.emit(task, result, error)
        if error is not None and not task.cancelled and not (delivered and task.on_error is not None):
            log.error("background task %s failed: %r", task.name, error, exc_info=error)
        task.result, task.error = result, error
        task._ran.set()

    # -- on the GUI thread ---------------------------------------------------------------
    def _deliver(self, task: Task[Any], result: object, error: Exception | None) -> None:
        if not self._gate.open or task.cancelled or not _exists(task.owner):
            return
        if error is not None:
            if task.on_error is not None:
                task.on_error(error)
        elif task.on_done is not None:
            task.on_done(result)

    def _call(self, callback: Callable[[Any], None], value: object) -> None:
        if self._gate.open:
            callback(value)
