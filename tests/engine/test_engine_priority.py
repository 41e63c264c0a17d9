"""Behind a window, llama.cpp runs a notch below the window's CPU priority, every thread of it;
the command line's engine keeps the normal priority."""

from __future__ import annotations

import os
import sys

import psutil
import pytest

from app.core.chat.messages import PromptMessage
from app.core.priority import BACKGROUND_NICENESS
from app.engine.local.engine import LocalEngine
from app.engine.protocol import GenerateRequest, LoadRequest
from app.testkit.scripted_model import ScriptedModel

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX niceness per thread")


def thread_niceness(pid: int) -> list[int]:
    """The niceness of every thread of ``pid`` (on Linux each thread has its own)."""
    return [os.getpriority(os.PRIO_PROCESS, t.id) for t in psutil.Process(pid).threads()]


def run_a_reply(engine: LocalEngine, model: ScriptedModel) -> int:
    engine.load_sync(LoadRequest(str(model.path), n_ctx=512, n_threads=2))
    engine.generate_sync(GenerateRequest((PromptMessage("user", "Say hello."),)))
    assert engine.pid is not None
    return engine.pid


def test_a_background_engine_and_all_its_threads_run_below_the_window(qwen3_model: ScriptedModel) -> None:
    own = os.getpriority(os.PRIO_PROCESS, 0)
    engine = LocalEngine(background=True)
    try:
        pid = run_a_reply(engine, qwen3_model)  # llama.cpp's compute threads exist by now
        niceness = thread_niceness(pid)
        assert len(niceness) > 1
        assert all(n >= max(own, BACKGROUND_NICENESS) for n in niceness), niceness
    finally:
        engine.close()


def test_the_command_lines_engine_keeps_its_callers_priority(qwen3_model: ScriptedModel) -> None:
    own = os.getpriority(os.PRIO_PROCESS, 0)
    engine = LocalEngine()
    try:
        assert set(thread_niceness(run_a_reply(engine, qwen3_model))) == {own}
    finally:
        engine.close()
