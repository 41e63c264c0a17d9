"""Message widgets that grow at their bottom as a reply streams, painted again only there.

Qt paints a resized widget whole: a reply that grows by a line would have every line of it
on screen painted again, on every flush. Marked with ``WA_StaticContents``, a widget keeps
its pixels when it grows and only the newly exposed strip is painted; what changed inside
(the streamed tail, a moved footer) asks for its own paint. Together with the conversation
moving its pixels when it follows the end (:meth:`ConversationView._place`), a flush paints
the new lines, not the screen.

A widget whose stylesheet draws a frame (a rounded border, a background) draws its bottom
edge at its old height too: :func:`repaint_edges` has that edge painted again when it moves.
"""

from __future__ import annotations

from app.ui.common.qt import QResizeEvent, Qt, QWidget

EDGE = 16  # pixels: more than the tallest rounded corner and border the stylesheet draws


def grows_in_place(widget: QWidget) -> None:
    """Paint only the newly exposed part of ``widget`` when it grows."""
    widget.setAttribute(Qt.WidgetAttribute.WA_StaticContents)


def repaint_edges(widget: QWidget, event: QResizeEvent) -> None:
    """For a widget that draws a frame, from its ``resizeEvent``: a new width changes all of
    it; a new height moves its bottom edge, so the band around the old and new edge is
    painted again."""
    old, new = event.oldSize(), event.size()
    if old.width() != new.width() or old.height() < 0:
        widget.update()
        return
    top = max(0, min(old.height(), new.height()) - EDGE)
    widget.update(0, top, new.width(), max(old.height(), new.height()) - top)
