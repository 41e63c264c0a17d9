"""Full-text search results in the sidebar: each hit shows its chat's title and a snippet.

Snippets come from the store with the matches marked; :func:`snippet_html` escapes them, so
nothing a model wrote reaches the label as markup. Titles are shown as plain text.
"""

from __future__ import annotations

from app.core.store import SearchHit, snippet_html
from app.core.store.search import plain_snippet
from app.ui.common.core_text import chat_title
from app.ui.common.i18n import tr
from app.ui.common.qt import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QResizeEvent,
    QSize,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

CHAT_ROLE = Qt.ItemDataRole.UserRole
MESSAGE_ROLE = Qt.ItemDataRole.UserRole + 1
# What resources/style.qss puts around a hit (QListWidget#searchResults::item: 6 px padding,
# a 1 px bottom border, 1 px margins): the hit's widget is that much smaller than its row.
ITEM_INSET = QSize(12, 15)


def hit_label(hit: SearchHit) -> str:
    """What a screen reader says for a hit."""
    if hit.in_thinking:
        where = tr("thinking", "a search hit's place")
    else:
        where = (
            tr("you", "a search hit's place") if hit.role == "user" else tr("answer", "a search hit's place")
        )
    return tr("{title} ({where}): {snippet}").format(
        title=chat_title(hit.chat_title), where=where, snippet=plain_snippet(hit.snippet)
    )


class HitView(QWidget):
    def __init__(self, hit: SearchHit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full_title = chat_title(hit.chat_title)
        self.title = QLabel(self.full_title)
        self.title.setObjectName("hitTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        prefix = "<i>" + tr("in thinking:") + "</i> " if hit.in_thinking else ""
        self.snippet = QLabel(prefix + snippet_html(hit.snippet))
        self.snippet.setObjectName("hitSnippet")
        self.snippet.setTextFormat(Qt.TextFormat.RichText)
        self.snippet.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 5, 8, 6)
        layout.setSpacing(1)
        layout.addWidget(self.title)
        layout.addWidget(self.snippet)
        for label in (self.title, self.snippet):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        metrics = self.title.fontMetrics()
        width = max(20, self.title.width())
        self.title.setText(metrics.elidedText(self.full_title, Qt.TextElideMode.ElideRight, width))


class SearchResults(QListWidget):
    """Choosing a hit (click or Enter) emits ``chosen(chat_id, message_id)``."""

    chosen = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchResults")
        self.setAccessibleName(tr("Search results"))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.itemActivated.connect(self._choose)
        self.itemClicked.connect(self._choose)
        self.hits: list[SearchHit] = []

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.clear()
        self.hits = list(hits)
        for hit in hits:
            item = QListWidgetItem()
            item.setData(CHAT_ROLE, hit.chat_id)
            item.setData(MESSAGE_ROLE, hit.message_id)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, hit_label(hit))
            item.setToolTip(plain_snippet(hit.snippet))
            self.addItem(item)
            self.setItemWidget(item, HitView(hit))
        self._fit()

    def _fit(self) -> None:
        """Each item as tall as its snippet needs at the list's width."""
        width = max(120, self.viewport().width())
        inner = width - ITEM_INSET.width()  # text without spaces fills every line: be exact
        for i in range(self.count()):
            item = self.item(i)
            view = self.itemWidget(item)
            if view is not None:
                item.setSizeHint(QSize(width, view.heightForWidth(inner) + ITEM_INSET.height()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def texts(self) -> list[str]:
        return [hit_label(h) for h in self.hits]

    def choose(self, row: int) -> None:
        item = self.item(row)
        if item is not None:
            self._choose(item)

    def _choose(self, item: QListWidgetItem) -> None:
        self.chosen.emit(str(item.data(CHAT_ROLE)), str(item.data(MESSAGE_ROLE)))
