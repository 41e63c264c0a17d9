"""One assistant reply: reasoning panel, answer, actions, statistics, versions."""

from __future__ import annotations

from collections.abc import Callable

from app.core.chat.messages import Message, ReplyStats
from app.core.render import Theme
from app.ui.chat.growth import grows_in_place, repainted_on_resize
from app.ui.chat.markdown_view import MarkdownView
from app.ui.chat.thinking_panel import ThinkingPanel, done_header, live_header
from app.ui.common.i18n import QT_TR_NOOP, decimal, number, tr
from app.ui.common.icons import set_icon
from app.ui.common.qt import (
    QFrame,
    QGuiApplication,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QResizeEvent,
    QSizePolicy,
    Qt,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from app.ui.common.tasks import Tasks

FINISH_NOTES = {
    "cancelled": QT_TR_NOOP("Stopped"),
    "length": QT_TR_NOOP("Cut off at the end of the context"),
    "error": QT_TR_NOOP("Failed"),
    "interrupted": QT_TR_NOOP("Interrupted"),
    "app_closed": QT_TR_NOOP("Stopped — the app closed while this reply was being written"),
}


def stats_text(message: Message) -> str:
    parts: list[str] = []
    note = FINISH_NOTES.get(message.finish_reason or "")
    if note:
        parts.append(tr(note))
    s: ReplyStats | None = message.stats
    if s is not None and (s.answer_tokens or s.thinking_tokens):
        parts.append(tr("{rate} tok/s").format(rate=decimal(s.tokens_per_s, 1)))
        parts.append(tr("first token {seconds} s").format(seconds=decimal(s.ttft_s, 2)))
        if s.thinking_tokens:
            parts.append(tr("{tokens} thinking").format(tokens=number(s.thinking_tokens)))
        parts.append(tr("{tokens} answer tokens").format(tokens=number(s.answer_tokens)))
    return " · ".join(parts)


def copy_with_thinking(message: Message) -> str:
    if not message.thinking:
        return message.content
    thinking, answer = tr("Thinking:"), tr("Answer:")
    return f"{thinking}\n{message.thinking}\n\n{answer}\n{message.content}"


class AssistantMessageView(QFrame):
    """Shows one version of a reply; streams into it while it is being generated."""

    regenerate = Signal(object)  # None: same think mode; True/False: thinking on/off
    continue_thinking = Signal()
    continue_answer = Signal()
    delete = Signal()
    switch_version = Signal(int)  # -1 previous, +1 next

    def __init__(self, theme: Theme, parent: QWidget | None = None, *, tasks: Tasks | None = None) -> None:
        """``tasks``: where the streamed text renders, off the GUI thread (see MarkdownView)."""
        super().__init__(parent)
        self.setObjectName("assistantMessage")
        grows_in_place(self)  # a streamed line paints that line (a search hit's flash draws a frame)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.message: Message | None = None
        self.streaming = False
        self._answer_started = False

        self.thinking = ThinkingPanel(theme, tasks=tasks)
        self.thinking.hide()
        self.status = QLabel()
        self.status.setObjectName("replyStatus")
        self.status.hide()
        self.answer = MarkdownView(tr("Answer"), theme, tasks=tasks)
        self.answer.setObjectName("answer")
        self.continue_button = QPushButton(tr("Continue thinking"))
        self.continue_button.setAccessibleName(tr("Continue thinking"))
        self.continue_button.setToolTip(tr("Let the model reason further, with another budget"))
        set_icon(self.continue_button, "think")
        self.continue_button.clicked.connect(lambda _checked=False: self.continue_thinking.emit())
        self.continue_button.hide()
        self.continue_answer_button = QPushButton(tr("Continue"))
        self.continue_answer_button.setAccessibleName(tr("Continue the answer"))
        self.continue_answer_button.setToolTip(
            tr("The answer reached the end of the context: free room and let the model go on")
        )
        self.continue_answer_button.clicked.connect(lambda _checked=False: self.continue_answer.emit())
        self.continue_answer_button.hide()
        self.out_of_view = QLabel(tr("Not seen by the model: the conversation outgrew its context"))
        self.out_of_view.setObjectName("outOfView")
        self.out_of_view.setAccessibleName(tr("Not seen by the model"))
        self.out_of_view.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.out_of_view)
        layout.addWidget(self.thinking)
        layout.addWidget(self.status)
        layout.addWidget(self.answer)
        layout.addWidget(self.continue_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.continue_answer_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.footer = self._build_footer()
        layout.addWidget(self.footer)

    def _build_footer(self) -> QWidget:
        footer = QWidget()
        footer.setObjectName("replyFooter")
        row = QHBoxLayout(footer)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        self.prev_button = self._tool(
            "chevron-left", tr("Previous version"), lambda: self.switch_version.emit(-1)
        )
        self.version_label = QLabel()
        self.version_label.setObjectName("versionLabel")
        self.version_label.setAccessibleName(tr("Version"))
        self.next_button = self._tool(
            "chevron-right", tr("Next version"), lambda: self.switch_version.emit(1)
        )
        self.copy_button = self._tool("copy", tr("Copy"), self._copy_answer)
        copy_menu = QMenu(self.copy_button)
        copy_menu.addAction(tr("Copy answer"), self._copy_answer)
        copy_menu.addAction(tr("Copy with thinking"), self._copy_all)
        self.copy_button.setMenu(copy_menu)
        self.copy_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.regen_button = self._tool("regenerate", tr("Regenerate"), lambda: self.regenerate.emit(None))
        regen_menu = QMenu(self.regen_button)
        regen_menu.addAction(tr("Regenerate"), lambda: self.regenerate.emit(None))
        self.regen_on = regen_menu.addAction(
            tr("Regenerate with thinking on"), lambda: self.regenerate.emit(True)
        )
        self.regen_off = regen_menu.addAction(
            tr("Regenerate with thinking off"), lambda: self.regenerate.emit(False)
        )
        self.regen_button.setMenu(regen_menu)
        self.regen_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.delete_button = self._tool("delete", tr("Delete"), self.delete.emit)
        self.stats = QLabel()
        self.stats.setObjectName("replyStats")
        self.stats.setAccessibleName(tr("Reply statistics"))
        self.stats.setWordWrap(True)
        self.stats.setMinimumWidth(80)
        self.stats.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for w in (self.prev_button, self.version_label, self.next_button):
            row.addWidget(w)
        row.addSpacing(6)
        for w in (self.copy_button, self.regen_button, self.delete_button):
            row.addWidget(w)
        row.addSpacing(10)
        row.addWidget(self.stats, 1)
        return footer

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        repainted_on_resize(self, event, framed=True)

    def _tool(self, icon_name: str, name: str, slot: Callable[[], object]) -> QToolButton:
        button = QToolButton()
        button.setAutoRaise(True)
        button.setAccessibleName(name)
        button.setToolTip(name)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        set_icon(button, icon_name)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # -- showing a finished message ------------------------------------------------------
    def show_message(self, message: Message, version: int = 1, versions: int = 1) -> None:
        """Show a finished version (past messages: reasoning collapsed)."""
        self.message = message
        self.streaming = False
        self.status.hide()
        self.answer.set_text(message.content, final=True)
        self.answer.setVisible(bool(message.content) or not message.thinking)
        self._show_thinking_final(message)
        self.thinking.set_expanded(False)
        self.set_versions(version, versions)
        self._finish_footer()

    def set_versions(self, version: int, versions: int) -> None:
        many = versions > 1
        for w in (self.prev_button, self.version_label, self.next_button):
            w.setVisible(many)
        self.version_label.setText(f"{version}/{versions}")
        self.prev_button.setEnabled(many and version > 1 and not self.streaming)
        self.next_button.setEnabled(many and version < versions and not self.streaming)

    def set_can_continue(self, allowed: bool) -> None:
        m = self.message
        self.continue_button.setVisible(
            bool(allowed and m is not None and m.budget_hit and not self.streaming)
        )
        # An answer the end of the context cut short: Continue frees room and goes on.
        self.continue_answer_button.setVisible(
            bool(
                allowed and m is not None and m.finish_reason == "length" and m.content and not self.streaming
            )
        )

    def set_out_of_view(self, hidden: bool) -> None:
        """The conversation outgrew the context and this reply no longer reaches the model."""
        self.out_of_view.setVisible(hidden)

    def _show_thinking_final(self, message: Message) -> None:
        if not message.thinking:
            self.thinking.hide()
            return
        seconds = message.stats.thinking_s if message.stats else 0.0
        tokens = message.stats.thinking_tokens if message.stats else 0
        self.thinking.set_text(message.thinking, final=True)
        if seconds or tokens:
            self.thinking.set_header(done_header(seconds, tokens, message.budget_hit, message.cut_reason))
        else:  # no statistics: a reply saved mid-stream (the app closed) or imported
            stopped = message.finish_reason in FINISH_NOTES
            self.thinking.set_header(tr("Thinking (stopped)") if stopped else tr("Thinking"))
        self.thinking.show()

    def _finish_footer(self) -> None:
        m = self.message
        self.stats.setText(stats_text(m) if m is not None else "")
        self.footer.setVisible(not self.streaming)
        for w in (self.copy_button, self.regen_button, self.delete_button):
            w.setEnabled(not self.streaming)

    # -- streaming ---------------------------------------------------------------------
    def begin_stream(
        self,
        message: Message,
        thinking: bool,
        limit: int | None = None,
        *,
        resume: bool = False,
        keep_answer: bool = False,
    ) -> None:
        """A reply is about to stream into this view (``resume``: continue the reasoning;
        ``keep_answer``: continue the answer, which stays)."""
        self.message = message
        self.streaming = True
        self._answer_started = keep_answer
        self.continue_button.hide()
        self.continue_answer_button.hide()
        self.stats.setText("")
        self.answer.set_text(message.content if keep_answer else "", final=False)
        self.answer.setVisible(keep_answer)
        if not resume:
            self.thinking.set_text("", final=False)
        self.show_mode(thinking, limit)
        self.status.setText(tr("Reading the prompt…"))
        self.status.show()
        self._finish_footer()
        self.prev_button.setEnabled(False)
        self.next_button.setEnabled(False)

    def show_mode(self, thinking: bool, limit: int | None) -> None:
        """The engine decided whether this reply reasons: show or hide the live panel."""
        self.thinking.setVisible(thinking)
        if thinking:
            self.thinking.set_expanded(True)
            self.thinking.set_header(live_header(self._tokens(), limit))

    def _tokens(self) -> int:
        m = self.message
        return m.stats.thinking_tokens if m is not None and m.stats else 0

    def stream_thinking(self, delta: str, tokens: int, limit: int | None) -> None:
        self.status.hide()
        if not self.thinking.isVisible():
            self.thinking.show()
            self.thinking.set_expanded(True)
        if delta:
            self.thinking.append(delta)
        self.thinking.set_header(live_header(tokens, limit))

    def replace_thinking(self, text: str, tokens: int, limit: int | None) -> None:
        """The budget cut the reasoning: show the kept text."""
        self.thinking.set_text(text, final=False)
        self.thinking.set_header(live_header(tokens, limit))

    def stream_answer(
        self, delta: str, thinking_seconds: float, thinking_tokens: int, budget_hit: bool
    ) -> None:
        self.status.hide()
        if not self._answer_started:
            self._answer_started = True
            self.answer.show()
            if self.thinking.isVisible():
                self.thinking.finish()
                cut = self.message.cut_reason if self.message is not None else None
                self.thinking.set_header(done_header(thinking_seconds, thinking_tokens, budget_hit, cut))
                self.thinking.set_expanded(False)
        self.answer.append(delta)

    def finish_stream(self, message: Message) -> None:
        """The reply is complete (or stopped, or failed): show its final state."""
        self.message = message
        self.streaming = False
        self.status.hide()
        self.answer.setVisible(bool(message.content) or not message.thinking)
        if message.content != self.answer.text:
            self.answer.set_text(message.content, final=True)
        else:
            self.answer.finish()
        if message.thinking:
            self.thinking.set_text(message.thinking, final=True)
            seconds = message.stats.thinking_s if message.stats else 0.0
            tokens = message.stats.thinking_tokens if message.stats else 0
            self.thinking.set_header(done_header(seconds, tokens, message.budget_hit, message.cut_reason))
            self.thinking.show()
            if message.content:
                self.thinking.set_expanded(False)
        else:
            self.thinking.hide()
        self._finish_footer()

    def set_theme(self, theme: Theme) -> None:
        self.answer.set_theme(theme)
        self.thinking.set_theme(theme)

    # -- copying -----------------------------------------------------------------------
    def _copy_answer(self) -> None:
        if self.message is not None:
            QGuiApplication.clipboard().setText(self.message.content)

    def _copy_all(self) -> None:
        if self.message is not None:
            QGuiApplication.clipboard().setText(copy_with_thinking(self.message))
