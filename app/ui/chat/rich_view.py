"""A read-only rich-text view for untrusted model output, sized to its content.

No remote (or local) resources ever load, links never navigate inside the view, and a
click opens only http(s) links, in the system browser. ``copy:N`` links (the renderer's
code-block Copy buttons) copy code block N.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from app.core.render import copy_index, is_safe_link
from app.ui.chat.growth import grows_in_place, repainted_on_resize
from app.ui.common.qt import (
    QAbstractScrollArea,
    QApplication,
    QDesktopServices,
    QEvent,
    QFrame,
    QGuiApplication,
    QKeyEvent,
    QResizeEvent,
    QSizeF,
    QSizePolicy,
    Qt,
    QTextBrowser,
    QUrl,
    QWheelEvent,
    QWidget,
)


def settle_layouts(widget: QWidget) -> None:
    """Re-lay out the widgets around ``widget`` now, up to the scroll area it lives in.

    Qt would do it over the next few event-loop turns, one level per turn; meanwhile a paint
    could show a grown text still clipped to its old height. The layouts around ``widget``
    are marked stale, inside out, so that each one reports the new size; the scroll area
    measures and places its content (following the end, it moves its pixels up); only then
    are the layouts applied, outside in, each widget resized once to its final size. Applied
    inside out, an inner layout would first fit its widget's old size, moving a text up and
    back, and a resize before the scroll area moves its pixels makes Qt paint the whole view
    again instead (:mod:`app.ui.chat.growth`).
    """
    stale = []
    child, parent = widget, widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        layout = parent.layout()
        if layout is not None:
            child.updateGeometry()  # the size its parent's layout keeps for it is stale
            layout.invalidate()
            stale.append(layout)
        child, parent = parent, parent.parentWidget()
    if parent is not None:
        QApplication.sendEvent(parent, QEvent(QEvent.Type.LayoutRequest))
    for layout in reversed(stale):
        layout.activate()


class RichTextView(QTextBrowser):
    """Grows to fit its document; scrolling belongs to the conversation around it."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setTabChangesFocus(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.viewport().setAutoFillBackground(False)
        grows_in_place(self)  # a streamed tail paints the new lines, not the whole text
        grows_in_place(self.viewport())
        doc = self.document()
        doc.setUndoRedoEnabled(False)
        doc.setDocumentMargin(2)
        #: Gives the code of block N for a ``copy:N`` link.
        self.code_source: Callable[[int], str | None] | None = None
        self.opened_links: list[str] = []  # what a click opened (tests and diagnostics)
        self._fit_held = 0
        doc.documentLayout().documentSizeChanged.connect(self._fit)
        self.anchorClicked.connect(self._on_anchor)
        self.setFixedHeight(self._height_for(doc.size()))

    # -- safety ------------------------------------------------------------------------
    def loadResource(self, type: int, name: QUrl | str) -> Any:
        """Nothing is ever fetched: images, stylesheets, anything."""
        return None

    def setSource(self, *args: Any, **kwargs: Any) -> None:
        """The view never navigates."""

    def _on_anchor(self, url: QUrl) -> None:
        target = url.toString()
        index = copy_index(target)
        if index is not None:
            code = self.code_source(index) if self.code_source is not None else None
            if code is not None:
                QGuiApplication.clipboard().setText(code)
            return
        if is_safe_link(target):
            self.opened_links.append(target)
            QDesktopServices.openUrl(QUrl(target))

    # -- sizing ------------------------------------------------------------------------
    def _height_for(self, size: QSizeF) -> int:
        margins = self.contentsMargins()
        return max(4, math.ceil(size.height()) + margins.top() + margins.bottom())

    @contextmanager
    def one_fit(self) -> Iterator[None]:
        """The edits made inside change the view's height once, at the end. Replacing a
        streamed tail removes it and inserts the new one: fitted after each, the view would
        shrink and grow again, and the conversation around it would be laid out each time."""
        self._fit_held += 1
        try:
            yield
        finally:
            self._fit_held -= 1
            if not self._fit_held:
                self._fit(self.document().size())

    def _fit(self, size: QSizeF) -> None:
        if self._fit_held:
            return
        height = self._height_for(size)
        if height != self.height():
            self.setFixedHeight(height)
            settle_layouts(self)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            # Qt lays a document out lazily, a timer tick at a time; the conversation
            # measures this view now, so its height must be whole now.
            self.document().size()
        if repainted_on_resize(self, event):
            self.viewport().update()  # the text is drawn there

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()  # let the conversation scroll

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if scrolls_conversation(event):
            event.ignore()  # the conversation around it scrolls, as with the wheel
            return
        super().keyPressEvent(event)


def scrolls_conversation(event: QKeyEvent) -> bool:
    """Page Up/Down, and Ctrl+Home/End, move through the conversation wherever the focus is in it."""
    key = event.key()
    if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
        return True
    ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
    return bool(ctrl) and key in (Qt.Key.Key_Home, Qt.Key.Key_End)
