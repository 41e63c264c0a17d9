"""The window says which llama.cpp backend the model runs on."""

from __future__ import annotations

from typing import Any

from app.engine.local.llama_session import backend_names
from app.testkit.scripted_model import ScriptedModel
from app.ui.main_window import MainWindow
from tests.ui.driver import load


def test_model_picker_names_the_backend(qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel) -> None:
    load(qtbot, window, qwen3_model)
    tip = window.picker.button.toolTip()
    # Whatever this build runs on (CPU here, CUDA or Metal first on a GPU build), as llama.cpp says.
    assert f"Runs on {', '.join(backend_names())}" in tip
    assert "Loaded in" in tip
