"""One user message: a bubble with Edit, Copy and Delete; editing resends."""

from __future__ import annotations

from collections.abc import Callable

from app.core.chat.messages import Message
from app.ui.common.i18n import tr
from app.ui.common.icons import set_icon
from app.ui.common.qt import (
    QEvent,
    QFrame,
    QGuiApplication,
    QHBoxLayout,
    QInputMethodEvent,
    QKeyEvent,
    QLabel,
    QObject,
    QPlainTextEdit,
    QPushButton,
    QResizeEvent,
    QSizePolicy,
    Qt,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)

BUBBLE_PADDING = 14


class UserMessageView(QWidget):
    """Right-aligned bubble; its actions sit under it."""

    resend = Signal(str)  # the edited text
    delete = Signal()

    def __init__(self, message: Message, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = message
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.bubble = QFrame()
        self.bubble.setObjectName("userBubble")
        self.label = QLabel(message.content)
        self.label.setObjectName("userText")
        self.label.setAccessibleName(tr("Your message"))
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        inner = QVBoxLayout(self.bubble)
        inner.setContentsMargins(BUBBLE_PADDING, 9, BUBBLE_PADDING, 9)
        inner.addWidget(self.label)

        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName(tr("Edit message"))
        self.editor.setObjectName("editBox")
        self._composing = False  # an input method's preedit text is showing in the editor
        self.editor.installEventFilter(self)
        self.save_button = QPushButton(tr("Save and resend"))
        self.save_button.setAccessibleName(tr("Save and resend"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._save)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setAccessibleName(tr("Cancel editing"))
        self.cancel_button.clicked.connect(self.stop_editing)
        self.edit_box = QWidget()
        edit_layout = QVBoxLayout(self.edit_box)
        edit_layout.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        edit_layout.addWidget(self.editor)
        edit_layout.addLayout(buttons)
        self.edit_box.hide()

        self.actions_row = QWidget()
        actions = QHBoxLayout(self.actions_row)
        actions.setContentsMargins(0, 0, 0, 0)
        actions.setSpacing(2)
        actions.addStretch(1)
        self.edit_button = self._tool("edit", tr("Edit"), self.start_editing)
        self.copy_button = self._tool("copy", tr("Copy"), self._copy)
        self.delete_button = self._tool("delete", tr("Delete"), self.delete.emit)
        for b in (self.edit_button, self.copy_button, self.delete_button):
            actions.addWidget(b)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addStretch(1)
        row.addWidget(self.bubble, 0)
        self.out_of_view = QLabel(tr("Not seen by the model: the conversation outgrew its context"))
        self.out_of_view.setObjectName("outOfView")
        self.out_of_view.setAccessibleName(tr("Not seen by the model"))
        self.out_of_view.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.out_of_view.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.out_of_view)
        layout.addLayout(row)
        layout.addWidget(self.edit_box)
        layout.addWidget(self.actions_row)

    def _tool(self, icon_name: str, name: str, slot: Callable[[], object]) -> QToolButton:
        button = QToolButton()
        button.setAutoRaise(True)
        button.setAccessibleName(name)
        button.setToolTip(name)
        set_icon(button, icon_name)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def resizeEvent(self, event: QResizeEvent) -> None:
        # A bubble is as wide as its longest line, up to about three quarters of the row.
        limit = max(240, int(self.width() * 0.78))
        chrome = 2 * BUBBLE_PADDING
        metrics = self.label.fontMetrics()
        natural = max(
            (metrics.horizontalAdvance(line) for line in self.message.content.splitlines()), default=0
        )
        self.label.setMinimumWidth(min(natural + 2, limit - chrome))
        self.bubble.setMaximumWidth(limit)
        super().resizeEvent(event)

    def set_out_of_view(self, hidden: bool) -> None:
        """The conversation outgrew the context and this message no longer reaches the model."""
        self.out_of_view.setVisible(hidden)

    def set_busy(self, busy: bool) -> None:
        self.edit_button.setEnabled(not busy)
        self.delete_button.setEnabled(not busy)

    # -- editing -----------------------------------------------------------------------
    def start_editing(self) -> None:
        self.editor.setPlainText(self.message.content)
        self.bubble.hide()
        self.actions_row.hide()
        self.edit_box.show()
        self.editor.setFocus()
        self.editor.selectAll()

    def stop_editing(self) -> None:
        self.edit_box.hide()
        self.bubble.show()
        self.actions_row.show()

    def _save(self) -> None:
        text = self.editor.toPlainText().strip()
        if not text:
            return
        self.stop_editing()
        self.resend.emit(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and isinstance(event, QInputMethodEvent):
            self._composing = bool(event.preeditString())  # Enter then belongs to the input method
        if (
            watched is self.editor
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
        ):
            key, mods = event.key(), event.modifiers()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not mods & Qt.KeyboardModifier.ShiftModifier:
                if not self._composing:
                    self._save()
                return True
            if key == Qt.Key.Key_Escape:
                self.stop_editing()
                return True
        return False

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.message.content)
