"""The chat list: new, select, rename, delete with undo, search; options remembered per chat."""

from __future__ import annotations

from typing import Any

from app.core.chat.messages import Message
from app.testkit.scripted_model import ScriptedModel
from app.ui.common.qt import Qt
from app.ui.main_window import MainWindow
from tests.ui.driver import load, replies, send


def titles(window: MainWindow) -> list[str]:
    lst = window.sidebar.list
    return [lst.item(i).text() for i in range(lst.count())]


def visible_titles(window: MainWindow) -> list[str]:
    lst = window.sidebar.list
    return [lst.item(i).text() for i in range(lst.count()) if not lst.item(i).isHidden()]


def test_chats_new_select_rename_search_delete(
    qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel
) -> None:
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "Tell me about apples.")
    assert titles(window) == ["Tell me about apples."]
    qtbot.mouseClick(window.sidebar.new_button, Qt.MouseButton.LeftButton)
    send(qtbot, window, "Tell me about pears.")
    assert titles(window) == ["Tell me about pears.", "Tell me about apples."]

    # Select the first chat again: its conversation comes back.
    window.sidebar.list.setCurrentRow(1)
    chat = window.controller.chat
    assert chat is not None and chat.title == "Tell me about apples."
    assert len(replies(window)) == 1

    # Rename in place.
    item = window.sidebar.list.item(1)
    item.setText("Fruit")
    assert window.repo.get_chat(chat.id).title == "Fruit"  # type: ignore[union-attr]
    assert "Fruit" in window.windowTitle()

    # Search filters the list.
    window.sidebar.search.setText("pear")
    assert visible_titles(window) == ["Tell me about pears."]
    window.sidebar.search.setText("nothing like this")
    assert visible_titles(window) == [] and not window.sidebar.empty.isHidden()
    window.sidebar.search.clear()

    # Delete, then undo from the banner.
    window.sidebar.delete.emit(chat.id)
    assert titles(window) == ["Tell me about pears."]
    assert window.banner.action.text() == "Undo"
    qtbot.mouseClick(window.banner.action, Qt.MouseButton.LeftButton)
    assert sorted(titles(window)) == ["Fruit", "Tell me about pears."]


def test_think_and_budget_are_remembered_per_chat(qtbot: Any, window: MainWindow) -> None:
    composer = window.composer
    composer.think.setChecked(False)
    first = window.controller.chat
    assert first is not None
    first.entries.append(Message("user", "x"))  # a chat with content: Ctrl+N makes a new one
    window.new_chat()
    second = window.controller.chat
    assert second is not None and second is not first
    composer.think.setChecked(True)
    composer.budget.set_value(1024)
    window.select_chat(first.id)
    assert not composer.think.isChecked()
    window.select_chat(second.id)
    assert composer.think.isChecked() and composer.budget.value() == 1024


def test_switching_chats_while_a_reply_streams_keeps_it(
    qtbot: Any, window: MainWindow, runaway_model: ScriptedModel
) -> None:
    load(qtbot, window, runaway_model)
    window.composer.budget.set_value(512)
    send(qtbot, window, "Think.", wait=False)
    streaming_chat = window.controller.chat
    assert streaming_chat is not None
    window.sidebar.new_chat.emit()
    assert window.controller.chat is not streaming_chat
    window.select_chat(streaming_chat.id)
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=60_000)
    (reply,) = replies(window)
    assert reply.answer.toPlainText() == runaway_model.script.answer_text
    assert "budget reached" in reply.thinking.header.text()


def test_deleting_the_chat_of_a_streaming_reply_stops_it(
    qtbot: Any, window: MainWindow, runaway_model: ScriptedModel
) -> None:
    load(qtbot, window, runaway_model)
    window.composer.budget.set_value(None)
    send(qtbot, window, "Think.", wait=False)
    chat = window.controller.chat
    assert chat is not None
    window.sidebar.delete.emit(chat.id)
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=60_000)
    assert window.repo.get_chat(chat.id) is None
    assert window.controller.chat is not chat and window.controller.chat is not None
    qtbot.mouseClick(window.banner.action, Qt.MouseButton.LeftButton)  # Undo
    restored = window.repo.get_chat(chat.id)
    assert restored is chat and window.controller.chat is chat
    reply = chat.entries[-1]
    assert reply.message.finish_reason == "cancelled"  # type: ignore[union-attr]
    (view,) = replies(window)
    assert view.stats.text().startswith("Stopped")
