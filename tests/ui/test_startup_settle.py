"""What the window does once it is up: startup objects leave the garbage collector's way, the
GIL is handed over within a millisecond, the renderer is warm and its helper process is up."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from app.core.render.process import RENDER_PROCESS
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
