"""The "Chat" menu in the top bar: settings of the current chat, export and import."""

from __future__ import annotations

from collections.abc import Callable

from app.ui.common.icons import set_icon
from app.ui.common.qt import QMenu, Qt, QToolButton
from app.ui.history.chat_io import ChatTransfer


def chat_menu_button(transfer: ChatTransfer, open_settings: Callable[[], None]) -> QToolButton:
    button = QToolButton()
    button.setObjectName("chatMenuButton")
    button.setText("Chat")
    button.setAccessibleName("Chat menu")
    button.setToolTip("This chat's settings, export and import")
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    set_icon(button, "chat")
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    menu = QMenu(button)
    menu.addAction("Chat settings…", open_settings)
    menu.addSeparator()
    menu.addAction("Export as Markdown…", lambda: transfer.export_markdown())
    menu.addAction("Export as JSON…", lambda: transfer.export_json())
    menu.addAction("Export all chats…", lambda: transfer.export_all())
    menu.addSeparator()
    menu.addAction("Import chat…", lambda: transfer.import_json())
    button.setMenu(menu)
    return button
