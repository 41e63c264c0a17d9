"""``ponder model.gguf``: run_app opens the window, loads the model, closes the engine at exit."""

from __future__ import annotations

from typing import Any

from app.testkit.scripted_model import ScriptedModel
from app.ui.common.prefs import Preferences
from app.ui.common.qt import QApplication, QTimer
from app.ui.main import run_app
from app.ui.main_window import MainWindow


def test_run_app_loads_the_model_and_remembers_it(qapp: QApplication, qwen3_model: ScriptedModel) -> None:
    seen: dict[str, Any] = {}

    def windows() -> list[MainWindow]:
        return [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]

    def poll() -> None:
        for w in windows():
            if w.models.ready:
                seen["window"] = w
                seen["name"] = w.picker.button.text()
                w.close()
                return
        QTimer.singleShot(50, poll)

    QTimer.singleShot(50, poll)
    QTimer.singleShot(60_000, qapp.quit)  # never hang the suite
    assert run_app([str(qwen3_model.path)]) == 0
    window = seen["window"]
    assert seen["name"] == "qwen3-scripted"
    assert not window.bridge.engine.alive
    assert Preferences().last_model == str(qwen3_model.path)
