"""The window and its server (Settings ▸ Server) share one engine: each reply waits its turn.

A real engine, the real ``openai`` client against the window's own server, the runaway scripted
model (it never closes its reasoning, so a budget decides how long a reply runs). While the
other side asks, the engine's process is paused: the reply that holds the engine cannot end
before, however fast this machine is.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import openai
import pytest

from app.core.store.settings import ModelLoad
from app.engine.local.engine import LocalEngine
from app.engine.protocol import Event, ReplyFinished, ReplyStarted
from app.testkit.scripted_model import ScriptedModel
from app.ui.common.qt import Qt
from app.ui.main_window import MainWindow
from tests.ui.driver import WAIT_MS, load, replies, send, wait_idle

WAITING = "Waiting for the server's reply…"
LONG_BUDGET = 1000  # reasoning tokens of the reply that holds the engine while the other side asks
N_CTX = 4096  # room for that reasoning and the answer's reserve


@dataclass
class Recorder:
    """The engine's events in the order the engine sent them (on the engine's thread)."""

    events: list[Event] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, event: Event) -> None:
        with self.lock:
            self.events.append(event)

    def index(self, kind: type, request_id: int) -> int:
        """Where the event is, once recorded: the engine's thread hands it to the window and the
        server before it reaches this recorder."""
        deadline = time.monotonic() + WAIT_MS / 1000
        while True:
            with self.lock:
                found = next(
                    (
                        i
                        for i, e in enumerate(self.events)
                        if isinstance(e, kind) and getattr(e, "request_id", None) == request_id
                    ),
                    None,
                )
            if found is not None:
                return found
            assert time.monotonic() < deadline, f"no {kind.__name__} for request {request_id}"
            time.sleep(0.01)

    def request_ids(self) -> list[int]:
        """The request ids of the replies that started, in order."""
        with self.lock:
            return [e.request_id for e in self.events if isinstance(e, ReplyStarted)]


@dataclass
class ServerCall:
    """One chat request to the window's server, run on a thread of its own."""

    url: str
    model: str
    kwargs: dict[str, Any]
    first_reasoning: threading.Event = field(default_factory=threading.Event)
    reasoning: str = ""
    content: str = ""
    failure: BaseException | None = None
    thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="test-openai-client")
        self.thread.start()

    def join(self) -> None:
        assert self.thread is not None
        self.thread.join(WAIT_MS / 1000)
        assert not self.thread.is_alive()
        if self.failure is not None:
            raise self.failure

    def _run(self) -> None:
        try:
            with openai.OpenAI(base_url=self.url, api_key="unused", max_retries=0, timeout=120) as client:
                stream = client.chat.completions.create(
                    model=self.model, messages=[{"role": "user", "content": "Hi"}], stream=True, **self.kwargs
                )
                for chunk in stream:
                    if not chunk.choices:
                        continue
                    delta = chunk.choices[0].delta
                    self.reasoning += getattr(delta, "reasoning_content", None) or ""
                    self.content += delta.content or ""
                    if self.reasoning:
                        self.first_reasoning.set()
        except BaseException as exc:  # re-raised on the test's thread by join()
            self.failure = exc
        finally:
            self.first_reasoning.set()


@pytest.fixture
def served(qtbot: Any, window: MainWindow, runaway_model: ScriptedModel) -> Iterator[tuple[str, Recorder]]:
    """The runaway model loaded in the window and served by it; the engine's events recorded."""
    window.prefs.set_default_load(ModelLoad(n_ctx=N_CTX, n_gpu_layers=0))
    recorder = Recorder()
    window.bridge.arrived.connect(recorder, Qt.ConnectionType.DirectConnection)
    load(qtbot, window, runaway_model)
    window.server.serve(0)
    qtbot.waitUntil(lambda: bool(window.server.url), timeout=WAIT_MS)
    yield window.server.url, recorder
    window.bridge.arrived.disconnect(recorder)


@contextmanager
def paused(window: MainWindow) -> Iterator[None]:
    """The engine's process stopped (SIGSTOP) inside the block: its reply goes on afterwards."""
    engine = window.bridge.engine
    assert isinstance(engine, LocalEngine) and engine.pid is not None
    os.kill(engine.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(engine.pid, signal.SIGCONT)


def server_call(url: str, model: ScriptedModel, **kwargs: Any) -> ServerCall:
    return ServerCall(url, model.path.stem, kwargs)


def test_a_window_reply_waits_for_the_server_reply_then_answers(
    qtbot: Any, window: MainWindow, runaway_model: ScriptedModel, served: tuple[str, Recorder]
) -> None:
    url, recorder = served
    call = server_call(url, runaway_model, extra_body={"thinking_budget": LONG_BUDGET})
    call.start()
    call.first_reasoning.wait(WAIT_MS / 1000)
    window.composer.budget.set_value(256)
    with paused(window):
        send(qtbot, window, "Hello while the server answers.", wait=False)
        (reply,) = replies(window)
        assert reply.status.text() == WAITING and reply.status.isVisible()
        assert window.bridge.turns.waiting == 1
    wait_idle(qtbot, window)
    call.join()

    answer = runaway_model.script.answer_text
    assert call.content == answer and call.reasoning  # the server's reply ran in full
    assert reply.message is not None and reply.message.finish_reason == "stop"
    assert reply.answer.toPlainText() == answer
    assert WAITING not in reply.status.text()
    server_rid, window_rid = recorder.request_ids()
    assert recorder.index(ReplyFinished, server_rid) < recorder.index(ReplyStarted, window_rid)
    assert not window.bridge.turns.held and window.bridge.turns.waiting == 0


def test_a_server_request_waits_for_the_window_reply(
    qtbot: Any, window: MainWindow, runaway_model: ScriptedModel, served: tuple[str, Recorder]
) -> None:
    url, recorder = served
    window.composer.budget.set_value(LONG_BUDGET)
    send(qtbot, window, "Think for a while.", wait=False)
    (reply,) = replies(window)
    qtbot.waitUntil(lambda: reply.message is not None and bool(reply.message.thinking), timeout=WAIT_MS)
    call = server_call(url, runaway_model, extra_body={"thinking_budget": 10})
    with paused(window):
        call.start()
        qtbot.waitUntil(lambda: window.bridge.turns.waiting == 1, timeout=WAIT_MS)  # the server's, in line
        assert window.controller.generating
    wait_idle(qtbot, window)
    call.join()

    answer = runaway_model.script.answer_text
    assert reply.message is not None and reply.message.finish_reason == "stop"
    assert reply.answer.toPlainText() == answer
    assert call.content == answer and call.reasoning
    window_rid, server_rid = recorder.request_ids()
    assert recorder.index(ReplyFinished, window_rid) < recorder.index(ReplyStarted, server_rid)


def test_stop_withdraws_a_waiting_window_reply_and_the_server_reply_goes_on(
    qtbot: Any, window: MainWindow, runaway_model: ScriptedModel, served: tuple[str, Recorder]
) -> None:
    url, recorder = served
    call = server_call(url, runaway_model, extra_body={"thinking_budget": LONG_BUDGET})
    call.start()
    call.first_reasoning.wait(WAIT_MS / 1000)
    window.composer.budget.set_value(256)
    with paused(window):
        send(qtbot, window, "Never mind.", wait=False)
        (reply,) = replies(window)
        assert reply.status.text() == WAITING
        button = window.composer.send_button
        assert button.accessibleName() == "Stop"
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert not window.controller.generating  # at once: nothing ran on the engine for it
        assert reply.message is not None and reply.message.finish_reason == "cancelled"
        assert reply.stats.text().startswith("Stopped")
        assert window.bridge.turns.waiting == 0
    call.join()

    assert call.content == runaway_model.script.answer_text  # the server's reply was not stopped
    (server_rid,) = recorder.request_ids()
    finished = recorder.events[recorder.index(ReplyFinished, server_rid)]
    assert isinstance(finished, ReplyFinished) and finished.finish_reason == "stop"
    send(qtbot, window, "Now then.")  # the engine is free again: the window answers at once
    assert replies(window)[-1].answer.toPlainText() == runaway_model.script.answer_text
