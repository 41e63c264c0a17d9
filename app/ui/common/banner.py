"""The banner above the conversation that shows the message bus's latest notice."""

from __future__ import annotations

from collections.abc import Callable

from app.ui.common.bus import MessageBus, Notice
from app.ui.common.i18n import tr
from app.ui.common.qt import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, Qt, QToolButton, QWidget


class Banner(QFrame):
    """Shows one notice at a time: its text, an optional action button and a close button."""

    def __init__(self, bus: MessageBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleName(tr("Notice"))
        self.notice: Notice | None = None
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.action = QPushButton()
        self.action.clicked.connect(self._act)
        self._choices: list[QPushButton] = []
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAccessibleName(tr("Dismiss"))
        self.close_button.setToolTip(tr("Dismiss"))
        self.close_button.clicked.connect(self.dismiss)
        self.row = row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 8, 8)
        row.setSpacing(10)
        row.addWidget(self.label, 1)
        row.addWidget(self.action)
        row.addWidget(self.close_button)
        bus.posted.connect(self.show_notice)
        bus.cleared.connect(self._clear)
        self.hide()

    @property
    def text(self) -> str:
        return self.label.text()

    def show_notice(self, notice: Notice) -> None:
        self.notice = notice
        self.setProperty("level", notice.level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.label.setText(notice.text)
        self.action.setText(notice.action)
        self.action.setAccessibleName(notice.action)
        self.action.setVisible(bool(notice.action))
        for button in self._choices:
            button.deleteLater()
        self._choices = []
        for label, callback in notice.choices:
            button = QPushButton(label)
            button.setAccessibleName(label)
            button.clicked.connect(lambda _checked=False, c=callback: self._choose(c))
            self.row.insertWidget(self.row.indexOf(self.close_button), button)
            self._choices.append(button)
        self.show()

    def dismiss(self) -> None:
        self.notice = None
        self.hide()

    def _clear(self, key: str) -> None:
        if self.notice is not None and (not key or self.notice.key == key):
            self.dismiss()

    def _choose(self, callback: Callable[[], None]) -> None:
        self.dismiss()
        callback()

    def _act(self) -> None:
        notice = self.notice
        self.dismiss()
        if notice is not None and notice.callback is not None:
            notice.callback()
