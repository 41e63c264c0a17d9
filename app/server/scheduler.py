"""One engine, many clients: replies run one at a time, in the order they were asked for.

A :class:`ReplyQueue` owns a worker thread that starts each waiting reply on the engine and
hands that reply's events to its :class:`Ticket`, which the HTTP handler reads. Beyond
``max_waiting`` waiting replies a submit is refused (:class:`QueueFull`: the client is told to
retry). A reply whose client is gone is cancelled, waiting or running, and the next one starts.

The engine may be shared with the window: both take turns on it through one
:class:`~app.engine.turns.EngineTurns`, so a reply the window started runs to its end before
the queue's next one starts, and a window reply asked for while the queue's reply runs starts
right after that one (before the queue's next). Events reach the worker through an
:class:`EventSource`: the engine's own queue (``ponder serve``) or events handed over by
whoever holds the engine's callback (the window).
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections import deque
from typing import Protocol

from app.engine.base import Engine
from app.engine.protocol import EngineError, Event, GenerateRequest, ReplyFinished
from app.engine.turns import EngineTurns, Turn

__all__ = ["EngineEvents", "EventSource", "FedEvents", "QueueFull", "ReplyQueue", "Ticket"]

_POLL_S = 0.25  # how often a worker waiting for events looks whether the engine is still there
_TURN_POLL_S = 0.05  # how often a worker waiting for its turn looks whether its client is still there


class EventSource(Protocol):
    def next(self, timeout: float) -> Event | None:
        """The engine's next event, or None after ``timeout`` seconds without one."""


class EngineEvents:
    """The events of an engine made without a callback (``Engine.events``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def next(self, timeout: float) -> Event | None:
        try:
            return next(self._engine.events(timeout))
        except TimeoutError:
            return None


class FedEvents:
    """Events handed over by the owner of the engine's callback (call :meth:`put` for each)."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Event] = queue.SimpleQueue()

    def put(self, event: Event) -> None:
        self._queue.put(event)

    def next(self, timeout: float) -> Event | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None


class QueueFull(Exception):
    """Too many replies wait already; ``retry_after`` is a guess in whole seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"{retry_after}")
        self.retry_after = retry_after


class Ticket:
    """One reply's place in the queue; its events arrive on :attr:`events`, the last one a
    ``ReplyFinished`` or an ``EngineError``."""

    def __init__(self, request: GenerateRequest) -> None:
        self.request = request
        self.events: queue.SimpleQueue[Event] = queue.SimpleQueue()
        self.request_id = 0
        self.cancelled = False
        self.done = False  # its last event was handed over


class ReplyQueue:
    """Replies on one engine, one at a time, in the order submitted (see the module's notes)."""

    def __init__(
        self,
        engine: Engine,
        source: EventSource,
        max_waiting: int = 16,
        turns: EngineTurns | None = None,
    ) -> None:
        self._engine = engine
        self._source = source
        self.max_waiting = max_waiting
        self._turns = turns or EngineTurns()  # shared with the window when it serves its engine
        self._holding = False  # one of the queue's replies has the engine's turn
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._waiting: deque[Ticket] = deque()
        self._current: Ticket | None = None
        self._closed = False
        self._reply_s = 5.0  # running average of a reply's duration, for Retry-After
        self._thread = threading.Thread(target=self._run, name="ponder-server-replies", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    @property
    def active(self) -> bool:
        """Whether a reply of the queue has the engine (being started or run): the worker reads
        events only then."""
        return self._holding

    def submit(self, request: GenerateRequest) -> Ticket:
        ticket = Ticket(request)
        with self._lock:
            if self._closed:
                ticket.events.put(EngineError("closed", "The server is shutting down."))
                return ticket
            if len(self._waiting) >= self.max_waiting:
                raise QueueFull(max(1, math.ceil(self._reply_s * len(self._waiting) / 2)))
            self._waiting.append(ticket)
            self._wake.notify()
        return ticket

    def cancel(self, ticket: Ticket) -> None:
        """The client is gone: drop the reply if it waits, stop it after this token if it runs."""
        with self._lock:
            ticket.cancelled = True
            if ticket in self._waiting:
                self._waiting.remove(ticket)
            elif ticket is self._current and ticket.request_id and not ticket.done:
                self._engine.cancel()

    def close(self, timeout: float = 5.0) -> None:
        """Fail every waiting reply, stop the running one and end the worker."""
        with self._lock:
            self._closed = True
            for ticket in self._waiting:
                ticket.events.put(EngineError("closed", "The server is shutting down."))
            self._waiting.clear()
            if self._current is not None and self._current.request_id:
                self._engine.cancel()
            self._wake.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)

    # -- the worker ----------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._waiting and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                ticket = self._current = self._waiting.popleft()
            started = time.monotonic()
            try:
                turn = self._take_turn(ticket)
                if turn is not None:
                    self._holding = True
                    try:
                        if self._start(ticket):
                            self._relay(ticket)
                    finally:
                        self._holding = False
                        self._turns.done(turn)
            finally:
                with self._lock:
                    self._current = None
                self._reply_s = 0.8 * self._reply_s + 0.2 * (time.monotonic() - started)

    def _take_turn(self, ticket: Ticket) -> Turn | None:
        """Wait until the engine is the queue's (a window reply may hold it); None when the
        client left or the server closes first."""
        turn = self._turns.ask()
        while not turn.wait(_TURN_POLL_S):
            if self._closed or ticket.cancelled:
                self._turns.done(turn)  # granted meanwhile or not: the next in line goes on
                if self._closed:
                    self._last(ticket, EngineError("closed", "The server is shutting down."))
                return None
        return turn

    def _start(self, ticket: Ticket) -> bool:
        """Start the ticket's reply once the engine is free; False when it never will be."""
        while True:
            if self._closed:
                self._last(ticket, EngineError("closed", "The server is shutting down."))
                return False
            if not self._engine.alive:
                self._last(ticket, EngineError("crash", "The engine is not running."))
                return False
            if self._engine.busy:  # a reply started outside the turns (the engine called directly)
                self._source.next(0.05)
                continue
            with self._lock:  # with cancel(): a cancel lands either before the start or on it
                if ticket.cancelled:
                    return False
                ticket.request_id = self._engine.generate(ticket.request)
            if ticket.request_id:
                return True
            if not self._engine.busy and self._engine.alive:
                self._last(ticket, EngineError("generate", "The engine refused the reply."))
                return False

    def _relay(self, ticket: Ticket) -> None:
        while True:
            event = self._source.next(_POLL_S)
            if event is None:
                if not self._engine.alive:
                    self._last(ticket, EngineError("crash", "The engine stopped."))
                    return
                continue
            ours = getattr(event, "request_id", None) == ticket.request_id
            if isinstance(event, EngineError):
                if event.kind == "busy" or not (ours or event.kind == "crash"):
                    continue
                self._last(ticket, event)
                return
            if not ours:
                continue
            if isinstance(event, ReplyFinished):
                self._last(ticket, event)
                return
            ticket.events.put(event)

    def _last(self, ticket: Ticket, event: Event) -> None:
        with self._lock:  # a cancel from now on must not reach the engine: its next reply is not this one
            ticket.done = True
            ticket.events.put(event)
