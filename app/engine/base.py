"""One interface for "an engine": what the window, the CLI and the server talk to.

An engine loads a model, generates replies as a stream of events, cancels, unloads and
says what it is (:meth:`Engine.describe`). The local llama.cpp child process is one
implementation; a server over HTTP is another. Implementations call :meth:`Engine._dispatch`
for every event, from whatever thread they read it on; events then go to the callback given
at construction (the window wraps it in a Qt signal) or to a queue that :meth:`events` reads
(the CLI, the server, tests).
"""

from __future__ import annotations

import queue
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from app.engine.protocol import (
    EngineError,
    Event,
    GenerateRequest,
    LoadRequest,
    ModelLoaded,
    ReplyFinished,
    Unloaded,
)


@dataclass(frozen=True, slots=True)
class EngineInfo:
    """What an engine is and can do, for the model picker, ``--version`` and ``--json``."""

    kind: str  # "local" or "remote"
    backends: tuple[str, ...] = ()  # e.g. ("CUDA", "CPU"), or the server's software
    gpu_offload: bool | None = None  # None: cannot be told
    model: str | None = None  # the loaded model's path or id
    thinking_support: str | None = None  # "hybrid", "always", "never"; None: nothing loaded
    details: dict[str, object] = field(default_factory=dict)  # what the model load reported


class EngineFailure(RuntimeError):
    """An :class:`EngineError` raised by the synchronous helpers."""

    def __init__(self, error: EngineError) -> None:
        super().__init__(error.message)
        self.error = error


class Engine(ABC):
    """Load, generate, cancel, unload, describe; results arrive as events."""

    def __init__(self, on_event: Callable[[Event], None] | None = None) -> None:
        self._on_event = on_event
        self._queue: queue.Queue[Event] = queue.Queue()
        self.busy = False  # a reply is being generated
        self.loaded: ModelLoaded | None = None

    # -- what every engine does ------------------------------------------------------
    @property
    @abstractmethod
    def alive(self) -> bool:
        """Whether the engine can take requests now (process running, server reachable)."""

    @abstractmethod
    def load(self, request: LoadRequest) -> None:
        """Ask for a model; ``ModelLoaded`` or an ``EngineError("load")`` follows."""

    @abstractmethod
    def generate(self, request: GenerateRequest) -> int:
        """Start a reply; returns its request id (its events carry it), 0 when refused."""

    @abstractmethod
    def cancel(self) -> None:
        """Stop the current reply (or load) after the token being computed."""

    @abstractmethod
    def answer_now(self) -> None:
        """End the current reply's reasoning cleanly now (cut reason "user"); the answer follows."""

    @abstractmethod
    def unload(self) -> None:
        """Free the model; ``Unloaded`` follows."""

    @abstractmethod
    def close(self, timeout: float = 5.0) -> None:
        """Release everything (process, connections); safe to call twice."""

    @abstractmethod
    def describe(self) -> EngineInfo:
        """What this engine is and, once a model is loaded, what the model can do."""

    def restart(self) -> None:
        self.close()

    # -- events ----------------------------------------------------------------------
    def _dispatch(self, event: Event) -> None:
        if isinstance(event, ReplyFinished) or (isinstance(event, EngineError) and event.kind != "busy"):
            self.busy = False
        if isinstance(event, ModelLoaded):
            self.loaded = event
        elif isinstance(event, Unloaded):
            self.loaded = None
        if self._on_event is not None:
            self._on_event(event)
        else:
            self._queue.put(event)

    def events(self, timeout: float | None = None) -> Iterator[Event]:
        """Events in arrival order (only without an ``on_event`` callback)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                yield self._queue.get(timeout=remaining)
            except queue.Empty:
                raise TimeoutError("the engine did not answer in time") from None

    # -- synchronous helpers (CLI, server, tests, self-test) ---------------------------
    def load_sync(self, request: LoadRequest, timeout: float = 600.0) -> ModelLoaded:
        self.load(request)
        for event in self.events(timeout):
            if isinstance(event, ModelLoaded):
                return event
            if isinstance(event, EngineError):
                raise EngineFailure(event)
        raise AssertionError("unreachable")

    def generate_sync(
        self,
        request: GenerateRequest,
        on_event: Callable[[Event], None] | None = None,
        timeout: float = 3600.0,
    ) -> ReplyFinished:
        rid = self.generate(request)
        for event in self.events(timeout):
            if on_event is not None:
                on_event(event)
            if isinstance(event, ReplyFinished) and event.request_id == rid:
                return event
            if isinstance(event, EngineError) and event.kind != "busy":
                raise EngineFailure(event)
        raise AssertionError("unreachable")
