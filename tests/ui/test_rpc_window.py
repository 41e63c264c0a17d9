"""One model over several computers in the window: sharing this computer from Settings, the
list of other computers, and a worker lost mid-reply (real ``ponder worker`` processes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core.store.settings import ModelLoad
from app.engine.local.rpc import RpcError, probe_worker
from app.engine.local.rpc_share import ShareProcess
from app.testkit.rpc_workers import RpcWorker, free_port
from app.testkit.scripted_model import Script, ScriptedModel, write_scripted_model
from app.ui.common.model_state import ModelState
from app.ui.common.prefs import Preferences
from app.ui.common.qt import Qt
from app.ui.main_window import MainWindow
from app.ui.settings.rpc_section import OtherComputersBox, RpcSection, ShareBox
from tests.ui.driver import WAIT_MS, load, replies, send


@pytest.fixture
def share() -> Iterator[ShareProcess]:
    process = ShareProcess()
    yield process
    process.stop()


def listening(endpoint: str) -> bool:
    try:
        probe_worker(endpoint, timeout=1)
    except RpcError:
        return False
    return True


def test_share_this_computer_starts_and_stops_a_worker(qtbot: Any, share: ShareProcess) -> None:
    box = ShareBox(share)
    qtbot.addWidget(box)
    port = free_port()
    box.port.setValue(port)
    assert box.warning.isHidden()  # this computer only: nothing to warn about
    box.network.setChecked(True)
    assert not box.warning.isHidden() and "no authentication, no encryption" in box.warning.text().lower()
    box.network.setChecked(False)

    qtbot.mouseClick(box.button, Qt.MouseButton.LeftButton)
    assert share.running and box.button.text() == "Stop sharing"
    assert box.status.text().startswith(f"Shared at 127.0.0.1:{port} (programs on this computer only)")
    assert not box.port.isEnabled()
    qtbot.waitUntil(lambda: listening(f"127.0.0.1:{port}"), timeout=WAIT_MS)

    qtbot.mouseClick(box.button, Qt.MouseButton.LeftButton)
    assert not share.running and box.button.text() == "Start sharing"
    assert box.status.text() == "Not shared."
    assert not listening(f"127.0.0.1:{port}")


def test_a_port_in_use_is_reported(qtbot: Any, share: ShareProcess) -> None:
    with RpcWorker("ponder") as taken:
        box = ShareBox(share)
        qtbot.addWidget(box)
        box.port.setValue(taken.port)
        qtbot.mouseClick(box.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: box.button.text() == "Start sharing", timeout=WAIT_MS)
        assert box.status.text() == (
            f"Sharing stopped: cannot listen on 127.0.0.1:{taken.port} (address already in use)"
        )


def test_other_computers_are_a_setting_and_can_be_checked(qtbot: Any, prefs: Preferences) -> None:
    prefs.settings.rpc_servers = ["10.0.0.9:50052", "not an address"]
    section = RpcSection(prefs)
    qtbot.addWidget(section)
    others: OtherComputersBox = section.others
    assert others.endpoints() == ["10.0.0.9:50052"]  # what is not an address is left out
    others.address.setText("10.0.0.9:50052")
    qtbot.mouseClick(others.add_button, Qt.MouseButton.LeftButton)
    assert others.status.text() == "Already in the list."
    others.address.setText("gpu box")
    qtbot.mouseClick(others.add_button, Qt.MouseButton.LeftButton)
    assert "HOST:PORT" in others.status.text() and others.endpoints() == ["10.0.0.9:50052"]
    others.list.setCurrentRow(0)
    qtbot.mouseClick(others.remove_button, Qt.MouseButton.LeftButton)
    assert others.endpoints() == []

    nobody = free_port()
    with RpcWorker("ponder") as worker:
        others.address.setText(f"{worker.endpoint}, 127.0.0.1:{nobody}")
        qtbot.mouseClick(others.add_button, Qt.MouseButton.LeftButton)
        assert others.endpoints() == [worker.endpoint, f"127.0.0.1:{nobody}"]
        qtbot.mouseClick(others.check_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: others.check_button.isEnabled(), timeout=WAIT_MS)
        first, second = others.status.text().splitlines()
        assert first.startswith(f"{worker.endpoint}: ") and first.endswith(" GB free.")
        assert second == f"Cannot reach the computer at 127.0.0.1:{nobody} (connection refused)."
    section.apply()
    assert prefs.settings.rpc_servers == [worker.endpoint, f"127.0.0.1:{nobody}"]
    section.shutdown()


@pytest.fixture
def layered_runaway(tmp_path: Path) -> ScriptedModel:
    return write_scripted_model(tmp_path / "qwen3-4-layers-runaway.gguf", Script(runaway=True), n_layers=4)


def test_a_worker_lost_mid_reply_keeps_the_reply_and_reloads_without_it(
    qtbot: Any, window: MainWindow, layered_runaway: ScriptedModel
) -> None:
    with RpcWorker("ponder") as lost, RpcWorker("ponder") as kept:
        # GPU layers auto: the fit counts the workers' memory, and every layer goes to them.
        window.prefs.set_default_load(ModelLoad(n_ctx=2048, n_gpu_layers="auto", n_threads=1))
        window.prefs.settings.rpc_servers = [lost.endpoint, kept.endpoint]
        load(qtbot, window, layered_runaway)
        spread = window.models.loaded.info["offload"] if window.models.loaded else []
        assert {e["endpoint"]: e["layers"] > 0 for e in spread} == {
            lost.endpoint: True,
            kept.endpoint: True,
            None: False,
        }
        assert window.banner.text.startswith("The model is spread over other computers: ")
        assert lost.endpoint in window.banner.text and kept.endpoint in window.banner.text

        window.composer.budget.set_value(None)
        send(qtbot, window, "Think forever.", wait=False)
        (reply,) = replies(window)
        qtbot.waitUntil(
            lambda: reply.message is not None and len(reply.message.thinking) > 30, timeout=WAIT_MS
        )
        lost.kill()
        qtbot.waitUntil(lambda: window.models.state is ModelState.CRASHED, timeout=WAIT_MS)
        assert (
            window.banner.text
            == f"The computer at {lost.endpoint} stopped answering. Your conversation is safe."
        )
        assert window.banner.action.text() == "Reload without it"
        qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)
        message = reply.message
        assert message is not None and message.finish_reason == "interrupted" and len(message.thinking) > 30

        qtbot.mouseClick(window.banner.action, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.models.ready, timeout=WAIT_MS)
        loaded = window.models.loaded
        assert loaded is not None
        assert [e["endpoint"] for e in loaded.info["offload"] if e["endpoint"]] == [kept.endpoint]
        assert window.prefs.settings.rpc_servers == [lost.endpoint, kept.endpoint]  # the list is the user's
        chat = window.controller.chat
        assert chat is not None and len(chat.entries) == 2


def test_a_computer_that_cannot_be_reached_fails_the_load_and_it_loads_without_it(
    qtbot: Any, window: MainWindow, layered_runaway: ScriptedModel
) -> None:
    nobody = f"127.0.0.1:{free_port()}"
    window.prefs.settings.rpc_servers = [nobody]
    window.load_model(str(layered_runaway.path))
    qtbot.waitUntil(lambda: window.models.state is ModelState.FAILED, timeout=WAIT_MS)
    assert window.banner.text == (
        f"The model could not be loaded: Cannot reach the computer at {nobody} (connection refused)."
    )
    assert window.banner.action.text() == "Load without it"
    qtbot.mouseClick(window.banner.action, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.models.ready, timeout=WAIT_MS)
    loaded = window.models.loaded
    assert loaded is not None and [e["endpoint"] for e in loaded.info["offload"]] == [None]
