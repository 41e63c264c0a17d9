"""Markdown that grows token by token, shown without redoing what has already settled.

:class:`app.core.render.StreamingRenderer` splits the text into settled blocks (rendered
once) and a live tail (re-rendered on each update). This class mirrors that split in the
QTextDocument: settled HTML is inserted once at the end of the settled region and the tail
is the only part that is removed and re-inserted, so the cost of a repaint depends on the
size of the block being written, not on the length of the message.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.render import RenderUpdate, StreamingRenderer, Theme
from app.ui.qt import QTextBlock, QTextBlockFormat, QTextCharFormat, QTextCursor
from app.ui.rich_view import RichTextView


class StreamingDocument:
    """The source text of one view and the document that shows it rendered."""

    def __init__(self, view: RichTextView, theme: Theme) -> None:
        self.view = view
        self.doc = view.document()
        self.renderer = StreamingRenderer(theme)
        self.text = ""
        self._tail_start = 0  # document position where the live tail begins
        self._anchor: _Anchor | None = None  # None until something has settled
        self._finished = False
        view.code_source = self.renderer.code

    @property
    def finished(self) -> bool:
        return self._finished

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
        self._clear()
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
        self.renderer = StreamingRenderer(theme)
        self.view.code_source = self.renderer.code
        was_final = self._finished
        self.set_text(self.text, final=was_final)

    # -- document surgery --------------------------------------------------------------
    def _clear(self) -> None:
        self.doc.clear()
        self._tail_start = 0
        self._anchor = None

    def _apply(self, update: RenderUpdate, *, final: bool = False) -> None:
        if update.reset:
            self._clear()
        cursor = QTextCursor(self.doc)
        cursor.setPosition(self._tail_start)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        if cursor.hasSelection():
            cursor.removeSelectedText()
        self._restore_anchor(cursor)
        if update.settled_html:
            self._insert(cursor, update.settled_html)
            self._tail_start = self.doc.characterCount() - 1
            self._anchor = _Anchor.of(self.doc.lastBlock())
        if update.tail_html and not final:
            self._insert(cursor, update.tail_html)

    def _restore_anchor(self, cursor: QTextCursor) -> None:
        """Undo what inserting the tail did to the last settled block's formats."""
        if self._anchor is not None:
            self._anchor.restore(cursor)

    def _insert(self, cursor: QTextCursor, html: str) -> None:
        """Append HTML after the last block, exactly as if the whole text had been set at once.

        Inserting a fragment merges its first block into the block at the cursor and drops
        that block's format (a heading, a list item, a quote). So the fragment is given a
        throwaway first paragraph, a zero-width space, that merges instead, and the real
        first block arrives whole; the space is then removed again.
        """
        html = html.strip()
        if self._anchor is None:
            # Nothing settled yet, so the document holds nothing else: setHtml is exact.
            margin = self.doc.documentMargin()
            self.doc.setHtml(html)
            self.doc.setDocumentMargin(margin)
            return
        cursor.movePosition(QTextCursor.MoveOperation.End)
        at = cursor.position()
        before = _Anchor.of(cursor.block())
        cursor.insertHtml(_MERGE_GUARD + html)
        guard = QTextCursor(self.doc)
        guard.setPosition(at)
        guard.setPosition(at + 1, QTextCursor.MoveMode.KeepAnchor)
        if guard.selectedText() == _ZWSP:
            guard.removeSelectedText()
        before.restore(guard)


@dataclass(frozen=True)
class _Anchor:
    """The formats of the last settled block, which inserting a tail may disturb."""

    block_format: QTextBlockFormat
    char_format: QTextCharFormat
    in_list: bool

    @classmethod
    def of(cls, block: QTextBlock) -> _Anchor:
        return cls(block.blockFormat(), block.charFormat(), block.textList() is not None)

    def restore(self, cursor: QTextCursor) -> None:
        """Give the block at ``cursor`` these formats again."""
        block = cursor.block()
        listed = block.textList()
        if listed is not None and not self.in_list:
            listed.remove(block)
        if block.blockFormat() != self.block_format:
            cursor.setBlockFormat(self.block_format)
        if block.charFormat() != self.char_format:
            cursor.setBlockCharFormat(self.char_format)


_ZWSP = "\u200b"
_MERGE_GUARD = "<p>\u200b</p>"
