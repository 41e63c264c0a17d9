"""Persisted chats in the window: full-text search results, pinning, per-chat settings,
export and import, and a note when a chat was written with another model.

Attached to a :class:`~app.ui.main_window.MainWindow` once it is built; it only wires the
window's parts together.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.store.settings import move_data_folder
from app.ui.history.chat_io import ChatTransfer
from app.ui.history.chat_menu import chat_menu_button
from app.ui.history.chat_settings import ChatSettingsDialog
from app.ui.history.store_chats import StoreChats
from app.ui.common.model_state import model_name
from app.ui.common.qt import QObject

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


class ChatHistory(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.repo = window.repo
        self.transfer = ChatTransfer(self.repo, window.bus, lambda: window.controller.chat, window)
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
        top = window.settings_button.parentWidget()
        bar = top.layout() if top is not None else None
        if bar is not None:
            bar.insertWidget(bar.indexOf(window.settings_button), self.menu_button)  # type: ignore[attr-defined]
        if store is not None and store.recovered:
            n = len(store.recovered)
            window.bus.info(
                f"{n} repl{'ies were' if n > 1 else 'y was'} being written when Ponder closed; "
                "the text so far is kept, marked as stopped.",
                key="recovered",
            )

    def pin(self, chat_id: str, pinned: bool) -> None:
        if self.repo.get_chat(chat_id) is None:
            return
        self.repo.set_pinned(chat_id, pinned)
        self.window._refresh_sidebar()

    def open_result(self, chat_id: str, message_id: str) -> None:
        """Open the chat of a search hit at that message, and flash it."""
        window = self.window
        window.select_chat(chat_id)
        chat = window.controller.chat
        if chat is None or chat.id != chat_id:
            return
        if isinstance(self.repo, StoreChats):
            entry = self.repo.load_until(chat_id, message_id)
        else:
            entry = chat.entry_with(message_id)
        if entry is not None:
            window.presenter.reveal(entry, message_id)

    def open_chat_settings(self) -> None:
        window = self.window
        chat = window.controller.chat
        if chat is None:
            return
        presets = dict(window.prefs.settings.system_prompts)
        dialog = ChatSettingsDialog(window.prefs, chat.title, chat.system_prompt, chat.model, window)
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
            window.bus.warning("Chats are not being saved in this session; there is nothing to move.")
            return False
        if window.controller.generating:
            window.bus.warning("Wait until the reply has finished, then move the chats.", key="data")
            return False
        prefs = window.prefs

        def move() -> Path:
            moved = move_data_folder(prefs.settings, folder, prefs.file)
            prefs.settings = moved
            return moved.database_path()

        try:
            store.relocate(move)
        except (OSError, sqlite3.Error, RuntimeError) as exc:
            window.bus.error(f"Your chats could not be moved: {exc}", key="data")
            return False
        window.bus.info(f"Your chats are now kept in {prefs.settings.data_path()}.", key="data")
        return True

    def _search_thinking_changed(self, on: bool) -> None:
        self.window.prefs.settings.search_thinking = on

    def _imported(self, chat_id: str) -> None:
        self.window._refresh_sidebar()
        self.window.select_chat(chat_id)

    def _chat_opened(self, chat_id: str) -> None:
        """A chat written with another model than the one loaded: offer to load it."""
        window = self.window
        chat = window.controller.chat
        if chat is None or chat.id != chat_id or not chat.model or chat.model == window.models.path:
            return
        path = chat.model
        if Path(path).is_file():
            window.bus.info(
                f"This chat was written with {model_name(path)}.",
                "Load it",
                lambda: window.load_model(path),
                key="chat-model",
            )
