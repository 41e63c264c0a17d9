"""Settings, drag and drop, following the end of a streaming reply, guidance when not ready."""

from __future__ import annotations

from typing import Any

from app.core.chat.sampling import NO_THINKING_DEFAULTS, THINKING_DEFAULTS
from app.core.render import DARK
from app.core.store.settings import ModelLoad
from app.engine.local.engine import LocalEngine
from app.testkit.scripted_model import ScriptedModel
from app.ui.common.model_state import ModelState
from app.ui.common.prefs import Preferences
from app.ui.common.qt import QDropEvent, QMimeData, QPoint, Qt, QUrl
from app.ui.main_window import MainWindow
from app.ui.settings.dialog import SettingsDialog
from tests.ui.driver import WAIT_MS, load, replies, send


def test_settings_dialog_edits_load_parameters_and_sampling(qtbot: Any, prefs: Preferences) -> None:
    dialog = SettingsDialog(prefs, None)
    qtbot.addWidget(dialog)
    dialog.n_ctx.setValue(16384)
    dialog.gpu_auto.setChecked(False)
    dialog.gpu_layers.setValue(20)
    dialog.threads.setValue(3)
    dialog.sampling_on.temperature.setValue(1.1)
    dialog.sampling_off.top_k.setValue(5)
    dialog.apply()
    request = prefs.load_request("/models/new.gguf")
    assert (request.n_ctx, request.n_gpu_layers, request.n_threads) == (16384, 20, 3)
    assert prefs.sampling(True).temperature == 1.1 and prefs.sampling(False).top_k == 5
    assert prefs.save() is None
    assert Preferences().sampling(True).temperature == 1.1  # written to disk

    again = SettingsDialog(prefs, None)
    qtbot.addWidget(again)
    assert again.gpu_layers.value() == 20 and not again.gpu_auto.isChecked()
    qtbot.mouseClick(again.sampling_on.reset_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(again.sampling_off.reset_button, Qt.MouseButton.LeftButton)
    again.apply()
    assert prefs.sampling(True) == THINKING_DEFAULTS and prefs.sampling(False) == NO_THINKING_DEFAULTS


def test_auto_gpu_layers_and_threads(qtbot: Any, prefs: Preferences) -> None:
    dialog = SettingsDialog(prefs, None)
    qtbot.addWidget(dialog)
    dialog.gpu_auto.setChecked(True)
    dialog.threads.setValue(0)
    assert not dialog.gpu_layers.isEnabled() and dialog.threads.text() == "Auto"
    dialog.apply()
    request = prefs.load_request("/models/other.gguf")
    assert request.n_gpu_layers == "auto" and request.n_threads is None


def test_dropping_a_gguf_file_loads_it(qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(qwen3_model.path))])
    event = QDropEvent(
        QPoint(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert event.isAccepted()
    qtbot.waitUntil(lambda: window.models.ready, timeout=WAIT_MS)
    assert window.models.path == str(qwen3_model.path)


def test_other_files_are_not_accepted_on_drop(qtbot: Any, window: MainWindow, tmp_path: Any) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    event.setAccepted(False)
    window.dropEvent(event)
    assert not event.isAccepted()
    assert window.models.state is ModelState.NONE


def test_the_view_follows_the_end_unless_the_user_scrolls_up(
    qtbot: Any, window: MainWindow, runaway_model: ScriptedModel
) -> None:
    window.resize(900, 600)
    window.prefs.settings.models[str(runaway_model.path)] = ModelLoad(n_ctx=4096, n_gpu_layers=0)
    load(qtbot, window, runaway_model)
    window.composer.budget.set_value(None)
    send(qtbot, window, "Think at length.", wait=False)
    bar = window.conversation.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 1000, timeout=WAIT_MS)
    assert bar.value() == bar.maximum()
    bar.setValue(100)  # the user scrolls up to read
    maximum = bar.maximum()
    qtbot.waitUntil(lambda: bar.maximum() > maximum + 300, timeout=WAIT_MS)
    assert bar.value() == 100
    bar.setValue(bar.maximum())  # back to the end: following again
    maximum = bar.maximum()
    qtbot.waitUntil(lambda: bar.maximum() > maximum + 300, timeout=WAIT_MS)
    assert bar.value() == bar.maximum()
    window.controller.stop()
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)


def test_sending_while_the_engine_is_down_offers_a_reload(
    qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel
) -> None:
    load(qtbot, window, qwen3_model)
    engine = window.bridge.engine
    assert isinstance(engine, LocalEngine)
    engine.kill()
    qtbot.waitUntil(lambda: window.models.state is ModelState.CRASHED, timeout=WAIT_MS)
    window.banner.dismiss()
    window.composer.edit.setPlainText("Hello?")
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
    assert not window.controller.generating
    assert window.banner.action.text() == "Reload model"
    qtbot.mouseClick(window.banner.action, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.models.ready, timeout=WAIT_MS)
    send(qtbot, window, "Hello?")
    assert replies(window)[-1].answer.toPlainText() == qwen3_model.script.answer_text


def test_switching_to_dark_and_back_rerenders_without_warnings(
    qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel
) -> None:
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "Say hello.")
    theme = window.theme
    try:
        theme.preference = "dark"
        theme.apply()
        assert theme.name == "dark"
        (reply,) = replies(window)
        assert reply.answer.toPlainText() == qwen3_model.script.answer_text
        assert reply.answer.renderer.theme.name == "dark"
        assert DARK.link in reply.answer.segments[0].document().defaultStyleSheet()
    finally:
        theme.preference = "light"
        theme.apply()
    assert theme.name == "light"
