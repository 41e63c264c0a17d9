"""``ponder`` with no command: the window."""

from __future__ import annotations

import sys
from pathlib import Path

from app.ui.main_window import MainWindow
from app.ui.prefs import Preferences
from app.ui.qt import QApplication
from app.ui.theme import ThemeManager
from app.ui.warmup import settle_startup


def run_app(args: list[str]) -> int:
    """Open the window (loading the model given, or the last one), run, close the engine."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication([sys.argv[0] if sys.argv else "ponder", *[a for a in args if a.startswith("-")]])
    app.setApplicationName("Ponder")
    app.setApplicationDisplayName("Ponder")
    app.setOrganizationName("Ponder")
    prefs = Preferences()
    theme = ThemeManager(app, prefs.settings.theme)
    window = MainWindow(theme, prefs)
    window.show()
    settle_startup()
    model = next((a for a in args if not a.startswith("-")), None) or prefs.last_model
    if model:
        if Path(model).is_file():
            window.load_model(str(Path(model).resolve()))
        else:
            window.bus.error(
                f"The model file {model} does not exist.", "Open model…", window.open_model_dialog
            )
    try:
        return int(app.exec())
    finally:
        window.shutdown()
