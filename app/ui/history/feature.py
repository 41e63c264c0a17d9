"""Persisted chats in the window: full-text search results, pinning, per-chat settings,
export and import, and a note when a chat was written with another model.

The window hands it a :class:`HistoryWindow`, the few parts of the window it works with;
the feature never sees the window itself. The window places :attr:`ChatHistory.menu_button`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.core.chat.chats import Chat, ChatRepository, Entry
from app.core.store.settings import move_data_folder
from app.engine.remote.servers import parse_ref
from app.ui.common.bus import MessageBus
from app.ui.common.i18n import tr
from app.ui.common.model_state import model_name
from app.ui.common.prefs import Preferences
from app.ui.common.qt import QObject, QWidget
from app.ui.history.chat_io import ChatTransfer
from app.ui.history.chat_menu import chat_menu_button
from app.ui.history.chat_settings import ChatSettingsDialog
from app.ui.history.sidebar import Sidebar
from app.ui.history.store_chats import StoreChats


@dataclass(frozen=True, slots=True)
class HistoryWindow:
    """What the history feature uses of the window, and nothing more."""

    widget: QWidget  # the parent of the feature and its dialogs
    repo: ChatRepository
    bus: MessageBus
    prefs: Preferences
    sidebar: Sidebar
    current_chat: Callable[[], Chat | None]  # the chat on screen
    replying: Callable[[], bool]  # a reply is being generated
    show_chat: Callable[[str], None]  # open the chat with this id
    refresh_chats: Callable[[], None]  # redraw the chat list (titles, pins, order)
    reveal: Callable[[Entry, str], None]  # scroll to a message of the open chat and flash it
    loaded_model: Callable[[], str | None]  # the path of the model loaded, if any
    load_model: Callable[[str], None]


class ChatHistory(QObject):
    def __init__(self, window: HistoryWindow) -> None:
        super().__init__(window.widget)
        self.window = window
        self.repo = window.repo
        self.transfer = ChatTransfer(self.repo, window.bus, window.current_chat, window.widget)
        self.transfer.imported.connect(self._imported)
        sidebar = window.sidebar
        store = self.repo if isinstance(self.repo, StoreChats) else None
        if store is not None:
            sidebar.searcher = lambda text, thinking: store.search(text, include_thinking=thinking)
        sidebar.include_thinking.setChecked(window.prefs.settings.search_thinking)
        sidebar.include_thinking.toggled.connect(self._search_thinking_changed)
        sidebar.pin.connect(self.pin)
        sidebar.open_result.connect(self.open_result)
        sidebar.selected.connect(self._chat_opened)
        self.menu_button = chat_menu_button(self.transfer, self.open_chat_settings)
        if store is not None and store.recovered:
            n = len(store.recovered)
            window.bus.info(
                tr(
                    "%n reply(s) were being written when Ponder closed; the text so far is kept, "
                    "marked as stopped.",
                    "",
                    n,
                ),
                key="recovered",
            )

    def pin(self, chat_id: str, pinned: bool) -> None:
        if self.repo.get_chat(chat_id) is None:
            return
        self.repo.set_pinned(chat_id, pinned)
        self.window.refresh_chats()

    def open_result(self, chat_id: str, message_id: str) -> None:
        """Open the chat of a search hit at that message, and flash it."""
        window = self.window
        window.show_chat(chat_id)
        chat = window.current_chat()
        if chat is None or chat.id != chat_id:
            return
        if isinstance(self.repo, StoreChats):
            entry = self.repo.load_until(chat_id, message_id)
        else:
            entry = chat.entry_with(message_id)
        if entry is not None:
            window.reveal(entry, message_id)

    def open_chat_settings(self) -> None:
        window = self.window
        chat = window.current_chat()
        if chat is None:
            return
        presets = dict(window.prefs.settings.system_prompts)
        dialog = ChatSettingsDialog(window.prefs, chat.title, chat.system_prompt, chat.model, window.widget)
        if dialog.exec():
            self.repo.set_system_prompt(chat.id, dialog.system_prompt())
        if window.prefs.settings.system_prompts != presets:
            problem = window.prefs.save()
            if problem:
                window.bus.warning(problem, key="settings")

    def move_data_folder(self, folder: str) -> bool:
        """Move the chat database to ``folder`` (closing and reopening the store around it)."""
        window = self.window
        store = self.repo
        if not isinstance(store, StoreChats):
            window.bus.warning(tr("Chats are not being saved in this session; there is nothing to move."))
            return False
        if window.replying():
            window.bus.warning(tr("Wait until the reply has finished, then move the chats."), key="data")
            return False
        prefs = window.prefs

        def move() -> Path:
            moved = move_data_folder(prefs.settings, folder, prefs.file)
            prefs.settings = moved
            return moved.database_path()

        try:
            store.relocate(move)
        except (OSError, sqlite3.Error, RuntimeError) as exc:
            window.bus.error(tr("Your chats could not be moved: {reason}").format(reason=exc), key="data")
            return False
        window.bus.info(
            tr("Your chats are now kept in {folder}.").format(folder=prefs.settings.data_path()), key="data"
        )
        return True

    def _search_thinking_changed(self, on: bool) -> None:
        self.window.prefs.settings.search_thinking = on

    def _imported(self, chat_id: str) -> None:
        self.window.refresh_chats()
        self.window.show_chat(chat_id)

    def _chat_opened(self, chat_id: str) -> None:
        """A chat written with another model than the one loaded: offer to load it."""
        window = self.window
        chat = window.current_chat()
        if chat is None or chat.id != chat_id or not chat.model or chat.model == window.loaded_model():
            return
        path = chat.model
        if Path(path).is_file() or parse_ref(path) is not None:  # a local file, or a server's model
            window.bus.info(
                tr("This chat was written with {model}.").format(model=model_name(path)),
                tr("Load it"),
                lambda: window.load_model(path),
                key="chat-model",
            )
