"""The list of chats: new, select, rename (F2 or double-click), pin, delete, search (Ctrl+F).

Typing in the search field filters the chat list by title at once and, a moment later,
searches every message (full text) and lists the hits under "Search results".
"""

from __future__ import annotations

from collections.abc import Callable

from app.core.chat.chats import Chat
from app.core.store import SearchHit
from app.ui.common.core_text import chat_title
from app.ui.common.i18n import tr
from app.ui.common.icons import icon, set_icon, text_color
from app.ui.common.qt import (
    QAbstractItemView,
    QCheckBox,
    QContextMenuEvent,
    QFrame,
    QHBoxLayout,
    QIcon,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from app.ui.history.search_results import SearchResults

ID_ROLE = Qt.ItemDataRole.UserRole
PINNED_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_DELAY_MS = 150
MAX_TITLE_ROWS = 6  # chat titles shown above the message hits while searching
QWIDGETSIZE_MAX = 16777215

Searcher = Callable[[str, bool], list[SearchHit]]  # text, include thinking -> hits


class ChatList(QListWidget):
    rename_requested = Signal(str, str)  # chat id, new title
    delete_requested = Signal(str)
    pin_requested = Signal(str, bool)  # chat id, pinned

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatList")
        self.setAccessibleName(tr("Chats"))
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
        menu = self.menu_for(item)
        menu.exec(event.globalPos())

    def menu_for(self, item: QListWidgetItem) -> QMenu:
        chat_id, pinned = str(item.data(ID_ROLE)), bool(item.data(PINNED_ROLE))
        menu = QMenu(self)
        menu.addAction(tr("Rename"), lambda: self.editItem(item))
        menu.addAction(
            tr("Unpin") if pinned else tr("Pin"), lambda: self.pin_requested.emit(chat_id, not pinned)
        )
        menu.addAction(tr("Delete"), lambda: self.delete_requested.emit(chat_id))
        return menu


class Sidebar(QFrame):
    new_chat = Signal()
    selected = Signal(str)  # chat id
    rename = Signal(str, str)
    delete = Signal(str)
    pin = Signal(str, bool)
    open_result = Signal(str, str)  # chat id, message id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.new_button = QPushButton(tr("New chat"))
        self.new_button.setObjectName("newChat")
        self.new_button.setAccessibleName(tr("New chat"))
        self.new_button.setToolTip(tr("New chat (Ctrl+N)"))
        set_icon(self.new_button, "plus")
        self.new_button.clicked.connect(lambda _checked=False: self.new_chat.emit())
        self.search = QLineEdit()
        self.search.setObjectName("chatSearch")
        self.search.setAccessibleName(tr("Search chats"))
        self.search.setPlaceholderText(tr("Search chats (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self._open_first_hit)
        self.list = ChatList()
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.rename_requested.connect(self.rename)
        self.list.delete_requested.connect(self.delete)
        self.list.pin_requested.connect(self.pin)
        self.empty = QLabel(tr("No chat titles match."))
        self.empty.setObjectName("sidebarHint")
        self.empty.hide()
        self.searcher: Searcher | None = None
        self.results_header = QLabel(tr("In messages"))
        self.results_header.setObjectName("sidebarHeading")
        self.include_thinking = QCheckBox(tr("Thinking too"))
        self.include_thinking.setAccessibleName(tr("Search thinking too"))
        self.include_thinking.setToolTip(tr("Also search the models' reasoning"))
        self.include_thinking.toggled.connect(lambda _on: self.run_search())
        self.results = SearchResults()
        self.results.chosen.connect(self.open_result)
        self.no_results = QLabel(tr("No messages match."))
        self.no_results.setObjectName("sidebarHint")
        self.results_box = QWidget()
        box = QVBoxLayout(self.results_box)
        box.setContentsMargins(0, 4, 0, 0)
        box.setSpacing(4)
        heading = QHBoxLayout()
        heading.addWidget(self.results_header, 1)
        heading.addWidget(self.include_thinking)
        box.addLayout(heading)
        box.addWidget(self.results, 1)
        box.addWidget(self.no_results)
        self.results_box.hide()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        top = QHBoxLayout()
        top.addWidget(self.new_button, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.results_box, 2)
        self._updating = False
        self._ids: list[str] = []
        self._pin_icon = QIcon()
        self._pin_color = ""

    def set_chats(self, chats: list[Chat], current: str | None) -> None:
        """Show ``chats`` (newest first) and select ``current``.

        The items are updated in place when the same chats are listed in the same order (a
        title or a pin changed): rebuilding a list of a thousand chats costs the GUI thread
        more than a frame.
        """
        self._updating = True
        self.list.blockSignals(True)
        color = text_color()  # the theme may have changed since: pins are drawn again then
        repaint = color != self._pin_color
        if repaint:
            self._pin_color, self._pin_icon = color, icon("pin", color)
        ids = [c.id for c in chats]
        try:
            if ids == self._ids:
                for i, chat in enumerate(chats):
                    self._show_chat(self.list.item(i), chat, repaint=repaint)
            else:
                self.list.clear()
                self._ids = ids
                for chat in chats:
                    item = QListWidgetItem()
                    item.setData(ID_ROLE, chat.id)
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                    self._show_chat(item, chat)
                    self.list.addItem(item)
            self._select_row(current)
        finally:
            self.list.blockSignals(False)
            self._updating = False
        self._filter(self.search.text())
        if self.results_box.isVisible():
            self._search_timer.start()  # titles or chats changed: refresh the hits

    def select(self, chat_id: str) -> None:
        """Mark ``chat_id`` as the open chat without announcing it (it is already open)."""
        self.list.blockSignals(True)
        try:
            self._select_row(chat_id)
        finally:
            self.list.blockSignals(False)

    def _select_row(self, chat_id: str | None) -> None:
        try:
            row = self._ids.index(chat_id) if chat_id is not None else -1
        except ValueError:
            row = -1
        self.list.setCurrentRow(row)

    def _show_chat(self, item: QListWidgetItem, chat: Chat, *, repaint: bool = True) -> None:
        title = chat_title(chat.title)
        if not repaint and item.text() == title and item.data(PINNED_ROLE) == chat.pinned:
            return
        item.setText(title)
        item.setData(PINNED_ROLE, chat.pinned)
        item.setToolTip(tr("{title} (pinned)").format(title=title) if chat.pinned else title)
        item.setIcon(self._pin_icon if chat.pinned else QIcon())

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _current_changed(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is not None and not self._updating:
            self.selected.emit(str(current.data(ID_ROLE)))

    def _search_changed(self, text: str) -> None:
        self._filter(text)
        if text.strip() and self.searcher is not None:
            self._search_timer.start()
        else:
            self._search_timer.stop()
            self.results.set_hits([])
            self.results_box.hide()

    def run_search(self) -> None:
        """Search every message for what is typed (the field's timer calls this)."""
        self._search_timer.stop()
        text = self.search.text().strip()
        if not text or self.searcher is None:
            return
        hits = self.searcher(text, self.include_thinking.isChecked())
        self.results.set_hits(hits)
        self.results.setVisible(bool(hits))
        self.no_results.setVisible(not hits)
        self.results_box.show()

    def _open_first_hit(self) -> None:
        """Enter in the search field opens the best hit."""
        self.run_search()
        if self.results.count() and not self.results.isHidden():
            self.results.setCurrentRow(0)
            self.results.choose(0)

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        shown = 0
        for i in range(self.list.count()):
            item = self.list.item(i)
            hide = bool(needle) and needle not in item.text().casefold()
            item.setHidden(hide)
            shown += not hide
        self.empty.setVisible(bool(needle) and shown == 0)
        self._fit_list(bool(needle), shown)

    def _fit_list(self, searching: bool, shown: int) -> None:
        """While searching, the chat list takes only the room its matches need, so the
        message hits below get the rest."""
        if not searching:
            self.list.setMaximumHeight(QWIDGETSIZE_MAX)
            self.list.show()
            return
        self.list.setVisible(shown > 0)
        row = self.list.sizeHintForRow(0) if self.list.count() else 0
        frame = 2 * self.list.frameWidth() + 4
        self.list.setMaximumHeight(min(QWIDGETSIZE_MAX, frame + row * min(shown, MAX_TITLE_ROWS)))
