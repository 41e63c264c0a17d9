"""Writes off the GUI thread: a worker thread that owns the store, and a delta batcher.

``StoreWorker`` runs every write on its own thread with its own connection; ``submit`` only
puts a job on a queue, so it never blocks the caller. ``ReplyWriter`` collects streamed
text and hands it to a worker (or a store) at most every ``interval`` seconds, so a crash
loses at most that much of a reply.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from app.core.chat.messages import Message
from app.core.store.chats import ChatStore

T = TypeVar("T")
Job = Callable[[ChatStore], Any]
Submit = Callable[[Job], object]

log = logging.getLogger(__name__)


class StoreWorker:
    """A daemon thread that opens ``ChatStore(path)`` and runs submitted jobs in order."""

    def __init__(
        self,
        path: str | Path,
        *,
        on_error: Callable[[BaseException], None] | None = None,
        name: str = "ponder-store-writer",
    ) -> None:
        self.path = Path(path)
        self._on_error = on_error
        self._queue: queue.SimpleQueue[tuple[Job, Future[Any]] | None] = queue.SimpleQueue()
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[ChatStore], T]) -> Future[T]:
        """Queue ``job(store)`` to run on the worker thread; returns at once.

        The future carries the result or the exception. Callbacks added to it run on the
        worker thread: a GUI should only emit a signal from them.
        """
        future: Future[T] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("StoreWorker is closed")
            self._queue.put((job, future))
        return future

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every job submitted so far has run; False if ``timeout`` ran out."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("flush() called from a store job would wait for itself")
        try:
            self.submit(lambda _store: None).result(timeout)
        except TimeoutError:
            return False
        except RuntimeError:
            # Closed: everything was drained by close() unless the thread is still going.
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def close(self, timeout: float | None = 10.0) -> bool:
        """Run what is queued, close the connection and stop; False if still busy at timeout."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._queue.put(None)
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _report(self, exc: BaseException) -> None:
        if self._on_error is not None:
            try:
                self._on_error(exc)
            except Exception:  # an error handler must not kill the writer
                log.exception("store on_error handler failed")
        else:
            log.error("store job failed: %r", exc)

    def _run(self) -> None:
        store: ChatStore | None = None
        open_error: BaseException | None = None
        try:
            store = ChatStore(self.path)
        except Exception as exc:  # every job will fail with this error
            open_error = exc
            self._report(exc)
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    break
                job, future = item
                if not future.set_running_or_notify_cancel():
                    continue
                if store is None:
                    future.set_exception(RuntimeError(f"could not open {self.path}: {open_error!r}"))
                    continue
                try:
                    result = job(store)
                except BaseException as exc:
                    if store.connection.in_transaction:
                        store.connection.execute("ROLLBACK")
                    future.set_exception(exc)
                    self._report(exc)
                else:
                    future.set_result(result)
        finally:
            if store is not None:
                store.close()


class ReplyWriter:
    """Batch a streaming reply's deltas and write them every ``interval`` seconds.

    Use it from one thread (the one that receives tokens, e.g. the GUI thread). ``submit``
    is ``StoreWorker.submit`` (asynchronous) or ``ChatStore.run`` (synchronous). Call
    :meth:`tick` from a timer so text is saved even when the stream pauses.
    """

    def __init__(
        self,
        submit: Submit,
        message_id: str,
        *,
        interval: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.message_id = message_id
        self.interval = interval
        self._submit = submit
        self._clock = clock
        self._thinking: list[str] = []
        self._answer: list[str] = []
        self._last_flush = clock()
        self._finished = False
        self.flushes = 0

    @classmethod
    def begin(
        cls,
        submit: Submit,
        chat_id: str,
        reply: Message,
        *,
        interval: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> ReplyWriter:
        """Submit ``begin_reply`` for ``reply`` (its id is known up front) and return a writer."""
        first = replace(reply)
        submit(lambda store: store.begin_reply(chat_id, first))
        return cls(submit, reply.id, interval=interval, clock=clock)

    @property
    def pending(self) -> bool:
        return bool(self._thinking or self._answer)

    def add(self, thinking: str = "", answer: str = "") -> bool:
        """Record a delta; writes the batch if ``interval`` has passed. True if it wrote."""
        if self._finished:
            raise RuntimeError("reply already finished")
        if thinking:
            self._thinking.append(thinking)
        if answer:
            self._answer.append(answer)
        return self.tick()

    def tick(self) -> bool:
        """Write the batch if there is one and ``interval`` has passed since the last write."""
        if self.pending and self._clock() - self._last_flush >= self.interval:
            return self.flush()
        return False

    def flush(self) -> bool:
        """Write the batch now. True if there was something to write."""
        if not self.pending:
            return False
        thinking, answer = "".join(self._thinking), "".join(self._answer)
        self._thinking.clear()
        self._answer.clear()
        message_id = self.message_id
        self._submit(lambda store: store.append_reply(message_id, thinking, answer))
        self._last_flush = self._clock()
        self.flushes += 1
        return True

    def rewrite(self, message: Message) -> None:
        """Replace the saved text with ``message``'s whole text (the budget cut the reasoning);
        the reply goes on streaming. Pending deltas are dropped: ``message`` holds them."""
        if self._finished:
            raise RuntimeError("reply already finished")
        self._thinking.clear()
        self._answer.clear()
        state = replace(message, id=self.message_id)
        self._submit(lambda store: store.update_message(state))
        self._last_flush = self._clock()

    def finish(self, message: Message) -> None:
        """Write the final state (full text, stats, finish reason); pending deltas are dropped
        because ``message`` already holds the whole text."""
        self._thinking.clear()
        self._answer.clear()
        self._finished = True
        message_id, final = self.message_id, replace(message)  # a copy the caller cannot change
        self._submit(lambda store: store.finish_reply(message_id, final))
