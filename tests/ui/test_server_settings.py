"""Settings ▸ Server remembers whether the window serves, and on which port, across restarts."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import openai

from app.core.store.settings import SettingsFile
from app.server.config import DEFAULT_PORT
from app.testkit.scripted_model import ScriptedModel
from app.ui.main_window import MainWindow
from app.ui.settings.server_page import ServerPage
from tests.ui.driver import WAIT_MS, load


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def page_of(qtbot: Any, window: MainWindow) -> ServerPage:
    page = ServerPage(window.server)
    qtbot.addWidget(page)
    return page


def test_the_default_is_off_on_ponder_serves_port() -> None:
    saved = SettingsFile().load()
    assert (saved.serve_model, saved.server_port) == (False, DEFAULT_PORT)


def test_serving_and_its_port_are_remembered_across_restarts(
    qtbot: Any, make_window: Callable[[], MainWindow], qwen3_model: ScriptedModel
) -> None:
    port, other_port = free_port(), free_port()
    first = make_window()
    page = page_of(qtbot, first)
    page.port.setValue(port)
    page.enable.setChecked(True)
    saved = SettingsFile().load()  # written when the page changes it, not only at exit
    assert (saved.serve_model, saved.server_port) == (True, port)
    first.shutdown()  # shutting down stops serving, but is no "off"

    second = make_window()
    assert second.server.enabled and second.server.port == port
    assert second.server.status == "On: waiting for a model to load."
    page = page_of(qtbot, second)
    assert page.enable.isChecked() and page.port.value() == port
    load(qtbot, second, qwen3_model)
    qtbot.waitUntil(lambda: second.server.url == f"http://127.0.0.1:{port}/v1", timeout=WAIT_MS)
    with openai.OpenAI(base_url=second.server.url, api_key="unused", max_retries=0, timeout=60) as client:
        assert [m.id for m in client.models.list().data] == [qwen3_model.path.stem]
    page.port.setValue(other_port)
    page.port.editingFinished.emit()
    assert SettingsFile().load().server_port == other_port
    qtbot.waitUntil(lambda: second.server.url == f"http://127.0.0.1:{other_port}/v1", timeout=WAIT_MS)
    page.enable.setChecked(False)
    saved = SettingsFile().load()
    assert (saved.serve_model, saved.server_port) == (False, other_port)
    second.shutdown()

    third = make_window()
    assert not third.server.enabled and third.server.port == other_port
    assert third.server.status == "Off."
    page = page_of(qtbot, third)
    assert not page.enable.isChecked() and page.port.value() == other_port
