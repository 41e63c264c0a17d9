"""``ponder`` with no command: the window."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from app.core.logs import setup_logging
from app.core.render.process import RENDER_PROCESS
from app.engine.remote.servers import parse_ref
from app.ui.common.collector import COLLECTOR
from app.ui.common.i18n import install_language, tr
from app.ui.common.prefs import Preferences
from app.ui.common.qt import QApplication, QIcon
from app.ui.common.single_instance import SingleInstance
from app.ui.common.tasks import Tasks
from app.ui.common.theme import RESOURCES, ThemeManager
from app.ui.common.warmup import settle_startup
from app.ui.main_window import MainWindow, WindowDriver

log = logging.getLogger("ponder.app")

# Test support only: the crash test starts the real app in a child process and needs it to
# send a message by itself. Nothing else reads these; users never set them.
TEST_AUTOSEND = "PONDER_TEST_AUTOSEND"  # text to send once the model is ready
TEST_AUTOSEND_CHAT = "PONDER_TEST_AUTOSEND_CHAT"  # the id of the chat to send it in


def run_app(args: list[str]) -> int:
    """Open the window (loading the model given, or the last one), run, close the engine."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication([sys.argv[0] if sys.argv else "ponder", *[a for a in args if a.startswith("-")]])
    app.setApplicationName("Ponder")
    app.setApplicationDisplayName("Ponder")
    app.setOrganizationName("Ponder")
    app.setWindowIcon(QIcon(str(RESOURCES / "ponder.svg")))
    paths = [str(Path(a).resolve()) if Path(a).is_file() else a for a in args if not a.startswith("-")]
    instance = SingleInstance()
    if instance.forward(paths):
        return 0  # the running window takes over (and opens the model, if one was given)
    COLLECTOR.install(app)  # garbage is collected on this thread only: see its module
    setup_logging()
    log.info("starting Ponder")
    prefs = Preferences()
    install_language(app, prefs.settings.language)
    theme = ThemeManager(app, prefs.settings.theme)
    window = MainWindow(theme, prefs)
    window.show()
    install_test_autosend(window.driver())
    instance.activated.connect(lambda later: _activate(window, later))
    instance.listen()
    startup = Tasks(name="startup")
    settle_startup(startup)
    model = next((a for a in args if not a.startswith("-")), None) or prefs.last_model
    if model:
        if parse_ref(model) is not None:  # a model on a server the user added
            window.load_model(model)
        elif Path(model).is_file():
            window.load_model(str(Path(model).resolve()))
        else:
            window.bus.error(
                tr("The model file {path} does not exist.").format(path=model),
                tr("Open model…"),
                window.open_model_dialog,
            )
    try:
        return int(app.exec())
    finally:
        instance.close()
        window.shutdown()
        startup.shutdown()
        RENDER_PROCESS.close()
        COLLECTOR.uninstall()


def install_test_autosend(window: WindowDriver) -> None:
    """Test support: with ``PONDER_TEST_AUTOSEND`` set, open ``PONDER_TEST_AUTOSEND_CHAT`` (if
    given) and send that text as soon as the model is ready, once."""
    text = os.environ.get(TEST_AUTOSEND, "").strip()
    if not text:
        return
    chat_id = os.environ.get(TEST_AUTOSEND_CHAT, "")
    sent = False

    def send_when_ready() -> None:
        nonlocal sent
        if sent or not window.model_ready():
            return
        sent = True
        log.info("test support: sending a message by itself (%s)", TEST_AUTOSEND)
        if chat_id:
            window.open_chat(chat_id)
        window.send(text)

    window.on_model_changed(send_when_ready)


def _activate(window: MainWindow, args: list[str]) -> None:
    """Another launch: bring this window forward and open the model it was given."""
    log.info("activated by another launch")
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()
    model = next((a for a in args if a.lower().endswith(".gguf") and Path(a).is_file()), None)
    if model:
        window.load_model(model)
