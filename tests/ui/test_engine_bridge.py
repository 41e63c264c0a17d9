"""The engine's events on their way to the window: in order, on the GUI thread, and a window
that was busy for a moment takes the tokens that came meanwhile in one step."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from app.engine.protocol import EngineError, Event, PromptProgress, ReplyFinished, TextDelta
from app.ui.common.bridge import EngineBridge
from app.ui.common.qt import Qt, QTimer


@pytest.fixture
def bridge(qapp: Any) -> Iterator[EngineBridge]:
    made = EngineBridge()
    yield made
    made.close()


class Seen:
    """What a receiver got, and on which threads."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.threads: set[str] = set()

    def __call__(self, event: Event) -> None:
        self.threads.add(threading.current_thread().name)
        self.events.append(event)


def test_a_busy_window_takes_the_tokens_that_came_meanwhile_in_one_step(
    qtbot: Any, bridge: EngineBridge
) -> None:
    arrived, received = Seen(), Seen()
    bridge.arrived.connect(arrived, Qt.ConnectionType.DirectConnection)
    bridge.received.connect(received)
    thinking = [f"step {i}, " for i in range(300)]
    answer = [f"word{i} " for i in range(200)]
    sent: list[Event] = [PromptProgress(40, 0, 5)]
    sent += [TextDelta("thinking", piece, i, 5) for i, piece in enumerate(thinking, 1)]
    sent += [TextDelta("answer", piece, len(thinking), 5) for piece in answer]
    sent.append(ReplyFinished("".join(thinking), "".join(answer), "stop", False, True, request_id=5))

    # An engine's reader thread delivers a whole reply while the GUI thread is busy (joining it).
    def reader() -> None:
        for event in sent:
            bridge._from_engine(event)

    engine = threading.Thread(target=reader, name="engine-reader")
    engine.start()
    engine.join()
    assert received.events == []  # nothing reaches the window behind its back
    qtbot.waitUntil(lambda: len(received.events) == 4, timeout=5000)
    qtbot.wait(50)

    assert arrived.events == sent and arrived.threads == {"engine-reader"}
    assert received.threads == {threading.main_thread().name}
    assert received.events == [
        sent[0],
        TextDelta("thinking", "".join(thinking), len(thinking), 5),
        TextDelta("answer", "".join(answer), len(thinking), 5),
        sent[-1],
    ]


def test_an_event_raised_on_the_gui_thread_arrives_after_the_call_returns(
    qtbot: Any, bridge: EngineBridge
) -> None:
    received = Seen()
    bridge.received.connect(received)
    bridge._from_engine(EngineError("load", "not a model"))  # as an engine refusing a request
    assert received.events == []
    qtbot.waitUntil(lambda: len(received.events) == 1, timeout=5000)
    assert received.events == [EngineError("load", "not a model")]


def test_after_close_nothing_more_is_delivered(qtbot: Any, bridge: EngineBridge) -> None:
    received = Seen()
    bridge.received.connect(received)
    bridge._from_engine(TextDelta("answer", "late", 0, 1))
    bridge.close()
    qtbot.wait(50)
    assert received.events == []


def test_events_that_come_while_the_window_handles_others_wait_for_a_later_turn(
    qtbot: Any, bridge: EngineBridge
) -> None:
    """However fast an engine sends, the window paints and takes input between its events."""
    order: list[str] = []

    def handle(event: Event) -> None:
        assert isinstance(event, TextDelta)
        order.append(event.text)
        if event.text == "0":
            QTimer.singleShot(0, lambda: order.append("another turn"))
        sent = int(event.text) + 1
        if sent < 6:  # the engine sends the next one meanwhile (another reply's: not joined)
            bridge._from_engine(TextDelta("answer", str(sent), 0, sent))

    bridge.received.connect(handle)
    bridge._from_engine(TextDelta("answer", "0", 0, 100))
    qtbot.waitUntil(lambda: "5" in order, timeout=5000)
    qtbot.wait(20)
    assert order.index("another turn") < order.index("2")
    assert [o for o in order if o != "another turn"] == ["0", "1", "2", "3", "4", "5"]
