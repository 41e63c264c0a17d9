"""Message widgets that grow at their bottom as a reply streams, painted again only there.

Qt paints a resized widget whole: a reply that grows by a line would have every line of it
on screen painted again, on every flush. Marked with ``WA_StaticContents``, a widget keeps
its pixels when it grows and only the newly exposed strip is painted; what changed inside
(the streamed tail, a moved footer) asks for its own paint. Together with the conversation
moving its pixels when it follows the end (:meth:`ConversationView._place`), a flush paints
the new lines, not the screen.

Each of them calls :func:`repainted_on_resize` from its ``resizeEvent``. A new width changes
all of a widget (its lines wrap anew), so it is painted whole. So is a widget on a screen
scaled by a fraction (125 %, 150 %): there a logical pixel row is not a whole row of device
pixels, and the row where the old and the new part meet would be left half painted. A
widget whose stylesheet draws a frame (a rounded border, a background) drew its bottom edge
at its old height: the band around that edge is painted again.
"""

from __future__ import annotations

from app.ui.common.qt import QResizeEvent, Qt, QWidget

EDGE = 16  # pixels: more than the tallest rounded corner and border the stylesheet draws


def grows_in_place(widget: QWidget) -> None:
    """Paint only the newly exposed part of ``widget`` when it grows."""
    widget.setAttribute(Qt.WidgetAttribute.WA_StaticContents)


def repainted_on_resize(widget: QWidget, event: QResizeEvent, *, framed: bool = False) -> bool:
    """From the ``resizeEvent`` of a widget that grows in place: what must be painted again
    beyond the newly exposed part. True when the whole widget is (``framed``: it draws a
    frame, whose old bottom edge is painted over)."""
    old, new = event.oldSize(), event.size()
    if old.width() != new.width() or old.height() < 0 or not whole_pixels(widget):
        widget.update()
        return True
    if framed:
        top = max(0, min(old.height(), new.height()) - EDGE)
        widget.update(0, top, new.width(), max(old.height(), new.height()) - top)
    return False


def whole_pixels(widget: QWidget) -> bool:
    """Whether a logical pixel of ``widget`` is a whole number of device pixels."""
    return float(widget.devicePixelRatioF()).is_integer()
