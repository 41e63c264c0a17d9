"""The engine can die or refuse; the window says so, keeps every message and recovers."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.engine.local.engine import LocalEngine
from app.testkit.scripted_model import ScriptedModel
from app.ui.common.model_state import ModelState
from app.ui.common.qt import Qt
from app.ui.main_window import MainWindow
from tests.ui.driver import WAIT_MS, load, replies, send


def kill_engine(window: MainWindow) -> None:
    engine = window.bridge.engine
    assert isinstance(engine, LocalEngine)
    pid = engine.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)


def test_a_killed_engine_shows_a_banner_and_reload_keeps_the_chat(
    qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel
) -> None:
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "Say hello.")
    kill_engine(window)
    qtbot.waitUntil(lambda: window.models.state is ModelState.CRASHED, timeout=WAIT_MS)
    banner = window.banner
    assert not banner.isHidden()
    assert "killed" in banner.text and "conversation is safe" in banner.text
    assert banner.action.text() == "Reload model" and not banner.action.isHidden()
    (reply,) = replies(window)
    assert reply.answer.toPlainText() == qwen3_model.script.answer_text

    qtbot.mouseClick(banner.action, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.models.ready, timeout=WAIT_MS)
    assert banner.isHidden()
    send(qtbot, window, "Again.")
    chat = window.controller.chat
    assert chat is not None
    assert [m.content for m in chat.messages()] == [
        "Say hello.",
        qwen3_model.script.answer_text,
        "Again.",
        qwen3_model.script.answer_text,
    ]
    assert len(replies(window)) == 2


def test_a_crash_mid_reply_keeps_what_was_written(
    qtbot: Any, window: MainWindow, make_window: Callable[[], MainWindow], runaway_model: ScriptedModel
) -> None:
    load(qtbot, window, runaway_model)
    window.composer.budget.set_value(None)
    send(qtbot, window, "Think forever.", wait=False)
    (reply,) = replies(window)
    qtbot.waitUntil(lambda: reply.message is not None and len(reply.message.thinking) > 30, timeout=WAIT_MS)
    kill_engine(window)
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)
    message = reply.message
    assert message is not None and message.finish_reason == "interrupted"
    assert len(message.thinking) > 30
    assert reply.stats.text().startswith("Interrupted")
    assert window.composer.send_button.accessibleName() == "Send"
    qtbot.waitUntil(lambda: window.banner.action.text() == "Reload model", timeout=WAIT_MS)
    qtbot.mouseClick(window.banner.action, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.models.ready, timeout=WAIT_MS)
    chat = window.controller.chat
    assert chat is not None and len(chat.entries) == 2
    # On disk too, as an interrupted reply (not one the app was writing when it closed).
    window.shutdown()
    reopened = make_window()
    reopened.select_chat(chat.id)
    (saved,) = replies(reopened)
    assert saved.message is not None and saved.message.finish_reason == "interrupted"
    assert saved.message.thinking == message.thinking
    assert saved.stats.text().startswith("Interrupted")


def test_a_file_that_is_not_a_model_fails_to_load_with_a_reason(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    bogus = tmp_path / "notes.gguf"
    bogus.write_bytes(b"this is not a model" * 100)
    window.load_model(str(bogus))
    qtbot.waitUntil(lambda: window.models.state is ModelState.FAILED, timeout=WAIT_MS)
    assert "could not be loaded" in window.banner.text
    assert window.models.error and window.models.error in window.banner.text
    assert "failed" in window.picker.button.text()
    assert window.picker.progress.isHidden()


def test_context_full_says_what_to_do(qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel) -> None:
    from app.core.store.settings import ModelLoad

    window.prefs.settings.models[str(qwen3_model.path)] = ModelLoad(n_ctx=512, n_gpu_layers=0)
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "word " * 600)
    (reply,) = replies(window)
    assert reply.message is not None and reply.message.finish_reason == "error"
    assert "does not fit" in window.banner.text and "new chat" in window.banner.text.lower()
    # The ways out (issue #10): older messages leave the model's view, a larger context, a new chat.
    assert window.banner.action.text() == "Let older messages go"
    offered = [b.text() for b in window.banner.findChildren(type(window.banner.action)) if b.isVisible()]
    assert "New chat" in offered and any(t.startswith("Reload with") for t in offered)
