"""Where the user writes: the message box, Send/Stop, the Think toggle and the budget."""

from __future__ import annotations

from app.ui.chat.budget_slider import BudgetSlider
from app.ui.common.i18n import number, tr
from app.ui.common.icons import set_icon
from app.ui.common.qt import (
    QFrame,
    QHBoxLayout,
    QInputMethodEvent,
    QKeyEvent,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    Qt,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)

MAX_LINES = 8


class MessageEdit(QPlainTextEdit):
    """Enter (or Ctrl+Enter) sends; Shift+Enter starts a new line. Grows up to a few lines.

    While an input method composes (pinyin, kana: the underlined preedit text), Enter belongs
    to it: it picks or commits the text, and never sends.
    """

    submit = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageEdit")
        self.setAccessibleName(tr("Message"))
        self.setPlaceholderText(tr("Message Ponder…  (Shift+Enter for a new line)"))
        self.setTabChangesFocus(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().contentsChanged.connect(self._fit)
        self.composing = False  # an input method's preedit text is showing
        self._fit()

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        self.composing = bool(event.preeditString())
        super().inputMethodEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.composing:  # some platforms pass the input method's Enter on as well
                event.accept()
                return
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
            else:
                self.submit.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def _fit(self) -> None:
        lines = max(1, min(MAX_LINES, self.document().lineCount()))
        line = self.fontMetrics().lineSpacing()
        margins = self.contentsMargins()
        doc_margin = int(self.document().documentMargin() * 2)
        self.setFixedHeight(lines * line + doc_margin + margins.top() + margins.bottom() + 4)


ANSWER_NOW_KEYS = "Ctrl+Shift+Enter"


class Composer(QFrame):
    send = Signal(str)
    stop = Signal()
    answer_now = Signal()
    think_changed = Signal(bool)
    budget_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.edit = MessageEdit()
        self.edit.submit.connect(self._submit)
        self.think = QToolButton()
        self.think.setObjectName("thinkToggle")
        self.think.setText(tr("Think"))
        self.think.setAccessibleName(tr("Think"))
        self.think.setCheckable(True)
        self.think.setChecked(True)
        self.think.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.think.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        set_icon(self.think, "think")
        self.think.toggled.connect(self._think_toggled)
        self.budget = BudgetSlider()
        self.budget.changed.connect(self.budget_changed)
        self.send_button = QPushButton()
        self.send_button.setObjectName("sendButton")
        self.send_button.clicked.connect(self._send_or_stop)
        self.answer_button = QPushButton(tr("Answer now"))
        self.answer_button.setObjectName("answerNowButton")
        self.answer_button.setAccessibleName(tr("Answer now"))
        self.answer_button.setToolTip(
            tr("End the reasoning here and answer ({keys})").format(keys=ANSWER_NOW_KEYS)
        )
        self.answer_button.clicked.connect(lambda _checked=False: self.answer_now.emit())
        self.answer_button.hide()
        self.context_meter = QProgressBar()
        self.context_meter.setObjectName("contextMeter")
        self.context_meter.setAccessibleName(tr("Context used"))
        self.context_meter.setTextVisible(True)
        self.context_meter.setMaximumWidth(190)
        self.context_meter.hide()
        self.generating = False
        self._think_forced: bool | None = None

        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.setSpacing(8)
        controls.addWidget(self.think)
        controls.addWidget(self.budget)
        controls.addStretch(1)
        controls.addWidget(self.context_meter)
        controls.addWidget(self.answer_button)
        controls.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(self.edit)
        layout.addLayout(controls)
        self.set_generating(False)
        self.set_thinking_support("hybrid")

    # -- state -------------------------------------------------------------------------
    def set_generating(self, generating: bool) -> None:
        self.generating = generating
        b = self.send_button
        if generating:
            b.setText(tr("Stop"))
            b.setAccessibleName(tr("Stop"))
            b.setToolTip(tr("Stop the reply (Esc)"))
            b.setProperty("role", "stop")
            set_icon(b, "stop", "#ffffff")
        else:
            b.setText(tr("Send"))
            b.setAccessibleName(tr("Send"))
            b.setToolTip(tr("Send (Enter)"))
            b.setProperty("role", "send")
            set_icon(b, "send", "#ffffff")
        b.style().unpolish(b)
        b.style().polish(b)

    def set_reasoning(self, reasoning: bool) -> None:
        """The model is reasoning: offer to end it and answer now."""
        self.answer_button.setVisible(reasoning)

    def set_context(self, used: int, size: int) -> None:
        """How much of the context the conversation uses (``size`` 0: no model)."""
        meter = self.context_meter
        meter.setVisible(size > 0)
        if size <= 0:
            return
        meter.setRange(0, size)
        meter.setValue(min(used, size))
        text = tr("{used} / {size} tokens").format(used=number(used), size=number(size))
        meter.setFormat(text)
        # Wide enough for its text on one line (a progress bar's size hint ignores its text).
        meter.setMinimumWidth(min(meter.maximumWidth(), meter.fontMetrics().horizontalAdvance(text) + 24))
        meter.setAccessibleDescription(text)
        meter.setToolTip(
            tr("The conversation uses {used} of the model's {size} tokens of context").format(
                used=number(used), size=number(size)
            )
        )
        full = used >= size * 0.9
        if meter.property("full") != full:
            meter.setProperty("full", full)
            meter.style().unpolish(meter)
            meter.style().polish(meter)

    def set_thinking_support(self, support: str) -> None:
        """ "never": thinking off and disabled; "always": on and locked; "hybrid": free."""
        t = self.think
        if support == "never":
            self._think_forced = False
            t.setChecked(False)
            t.setEnabled(False)
            t.setToolTip(tr("This model cannot think: it always answers directly"))
        elif support == "always":
            self._think_forced = True
            t.setChecked(True)
            t.setEnabled(False)
            t.setToolTip(tr("This model always thinks before answering"))
        else:
            self._think_forced = None
            t.setEnabled(True)
            t.setToolTip(tr("Let the model reason before it answers (Ctrl+T)"))
        self.budget.setEnabled(t.isChecked())

    def thinking(self) -> bool:
        return self.think.isChecked()

    def set_thinking(self, on: bool) -> None:
        if self._think_forced is not None:
            on = self._think_forced
        self.think.setChecked(on)
        self.budget.setEnabled(on)

    def toggle_thinking(self) -> None:
        if self.think.isEnabled():
            self.think.toggle()

    def _think_toggled(self, on: bool) -> None:
        self.budget.setEnabled(on)
        self.think_changed.emit(on)

    # -- sending -----------------------------------------------------------------------
    def text(self) -> str:
        return self.edit.toPlainText()

    def clear(self) -> None:
        self.edit.clear()

    def _submit(self) -> None:
        if not self.generating:
            self._send_or_stop()

    def _send_or_stop(self) -> None:
        if self.generating:
            self.stop.emit()
            return
        text = self.edit.toPlainText().strip()
        if text:
            self.send.emit(text)
