"""Garbage is collected on the GUI thread only (app/ui/common/collector.py): a collection on a
worker thread could free one of the window's Qt objects there and deadlock with the GUI thread.
tests/ui/conftest.py installs the collector for every GUI test, as run_app does for the app."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from app.ui.common import collector
from app.ui.common.collector import COLLECTOR


class Node:
    """One half of a reference cycle: only the garbage collector frees it."""

    def __init__(self) -> None:
        self.other: Node | None = None


def cycles(count: int) -> weakref.ref[Node]:
    """Leave ``count`` unreachable cycles behind; a weak reference to the first one."""
    first: weakref.ref[Node] | None = None
    for _ in range(count):
        a, b = Node(), Node()
        a.other, b.other = b, a
        first = first or weakref.ref(a)
    assert first is not None
    return first


@pytest.fixture
def collections() -> Iterator[list[tuple[int, int]]]:
    """Each collection from now on, as (generation, thread id)."""
    seen: list[tuple[int, int]] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append((info["generation"], threading.get_ident()))

    gc.callbacks.append(note)
    yield seen
    gc.callbacks.remove(note)


def test_garbage_a_worker_thread_leaves_is_collected_on_the_gui_thread(
    qtbot: Any, collections: list[tuple[int, int]]
) -> None:
    assert COLLECTOR.installed and not gc.isenabled()
    left: list[weakref.ref[Node]] = []
    worker = threading.Thread(target=lambda: left.append(cycles(20 * gc.get_threshold()[0])))
    worker.start()
    worker.join()
    assert not [c for c in collections if c[1] == worker.ident]  # far past the threshold, yet none
    assert left[0]() is not None
    qtbot.waitUntil(lambda: left[0]() is None, timeout=2000)  # the GUI thread's timer collects
    assert collections and {thread for _g, thread in collections} == {threading.get_ident()}


def test_the_collector_looks_seldom_while_there_is_nothing_to_collect(qtbot: Any) -> None:
    gc.collect()
    qtbot.waitUntil(lambda: COLLECTOR.check_ms == collector.IDLE_CHECK_MS, timeout=5000)
    left = cycles(20 * gc.get_threshold()[0])
    qtbot.waitUntil(lambda: left() is None, timeout=2000)
    assert COLLECTOR.check_ms == collector.BUSY_CHECK_MS  # garbage: it looks often again


def test_full_collections_keep_their_distance(monkeypatch: pytest.MonkeyPatch) -> None:
    thresholds = gc.get_threshold()
    gc.set_threshold(10, 1, 1)  # every check past 10 new objects is due as a full collection
    try:
        monkeypatch.setattr(collector, "FULL_GAP_S", 3600.0)
        generations = []
        for _ in range(6):
            cycles(50)
            generations.append(COLLECTOR.collect_due())
        assert 2 not in generations and 1 in generations  # the last full one was too recent
        monkeypatch.setattr(collector, "FULL_GAP_S", 0.0)
        generations = []
        for _ in range(6):
            cycles(50)
            generations.append(COLLECTOR.collect_due())
        assert 2 in generations
    finally:
        gc.set_threshold(*thresholds)
    gc.collect()
    assert COLLECTOR.collect_due() is None  # nothing is due right after a collection


def test_uninstalled_python_collects_by_itself_again() -> None:
    COLLECTOR.uninstall()
    try:
        assert gc.isenabled()
        gone = cycles(20 * gc.get_threshold()[0])
        assert gone() is None  # collected on the way, without any event loop
    finally:
        from app.ui.common.qt import QApplication

        app = QApplication.instance()
        assert app is not None
        COLLECTOR.install(app)
