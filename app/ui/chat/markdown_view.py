"""Streaming Markdown shown as a column of rich-text segments.

Qt re-scans every frame of a QTextDocument (each table and code block is one) whenever a
frame is inserted or removed, so editing the end of one ever-growing document costs more
the longer it is. Instead, once a segment holds ``SEGMENT_CHARS`` characters, settled text
continues in a new segment below it: each repaint touches only the last, bounded segment,
and the cost of streaming stays flat however long the message grows. Segments split only
between settled blocks, so each block is rendered exactly as in one document.
"""

from __future__ import annotations

from app.core.render import RenderUpdate, StreamingRenderer, Theme, document_stylesheet
from app.ui.chat.rich_view import RichTextView
from app.ui.chat.streaming_doc import DocumentWriter
from app.ui.common.i18n import tr
from app.ui.common.qt import QSizePolicy, QVBoxLayout, QWidget

SEGMENT_CHARS = 6000


class MarkdownView(QWidget):
    """Markdown source in, rendered text out; ``append`` as tokens arrive, ``finish`` at the end."""

    def __init__(self, accessible_name: str, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = accessible_name
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self.theme = theme
        self.renderer = StreamingRenderer(theme)
        self.text = ""
        self._finished = False
        self.segments: list[RichTextView] = []
        self._writer = DocumentWriter(self._add_segment().document())

    @property
    def finished(self) -> bool:
        return self._finished

    # -- text --------------------------------------------------------------------------
    def append(self, delta: str) -> None:
        """Add streamed text and re-render the tail."""
        if not delta:
            return
        if self._finished:
            self.set_text(self.text + delta, final=False)
            return
        self.text += delta
        self._apply(self.renderer.update(self.text))

    def set_text(self, text: str, *, final: bool = True) -> None:
        """Show ``text`` from scratch (a version switch, a budget cut, a theme change)."""
        self.renderer.reset()
        self._reset_segments()
        self.text = text
        self._finished = False
        if text:
            self._apply(self.renderer.update(text))
        if final:
            self.finish()

    def finish(self) -> None:
        """The text is complete: settle the tail."""
        if not self._finished:
            self._apply(self.renderer.finish(), final=True)
            self._finished = True

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.renderer = StreamingRenderer(theme)
        for segment in self.segments:
            segment.code_source = self.renderer.code
            segment.document().setDefaultStyleSheet(document_stylesheet(theme))
        self.set_text(self.text, final=self._finished)

    def toPlainText(self) -> str:
        return "\n".join(s.toPlainText() for s in self.segments)

    def code(self, index: int) -> str | None:
        return self.renderer.code(index)

    # -- segments ----------------------------------------------------------------------
    def _apply(self, update: RenderUpdate, *, final: bool = False) -> None:
        if update.reset:
            self._reset_segments()
        tail = "" if final else update.tail_html
        if update.settled_html and self._writer.size > SEGMENT_CHARS:
            # The current segment is full: what settles now starts the next one.
            self._writer.apply("", "")
            self._writer = DocumentWriter(self._add_segment().document())
        self._writer.apply(update.settled_html, tail)

    def _add_segment(self) -> RichTextView:
        name = self.name if not self.segments else tr("{name} (continued)").format(name=self.name)
        segment = RichTextView(name)
        segment.setObjectName(self.objectName() or "markdown")
        segment.code_source = self.renderer.code
        segment.document().setDefaultStyleSheet(document_stylesheet(self.theme))
        self.segments.append(segment)
        self._layout.addWidget(segment)
        return segment

    def _reset_segments(self) -> None:
        while len(self.segments) > 1:
            segment = self.segments.pop()
            self._layout.removeWidget(segment)
            segment.hide()
            segment.deleteLater()
        self._writer = DocumentWriter(self.segments[0].document())
        self._writer.clear()

    def setObjectName(self, name: str) -> None:
        super().setObjectName(name)
        for segment in self.segments:
            segment.setObjectName(name)
