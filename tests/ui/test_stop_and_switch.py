"""Stop works at once in the window (issue #11): during a long prompt's evaluation, and when
another model is opened while a reply runs. Real engine, scripted models."""

from __future__ import annotations

import time
from typing import Any

import pytest

from app.testkit.scripted_model import Script, ScriptedModel, write_scripted_model
from app.ui.common.qt import Qt
from app.ui.main_window import MainWindow
from tests.ui.driver import WAIT_MS, load, replies, send


@pytest.fixture(scope="module")
def heavy_model(tmp_path_factory: pytest.TempPathFactory) -> ScriptedModel:
    """Wide enough that a 2,000-token prompt takes more than a second to evaluate on a small CPU."""
    folder = tmp_path_factory.mktemp("heavy-window")
    return write_scripted_model(folder / "heavy.gguf", Script(), extra_width=4000, context_length=8192)


def test_stop_during_a_long_prompt(qtbot: Any, window: MainWindow, heavy_model: ScriptedModel) -> None:
    load(qtbot, window, heavy_model)
    send(qtbot, window, "word " * 370, wait=False)  # 1,850 tokens: the tests' context is 2,048
    (reply,) = replies(window)
    # The engine says it reads the prompt (a long one): Stop lands inside its evaluation.
    qtbot.waitUntil(lambda: any(c.isdigit() for c in reply.status.text()), timeout=WAIT_MS)
    assert window.controller.generating and reply.message is not None and not reply.message.thinking
    stopped = time.monotonic()
    qtbot.mouseClick(window.composer.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)
    assert time.monotonic() - stopped < 0.5
    assert reply.message.finish_reason == "cancelled"
    # The model is ready for the next message.
    send(qtbot, window, "Say hello.")
    last = replies(window)[-1].message
    assert last is not None and last.content == heavy_model.script.answer_text


def test_opening_another_model_mid_reply_ends_the_reply_first(
    qtbot: Any, window: MainWindow, runaway_model: ScriptedModel, qwen3_model: ScriptedModel
) -> None:
    load(qtbot, window, runaway_model)
    window.composer.budget.set_value(None)
    send(qtbot, window, "Think forever.", wait=False)
    (reply,) = replies(window)
    qtbot.waitUntil(lambda: reply.message is not None and len(reply.message.thinking) > 20, timeout=WAIT_MS)
    switched = time.monotonic()
    window.load_model(str(qwen3_model.path))  # what Model ▸ Open model… does
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)
    assert time.monotonic() - switched < 2.0
    assert reply.message is not None and reply.message.finish_reason == "cancelled"
    # Ended by the switch, keeping what it had written. (How many tokens that is races the model,
    # which writes about 10,000 a second here: the time above is the promptness check.)
    assert reply.message.stats is not None and reply.message.thinking.strip()
    qtbot.waitUntil(lambda: window.models.ready, timeout=WAIT_MS)
    assert window.models.path == str(qwen3_model.path)
    send(qtbot, window, "Say hello.")
    last = replies(window)[-1].message
    assert last is not None and last.content == qwen3_model.script.answer_text
