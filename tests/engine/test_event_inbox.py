"""The engine's events on their way to the window: in order, a run of text deltas taken as one."""

from __future__ import annotations

import threading

from app.engine.inbox import EventInbox
from app.engine.protocol import Event, PromptProgress, ReplyFinished, TextDelta, ThinkingCut


def finished(request_id: int) -> ReplyFinished:
    return ReplyFinished("", "", "stop", False, True, request_id=request_id)


def test_a_run_of_deltas_is_taken_as_one_and_nothing_else_is_joined() -> None:
    inbox = EventInbox()
    events: list[Event] = [
        PromptProgress(40, 0, 1),
        TextDelta("thinking", "Let ", 1, 1),
        TextDelta("thinking", "me ", 2, 1),
        TextDelta("thinking", "see.", 3, 1),
        ThinkingCut("Let me see.", 3, 1, "budget"),
        TextDelta("answer", "Hi", 3, 1),
        TextDelta("answer", "!", 3, 1),
        TextDelta("answer", "Other", 0, 2),  # another reply's
        TextDelta("thinking", "More", 4, 2),
        finished(2),
    ]
    woken = [inbox.put(event) for event in events]
    assert woken == [True] + [False] * (len(events) - 1)
    assert len(inbox) == 7  # a run of deltas waits as one
    taken = []
    while (event := inbox.take()) is not None:
        taken.append(event)
    assert taken == [
        events[0],
        TextDelta("thinking", "Let me see.", 3, 1),
        events[4],
        TextDelta("answer", "Hi!", 3, 1),
        events[7],
        events[8],
        events[9],
    ]
    assert len(inbox) == 0
    assert inbox.put(finished(3))  # empty again: the reader must be woken again


def test_a_reader_taking_while_the_engine_sends_gets_every_piece_in_order() -> None:
    inbox = EventInbox()
    pieces = [f"{i} " for i in range(20_000)]
    done = threading.Event()

    def engine() -> None:
        for i, piece in enumerate(pieces, 1):
            inbox.put(TextDelta("thinking", piece, i, 9))
        inbox.put(finished(9))
        done.set()

    thread = threading.Thread(target=engine)
    thread.start()
    deltas: list[TextDelta] = []
    while True:
        event = inbox.take()
        if isinstance(event, TextDelta):
            deltas.append(event)
        elif event is not None:
            assert isinstance(event, ReplyFinished) and done.is_set()
            break
    thread.join()
    assert "".join(d.text for d in deltas) == "".join(pieces)
    counts = [d.thinking_tokens for d in deltas]
    assert counts == sorted(counts) and counts[-1] == len(pieces)
    assert inbox.take() is None
