"""Slices of GUI-thread work keep to what is left of their turn of the event loop, and wait
for a fresh turn once at most (app/ui/common/turns.py): the conversation's idle building and a
long text shown a slice at a time.

Each test posts an event that takes a set time (a paint or a page of older messages would),
turns the event loop once, and counts the work the slicer did in that turn."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from app.core.render import LIGHT
from app.ui.chat import conversation
from app.ui.chat.conversation import Row
from app.ui.chat.markdown_view import MarkdownView
from app.ui.common import turns
from app.ui.common.qt import QApplication, QEvent, QObject, Qt, QTimer
from tests.ui.driver import bare_view
from tests.ui.test_conversation_view import SlowRows, label_view

TURN_S = 0.05  # wide, so that a slow machine cannot spend a turn that should have time left


class SlowEvent(QObject):
    """Other work of a turn of the event loop: a posted event that takes ``seconds``."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds = 0.0

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.User:
            time.sleep(self.seconds)
            return True
        return super().event(event)


@pytest.fixture
def one_turn(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[], int], float], int]:
    """``one_turn(done, other_work_s)``: how much ``done()`` grew in one turn of the event loop
    whose other work took ``other_work_s``."""
    monkeypatch.setattr(turns, "TURN_S", TURN_S)
    other = SlowEvent()

    def turn(done: Callable[[], int], other_work_s: float) -> int:
        before = done()
        other.seconds = other_work_s
        QApplication.postEvent(other, QEvent(QEvent.Type.User))
        QApplication.processEvents()  # one turn: the posted event, then the timers due
        return done() - before

    return turn


def test_an_idle_slice_waits_for_the_next_turn_when_its_turn_was_spent(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, one_turn: Callable[[Callable[[], int], float], int]
) -> None:
    monkeypatch.setattr(conversation, "BREATHE_MS", 0)  # only the turn's budget holds a slice back
    view, source, rows = label_view(qtbot, 300)

    def built() -> int:
        return source.built

    view.scroll_to_row(rows[100])  # the rows in view are built now; those near it are left to slices
    assert one_turn(built, 0) > 0  # a turn with time left builds
    view.scroll_to_row(rows[200])
    assert one_turn(built, TURN_S) == 0  # a spent turn does not...
    assert one_turn(built, TURN_S) > 0  # ...but the next one does, spent or not


def test_a_long_text_shown_in_slices_waits_for_a_turn_with_time_left(
    qtbot: Any, one_turn: Callable[[Callable[[], int], float], int]
) -> None:
    view = MarkdownView("Answer", LIGHT)
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    paragraphs = [f"Paragraph {i}: " + "words that fill a line of text " * 6 for i in range(400)]
    view.set_text("\n\n".join(paragraphs))  # one slice now, the rest on later turns

    def shown() -> int:
        return len(view.toPlainText())

    assert one_turn(shown, 0) > 0
    assert one_turn(shown, TURN_S) == 0
    assert one_turn(shown, TURN_S) > 0
    qtbot.waitUntil(lambda: not view.pending, timeout=10_000)
    assert view.toPlainText().count("Paragraph") == len(paragraphs)


def test_a_row_ahead_that_would_not_fit_in_what_is_left_waits_for_a_slice_of_its_own(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, one_turn: Callable[[Callable[[], int], float], int]
) -> None:
    """Building ahead does not start a row it expects to end past its slice, even the first:
    started after other work of the turn, it would make one long block with it. The next slice
    builds that row however little is left, so building ahead gets past it."""
    monkeypatch.setattr(conversation, "BREATHE_MS", 0)
    monkeypatch.setattr(conversation, "SLICE_S", 1.0)  # only what is left of the turn limits a slice
    source = SlowRows()  # 40 ms a row
    _view, rows = bare_view(qtbot, source, range(60))  # held: qtbot keeps only a weak reference
    qtbot.waitUntil(lambda: source.built >= 6, timeout=10_000)  # the view has learnt what a row costs
    _view.scroll_to_row(rows[30])  # the rows in view are built now; those near it are left to slices

    def built() -> int:
        return source.built

    assert one_turn(built, 0.6 * TURN_S) == 0  # 20 ms left: no 40 ms row is started...
    assert one_turn(built, 0.6 * TURN_S) == 1  # ...the next slice builds one, and only one


class LateRows(SlowRows):
    """Slow rows, some of them not ready to build yet (an answer still being rendered)."""

    def __init__(self) -> None:
        super().__init__()
        self.late: set[object] = set()

    def ready(self, row: Row) -> bool:
        return row.item not in self.late


def test_a_put_off_slice_that_built_a_row_in_view_builds_none_ahead_past_its_end(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, one_turn: Callable[[Callable[[], int], float], int]
) -> None:
    """A slice put off to a fresh turn does at least one step, however little is left of it. A
    row in view that it built is that step: it does not start a row ahead on top of it."""
    monkeypatch.setattr(conversation, "BREATHE_MS", 0)
    source = LateRows()  # 40 ms a row
    _view, rows = bare_view(qtbot, source, range(60))  # held: qtbot keeps only a weak reference
    qtbot.waitUntil(lambda: source.built >= 6, timeout=10_000)  # the view has learnt what a row costs
    source.late.add(31)
    _view.scroll_to_row(rows[30])  # the rows in view but row 31 are built now
    assert rows[31].widget is None
    source.late.clear()
    _view.rows_ready()

    def built() -> int:
        return source.built

    assert one_turn(built, TURN_S) == 0  # a spent turn: the slice waits for the next...
    assert one_turn(built, TURN_S) == 1  # ...which builds the row in view, and only it
    assert rows[31].widget is not None


def frame_due_in(ms: int, built: Callable[[], int]) -> tuple[QTimer, list[int]]:
    """A frame due in ``ms`` (a precise timer; keep it referenced) and what ``built()`` was
    when it came."""
    timer = QTimer()
    timer.setSingleShot(True)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(ms)
    seen: list[int] = []
    timer.timeout.connect(lambda: seen.append(built()))
    timer.start()
    return timer, seen


def test_an_idle_slice_is_due_after_the_work_that_asked_for_it(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows set in the view ask for idle slices as they are laid out, before their first screen
    is built. A timer that fell due meanwhile (a frame, an animation) runs before those slices:
    they are due from the end of the work that asked for them, not from its start."""
    monkeypatch.setattr(conversation, "BREATHE_MS", 0)
    monkeypatch.setattr(turns, "TURN_S", 1.0)  # no turn's budget holds the slice back
    source = SlowRows()  # 40 ms a row
    _view, _rows = bare_view(qtbot, source, [])  # held: qtbot keeps only a weak reference
    _frame, seen = frame_due_in(10, lambda: source.built)
    _view.set_rows([Row(i) for i in range(40)])  # builds a 40 ms row: the frame falls due meanwhile
    built = source.built
    assert 0 < built < 4  # the rest of the screen is left to slices
    QApplication.processEvents()  # one turn: the timers that are due, in the order they fell due
    assert seen == [built]  # the frame came before any slice built a row


def test_requests_for_slices_do_not_put_off_a_slice_that_waits_out_its_pause(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slice waiting out its pause after rows were built keeps its due time: requests that
    come faster than the pause (a stream's flushes, rows made ready) do not push it back, or
    the rows near the view would never be built while they keep coming."""
    monkeypatch.setattr(conversation, "BREATHE_MS", 20)
    monkeypatch.setattr(turns, "TURN_S", 1.0)  # no turn's budget holds the slice back
    view, source, rows = label_view(qtbot, 300)
    view.scroll_to_row(rows[150])  # the rows in view are built now: the next slice pauses first
    built = source.built
    requests = QTimer()
    requests.setTimerType(Qt.TimerType.PreciseTimer)
    requests.setInterval(1)
    requests.timeout.connect(view.rows_ready)
    requests.start()
    try:
        qtbot.waitUntil(lambda: source.built > built, timeout=2_000)  # rows near the view are built
    finally:
        requests.stop()


def test_a_request_puts_a_pausing_slice_after_the_timers_that_fell_due_during_its_work(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slice waiting out its pause is due again from the end of the work that asked for it
    (a scroll, rows made ready): a frame that fell due during that work comes first."""
    monkeypatch.setattr(conversation, "BREATHE_MS", 5)
    monkeypatch.setattr(conversation, "PUT_OFF_S", 0.5)  # wide: a slow machine stays within it
    monkeypatch.setattr(turns, "TURN_S", 1.0)  # no turn's budget holds the slice back
    view, source, rows = label_view(qtbot, 300)
    view.scroll_to_row(rows[150])  # the rows in view are built now...
    QApplication.processEvents()  # ...so the slice this turn pauses first
    _frame, seen = frame_due_in(8, lambda: source.built)
    time.sleep(0.012)  # other work, past the pause and the frame
    built = source.built
    view.rows_ready()  # it asks for a slice
    QApplication.processEvents()  # one turn: the timers that are due, in the order they fell due
    assert seen == [built]  # the frame came before any slice built a row
