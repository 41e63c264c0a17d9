"""Settings ▸ Model loading: Auto context, YaRN said aloud, the KV cache type, the answer reserve."""

from __future__ import annotations

from typing import Any

from app.core.store.settings import ModelLoad
from app.ui.common.prefs import Preferences
from app.ui.main_window import MainWindow
from app.ui.settings.dialog import SettingsDialog

QWEN3_INFO = {"native_context": 32768, "max_context": 131072, "n_ctx": 40960}


def test_auto_context_by_default_and_yarn_said_past_the_native_length(qtbot: Any, window: MainWindow) -> None:
    window.prefs.settings.models.clear()
    dialog = SettingsDialog(Preferences(), "qwen3.gguf", window, model_info=QWEN3_INFO)
    qtbot.addWidget(dialog)
    assert dialog.ctx_auto.isChecked()
    assert dialog.n_ctx.maximum() == 131072  # Qwen3 with YaRN
    assert dialog.context_note.text().startswith("Auto: the largest context that fits")
    assert dialog.load_params().n_ctx == 0
    dialog.n_ctx.setValue(131072)
    assert not dialog.ctx_auto.isChecked()  # a number typed is a choice
    assert "YaRN on" in dialog.context_note.text() and "×4" in dialog.context_note.text()
    dialog.n_ctx.setValue(16384)
    assert dialog.context_note.isHidden()
    dialog.kv_cache.setCurrentIndex(dialog.kv_cache.findData("q8_0"))
    dialog.answer_reserve.setValue(3000)
    dialog.apply()
    assert dialog.prefs.load_params("qwen3.gguf") == ModelLoad(n_ctx=16384, n_threads=None, kv_cache="q8_0")
    assert dialog.prefs.settings.answer_reserve == 3000
    request = dialog.prefs.load_request("qwen3.gguf")
    assert request.n_ctx == 16384 and request.kv_cache == "q8_0"


def test_a_2507_model_offers_its_native_262144(qtbot: Any, window: MainWindow) -> None:
    info = {"native_context": 262144, "max_context": 262144}
    dialog = SettingsDialog(window.prefs, "qwen3-2507.gguf", window, model_info=info)
    qtbot.addWidget(dialog)
    assert dialog.n_ctx.maximum() == 262144
    assert dialog.ctx_auto.isChecked() and dialog.n_ctx.value() == 262144  # Auto starts at native
    dialog.ctx_auto.setChecked(False)
    assert dialog.context_note.isHidden()  # native: no YaRN
    assert dialog.load_params().n_ctx == 262144
