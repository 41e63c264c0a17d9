"""The collapsible panel that shows a reply's reasoning above its answer."""

from __future__ import annotations

from app.core.render import Theme
from app.ui.chat.growth import grows_in_place, repainted_on_resize
from app.ui.chat.markdown_view import MarkdownView
from app.ui.common.i18n import QT_TR_NOOP, decimal, number, tr
from app.ui.common.icons import set_icon
from app.ui.common.qt import QFrame, QResizeEvent, QSizePolicy, Qt, QToolButton, QVBoxLayout, QWidget, Signal
from app.ui.common.tasks import Tasks


def live_header(tokens: int, budget: int | None) -> str:
    if budget:
        return tr("Thinking… {tokens} tokens / {budget}").format(tokens=number(tokens), budget=number(budget))
    return tr("Thinking… {tokens} tokens").format(tokens=number(tokens))


# Why Ponder ended the reasoning, as the header says it.
CUT_NOTES = {
    "budget": QT_TR_NOOP("budget reached"),
    "context": QT_TR_NOOP("context limit reached"),
    "user": QT_TR_NOOP("answered early"),
}


def done_header(seconds: float, tokens: int, budget_hit: bool, cut_reason: str | None = None) -> str:
    text = tr("Thought for {seconds} s · {tokens} tokens").format(
        seconds=decimal(seconds, 1), tokens=number(tokens)
    )
    if cut_reason in CUT_NOTES:
        return f"{text} · {tr(CUT_NOTES[cut_reason])}"
    return f"{text} · {tr(CUT_NOTES['budget'])}" if budget_hit else text


class ThinkingPanel(QFrame):
    """A header button ("Thinking… N tokens" / "Thought for …") over the reasoning text.

    While collapsed, streamed text is only kept, not rendered; expanding catches up, and a
    long reasoning comes in slices below its first screen (see :class:`MarkdownView`).
    """

    expanded_changed = Signal(bool)

    def __init__(self, theme: Theme, parent: QWidget | None = None, *, tasks: Tasks | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("thinkingPanel")
        grows_in_place(self)  # streamed reasoning paints its new lines and the panel's bottom edge
        self.setAccessibleName(tr("Thinking"))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.header = QToolButton()
        self.header.setObjectName("thinkingHeader")
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setAutoRaise(True)
        self.header.setCursor(Qt.CursorShape.PointingHandCursor)
        self.header.clicked.connect(self.toggle)
        self.body = MarkdownView(tr("Thinking text"), theme, tasks=tasks)
        self.body.setObjectName("thinkingBody")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(2)
        layout.addWidget(self.header, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.body)
        self.text = ""
        self._final = False
        self.expanded = True
        self.set_expanded(False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        repainted_on_resize(self, event, framed=True)

    # -- state -------------------------------------------------------------------------
    def toggle(self) -> None:
        self.set_expanded(not self.expanded)

    def set_expanded(self, expanded: bool) -> None:
        changed = expanded != self.expanded
        self.expanded = expanded
        if expanded:
            self._catch_up()
        self.body.setVisible(expanded)
        self.header.setAccessibleName(tr("Hide thinking") if expanded else tr("Show thinking"))
        self.header.setToolTip(tr("Hide the reasoning") if expanded else tr("Show the reasoning"))
        set_icon(self.header, "chevron-down" if expanded else "chevron-right")
        if changed:
            self.expanded_changed.emit(expanded)

    def set_header(self, text: str) -> None:
        self.header.setText(text)
        self.header.setAccessibleDescription(text)

    # -- text --------------------------------------------------------------------------
    def append(self, delta: str) -> None:
        self.text += delta
        if self.expanded:
            self._catch_up()

    def set_text(self, text: str, *, final: bool) -> None:
        """Replace the reasoning (a budget cut, a finished reply, another version)."""
        self.text = text
        self._final = final
        if self.expanded:
            self._catch_up()

    def finish(self) -> None:
        self._final = True
        if self.expanded:
            self._catch_up()

    def set_theme(self, theme: Theme) -> None:
        self.body.set_theme(theme)

    def _catch_up(self) -> None:
        doc = self.body
        if doc.text != self.text:
            if not doc.text or doc.finished or not self.text.startswith(doc.text):
                doc.set_text(self.text, final=self._final)  # from the start (its first screen at once)
                return
            doc.append(self.text[len(doc.text) :])
        if self._final:
            doc.finish()
