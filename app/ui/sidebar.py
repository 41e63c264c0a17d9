"""The list of chats: new, select, rename (F2 or double-click), delete, search (Ctrl+F)."""

from __future__ import annotations

from app.ui.chats import Chat
from app.ui.icons import set_icon
from app.ui.qt import (
    QAbstractItemView,
    QContextMenuEvent,
    QFrame,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

ID_ROLE = Qt.ItemDataRole.UserRole


class ChatList(QListWidget):
    rename_requested = Signal(str, str)  # chat id, new title
    delete_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatList")
        self.setAccessibleName("Chats")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setUniformItemSizes(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrap(False)
        self.itemChanged.connect(self._edited)

    def _edited(self, item: QListWidgetItem) -> None:
        chat_id = item.data(ID_ROLE)
        if chat_id:
            self.rename_requested.emit(str(chat_id), item.text())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if item is not None and event.key() == Qt.Key.Key_Delete and self.state() != self.State.EditingState:
            self.delete_requested.emit(str(item.data(ID_ROLE)))
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        item = self.itemAt(event.pos())
        if item is None:
            return
        menu = QMenu(self)
        menu.addAction("Rename", lambda: self.editItem(item))
        menu.addAction("Delete", lambda: self.delete_requested.emit(str(item.data(ID_ROLE))))
        menu.exec(event.globalPos())


class Sidebar(QFrame):
    new_chat = Signal()
    selected = Signal(str)  # chat id
    rename = Signal(str, str)
    delete = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.new_button = QPushButton("New chat")
        self.new_button.setObjectName("newChat")
        self.new_button.setAccessibleName("New chat")
        self.new_button.setToolTip("New chat (Ctrl+N)")
        set_icon(self.new_button, "plus")
        self.new_button.clicked.connect(lambda _checked=False: self.new_chat.emit())
        self.search = QLineEdit()
        self.search.setObjectName("chatSearch")
        self.search.setAccessibleName("Search chats")
        self.search.setPlaceholderText("Search chats (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.list = ChatList()
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.rename_requested.connect(self.rename)
        self.list.delete_requested.connect(self.delete)
        self.empty = QLabel("No chats match.")
        self.empty.setObjectName("sidebarHint")
        self.empty.hide()
        top = QHBoxLayout()
        top.addWidget(self.new_button, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        self._updating = False

    def set_chats(self, chats: list[Chat], current: str | None) -> None:
        """Rebuild the list (newest first) and select ``current``."""
        self._updating = True
        self.list.blockSignals(True)
        try:
            self.list.clear()
            for chat in chats:
                item = QListWidgetItem(chat.title)
                item.setData(ID_ROLE, chat.id)
                item.setToolTip(chat.title)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                self.list.addItem(item)
                if chat.id == current:
                    self.list.setCurrentItem(item)
        finally:
            self.list.blockSignals(False)
            self._updating = False
        self._filter(self.search.text())

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(ID_ROLE)) if item is not None else None

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _current_changed(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is not None and not self._updating:
            self.selected.emit(str(current.data(ID_ROLE)))

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        shown = 0
        for i in range(self.list.count()):
            item = self.list.item(i)
            hide = bool(needle) and needle not in item.text().casefold()
            item.setHidden(hide)
            shown += not hide
        self.empty.setVisible(bool(needle) and shown == 0)
