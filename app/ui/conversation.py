"""The scrolling column of messages; follows the newest text unless the user scrolled up."""

from __future__ import annotations

from app.ui.qt import QFrame, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, Qt, QVBoxLayout, QWidget

FOLLOW_SLACK = 24  # pixels from the bottom that still count as "at the end"
MAX_WIDTH = 860  # a readable line length; the column centres in wide windows


def centred(widget: QWidget) -> QHBoxLayout:
    """A row that gives ``widget`` all the width up to its maximum, then centres it."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addStretch(1)
    row.addWidget(widget, 1000)
    row.addStretch(1)
    return row


class ConversationView(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversation")
        self.setAccessibleName("Conversation")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.container = QWidget()
        self.container.setObjectName("conversationContent")
        outer = QVBoxLayout(self.container)
        outer.setContentsMargins(24, 16, 24, 16)
        self.column = QWidget()
        self.column.setMaximumWidth(MAX_WIDTH)
        self.column.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.items = QVBoxLayout(self.column)
        self.items.setContentsMargins(0, 0, 0, 0)
        self.items.setSpacing(18)
        outer.addLayout(centred(self.column))
        outer.addStretch(1)
        self.placeholder = QLabel()
        self.placeholder.setObjectName("placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        outer.insertWidget(0, self.placeholder)
        self.setWidget(self.container)
        self.following = True
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._range_changed)
        bar.valueChanged.connect(self._value_changed)
        self.set_placeholder("")

    def set_placeholder(self, text: str) -> None:
        self.placeholder.setText(text)
        self.placeholder.setVisible(bool(text) and self.items.count() == 0)

    def add(self, widget: QWidget) -> None:
        self.items.addWidget(widget)
        self.placeholder.hide()

    def insert(self, index: int, widget: QWidget) -> None:
        self.items.insertWidget(index, widget)
        self.placeholder.hide()

    def remove(self, widget: QWidget) -> None:
        self.items.removeWidget(widget)
        widget.hide()
        widget.deleteLater()

    def widgets(self) -> list[QWidget]:
        out: list[QWidget] = []
        for i in range(self.items.count()):
            item = self.items.itemAt(i)
            w = item.widget() if item is not None else None
            if w is not None:
                out.append(w)
        return out

    def clear(self) -> None:
        for w in self.widgets():
            self.remove(w)
        self.following = True
        self.placeholder.setVisible(bool(self.placeholder.text()))

    # -- following the end -------------------------------------------------------------
    def scroll_to_end(self) -> None:
        self.following = True
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _range_changed(self, _minimum: int, maximum: int) -> None:
        if self.following:
            self.verticalScrollBar().setValue(maximum)

    def _value_changed(self, value: int) -> None:
        bar = self.verticalScrollBar()
        self.following = value >= bar.maximum() - FOLLOW_SLACK
