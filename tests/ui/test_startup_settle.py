"""What the window does once it is up: startup objects leave the garbage collector's way, the
GIL is handed over within a millisecond, the renderer is warm and its helper process is up."""

from __future__ import annotations

import gc
import os
import re
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from app.core.render.process import RENDER_PROCESS
from app.ui.common import core_text, warmup
from app.ui.common.core_text import from_core
from app.ui.common.tasks import Tasks
from app.ui.common.warmup import GIL_SWITCH_S, settle_startup


@pytest.fixture
def restored() -> Iterator[None]:
    interval = sys.getswitchinterval()
    yield
    RENDER_PROCESS.close()  # the other tests render on their threads, as before the window is up
    gc.unfreeze()
    sys.setswitchinterval(interval)


def test_settling_hands_the_gil_over_sooner_and_freezes_startup_objects(qtbot: Any, restored: None) -> None:
    sys.setswitchinterval(0.005)  # Python's default
    gc.unfreeze()
    tasks = Tasks(name="startup-test")
    try:
        warm = settle_startup(tasks)
        assert sys.getswitchinterval() == pytest.approx(GIL_SWITCH_S) and GIL_SWITCH_S <= 0.001
        assert gc.get_freeze_count() > 0
        assert warm.wait(60)
        assert RENDER_PROCESS.wait_until_up(60) and RENDER_PROCESS.pid not in (None, os.getpid())
    finally:
        tasks.shutdown()


def test_what_the_warm_up_built_leaves_the_collectors_way_once_it_is_done(
    qtbot: Any, restored: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    gc.unfreeze()
    built: list[dict[str, list[object]]] = []
    real = warmup.warm_renderer

    def warm_renderer() -> None:
        real()
        built.append({"cache": [object()]})  # lives as long as the app, as a lexer cache does

    monkeypatch.setattr(warmup, "warm_renderer", warm_renderer)
    tasks = Tasks(name="startup-test")
    try:
        assert settle_startup(tasks).wait(60) and built
        qtbot.waitUntil(lambda: not any(o is built[0] for o in gc.get_objects()), timeout=5000)
        assert gc.is_tracked(built[0])  # frozen, not untracked: it is still an ordinary object
    finally:
        tasks.shutdown()


def test_the_patterns_for_the_cores_messages_are_compiled_off_the_gui_thread(
    qtbot: Any, restored: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first engine or hardware message shown does not compile the templates' patterns on
    the GUI thread (20 to 30 ms once, a stall right after the window opens)."""
    compiled_on: list[threading.Thread] = []
    real = core_text._pattern

    def pattern(template: str) -> re.Pattern[str]:
        compiled_on.append(threading.current_thread())
        return real(template)

    monkeypatch.setattr(core_text, "_pattern", pattern)
    core_text._patterns.cache_clear()  # as in a fresh process
    tasks = Tasks(name="startup-test")
    try:
        assert settle_startup(tasks).wait(60)
        compiled = len(compiled_on)
        assert from_core("The engine is not running.") == "The engine is not running."
        assert compiled == len(compiled_on) > 0  # the message shown compiled nothing...
        assert threading.main_thread() not in compiled_on  # ...and the warm-up did it on its thread
    finally:
        tasks.shutdown()
        core_text._patterns.cache_clear()  # the other tests compile the real patterns again
