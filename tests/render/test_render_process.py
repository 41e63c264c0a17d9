"""The rendering helper process: texts rendered there come back exactly as they would render
here; one that dies is replaced and nothing is lost; a text's own failure reaches its caller;
after closing, or before starting, callers render on their own thread."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Iterator
from typing import Any

import psutil
import pytest

import app.core.render.process as process
from app.core.priority import BACKGROUND_NICENESS
from app.core.render import DARK, LIGHT, render_parts
from app.core.render.process import BATCH, RenderProcess

UP_S = 60  # a spawned interpreter imports the renderer: seconds on a loaded machine

TEXTS = [
    f"## Answer {k}\n\nSome *text* with `code` and a [link](https://example.org/{k}).\n\n"
    f"| a | b |\n|---|---|\n| {k} | {k * k} |\n\n```python\nprint({k})\n```\n"
    for k in range(BATCH + 3)  # more than one batch
] + ["", "plain", "$x^2$ and <b>raw html</b>"]


@pytest.fixture
def helper() -> Iterator[RenderProcess]:
    started = RenderProcess()
    started.start()
    assert started.wait_until_up(UP_S)
    yield started
    started.close()


def test_before_it_starts_callers_render_on_their_own_thread() -> None:
    idle = RenderProcess()
    assert idle.render(TEXTS, LIGHT) is None
    assert idle.pid is None and not idle.wait_until_up(0.1)


def test_texts_render_in_the_helper_exactly_as_here(helper: RenderProcess, monkeypatch: Any) -> None:
    expected = {theme.name: [render_parts(t, theme) for t in TEXTS] for theme in (LIGHT, DARK)}

    def not_here(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("rendered in the window's process")

    monkeypatch.setattr(process, "render_parts", not_here)  # the helper has its own copy
    for theme in (LIGHT, DARK):
        assert helper.render(TEXTS, theme) == expected[theme.name]
    assert helper.pid is not None and helper.pid != os.getpid()
    if sys.platform != "win32":
        assert psutil.Process(helper.pid).nice() >= BACKGROUND_NICENESS


def test_a_text_that_fails_raises_for_its_caller_and_the_helper_stays(helper: RenderProcess) -> None:
    pid = helper.pid
    with pytest.raises(AttributeError):
        helper.render(["fine", None], LIGHT)  # type: ignore[list-item]
    assert helper.pid == pid
    assert helper.render(["still *here*"], LIGHT) == [render_parts("still *here*", LIGHT)]


def kill_then_render(helper: RenderProcess, caplog: pytest.LogCaptureFixture) -> int:
    """Kill the helper, then give it texts: the caller is told to render them itself, not
    failed. Returns the dead helper's pid."""
    pid = helper.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    with caplog.at_level(logging.WARNING, logger=process.__name__):
        assert helper.render(TEXTS, LIGHT) is None
    return pid


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_helper_that_dies_is_started_again_and_no_text_is_lost(
    helper: RenderProcess, caplog: pytest.LogCaptureFixture
) -> None:
    first = kill_then_render(helper, caplog)
    assert "starting it again" in caplog.text
    assert helper.wait_until_up(UP_S)
    assert helper.pid not in (None, first)
    assert helper.render(TEXTS[:2], LIGHT) == [render_parts(t, LIGHT) for t in TEXTS[:2]]
    assert helper.restarts == 1


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_helper_lost_too_often_is_not_started_again(
    helper: RenderProcess, monkeypatch: Any, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(process, "RESTARTS", 0)
    kill_then_render(helper, caplog)
    assert "rendering in the window's process" in caplog.text
    helper.start()  # the window asking again changes nothing
    assert helper.render(TEXTS, LIGHT) is None and helper.pid is None


def test_closing_stops_the_helper_and_callers_render_here(helper: RenderProcess) -> None:
    pid = helper.pid
    assert pid is not None
    helper.close()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert helper.render(TEXTS, LIGHT) is None and helper.pid is None
