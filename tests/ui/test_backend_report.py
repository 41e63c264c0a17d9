"""The window says which llama.cpp backend the model runs on."""

from __future__ import annotations

from typing import Any

from app.testkit.scripted_model import ScriptedModel
from app.ui.main_window import MainWindow
from tests.ui.driver import load


def test_model_picker_names_the_backend(qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel) -> None:
    load(qtbot, window, qwen3_model)
    tip = window.picker.button.toolTip()
    assert "Runs on CPU" in tip  # this machine's build has no GPU backend
    assert "Loaded in" in tip
