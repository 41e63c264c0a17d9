"""The window with a model on a real llama-server: Settings ▸ Engines, the picker, the toggle,
the budget slider, the thinking panel, a server that dies, and back to a local model."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from app.engine.local.engine import LocalEngine
from app.engine.remote import servers as saved
from app.engine.remote.engine import RemoteEngine
from app.testkit.llama_server import LlamaServer, find_llama_server
from app.testkit.scripted_model import ScriptedModel
from app.ui.common.model_state import ModelState
from app.ui.common.qt import Qt
from app.ui.main_window import MainWindow
from tests.ui.driver import WAIT_MS, load, replies, send


@pytest.fixture(autouse=True)
def keys_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never write to the user's keyring."""
    monkeypatch.setattr(saved, "_default_keys", saved.ServerKeys(use_keyring=False))


@pytest.fixture
def llama_server_bin() -> Path:
    found = find_llama_server()
    if found is None:
        pytest.skip(
            "llama-server is not built: run `python3 scripts/bootstrap.py tools` (or set PONDER_LLAMA_TOOLS)"
        )
    return found


def add_server(qtbot: Any, window: MainWindow, url: str) -> None:
    """Settings ▸ Engines ▸ Add server, as a user does it."""
    dialog = window.settings_dialog(engines=True)
    page = dialog.engines
    assert dialog.tabs.currentWidget() is page
    page.url.setText("http://gpu-box.example:8000")
    assert not page.warning.isHidden()  # plain http:// to another computer is marked
    page.url.setText(url)
    assert page.warning.isHidden()  # loopback is not
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.status.text().startswith("Added"), timeout=WAIT_MS)
    assert "llama.cpp server" in page.status.text() and page.list.count() == 1
    dialog.reject()


def pick_remote(qtbot: Any, window: MainWindow) -> None:
    """The picker lists the server's model under the server; choosing it loads it."""
    menu = window.picker.menu
    menu.aboutToShow.emit()
    texts = [a.text() for a in menu.actions()]
    assert any(t.startswith("On 127.0.0.1:") for t in texts), texts
    (action,) = [a for a in menu.actions() if a.text().startswith("⇄ ")]
    action.trigger()
    qtbot.waitUntil(lambda: window.models.ready, timeout=WAIT_MS)


def test_a_chat_with_a_model_on_a_server(
    qtbot: Any,
    window: MainWindow,
    llama_server_bin: Path,
    runaway_model: ScriptedModel,
    qwen3_model: ScriptedModel,
) -> None:
    with LlamaServer(llama_server_bin, runaway_model.path) as server:
        add_server(qtbot, window, server.url)
        pick_remote(qtbot, window)
        assert isinstance(window.bridge.engine, RemoteEngine)
        assert "· llama.cpp server" in window.picker.button.text()
        assert "Runs on llama.cpp server at http://127.0.0.1:" in window.picker.button.toolTip()
        assert window.composer.think.isEnabled() and window.composer.think.isChecked()
        script = runaway_model.script

        window.composer.budget.set_value(256)  # the slider: an exact cut, then the answer
        send(qtbot, window, "Think hard.")
        (reply,) = replies(window)
        assert not reply.thinking.isHidden() and not reply.thinking.expanded  # the panel, collapsed
        header = re.fullmatch(
            r"Thought for \d+\.\d s · ([\d,]+) tokens · budget reached", reply.thinking.header.text()
        )
        assert header, reply.thinking.header.text()
        first_tokens = int(header.group(1).replace(",", ""))
        assert 0 < first_tokens <= 256
        assert reply.answer.toPlainText() == script.answer_text
        first = reply.message
        assert first is not None and first.budget_hit and "Considering" not in first.content
        first_thinking = first.thinking
        chat = window.controller.chat
        assert chat is not None and chat.model is not None and chat.model == window.models.path
        assert chat.model.startswith("remote:")  # the chat remembers its engine and model

        qtbot.mouseClick(reply.continue_button, Qt.MouseButton.LeftButton)  # continue thinking
        qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)
        message = reply.message
        assert message is not None and message.thinking.startswith(first_thinking)
        assert len(message.thinking) > len(first_thinking)
        assert reply.answer.toPlainText() == script.answer_text

        qtbot.mouseClick(window.composer.think, Qt.MouseButton.LeftButton)  # the toggle: no thinking
        send(qtbot, window, "Now briefly.")
        reply = replies(window)[-1]
        assert reply.thinking.isHidden() and reply.answer.toPlainText() == script.answer_text

        # Back to a local model: the engine behind the bridge is swapped, the server's closed.
        remote_engine = window.bridge.engine
        load(qtbot, window, qwen3_model)
        assert isinstance(window.bridge.engine, LocalEngine) and not remote_engine.alive


def test_a_server_that_dies_mid_reply_keeps_the_reply(
    qtbot: Any, window: MainWindow, llama_server_bin: Path, runaway_model: ScriptedModel
) -> None:
    with LlamaServer(llama_server_bin, runaway_model.path, ctx=4096) as server:
        add_server(qtbot, window, server.url)
        pick_remote(qtbot, window)
        window.composer.budget.set_value(None)
        send(qtbot, window, "Think forever.", wait=False)
        (reply,) = replies(window)
        qtbot.waitUntil(
            lambda: reply.message is not None and len(reply.message.thinking) > 30, timeout=WAIT_MS
        )
        server.kill()
        qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)
        message = reply.message
        assert message is not None and message.finish_reason == "interrupted"
        assert len(message.thinking) > 30
        qtbot.waitUntil(lambda: window.models.state is ModelState.CRASHED, timeout=WAIT_MS)
        assert window.banner.action.text() == "Reload model"
        assert "mid-reply" in window.banner.text and "conversation is safe" in window.banner.text


def test_connect_to_a_server_from_the_welcome_and_the_picker(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[bool] = []
    monkeypatch.setattr(window, "open_settings", lambda engines=False: opened.append(engines))
    qtbot.mouseClick(window.models_feature.welcome.connect_button, Qt.MouseButton.LeftButton)
    menu = window.picker.menu
    menu.aboutToShow.emit()
    next(a for a in menu.actions() if a.text() == "Connect to a server…").trigger()
    assert opened == [True, True]
    dialog = window.settings_dialog(engines=True)
    page = dialog.engines
    page.url.setText("ftp://nowhere")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert "is not a server address" in page.status.text() and page.list.count() == 0
    dialog.reject()
