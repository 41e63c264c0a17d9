"""Chats persist in SQLite: across a close and reopen, with versions, options, pins, deletes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.chat.chats import Reply
from app.core.chat.messages import Message
from app.core.store import ChatStore
from app.core.store.settings import Settings
from app.testkit.scripted_model import ScriptedModel
from app.ui.common.prefs import Preferences
from app.ui.common.qt import QTimer
from app.ui.history.chat_settings import ChatSettingsDialog
from app.ui.history.store_chats import StoreChats
from app.ui.main_window import MainWindow
from app.ui.settings.data_folder import DataFolderBox
from app.ui.settings.dialog import SettingsDialog
from tests.ui.driver import load, replies, send, user_messages

MakeWindow = Callable[[], MainWindow]


def close(window: MainWindow) -> None:
    window.shutdown()
    window.close()


def titles(window: MainWindow) -> list[str]:
    lst = window.sidebar.list
    return [lst.item(i).text() for i in range(lst.count())]


def db(ponder_home: Path) -> Path:
    return Settings().database_path()


def test_window_uses_sqlite_in_ponder_home(make_window: MakeWindow, ponder_home: Path) -> None:
    window = make_window()
    assert isinstance(window.repo, StoreChats)
    assert window.repo.path == ponder_home / "data" / "ponder.db"
    assert window.repo.path.exists()


def test_chats_versions_and_options_survive_a_restart(
    qtbot: Any, make_window: MakeWindow, qwen3_model: ScriptedModel
) -> None:
    window = make_window()
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "Tell me about apples.")
    first = window.controller.chat
    assert first is not None
    reply = first.entries[-1]
    assert isinstance(reply, Reply)
    window.controller.regenerate(reply, False)  # a second version, thinking off
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=60_000)
    assert len(reply.versions) == 2 and reply.index == 1
    replies(window)[0].prev_button.click()  # show the first version again
    assert reply.index == 0
    window.composer.think.setChecked(False)
    window.composer.budget.set_value(1024)
    window.repo.set_system_prompt(first.id, "Answer in one sentence.")
    window.new_chat()
    window.composer.think.setChecked(True)
    send(qtbot, window, "Tell me about pears.")
    window.new_chat()  # an empty new chat is not stored
    expected_answer = qwen3_model.script.answer_text
    close(window)

    again = make_window()
    assert titles(again)[1:] == ["Tell me about pears.", "Tell me about apples."]
    assert titles(again)[0] == "New chat"  # this session's fresh chat, not a leftover
    again.sidebar.list.setCurrentRow(2)
    chat = again.controller.chat
    assert chat is not None and chat.id == first.id
    assert chat.system_prompt == "Answer in one sentence."
    assert not again.composer.think.isChecked() and again.composer.budget.value() == 1024
    assert chat.model == str(qwen3_model.path)
    (user,) = user_messages(again)
    assert user.message.content == "Tell me about apples."
    (view,) = replies(again)
    stored = chat.entries[-1]
    assert isinstance(stored, Reply)
    assert [v.think_mode for v in stored.versions] == [True, False]
    assert stored.index == 0 and view.version_label.text() == "1/2"
    assert view.answer.toPlainText() == expected_answer
    assert view.thinking.text  # the first version's reasoning came back too
    assert view.stats.text()  # with its statistics


def test_delete_with_undo_and_purge_on_close(
    qtbot: Any, make_window: MakeWindow, qwen3_model: ScriptedModel, ponder_home: Path
) -> None:
    window = make_window()
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "Keep me.")
    window.new_chat()
    send(qtbot, window, "Delete me.")
    doomed = window.controller.chat
    kept_then_deleted = window.repo.list_chats()[1]
    assert doomed is not None and kept_then_deleted.title == "Keep me."
    window.sidebar.delete.emit(doomed.id)
    assert titles(window) == ["Keep me."]
    assert window.banner.action.text() == "Undo"
    window.banner.action.click()
    assert sorted(titles(window)) == ["Delete me.", "Keep me."]
    assert isinstance(window.repo, StoreChats) and window.repo.flush()
    with ChatStore(db(ponder_home)) as store:
        assert store.get_chat(doomed.id) is not None  # restored on disk too
    window.sidebar.delete.emit(doomed.id)
    window.repo.flush()
    with ChatStore(db(ponder_home)) as store:
        assert [c.id for c in store.list_deleted()] == [doomed.id]  # soft: Undo still works
    close(window)
    with ChatStore(db(ponder_home)) as store:
        assert store.get_chat(doomed.id, include_deleted=True) is None  # purged at close
        assert store.count_messages(doomed.id) == 0
        assert [c.title for c in store.list_chats()] == ["Keep me."]


def test_pinned_chats_come_first_with_a_marker(
    qtbot: Any, make_window: MakeWindow, qwen3_model: ScriptedModel
) -> None:
    window = make_window()
    load(qtbot, window, qwen3_model)
    for text in ("Oldest.", "Middle.", "Newest."):
        window.new_chat()
        send(qtbot, window, text)
    assert titles(window) == ["Newest.", "Middle.", "Oldest."]
    lst = window.sidebar.list
    menu = lst.menu_for(lst.item(2))
    assert [a.text() for a in menu.actions()] == ["Rename", "Pin", "Delete"]
    menu.actions()[1].trigger()
    assert titles(window) == ["Oldest.", "Newest.", "Middle."]
    assert not lst.item(0).icon().isNull() and lst.item(1).icon().isNull()
    assert [a.text() for a in lst.menu_for(lst.item(0)).actions()][1] == "Unpin"
    close(window)
    again = make_window()
    assert titles(again)[:1] == ["Oldest."]  # pinned, even above the fresh chat
    assert titles(again)[1:] == ["New chat", "Newest.", "Middle."]


def test_titles_are_automatic_and_editable(
    qtbot: Any, make_window: MakeWindow, qwen3_model: ScriptedModel
) -> None:
    window = make_window()
    load(qtbot, window, qwen3_model)
    send(
        qtbot,
        window,
        "What   is the tallest\nmountain on Earth and how was its height measured over the years?",
    )
    chat = window.controller.chat
    assert chat is not None
    assert chat.title == "What is the tallest"
    window.sidebar.list.item(0).setText("Mountains")
    close(window)
    again = make_window()
    assert "Mountains" in titles(again)


def record_requests(window: MainWindow) -> list[Any]:
    """The generate requests the window sends from now on (they still go to the engine)."""
    sent: list[Any] = []
    real = window.bridge.engine.generate

    def generate(request: Any) -> int:
        sent.append(request)
        return real(request)

    window.bridge.engine.generate = generate  # type: ignore[method-assign]
    return sent


def _seed_long_chat(path: Path, exchanges: int) -> tuple[str, list[str]]:
    with ChatStore(path) as store:
        chat = store.create_chat("Long chat")
        ids = []
        for i in range(exchanges):
            store.add_message(chat.id, Message("user", f"question number {i} about topic{i}"))
            answer = Message("assistant", f"answer {i} mentions keyword{i}", thinking=f"reasoning {i}")
            answer.finish_reason = "stop"
            store.add_message(chat.id, answer)
            ids.append(answer.id)
        return chat.id, ids


def test_long_chats_open_newest_first_and_load_more_on_scroll(
    qtbot: Any, make_window: MakeWindow, ponder_home: Path
) -> None:
    chat_id, _ids = _seed_long_chat(db(ponder_home), 150)
    window = make_window()
    window.select_chat(chat_id)
    chat = window.controller.chat
    assert chat is not None and chat.has_earlier
    assert len(chat.entries) == 50  # one page of messages
    shown = replies(window)
    assert 0 < len(shown) <= 20 and shown[-1].answer.toPlainText() == "answer 149 mentions keyword149"
    earlier = window.presenter.show_earlier()
    assert earlier > 0 and len(replies(window)) > len(shown)
    bar = window.conversation.verticalScrollBar()
    for _ in range(40):  # the user keeps scrolling to the top
        if not window.presenter.has_earlier():
            break
        window.presenter.show_earlier()
    assert not chat.has_earlier and len(chat.entries) == 300
    assert user_messages(window)[0].message.content == "question number 0 about topic0"
    assert bar is not None


def test_sending_in_a_partly_loaded_chat_sends_the_whole_history(
    qtbot: Any, make_window: MakeWindow, ponder_home: Path, qwen3_model: ScriptedModel
) -> None:
    chat_id, _ids = _seed_long_chat(db(ponder_home), 40)
    window = make_window()
    load(qtbot, window, qwen3_model)
    window.select_chat(chat_id)
    chat = window.controller.chat
    assert chat is not None and chat.has_earlier
    sent = record_requests(window)
    send(qtbot, window, "One more question.")
    (request,) = sent
    assert len(request.messages) == 81  # 40 exchanges and the new question
    assert request.messages[0].content == "question number 0 about topic0"
    assert not chat.has_earlier


def test_system_prompt_is_sent(qtbot: Any, make_window: MakeWindow, qwen3_model: ScriptedModel) -> None:
    window = make_window()
    load(qtbot, window, qwen3_model)
    chat = window.controller.chat
    assert chat is not None
    window.repo.set_system_prompt(chat.id, "Be brief.")
    sent = record_requests(window)
    send(qtbot, window, "Hi.")
    assert [(m.role, m.content) for m in sent[0].messages] == [("system", "Be brief."), ("user", "Hi.")]


def test_chat_settings_dialog_with_presets(qtbot: Any, make_window: MakeWindow) -> None:
    window = make_window()
    window.prefs.settings.system_prompts = {"Terse": "Answer in one line."}
    chat = window.controller.chat
    assert chat is not None
    dialog = ChatSettingsDialog(window.prefs, chat.title, chat.system_prompt, chat.model, window)
    assert dialog.preset_names() == ["None", "Terse"]
    dialog.apply_preset("Terse")
    assert dialog.system_prompt() == "Answer in one line."
    dialog.prompt.setPlainText("You are a careful mathematician.")
    dialog.preset_name.setText("Maths")
    dialog.save_preset()
    assert window.prefs.settings.system_prompts["Maths"] == "You are a careful mathematician."
    assert dialog.preset_names() == ["None", "Maths", "Terse"]
    qtbot.addWidget(dialog)

    # Through the Chat menu: the dialog's result becomes the chat's system prompt.
    def accept_with(text: str) -> None:
        dialogs = [w for w in window.findChildren(ChatSettingsDialog) if w.isVisible()]
        dialogs[-1].prompt.setPlainText(text)
        dialogs[-1].accept()

    QTimer.singleShot(0, lambda: accept_with("Be brief."))
    menu = window.history.menu_button.menu()
    assert menu is not None
    next(a for a in menu.actions() if a.text() == "Chat settings…").trigger()
    assert chat.system_prompt == "Be brief."


def test_moving_the_data_folder_keeps_every_chat(
    qtbot: Any, make_window: MakeWindow, qwen3_model: ScriptedModel, tmp_path: Path
) -> None:
    window = make_window()
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "Before the move.")
    old = window.repo.path  # type: ignore[attr-defined]
    target = tmp_path / "elsewhere"
    box = DataFolderBox(old.parent)
    box.choose(str(old.parent))
    assert box.chosen is None
    box.choose(str(target))
    assert box.chosen == str(target)
    assert window.history.move_data_folder(str(target))
    assert window.repo.path == target.resolve() / "ponder.db"  # type: ignore[attr-defined]
    assert not old.exists()
    assert Preferences().settings.data_dir == str(target.resolve())  # saved at once
    send(qtbot, window, "After the move.")
    chat = window.controller.chat
    assert chat is not None
    close(window)

    again = make_window()
    assert again.repo.path == target.resolve() / "ponder.db"  # type: ignore[attr-defined]
    again.select_chat(chat.id)
    assert [u.message.content for u in user_messages(again)] == ["Before the move.", "After the move."]


def test_a_move_that_fails_keeps_the_chats_where_they_were(
    qtbot: Any, make_window: MakeWindow, tmp_path: Path
) -> None:
    window = make_window()
    chat = window.controller.chat
    assert chat is not None
    window.repo.add_message(chat.id, Message("user", "Stay here."))
    old = window.repo.path  # type: ignore[attr-defined]
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "ponder.db").write_text("someone else's file")
    assert not window.history.move_data_folder(str(blocked))
    assert "could not be moved" in window.banner.text
    assert window.repo.path == old and old.exists()  # type: ignore[attr-defined]
    window.repo.add_message(chat.id, Message("user", "Still saved."))
    assert window.repo.flush()  # type: ignore[attr-defined]
    with ChatStore(old) as store:
        assert [m.content for m in store.all_messages(chat.id)] == ["Stay here.", "Still saved."]


def test_the_settings_dialog_moves_the_chats(qtbot: Any, make_window: MakeWindow, tmp_path: Path) -> None:
    window = make_window()
    chat = window.controller.chat
    assert chat is not None
    window.repo.add_message(chat.id, Message("user", "Moving house."))
    target = tmp_path / "new-home"

    def choose_and_accept() -> None:
        (dialog,) = [w for w in window.findChildren(SettingsDialog) if w.isVisible()]
        assert dialog.data_folder.path_label.text() == str(window.prefs.settings.data_path())
        dialog.data_folder.choose(str(target))
        dialog.accept()

    QTimer.singleShot(0, choose_and_accept)
    window.open_settings()
    assert window.repo.path == target.resolve() / "ponder.db"  # type: ignore[attr-defined]
    assert "now kept in" in window.banner.text
    assert window.repo.flush()  # type: ignore[attr-defined]
    with ChatStore(target / "ponder.db") as store:
        assert [m.content for m in store.all_messages(chat.id)] == ["Moving house."]
