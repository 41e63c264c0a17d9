"""The one background-task helper: answers on the GUI thread, cancel, owners, the ordered lane."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest

from app.ui.common.qt import QObject, QWidget
from app.ui.common.tasks import Tasks

WAIT_MS = 10_000


@pytest.fixture
def tasks(qtbot: Any) -> Iterator[Tasks]:
    runner = Tasks(name="test")
    yield runner
    assert runner.shutdown()


def test_the_answer_comes_on_the_gui_thread(qtbot: Any, tasks: Tasks) -> None:
    ran_on: list[threading.Thread] = []
    answers: list[tuple[int, threading.Thread]] = []

    def work() -> int:
        ran_on.append(threading.current_thread())
        return 42

    tasks.run(work, lambda n: answers.append((n, threading.current_thread())))
    qtbot.waitUntil(lambda: bool(answers), timeout=WAIT_MS)
    assert answers == [(42, threading.main_thread())]
    assert ran_on and ran_on[0] is not threading.main_thread()
    assert not tasks.busy


def test_an_error_goes_to_on_error_on_the_gui_thread(qtbot: Any, tasks: Tasks) -> None:
    errors: list[tuple[Exception, threading.Thread]] = []
    done: list[object] = []

    def work() -> None:
        raise ValueError("no such repository")

    tasks.run(work, done.append, lambda exc: errors.append((exc, threading.current_thread())))
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    ((error, thread),) = errors
    assert isinstance(error, ValueError) and str(error) == "no such repository"
    assert thread is threading.main_thread() and not done


def test_an_error_nobody_takes_is_logged(qtbot: Any, tasks: Tasks, caplog: pytest.LogCaptureFixture) -> None:
    def work() -> None:
        raise OSError("disk full")

    task = tasks.run(work, name="save")
    assert task.wait(WAIT_MS / 1000)
    assert any("save" in r.getMessage() and "disk full" in r.getMessage() for r in caplog.records)


def test_a_cancel_is_not_an_error(qtbot: Any, tasks: Tasks, caplog: pytest.LogCaptureFixture) -> None:
    release = threading.Event()
    heard: list[object] = []

    def work() -> None:
        release.wait(WAIT_MS / 1000)
        raise RuntimeError("stopped because the user cancelled")

    task = tasks.run(work, heard.append, heard.append)
    task.cancel()
    release.set()
    assert task.wait(WAIT_MS / 1000)
    qtbot.wait(50)  # anything queued would have arrived
    assert task.cancelled and not heard
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_answer_of_a_destroyed_owner_is_dropped(qtbot: Any, tasks: Tasks) -> None:
    release = threading.Event()
    heard: list[object] = []
    card = QWidget()
    task = tasks.run(lambda: release.wait(WAIT_MS / 1000), heard.append, heard.append, owner=card)
    card.deleteLater()
    qtbot.waitUntil(lambda: not _exists(card), timeout=WAIT_MS)
    release.set()
    assert task.wait(WAIT_MS / 1000)
    qtbot.wait(50)
    assert not heard


def test_a_lane_runs_its_work_in_order_on_one_thread(qtbot: Any) -> None:
    lane = Tasks(ordered=True, name="lane")
    seen: list[tuple[int, threading.Thread]] = []
    answers: list[int] = []

    def step(i: int) -> int:
        seen.append((i, threading.current_thread()))
        return i

    for i in range(20):
        lane.run(partial(step, i), answers.append)
    assert lane.flush()
    assert [i for i, _ in seen] == list(range(20))
    assert len({thread for _, thread in seen}) == 1
    qtbot.waitUntil(lambda: len(answers) == 20, timeout=WAIT_MS)
    assert answers == list(range(20))
    assert lane.shutdown()


def test_after_shutdown_nothing_is_delivered_and_a_lane_drains(qtbot: Any) -> None:
    lane = Tasks(ordered=True, name="lane")
    release = threading.Event()
    ran: list[int] = []
    heard: list[object] = []
    lane.run(lambda: release.wait(WAIT_MS / 1000), heard.append)
    lane.run(lambda: ran.append(1), heard.append)  # queued behind the first
    threading.Timer(0.05, release.set).start()
    assert lane.shutdown()
    assert ran == [1]  # the queued work still ran
    late = lane.run(lambda: ran.append(2), heard.append)
    assert late.cancelled and not late.wait(0.05)
    qtbot.wait(50)
    assert ran == [1] and not heard


def test_relay_calls_back_on_the_gui_thread_in_order(qtbot: Any, tasks: Tasks) -> None:
    heard: list[tuple[int, threading.Thread]] = []

    def hear(n: int) -> None:
        heard.append((n, threading.current_thread()))

    call = tasks.relay(hear)
    thread = threading.Thread(target=lambda: [call(i) for i in range(50)])
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(heard) == 50, timeout=WAIT_MS)
    assert [n for n, _ in heard] == list(range(50))
    assert {t for _, t in heard} == {threading.main_thread()}
    tasks.shutdown()
    call(50)
    qtbot.wait(50)
    assert len(heard) == 50


def test_a_runner_deleted_with_its_parent_drops_its_answers(qtbot: Any) -> None:
    parent = QObject()
    runner = Tasks(parent, name="orphan")
    release = threading.Event()
    heard: list[object] = []
    task = runner.run(lambda: release.wait(WAIT_MS / 1000), heard.append)
    call = runner.relay(heard.append)
    parent.deleteLater()
    qtbot.waitUntil(lambda: not _exists(parent), timeout=WAIT_MS)
    release.set()
    assert task.wait(WAIT_MS / 1000)  # and no exception on the worker thread
    call("late")
    qtbot.wait(50)
    assert not heard


def _exists(obj: QObject) -> bool:
    try:
        obj.objectName()
    except RuntimeError:
        return False
    return True


def test_a_thread_that_finished_takes_the_next_piece_of_work(qtbot: Any, tasks: Tasks) -> None:
    """Giving work to a runner with a waiting thread starts no thread (a start makes the GUI
    thread wait for the new one to run)."""
    first = tasks.run(lambda: threading.current_thread())
    assert first.wait(WAIT_MS / 1000)
    qtbot.waitUntil(lambda: tasks._gate.idle == 1, timeout=WAIT_MS)
    started = threading.active_count()
    heard: list[threading.Thread] = []
    for _ in range(3):
        task = tasks.run(lambda: threading.current_thread(), heard.append)
        assert task.wait(WAIT_MS / 1000)
        qtbot.waitUntil(lambda: tasks._gate.idle == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(heard) == 3, timeout=WAIT_MS)
    assert threading.active_count() == started and len(set(heard)) == 1


def test_work_given_together_runs_at_the_same_time(qtbot: Any, tasks: Tasks) -> None:
    both = threading.Barrier(2, timeout=WAIT_MS / 1000)  # breaks unless two threads wait on it
    done: list[int] = []
    for i in range(2):
        tasks.run(lambda i=i: (both.wait(), i)[1], done.append)  # type: ignore[misc]
    qtbot.waitUntil(lambda: sorted(done) == [0, 1], timeout=WAIT_MS)


def test_a_thread_with_nothing_to_do_leaves_after_a_while(qtbot: Any) -> None:
    runner = Tasks(name="idle")
    runner.idle_s = 0.05
    task = runner.run(lambda: threading.current_thread())
    assert task.wait(WAIT_MS / 1000)
    worker = next(t for t in threading.enumerate() if t.name == "ponder-idle")
    worker.join(WAIT_MS / 1000)
    assert not worker.is_alive() and runner._gate.workers == 0
    again: list[int] = []
    runner.run(lambda: 7, again.append)  # a new thread takes it
    qtbot.waitUntil(lambda: again == [7], timeout=WAIT_MS)
    assert runner.shutdown()


def test_a_task_waited_for_holds_what_its_work_returned_or_raised(tasks: Tasks) -> None:
    done = tasks.run(lambda: 42)
    assert done.wait(WAIT_MS / 1000)
    assert (done.result, done.error) == (42, None)

    def broken() -> int:
        raise ValueError("no")

    failed = tasks.run(broken, on_error=lambda _exc: None)
    assert failed.wait(WAIT_MS / 1000)
    assert failed.result is None and isinstance(failed.error, ValueError)


def test_threads_kept_wait_from_the_start_and_stay_however_long_nothing_comes(qtbot: Any) -> None:
    """Work given in the middle of a frame (a chat opened after a pause) finds a thread waiting:
    starting one makes the GUI thread wait until it runs."""
    runner = Tasks(keep=1, name="kept")
    runner.idle_s = 0.05
    try:
        kept = threads()
        assert len(kept) == 1  # waiting before any work was given
        time.sleep(0.3)  # six times as long as a thread waits before it leaves
        assert kept[0].is_alive()
        heard: list[threading.Thread] = []
        runner.run(lambda: threading.current_thread(), heard.append)
        qtbot.waitUntil(lambda: len(heard) == 1, timeout=WAIT_MS)
        assert heard == kept  # the kept thread took it: none was started
        both = threading.Barrier(2, timeout=WAIT_MS / 1000)
        done: list[int] = []
        for i in range(2):  # more work at once than threads kept: one more thread...
            runner.run(lambda i=i: (both.wait(), i)[1], done.append)  # type: ignore[misc]
        qtbot.waitUntil(lambda: sorted(done) == [0, 1], timeout=WAIT_MS)
        qtbot.waitUntil(lambda: len(threads()) == 1, timeout=WAIT_MS)  # ...and one of the two leaves
        time.sleep(0.3)
        assert len(threads()) == 1 and runner._gate.workers == 1  # the other stays
    finally:
        assert runner.shutdown()
    assert threads() == []


def threads(name: str = "ponder-kept") -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == name]
