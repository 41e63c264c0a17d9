"""The "Chat" menu in the top bar: settings of the current chat, export and import."""

from __future__ import annotations

from collections.abc import Callable

from app.ui.common.i18n import tr
from app.ui.common.icons import set_icon
from app.ui.common.qt import QMenu, Qt, QToolButton
from app.ui.history.chat_io import ChatTransfer


def chat_menu_button(transfer: ChatTransfer, open_settings: Callable[[], None]) -> QToolButton:
    button = QToolButton()
    button.setObjectName("chatMenuButton")
    button.setText(tr("Chat"))
    button.setAccessibleName(tr("Chat menu"))
    button.setToolTip(tr("This chat's settings, export and import"))
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    set_icon(button, "chat")
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    menu = QMenu(button)
    menu.addAction(tr("Chat settings…"), open_settings)
    menu.addSeparator()
    menu.addAction(tr("Export as Markdown…"), lambda: transfer.export_markdown())
    menu.addAction(tr("Export as JSON…"), lambda: transfer.export_json())
    menu.addAction(tr("Export all chats…"), lambda: transfer.export_all())
    menu.addSeparator()
    menu.addAction(tr("Import chat…"), lambda: transfer.import_json())
    button.setMenu(menu)
    return button
