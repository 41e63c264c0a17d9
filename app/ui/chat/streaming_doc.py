"""Growing a QTextDocument at its end without redoing what is already there.

:class:`app.core.render.StreamingRenderer` splits a message into settled blocks (rendered
once) and a live tail (re-rendered on each update). :class:`DocumentWriter` mirrors that
split in a QTextDocument: settled HTML is inserted once after the settled region and the
tail is the only part that is removed and re-inserted. The result is the same document that
rendering the whole text at once gives (the GUI tests check block by block).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.ui.common.qt import QTextBlock, QTextBlockFormat, QTextCharFormat, QTextCursor, QTextDocument


class DocumentWriter:
    """Appends settled HTML to one QTextDocument and keeps a replaceable tail at its end."""

    def __init__(self, doc: QTextDocument) -> None:
        self.doc = doc
        self._tail_start = 0  # document position where the live tail begins
        self._anchor: _Anchor | None = None  # None until something has settled

    @property
    def size(self) -> int:
        """Characters in the document (settled and tail)."""
        return self.doc.characterCount()

    def clear(self) -> None:
        self.doc.clear()
        self._tail_start = 0
        self._anchor = None

    def apply(self, settled_html: str, tail_html: str) -> None:
        """Remove the old tail, append ``settled_html`` for good, then show ``tail_html``.

        The edits are one edit block, so Qt lays the changed blocks out once, at its end:
        removing the old tail, inserting and removing each merge guard would each lay out the
        end of the document again."""
        if self._anchor is None:
            # Nothing settled before: the document holds the old tail alone, and setHtml is exact.
            set_html(self.doc, (settled_html or tail_html).strip())
            if not settled_html:
                return
            self._settled()
            settled_html = ""
        cursor = QTextCursor(self.doc)
        cursor.beginEditBlock()
        try:
            cursor.setPosition(self._tail_start)
            cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
            if cursor.hasSelection():
                cursor.removeSelectedText()
            assert self._anchor is not None
            self._anchor.restore(cursor)  # undo what inserting the tail did to the last block
            if settled_html:
                self._insert(cursor, settled_html)
                self._settled()
            if tail_html:
                self._insert(cursor, tail_html)
        finally:
            cursor.endEditBlock()

    def _settled(self) -> None:
        """What the document holds now stays: the tail starts after it."""
        self._tail_start = self.doc.characterCount() - 1
        self._anchor = _Anchor.of(self.doc.lastBlock())

    def _insert(self, cursor: QTextCursor, html: str) -> None:
        """Append HTML after the last block, exactly as if the whole text had been set at once.

        Inserting a fragment merges its first block into the block at the cursor and drops
        that block's format (a heading, a list item, a quote). So the fragment is given a
        throwaway first paragraph, a zero-width space, that merges instead, and the real
        first block arrives whole; the space is then removed again.
        """
        html = html.strip()
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


def set_html(doc: QTextDocument, html: str) -> None:
    """Replace the document's content, laid out now: Qt would lay a new document out lazily,
    over later timer ticks, and a view measured meanwhile would get a height too short."""
    margin = doc.documentMargin()
    doc.setHtml(html)
    doc.setDocumentMargin(margin)
    doc.size()


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
