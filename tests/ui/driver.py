"""Driving the window as a user would, for the GUI tests."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from app.testkit.scripted_model import ScriptedModel
from app.ui.chat.assistant_view import AssistantMessageView
from app.ui.chat.user_view import UserMessageView
from app.ui.common.qt import QApplication, Qt, QWidget
from app.ui.main_window import MainWindow

WAIT_MS = 60_000


def load(qtbot: Any, window: MainWindow, model: ScriptedModel | Path) -> None:
    path = model.path if isinstance(model, ScriptedModel) else model
    window.load_model(str(path))
    qtbot.waitUntil(lambda: window.models.ready, timeout=WAIT_MS)


def send(qtbot: Any, window: MainWindow, text: str, *, wait: bool = True) -> None:
    """Type into the composer and press Enter, as a user would."""
    edit = window.composer.edit
    edit.setFocus()
    edit.setPlainText(text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.controller.generating, "the message was not sent"
    if wait:
        wait_idle(qtbot, window)


def wait_idle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)


def painted(window: MainWindow, timeout_s: float = 10.0) -> None:
    """Let a chat that was just opened finish building what is in view (it may take a few
    turns of the event loop, during which the old picture stays): what the user sees next."""
    end = time.monotonic() + timeout_s
    while window.conversation.holding and time.monotonic() < end:
        QApplication.processEvents()
    assert not window.conversation.holding, "the conversation never finished building its first screen"


def replies(window: MainWindow) -> list[AssistantMessageView]:
    painted(window)
    return [w for w in window.conversation.widgets() if isinstance(w, AssistantMessageView)]


def user_messages(window: MainWindow) -> list[UserMessageView]:
    painted(window)
    return [w for w in window.conversation.widgets() if isinstance(w, UserMessageView)]


def named(root: QWidget, name: str) -> list[QWidget]:
    """Visible-or-not widgets below ``root`` whose accessible name is ``name``."""
    return [w for w in root.findChildren(QWidget) if w.accessibleName() == name]
