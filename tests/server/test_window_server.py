"""Settings ▸ Server: the window serves its loaded model, on its own engine, and stops."""

from __future__ import annotations

import socket
from pathlib import Path

import openai
import pytest
from pytestqt.qtbot import QtBot

from app.engine.protocol import LoadRequest
from app.testkit.scripted_model import ScriptedModel
from app.ui.common.bridge import EngineBridge
from app.ui.settings.server_page import ServerPage, WindowServer
from tests.server.harness import HELLO


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def refuses(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    except ConnectionResetError:  # accepted while the listening socket was being closed
        return False
    return False


def test_the_window_serves_the_loaded_model_until_switched_off(
    qtbot: QtBot, qwen3_model: ScriptedModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PONDER_HOME", str(tmp_path))
    bridge = EngineBridge()
    server = WindowServer(bridge)
    page = ServerPage(server)
    qtbot.addWidget(page)
    try:
        port = free_port()
        page.port.setValue(port)
        page.enable.setChecked(True)
        qtbot.waitUntil(lambda: "waiting for a model" in page.status.text())
        bridge.engine.load(LoadRequest(str(qwen3_model.path), n_ctx=1024))
        qtbot.waitUntil(lambda: bool(server.url), timeout=120_000)
        assert server.url == f"http://127.0.0.1:{port}/v1"
        assert page.status.text() == f"Serving {qwen3_model.path.stem} at {server.url}"
        with openai.OpenAI(base_url=server.url, api_key="unused", max_retries=0, timeout=60) as client:
            assert [m.id for m in client.models.list().data] == [qwen3_model.path.stem]
            reply = client.chat.completions.create(model=qwen3_model.path.stem, messages=HELLO)  # type: ignore[arg-type]
        assert reply.choices[0].message.content == qwen3_model.script.answer_text
        page.enable.setChecked(False)
        assert page.status.text() == "Off."
        qtbot.waitUntil(lambda: refuses(port))
    finally:
        server.shutdown()
        bridge.close()
