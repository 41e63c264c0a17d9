"""Every control has its accessible name and can be reached with the keyboard."""

from __future__ import annotations

from typing import Any

from app.testkit.scripted_model import ScriptedModel
from app.ui.common.qt import QKeySequence, Qt, QWidget
from app.ui.main_window import MainWindow
from tests.ui.driver import load, named, replies, send

FIXED_NAMES = ("Message", "Send", "Think", "Thinking budget", "Model", "Chats")
PER_REPLY_NAMES = ("Thinking", "Show thinking", "Answer", "Reply statistics")


def focusable(widget: QWidget) -> bool:
    return widget.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus


def test_accessible_names(qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel) -> None:
    for name in FIXED_NAMES:
        found = named(window, name)
        assert len(found) == 1, (name, found)
        assert focusable(found[0]), name
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "Say hello.", wait=False)
    assert named(window, "Stop") and not named(window, "Send")
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=60_000)
    (reply,) = replies(window)
    for name in PER_REPLY_NAMES:
        assert named(reply, name), name
    assert focusable(reply.thinking.header) and focusable(reply.answer.segments[0])
    reply.thinking.header.click()
    assert reply.thinking.header.accessibleName() == "Hide thinking"
    assert named(reply, "Hide thinking") and not named(reply, "Show thinking")


def test_tab_reaches_the_composer_controls(qtbot: Any, window: MainWindow) -> None:
    window.activateWindow()
    window.composer.edit.setFocus()
    order = []
    widget: QWidget | None = window.composer.edit
    for _ in range(40):
        assert widget is not None
        widget = widget.nextInFocusChain()
        if widget is not None and widget.accessibleName():
            order.append(widget.accessibleName())
        if widget is window.composer.edit:
            break
    for name in ("Think", "Thinking budget", "Send", "Chats", "Model"):
        assert name in order, (name, order)


def test_shortcuts(qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "Say hello.")
    first = window.controller.chat
    qtbot.keySequence(window, QKeySequence("Ctrl+N"))
    assert window.controller.chat is not first and window.controller.chat is not None
    assert window.sidebar.list.count() == 2
    assert window.composer.edit.hasFocus()
    think = window.composer.think.isChecked()
    qtbot.keySequence(window, QKeySequence("Ctrl+T"))
    assert window.composer.think.isChecked() is not think
    qtbot.keySequence(window, QKeySequence("Ctrl+F"))
    assert window.sidebar.search.hasFocus()
    qtbot.keySequence(window, QKeySequence("Ctrl+L"))
    assert window.composer.edit.hasFocus()
