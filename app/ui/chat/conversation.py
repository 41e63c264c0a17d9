"""The scrolling column of messages; follows the newest text unless the user scrolled up.

Two short-lived anchors keep the view steady while widgets are added out of sight: after
:meth:`keep_bottom` (older messages go in above) the distance to the bottom is kept, and
after :meth:`scroll_to_widget` that widget stays at the top while the layout settles.
"""

from __future__ import annotations

from app.ui.common.i18n import tr
from app.ui.common.qt import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPoint,
    QScrollArea,
    QSizePolicy,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

FOLLOW_SLACK = 24  # pixels from the bottom that still count as "at the end"
MAX_WIDTH = 860  # a readable line length; the column centres in wide windows
ANCHOR_MS = 700  # how long an anchor holds while new widgets settle
TOP_MARGIN = 24  # space above a message scrolled to


def centred(widget: QWidget) -> QHBoxLayout:
    """A row that gives ``widget`` all the width up to its maximum, then centres it."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addStretch(1)
    row.addWidget(widget, 1000)
    row.addStretch(1)
    return row


class ConversationView(QScrollArea):
    top_reached = Signal()  # the user scrolled to the very top

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversation")
        self.setAccessibleName(tr("Conversation"))
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
        self._from_bottom: int | None = None  # keep_bottom's anchor
        self._anchor: QWidget | None = None  # scroll_to_widget's anchor
        self._anchor_timer = QTimer(self)
        self._anchor_timer.setSingleShot(True)
        self._anchor_timer.setInterval(ANCHOR_MS)
        self._anchor_timer.timeout.connect(self._drop_anchors)
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
        if widget is self._anchor:
            self._anchor = None
        self.items.removeWidget(widget)
        widget.hide()
        widget.deleteLater()

    def index_of(self, widget: QWidget) -> int:
        return self.items.indexOf(widget)

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
        self._drop_anchors()
        self.following = True
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def keep_bottom(self) -> None:
        """Widgets are about to go in above the view: keep what is shown in place."""
        bar = self.verticalScrollBar()
        self._anchor = None
        self._from_bottom = bar.maximum() - bar.value()
        self._anchor_timer.start()

    def scroll_to_widget(self, widget: QWidget) -> None:
        """Bring ``widget`` to the top of the view and keep it there while the layout settles."""
        self.following = False
        self._from_bottom = None
        self._anchor = widget
        self._anchor_timer.start()
        self._apply_anchor()

    def _apply_anchor(self) -> None:
        bar = self.verticalScrollBar()
        if self._anchor is not None:
            y = self._anchor.mapTo(self.container, QPoint(0, 0)).y()
            bar.setValue(max(0, y - TOP_MARGIN))
        elif self._from_bottom is not None:
            bar.setValue(bar.maximum() - self._from_bottom)

    def _drop_anchors(self) -> None:
        self._anchor = None
        self._from_bottom = None
        self._anchor_timer.stop()

    def anchored(self) -> bool:
        return self._anchor is not None or self._from_bottom is not None

    def _range_changed(self, _minimum: int, maximum: int) -> None:
        if self.anchored():
            self._apply_anchor()
        elif self.following:
            self.verticalScrollBar().setValue(maximum)

    def _value_changed(self, value: int) -> None:
        bar = self.verticalScrollBar()
        self.following = value >= bar.maximum() - FOLLOW_SLACK
        if value == 0 and bar.maximum() > 0 and not self.anchored():
            QTimer.singleShot(0, self, self._emit_top)

    def _emit_top(self) -> None:
        if self.verticalScrollBar().value() == 0 and not self.anchored():
            self.top_reached.emit()
