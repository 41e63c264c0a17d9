"""What the window holds and what is on disk stay the same through every chat action."""

from __future__ import annotations

from typing import Any

from app.core.chat.chats import Chat, Reply
from app.core.store import ChatStore
from app.core.store.turns import all_turns
from app.testkit.scripted_model import ScriptedModel
from app.ui.common.qt import Qt
from app.ui.history.store_chats import StoreChats
from app.ui.main_window import MainWindow
from tests.ui.driver import WAIT_MS, load, replies, send, user_messages


def snapshot(chat: Chat) -> list[tuple[str, list[tuple[str, str, str, str | None]], int]]:
    out = []
    for entry in chat.entries:
        versions = entry.versions if isinstance(entry, Reply) else [entry]
        index = entry.index if isinstance(entry, Reply) else 0
        out.append(
            (
                versions[0].role,
                [(v.id, v.thinking, v.content, v.finish_reason) for v in versions],
                index,
            )
        )
    return out


def assert_saved(window: MainWindow) -> None:
    """The current chat on disk equals the chat in the window."""
    repo = window.repo
    chat = window.controller.chat
    assert isinstance(repo, StoreChats) and chat is not None
    assert repo.flush()
    with ChatStore(repo.path) as store:
        turns = all_turns(store, chat.id)
        stored = store.get_chat(chat.id)
    on_disk = [
        (t.role, [(m.id, m.thinking, m.content, m.finish_reason) for m in t.messages], t.shown) for t in turns
    ]
    assert on_disk == snapshot(chat)
    assert stored is not None
    assert (stored.think_mode, stored.budget, stored.system_prompt) == (
        chat.think,
        chat.budget,
        chat.system_prompt,
    )


def test_budget_cut_and_continue_thinking_are_saved(
    qtbot: Any, window: MainWindow, runaway_model: ScriptedModel
) -> None:
    load(qtbot, window, runaway_model)
    window.composer.budget.set_value(256)
    send(qtbot, window, "Think hard.")
    assert_saved(window)  # the cut rewrote the saved reasoning, then the answer followed
    (reply,) = replies(window)
    qtbot.mouseClick(reply.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)
    assert_saved(window)


def test_edit_delete_and_versions_are_saved(
    qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel
) -> None:
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "Say hello.")
    send(qtbot, window, "Again.")
    assert_saved(window)
    first = user_messages(window)[0]
    first.start_editing()
    first.editor.setPlainText("Say hi instead.")
    first.save_button.click()
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)
    assert_saved(window)
    view = replies(window)[0]
    view.regenerate.emit(False)
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)
    view.regenerate.emit(True)
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)
    assert_saved(window)  # three versions, the last shown
    view.prev_button.click()
    assert_saved(window)  # the shown version is saved
    view.delete_button.click()  # deletes the shown (second) version
    assert_saved(window)
    view.delete_button.click()
    view.delete_button.click()  # the last version: the whole reply goes
    qtbot.waitUntil(lambda: not replies(window))
    assert_saved(window)
    user_messages(window)[0].delete_button.click()
    assert_saved(window)


def test_closing_mid_reply_saves_it_as_stopped(
    qtbot: Any, make_window: Any, runaway_model: ScriptedModel
) -> None:
    window = make_window()
    load(qtbot, window, runaway_model)
    window.composer.budget.set_value(None)
    send(qtbot, window, "Think forever.", wait=False)
    qtbot.waitUntil(lambda: bool(window.controller.stream and window.controller.stream.message.thinking))
    chat = window.controller.chat
    assert chat is not None
    window.shutdown()
    window.close()
    again = make_window()
    again.select_chat(chat.id)
    (view,) = replies(again)
    assert view.message is not None and view.message.finish_reason == "app_closed"
    assert view.message.thinking and view.stats.text().startswith("Stopped — the app closed")
    assert "being written when Ponder closed" not in again.banner.text  # it closed cleanly
