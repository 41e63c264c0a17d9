"""The scrolling column of messages, built only where the user looks.

A chat of thousands of messages is a list of :class:`Row`: each knows its height (measured
once built, estimated before) and has a widget only while it is on screen or near it.
Scrolling moves the built widgets and builds the rows that come into view; rows far away give
their widgets back to the :class:`RowSource` (which recycles them). A chat opens, or jumps to
a row, with its first screen whole: a first screen that takes more than one slice is built
over several turns while the viewport keeps its old picture (:attr:`ConversationView.holding`).
GUI-thread work comes in slices of ``SLICE_S``: rows a scroll reveals that did not fit in one
are built on the next turn of the event loop, and rows near the screen are built ahead while
the window is idle, each idle slice within what is left of its turn of the event loop (a paint
or a page of older messages may have come first: :mod:`app.ui.common.turns`).

Heights change all the time (a row is measured, a panel opens, a reply streams) and the view
keeps what the user reads still: it follows the end while the user is there, holds the very
top after Home, and otherwise holds the first row on screen whose height was already known,
so corrections above it happen out of sight.
"""

from __future__ import annotations

import bisect
import math
import time
from itertools import accumulate
from typing import Protocol

from app.ui.common.i18n import tr
from app.ui.common.qt import (
    QAbstractScrollArea,
    QApplication,
    QEvent,
    QFrame,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QPainter,
    QPaintEvent,
    QPoint,
    QRect,
    QResizeEvent,
    Qt,
    QTimer,
    QWidget,
    Signal,
)
from app.ui.common.turns import SliceTurns

FOLLOW_SLACK = 24  # pixels from the bottom that still count as "at the end"
MAX_WIDTH = 860  # a readable line length; the column centres in wide windows
TOP_MARGIN = 24  # space above a message scrolled to
PAD_X, PAD_TOP, PAD_BOTTOM = 24, 16, 16
SPACING = 18  # between two rows
LINE_STEP = 24  # pixels per arrow key / wheel line
SLICE_S = 0.006  # GUI-thread time for building rows in one turn of the event loop
OPEN_SLICE_S = 0.003  # the slice built as rows are set: the caller's work and a paint share its block
BREATHE_MS = 3  # an idle slice that would start right after rows were built waits this long
PUT_OFF_S = 0.016  # a waiting idle slice is put off by new requests for at most a frame
AHEAD = 1.0  # screens above and below the view that are built while idle
COST_WEIGHT = 0.25  # the weight of the latest row in the running mean of build costs
KEEP = 2.0  # screens beyond which built rows are given back
PREFETCH = 3.0  # screens from the first (last) row at which near_top (near_bottom) fires


def centred(widget: QWidget) -> QHBoxLayout:
    """A row that gives ``widget`` all the width up to its maximum, then centres it."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addStretch(1)
    row.addWidget(widget, 1000)
    row.addStretch(1)
    return row


class Row:
    """One item of the column (what it shows is the source's business); ``widget`` while built."""

    __slots__ = ("height", "item", "keep", "measured", "widget")

    def __init__(self, item: object) -> None:
        self.item = item
        self.height = 0
        self.measured = False  # the height is the widget's, not an estimate
        self.widget: QWidget | None = None
        self.keep = False  # never given back while set (a reply streams into its widget)


class RowSource(Protocol):
    def build_row(self, row: Row) -> QWidget:
        """A widget showing ``row`` (new or recycled); the view parents and places it."""
        ...

    def release_row(self, row: Row, widget: QWidget) -> None:
        """``row`` went far out of view; its widget (already hidden) is the source's again."""
        ...

    def estimate_row(self, row: Row, width: int) -> int:
        """A guess at the height of ``row`` at ``width`` before it is built."""
        ...

    def ready(self, row: Row) -> bool:
        """Whether ``row`` can be built within a slice now. A row that is not (a long answer
        whose text is still being rendered off the GUI thread) waits: the source calls
        :meth:`ConversationView.rows_ready` once it is."""
        ...


def _takes_tab(widget: QWidget) -> bool:
    return (
        widget.isVisible()
        and widget.isEnabled()
        and widget.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus
    )


def settle(widget: QWidget) -> None:
    """Lay ``widget`` out now, innermost layouts first. Qt would do it over the next few turns
    of the event loop, one level per turn; the row's height is measured right away."""
    for child in reversed(widget.findChildren(QWidget)):
        layout = child.layout()
        if layout is not None and child.isVisibleTo(widget):
            layout.activate()
    layout = widget.layout()
    if layout is not None:
        layout.activate()


def measure(widget: QWidget, width: int) -> int:
    if widget.hasHeightForWidth():
        height = widget.heightForWidth(width)
        if height >= 0:
            return height
    return widget.sizeHint().height()


class ConversationView(QAbstractScrollArea):
    near_top = Signal()  # the view is within a few screens of the first row
    near_bottom = Signal()  # ... of the last row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversation")
        self.setAccessibleName(tr("Conversation"))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Page Up/Down, Home/End
        self.viewport().setObjectName("conversationContent")
        # Opaque, so that moving the view moves its pixels (only the exposed strip is painted):
        # Qt copies the pixels of opaque widgets only. It paints its background itself.
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.source: RowSource | None = None
        self.rows: list[Row] = []
        self._index: dict[Row, int] = {}
        self._live: dict[Row, None] = {}  # rows with a widget
        self._tops: list[int] = [PAD_TOP]  # top of each row, then the end
        self._total = 0
        self._dirty = False
        self.following = True  # at the end: stay there as rows grow
        self._at_top = False  # after Home: stay at the top as older rows arrive
        self._adjusting = False  # the view moves itself: not the user scrolling
        self._placed = 0  # the scroll value the built widgets are placed for
        self._upward = False  # the user last scrolled towards older rows
        self._building = False
        self._remeasure_due = False
        self._holding = False  # the viewport shows its old pixels until the rows in view are built
        self._built_at = 0.0  # when rows were last built (perf_counter)
        self._cost_per_px = 0.0  # a row's build time per pixel of its height (a running mean)
        self._turns = SliceTurns(SLICE_S)  # idle slices within what is left of each turn
        self._work = QTimer(self)
        self._work.setSingleShot(True)
        self._work.setInterval(0)
        self._work.timeout.connect(self._idle)
        self._paused_at = 0.0  # perf_counter when the waiting slice first paused
        self.verticalScrollBar().setSingleStep(LINE_STEP)
        self.placeholder = QLabel(self.viewport())
        self.placeholder.setObjectName("placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.set_placeholder("")

    # -- what is shown --------------------------------------------------------------------
    def set_placeholder(self, text: str) -> None:
        self.placeholder.setText(text)
        self._sync_placeholder()

    def widgets(self) -> list[QWidget]:
        """The built widgets, in row order."""
        return [row.widget for row in self.rows if row.widget is not None]

    def set_rows(self, rows: list[Row], *, at_end: bool = True) -> None:
        """Show ``rows`` instead of the current ones, from the end (or the top)."""
        for row in list(self._live):
            self._release(row)
        self.rows = list(rows)
        width = self.column()[1]
        for row in self.rows:
            self._estimate(row, width)
        self._reindex()
        self.following, self._at_top = at_end, False
        self._sync_placeholder()
        self._relayout(None)
        self._open_whole()

    @property
    def holding(self) -> bool:
        """Whether newly shown rows are still being built behind the old picture."""
        return self._holding

    def _open_whole(self) -> None:
        """Build the rows in view; what one slice cannot build follows on the next turns while
        the viewport keeps showing what it showed, so a chat opens whole on its first paint
        (long answers: once rendered) without one long block of the GUI thread."""
        if self._fill(time.perf_counter() + OPEN_SLICE_S):
            self._let_go()
            return
        if not self._holding:
            self._holding = True
            self.viewport().setUpdatesEnabled(False)
        self._schedule()

    def _build_in_view(self) -> None:
        """Every row in view, now (the user moved there on purpose: End, Home, a search hit)."""
        self._fill(math.inf)
        self._let_go()

    def _let_go(self) -> None:
        if self._holding:
            self._holding = False
            self.viewport().setUpdatesEnabled(True)

    def clear(self) -> None:
        self.set_rows([])

    def insert_rows(self, index: int, rows: list[Row]) -> None:
        """Add ``rows`` before row ``index``; what is on screen stays where it is."""
        anchor = self._anchor(index)
        width = self.column()[1]
        for row in rows:
            self._estimate(row, width)
        self.rows[index:index] = rows
        self._reindex()
        self._sync_placeholder()
        self._relayout(anchor)

    def remove_row(self, row: Row) -> None:
        if row not in self._index:
            return
        anchor = self._anchor()
        if anchor is not None and anchor[0] is row:
            anchor = None if self.following else self._neighbour_anchor(row)
        if row.widget is not None:
            self._release(row)
        del self.rows[self._index[row]]
        self._reindex()
        self._sync_placeholder()
        self._relayout(anchor)

    def rows_ready(self) -> None:
        """Rows that were not ready to build may be now (see :meth:`RowSource.ready`)."""
        self._schedule()

    def ensure_built(self, row: Row) -> QWidget:
        """``row``'s widget, built now if it was not."""
        if row.widget is None:
            self._build(row)
        assert row.widget is not None
        return row.widget

    def keep_clear_left(self, pixels: int) -> None:
        """Leave ``pixels`` at the left edge out of the viewport, for a neighbour that reaches
        over it (a splitter's handle, wider than it looks so that it is easy to grab). Qt only
        moves the pixels of a viewport that nothing overlaps: otherwise every step of
        following a streamed reply would paint the whole view again."""
        self.setViewportMargins(pixels, 0, 0, 0)

    def set_keep(self, row: Row, keep: bool) -> None:
        row.keep = keep

    def row_changed(self, row: Row) -> None:
        """What ``row`` shows changed while it was not built: guess its height again."""
        if row.widget is None and row in self._index:
            anchor = self._anchor()
            row.measured = False
            self._estimate(row, self.column()[1])
            self._dirty = True
            self._relayout(anchor)

    def column(self) -> tuple[int, int]:
        """x and width of the column of rows in the viewport."""
        width_available = self.viewport().width()
        width = max(120, min(MAX_WIDTH, width_available - 2 * PAD_X))
        return (width_available - width) // 2, width

    def top_of(self, row: Row) -> int:
        self._layout_rows()
        return self._tops[self._index[row]]

    # -- moving -----------------------------------------------------------------------------
    def scroll_to_end(self) -> None:
        self.following, self._at_top = True, False
        self._relayout(None)
        self._build_in_view()

    def scroll_to_top(self) -> None:
        """To the first row, and stay there while older rows arrive (Home)."""
        self.following, self._at_top = False, True
        self._relayout(None)
        self._build_in_view()

    def scroll_to_row(self, row: Row, margin: int = TOP_MARGIN) -> None:
        """Bring ``row`` to the top of the view; it stays there while heights settle."""
        self.following, self._at_top = False, False
        self.ensure_built(row)
        self._set_value(self.top_of(row) - margin)
        self._place()
        self._build_in_view()
        self._schedule()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Home:
            self.scroll_to_top()
        elif event.key() == Qt.Key.Key_End:
            self.scroll_to_end()
        else:
            super().keyPressEvent(event)  # Page Up/Down and the arrows move the scroll bar
            return
        event.accept()

    # -- Tab order --------------------------------------------------------------------------
    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab and Shift+Tab go through the messages in their order on screen. Qt's own order
        follows when each widget was made, and message widgets are reused for other rows."""
        focus = QApplication.focusWidget()
        stops = self._tab_stops()
        if focus is not None and focus in stops:
            i = stops.index(focus) + (1 if next else -1)
            tries = 3  # the next messages were not built yet (a message without stops is skipped)
            while not 0 <= i < len(stops) and tries and self._build_beyond(next):
                tries -= 1
                stops = self._tab_stops()
                i = stops.index(focus) + (1 if next else -1)
        elif focus is self and next and stops:
            i = self._first_stop_in_view(stops)
        else:
            return super().focusNextPrevChild(next)
        if 0 <= i < len(stops):
            stops[i].setFocus(Qt.FocusReason.TabFocusReason if next else Qt.FocusReason.BacktabFocusReason)
            self._reveal(stops[i])
            return True
        return self._leave(next)

    def _tab_stops(self) -> list[QWidget]:
        """The widgets Tab stops at in the built rows, row by row, each row's top to bottom."""
        stops: list[QWidget] = []
        for row in sorted(self._live, key=self._index.__getitem__):
            widget = row.widget
            assert widget is not None
            inside = [w for w in widget.findChildren(QWidget) if _takes_tab(w)]
            places = [(w.mapTo(widget, QPoint(0, 0)), w) for w in inside]
            places.sort(key=lambda place: (place[0].y(), place[0].x()))
            stops += [w for _at, w in places]
        return stops

    def _build_beyond(self, next: bool) -> bool:
        """Build the row after the last built one (``next``) or before the first; False if none."""
        built = sorted(self._index[r] for r in self._live)
        if not built:
            return False
        i = built[-1] + 1 if next else built[0] - 1
        if not 0 <= i < len(self.rows):
            return False
        self.ensure_built(self.rows[i])
        return True

    def _first_stop_in_view(self, stops: list[QWidget]) -> int:
        viewport = self.viewport()
        for i, stop in enumerate(stops):
            if stop.mapTo(viewport, QPoint(0, stop.height())).y() > 0:
                return i
        return 0

    def _reveal(self, widget: QWidget) -> None:
        """Scroll just enough that the widget Tab moved to comes into view; one already partly
        in view (a long answer) stays where the reader is."""
        top = widget.mapTo(self.viewport(), QPoint(0, 0)).y()
        bottom, page = top + widget.height(), self.viewport().height()
        bar = self.verticalScrollBar()
        if bottom <= 0:
            bar.setValue(bar.value() + top - PAD_TOP)
        elif top >= page:
            bar.setValue(bar.value() + min(top, bottom - page + PAD_BOTTOM))

    def _leave(self, next: bool) -> bool:
        """Past the last message, on to what follows the conversation; before the first, the
        conversation itself (it scrolls with the keys)."""
        if not next:
            self.setFocus(Qt.FocusReason.BacktabFocusReason)
            return True
        viewport = self.viewport()
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self:
            if not viewport.isAncestorOf(widget) and _takes_tab(widget):
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return True
            widget = widget.nextInFocusChain()
        return False

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        if self._adjusting:
            return  # the view placed everything itself
        value = self._value()
        self._upward = value < self._placed
        bar = self.verticalScrollBar()
        self.following = value >= bar.maximum() - FOLLOW_SLACK
        if value > 0:
            self._at_top = False
        self._place()
        self._fill(time.perf_counter() + SLICE_S)
        self._schedule()

    # -- heights ----------------------------------------------------------------------------
    def _estimate(self, row: Row, width: int) -> None:
        if not row.measured and self.source is not None:
            row.height = max(1, self.source.estimate_row(row, width))

    def _reindex(self) -> None:
        self._index = {row: i for i, row in enumerate(self.rows)}
        self._dirty = True

    def _layout_rows(self) -> None:
        if not self._dirty:
            return
        self._tops = list(accumulate((row.height + SPACING for row in self.rows), initial=PAD_TOP))
        self._total = self._tops[-1] - SPACING + PAD_BOTTOM if self.rows else 0
        self._dirty = False

    def _value(self) -> int:
        return self.verticalScrollBar().value()

    def _visible(self, above: int = 0, below: int = 0) -> tuple[int, int]:
        """The rows [first, last) that reach into the view widened by ``above`` and ``below``."""
        self._layout_rows()
        value = self._value()
        top, bottom = value - above, value + self.viewport().height() + below
        first = max(0, bisect.bisect_right(self._tops, top) - 1)
        if first < len(self.rows) and self._tops[first] + self.rows[first].height <= top:
            first += 1
        last = min(len(self.rows), bisect.bisect_left(self._tops, bottom, lo=first))
        return first, last

    def _anchor(self, at: int = 0) -> tuple[Row, int] | None:
        """The row to hold in place across a change, and the view's offset from its top;
        None when the view follows the end or holds the top. Rows from ``at`` on are
        preferred: rows inserted there push those down, not the ones above."""
        if self.following or self._at_top or not self.rows:
            return None
        first, last = self._visible()
        value = self._value()
        start = max(first, min(at, last - 1))
        for i in range(start, last):
            if self.rows[i].measured:
                return self.rows[i], value - self._tops[i]
        i = min(start, len(self.rows) - 1)
        return self.rows[i], value - self._tops[i]

    def _neighbour_anchor(self, row: Row) -> tuple[Row, int] | None:
        i = self._index[row]
        for j in (i + 1, i - 1):
            if 0 <= j < len(self.rows):
                return self.rows[j], self._value() - self._tops[j]
        return None

    def _set_value(self, value: int) -> None:
        bar = self.verticalScrollBar()
        self._adjusting = True
        try:
            bar.setValue(max(0, min(bar.maximum(), value)))
        finally:
            self._adjusting = False

    def _relayout(self, anchor: tuple[Row, int] | None) -> None:
        """Heights or rows changed: range, scroll value (the anchor held), placement."""
        self._layout_rows()
        bar = self.verticalScrollBar()
        page = self.viewport().height()
        self._adjusting = True
        try:
            bar.setPageStep(max(1, page))
            bar.setRange(0, max(0, self._total - page))
        finally:
            self._adjusting = False
        if self.following:
            self._set_value(bar.maximum())
        elif self._at_top:
            self._set_value(0)
        elif anchor is not None and anchor[0] in self._index:
            self._set_value(self._tops[self._index[anchor[0]]] + anchor[1])
        # Following the end, what is on screen moves up with the growth; otherwise the view
        # holds a row still, and moving the viewport's pixels would only move them back.
        self._place(shift_pixels=self.following)
        self._schedule()

    def _place(self, *, shift_pixels: bool = True) -> None:
        """Put the built widgets where their rows are. A move of the whole view scrolls the
        viewport's pixels with its children, so only what changed is painted again; a change
        of value that keeps what is on screen still (``shift_pixels`` False) only moves the
        widgets whose place changed."""
        value = self._value()
        if value != self._placed:
            if shift_pixels:
                self.viewport().scroll(0, self._placed - value)
            self._placed = value
        x, width = self.column()
        for row in self._live:
            widget = row.widget
            assert widget is not None
            rect = QRect(x, self._tops[self._index[row]] - value, width, max(1, row.height))
            if widget.geometry() != rect:
                widget.setGeometry(rect)

    def _remeasure(self) -> None:
        """Built rows may have changed height (text grew, a panel opened): measure them."""
        if self._building:
            self._remeasure_due = True
            return
        self._remeasure_due = False
        self._layout_rows()
        anchor = self._anchor()
        width = self.column()[1]
        changed = False
        for row in self._live:
            assert row.widget is not None
            height = measure(row.widget, width)
            if height != row.height:
                row.height, changed = height, True
            row.measured = True
        if changed:
            self._dirty = True
            self._relayout(anchor)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:  # sent by a text that grew (settle_layouts)
            self._remeasure()
        return handled

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a built row's size hint changed
            self._remeasure()
        elif isinstance(event, QPaintEvent):
            self._paint_background(event.rect())
        return super().viewportEvent(event)

    def _paint_background(self, rect: QRect) -> None:
        """The viewport's background: its palette's, which the stylesheet sets to the theme's."""
        viewport = self.viewport()
        painter = QPainter(viewport)
        painter.fillRect(rect, viewport.palette().brush(viewport.backgroundRole()))
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        anchor = self._anchor()
        self._relayout(anchor)
        self._remeasure()
        self._sync_placeholder()

    # -- building and giving back -----------------------------------------------------------
    def _build(self, row: Row) -> None:
        assert self.source is not None
        self._layout_rows()
        anchor = self._anchor()
        self._building = True
        try:
            widget = self.source.build_row(row)
            viewport = self.viewport()
            if widget.parentWidget() is not viewport:
                widget.setParent(viewport)
            row.widget = widget
            self._live[row] = None
            self._stack(row)
            x, width = self.column()
            top = self._tops[self._index[row]] - self._value()
            widget.setGeometry(x, top, width, max(1, row.height))
            widget.show()
            settle(widget)
            height = measure(widget, width)
        finally:
            self._building = False
        if height != row.height or not row.measured:
            row.height, row.measured = height, True
            self._dirty = True
            self._relayout(anchor)
        if self._remeasure_due:
            self._remeasure()

    def _stack(self, row: Row) -> None:
        """Keep the built widgets in row order among the viewport's children (the order
        screen readers read them in)."""
        i = self._index[row]
        later = [r for r in self._live if self._index[r] > i]
        assert row.widget is not None
        if later:
            nearest = min(later, key=self._index.__getitem__)
            assert nearest.widget is not None
            row.widget.stackUnder(nearest.widget)
        else:
            row.widget.raise_()

    def _release(self, row: Row) -> None:
        widget = row.widget
        assert widget is not None and self.source is not None
        row.widget = None
        del self._live[row]
        widget.hide()
        self.source.release_row(row, widget)

    def _next_unbuilt(self, around: int) -> Row | None:
        """The next row to build: those in view first, then those ``around`` pixels from it,
        nearest first and towards where the user is going."""
        assert self.source is not None
        ready = self.source.ready
        first, last = self._visible()
        in_view = range(first, last)
        order = reversed(in_view) if self.following or self._upward else in_view
        for i in order:
            if self.rows[i].widget is None and ready(self.rows[i]):
                return self.rows[i]
        if not around:
            return None
        lo, hi = self._visible(around, around)
        above = range(first - 1, lo - 1, -1)
        below = range(last, hi)
        for span in (above, below) if self._upward or self.following else (below, above):
            for i in span:
                if self.rows[i].widget is None and ready(self.rows[i]):
                    return self.rows[i]
        return None

    def _fill(self, deadline: float, around: int = 0, *, at_least_one: bool = True) -> bool:
        """Build rows until ``deadline`` (the first one even past it, unless told otherwise);
        True when none is left to build. A row whose build would likely end past the deadline
        waits for the next slice: a tall answer started with a millisecond left would stretch
        the slice by all of its cost. Only the first row of an ``at_least_one`` fill is built
        regardless."""
        if self.source is None:
            return True
        must = at_least_one
        while (row := self._next_unbuilt(around)) is not None:
            now = time.perf_counter()
            if not must and now + self._cost_per_px * max(row.height, 1) >= deadline:
                return False
            self._build(row)
            self._built_at = time.perf_counter()
            cost = (self._built_at - now) / max(row.height, 1)
            # The first row's cost is the first estimate: a mean that started from nothing
            # would think the next rows cheap and start them with too little of the slice left.
            known = self._cost_per_px > 0
            self._cost_per_px += (COST_WEIGHT if known else 1.0) * (cost - self._cost_per_px)
            must = False
        return True

    def _release_far(self) -> None:
        page = self.viewport().height()
        lo, hi = self._visible(int(KEEP * page), int(KEEP * page))
        focus = QApplication.focusWidget()
        for row in list(self._live):
            i = self._index[row]
            if row.keep or lo <= i < hi:
                continue
            widget = row.widget
            assert widget is not None
            if focus is not None and widget.isAncestorOf(focus):
                continue  # the user is in it (editing, selecting)
            self._release(row)

    def _schedule(self) -> None:
        # Started again: a slice is due once the work that asked for it is done. Due from an
        # earlier moment, it would run before the timers that fell due during that work (a
        # chat put in the view, a scroll) and add to their block. A slice waiting out its
        # pause is put off so for a frame at most: requests faster than the pause would
        # starve it.
        work = self._work
        if not work.isActive() or work.interval() == 0 or time.perf_counter() - self._paused_at < PUT_OFF_S:
            work.start()

    def _pause(self) -> None:
        """The next slice waits ``BREATHE_MS``: the window paints and answers first."""
        if self._work.interval() == 0:  # the first pause since a slice ran
            self._paused_at = time.perf_counter()
        self._work.setInterval(BREATHE_MS)
        self._work.start()

    def _idle(self) -> None:
        """One slice of background work: rows in view, rows far away, rows near the view."""
        now = time.perf_counter()
        if (now - self._built_at) * 1000 < BREATHE_MS:
            # Rows were built a moment ago in this same turn (timers that were all due fire
            # one after the other, after a scroll's slice): two slices back to back would be
            # one long block. The window paints and answers first.
            self._pause()
            return
        work = self._turns.next_slice(now)
        if work is None:  # this turn has done most of a frame's work (a paint, a page put in)
            self._pause()
            return
        self._work.setInterval(0)
        deadline = work.deadline
        page = self.viewport().height()
        self._release_far()
        built_before = self._built_at
        if not self._fill(deadline):
            self._work.start()
            return
        if self._holding:
            if self._built_at != built_before:
                self._work.start()  # the first paint of the whole screen gets a turn of its own
                return
            self._let_go()
        before_ahead = self._built_at
        # A slice that was put off does at least one step: a row in view built above was it.
        must = work.waited and self._built_at == built_before
        if not self._fill(deadline, int(AHEAD * page), at_least_one=must):
            if self._built_at == before_ahead:
                # A row ahead that would not fit in what was left of this slice gets the next
                # one to itself, however long it is: building ahead must get past it.
                self._turns.put_off()
            self._work.start()
            return
        if not self.rows:
            return
        value = self._value()
        if value < PREFETCH * page:
            self.near_top.emit()
        if self._total - value - page < PREFETCH * page:
            self.near_bottom.emit()

    def _sync_placeholder(self) -> None:
        label = self.placeholder
        label.setVisible(bool(label.text()) and not self.rows)
        if label.isVisible():
            width = self.viewport().width()
            label.setGeometry(0, 0, width, max(label.heightForWidth(width), label.sizeHint().height()))
