"""Markdown shown as a column of rich-text segments, built a slice at a time.

Qt re-scans every frame of a QTextDocument (each table and code block is one) whenever a
frame is inserted or removed, so editing the end of one ever-growing document costs more
the longer it is. Instead, once a segment holds ``SEGMENT_CHARS`` characters, settled text
continues in a new segment below it: each repaint touches only the last, bounded segment,
and the cost of streaming stays flat however long the message grows. Segments split only
between settled blocks, so each block is rendered exactly as in one document.

Long texts are shown in slices: what does not fit in one slice of GUI-thread time (``SLICE_S``,
and no more than its turn of the event loop has left: :mod:`app.ui.common.turns`) follows on
later turns, below what is already shown, and waits while the view is hidden (a collapsed
reasoning panel). Rendering a piece and putting it into the documents are two steps. Given a
:class:`~app.ui.common.tasks.Tasks`, the view renders on its thread (Markdown and code
highlighting are plain Python, most of a repaint's cost) and the GUI thread only puts the
result into the documents, one piece in flight at a time; without one, a streamed piece that
took long to render goes into the documents on the next turn, so that one turn never does both.
Whatever touches the renderer on the GUI thread (a new text, the end of the text, a Copy link)
first waits for the piece in flight. A finished text rendered ahead of time
(:mod:`app.ui.chat.render_cache`) costs only its documents.
"""

from __future__ import annotations

import logging
import math
import time

from app.core.render import (
    RenderedParts,
    RenderUpdate,
    StreamingRenderer,
    Theme,
    document_stylesheet,
    render_parts,
)
from app.ui.chat.growth import grows_in_place, repainted_on_resize
from app.ui.chat.render_cache import CACHE
from app.ui.chat.rich_view import RichTextView
from app.ui.chat.streaming_doc import DocumentWriter, set_html
from app.ui.common.i18n import tr
from app.ui.common.qt import QEvent, QResizeEvent, QSizePolicy, QTimer, QVBoxLayout, QWidget
from app.ui.common.tasks import Task, Tasks
from app.ui.common.turns import SliceTurns

log = logging.getLogger(__name__)

SEGMENT_CHARS = 6000
SYNC_CHARS = 3000  # a finished text this short is rendered at once
STEP_CHARS = 1500  # source characters rendered in one step of a longer text
SLICE_S = 0.006  # GUI-thread time one turn of the event loop gives to showing text
APPEND_S = 0.002  # after rendering a streamed piece this long, its document waits a turn
SPARE_AT = SEGMENT_CHARS * 3 // 4  # a segment this full has the next one made ready
SPARE_MS = 15  # that long after the update that filled it so far: between two repaints


class MarkdownView(QWidget):
    """Markdown source in, rendered text out; ``append`` as tokens arrive, ``finish`` at the end."""

    def __init__(
        self, accessible_name: str, theme: Theme, parent: QWidget | None = None, *, tasks: Tasks | None = None
    ) -> None:
        super().__init__(parent)
        self.name = accessible_name
        self.tasks = tasks  # renders off the GUI thread when given
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        grows_in_place(self)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self.theme = theme
        self.renderer = StreamingRenderer(theme)
        self.text = ""
        self._fed = 0  # characters of ``text`` given to the renderer so far
        self._final = False  # no more text comes: finish once all is fed
        self._finished = False  # the renderer has finished
        self._queued: list[str] = []  # segments of a text rendered ahead, not shown yet
        self._update: RenderUpdate | None = None  # rendered, not in the documents yet
        self._fresh = True  # the first segment is empty and waiting
        self._job: Task[RenderUpdate] | None = None  # a piece being rendered off the GUI thread
        self._job_from = 0  # where in ``text`` its piece starts
        self._shown_once = False
        self._slicer = QTimer(self)
        self._slicer.setSingleShot(True)
        self._slicer.setInterval(0)
        self._slicer.timeout.connect(self._slice)
        self._turns = SliceTurns(SLICE_S)
        self.segments: list[RichTextView] = []
        self._spare: RichTextView | None = None  # the next segment, made ready and hidden
        self._spare_timer = QTimer(self)
        self._spare_timer.setSingleShot(True)
        self._spare_timer.setInterval(SPARE_MS)
        self._spare_timer.timeout.connect(self._make_spare)
        self._writer = DocumentWriter(self._add_segment().document())

    @property
    def finished(self) -> bool:
        """The text is complete (some of it may still be on its way in)."""
        return self._finished

    @property
    def pending(self) -> bool:
        """Some of the text is not shown yet (it follows in slices)."""
        return (
            bool(self._queued)
            or self._update is not None
            or self._job is not None
            or self._fed < len(self.text)
            or (self._final and not self._finished)
        )

    # -- text --------------------------------------------------------------------------
    def append(self, delta: str) -> None:
        """Add streamed text and re-render the tail."""
        if not delta:
            return
        if self._finished:
            self.set_text(self.text + delta, final=False)
            return
        self.text += delta
        self._feed(APPEND_S)

    def set_text(self, text: str, *, final: bool = True) -> None:
        """Show ``text`` from scratch (a version switch, a budget cut, a theme change)."""
        self._slicer.stop()
        self._drop_job()
        self._queued = []
        self._update = None
        self.renderer.reset()
        self._reset_segments()
        self.text = text
        self._fed = 0
        self._final = self._finished = False
        if final:
            rendered = CACHE.get(text, self.theme)
            if rendered is None and len(text) <= SYNC_CHARS:
                rendered = render_parts(text, self.theme)
                CACHE.put(rendered)
            if rendered is not None:
                self._show_rendered(rendered)
                return
            self._final = True
        self._feed()

    def finish(self) -> None:
        """The text is complete: settle the tail, now unless much is still to come."""
        self._final = True
        if self._queued or len(self.text) - self._fed > SYNC_CHARS:
            self._feed()
        else:
            self._slicer.stop()
            self._take_job()
            self._run(math.inf, here=True)  # the little that is left: the text is whole on return

    def set_theme(self, theme: Theme) -> None:
        self._drop_job()
        self.theme = theme
        self.renderer = StreamingRenderer(theme)
        for segment in self.segments:
            segment.code_source = self.renderer.code
            segment.document().setDefaultStyleSheet(document_stylesheet(theme))
        self.set_text(self.text, final=self._final or self._finished)

    def toPlainText(self) -> str:
        return "\n".join(s.toPlainText() for s in self.segments)

    def code(self, index: int) -> str | None:
        self._take_job()
        if self._update is not None:
            self._slicer.start()
        return self.renderer.code(index)

    # -- slices ------------------------------------------------------------------------
    def _feed(self, budget: float = SLICE_S) -> None:
        """Work on the text now for ``budget`` seconds; the rest follows in slices. A streamed
        piece may stop after rendering; otherwise something new is shown before stopping."""
        self._slicer.stop()
        self._run(time.perf_counter() + budget, show=budget >= SLICE_S)

    def _slice(self) -> None:
        if self._shown_once and not self.isVisible():
            return  # hidden (a collapsed panel, a recycled view): showEvent goes on
        work = self._turns.next_slice(time.perf_counter())
        if work is None:  # this turn has done most of a frame's work (a paint, another slice)
            self._slicer.start()
            return
        self._run(work.deadline, show=True)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        repainted_on_resize(self, event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            self._shown_once = True
            if self.pending and not self._slicer.isActive():
                self._slicer.start()
        return super().event(event)

    def _run(self, deadline: float, *, show: bool = False, here: bool = False) -> None:
        """Do steps until ``deadline`` (at least one, and with ``show`` at least until the
        documents changed); what is left waits for the next turn (``here``: render on the GUI
        thread)."""
        while self._step(here):
            if time.perf_counter() >= deadline and not (show and self._update is not None):
                if self.pending:
                    self._slicer.start()
                return
        self._slicer.stop()

    def _step(self, here: bool = False) -> bool:
        if self._queued:
            html = self._queued.pop(0)
            segment = self.segments[0] if self._fresh else self._add_segment()
            self._fresh = False
            with segment.one_fit():
                set_html(segment.document(), html)
            return True
        if self._update is not None:
            update, self._update = self._update, None
            self._apply(update)
            return True
        if self._job is not None:
            return False  # the renderer is busy on another thread; its answer resumes the work
        if self._fed < len(self.text):
            end = self._cut(self._fed)
            piece = self.text if end == len(self.text) else self.text[:end]
            start, self._fed = self._fed, end
            off_thread = self.tasks is not None and not here and not self._fresh  # first words: at once
            if off_thread and self._render_off_thread(piece, start):
                return False  # its answer resumes the work
            self._update = self.renderer.update(piece)
            return True
        if self._final and not self._finished:
            self._apply(self.renderer.finish(), final=True)
            self._finished = True
            return True
        return False

    # -- rendering off the GUI thread -------------------------------------------------------
    def _render_off_thread(self, piece: str, start: int) -> bool:
        """Give ``piece`` to the helper; False if it takes no more work (the window is closing)."""
        assert self.tasks is not None
        renderer = self.renderer
        job = self.tasks.run(
            lambda: renderer.update(piece), self._answered, self._answered, owner=self, name="render-stream"
        )
        if job.cancelled:
            self.tasks = None
            return False
        self._job, self._job_from = job, start
        return True

    def _answered(self, _result: object) -> None:
        if self._job is not None:  # not taken on the GUI thread already
            self._take_job()
            self._slicer.start()  # into the documents on the next turn (waits while hidden)

    def _take_job(self) -> None:
        """Wait for the piece in flight; its update is the next to go into the documents."""
        job = self._job
        if job is None:
            return
        self._job = None
        job.wait()
        if job.error is None:
            self._update = job.result
        else:  # the piece renders again, on the GUI thread from now on
            log.warning("could not render streamed text off the GUI thread: %r", job.error)
            self._fed = self._job_from
            self.tasks = None

    def _drop_job(self) -> None:
        """The text starts again: the piece in flight is not wanted (the renderer is free on return)."""
        job = self._job
        if job is not None:
            self._job = None
            job.cancel()
            job.wait()

    def _cut(self, start: int) -> int:
        """Where the next step's text ends: all of it if short, else at a paragraph end."""
        if len(self.text) - start <= STEP_CHARS:
            return len(self.text)
        lo, hi = start + STEP_CHARS // 2, start + 2 * STEP_CHARS
        for mark in ("\n\n", "\n"):
            at = self.text.find(mark, lo, hi)
            if at >= 0:
                return at + len(mark)
        return start + STEP_CHARS

    def _show_rendered(self, rendered: RenderedParts) -> None:
        """A finished text rendered ahead: one segment now, the others in the next slices."""
        self.renderer.adopt(rendered)
        self._fed = len(self.text)
        self._final = self._finished = True
        group: list[str] = []
        size = 0
        for html, chars in zip(rendered.parts, rendered.sizes, strict=True):
            if group and size + chars > SEGMENT_CHARS:
                self._queued.append("".join(group).strip())
                group, size = [], 0
            group.append(html)
            size += chars
        if group:
            self._queued.append("".join(group).strip())
        self._feed()

    # -- segments ----------------------------------------------------------------------
    def _apply(self, update: RenderUpdate, *, final: bool = False) -> None:
        with self.segments[-1].one_fit():
            self._apply_to_documents(update, final)

    def _apply_to_documents(self, update: RenderUpdate, final: bool) -> None:
        if update.reset:
            self._reset_segments()
        tail = "" if final else update.tail_html
        self._fresh = False
        if update.settled_html and self._writer.size > SEGMENT_CHARS:
            # The current segment is full: what settles now starts the next one.
            self._writer.apply("", "")
            segment = self._add_segment()
            self._writer = DocumentWriter(segment.document())
            with segment.one_fit():
                self._writer.apply(update.settled_html, tail)
            return
        self._writer.apply(update.settled_html, tail)
        streaming = not self._final  # a finished text shown in pieces knows its own end
        if streaming and self._spare is None and self._writer.size > SPARE_AT and self.isVisible():
            self._spare_timer.start()

    def _add_segment(self) -> RichTextView:
        """The next segment, at the end: the spare one made ready earlier, if there is one."""
        segment, self._spare = self._spare, None
        if segment is not None:
            segment.resize(self.width(), segment.height())
            segment.show()  # empty still: at its width, showing it lays out nothing
        else:
            segment = self._new_segment()
        self.segments.append(segment)
        return segment

    def _new_segment(self) -> RichTextView:
        name = self.name if not self.segments else tr("{name} (continued)").format(name=self.name)
        segment = RichTextView(name)
        segment.setObjectName(self.objectName() or "markdown")
        segment.code_source = self.renderer.code
        segment.document().setDefaultStyleSheet(document_stylesheet(self.theme))
        self._layout.addWidget(segment)
        return segment

    def _make_spare(self) -> None:
        """Build the next segment now, on a turn of its own, hidden until text goes into it:
        made on the turn that fills it, its construction, style and first showing would add
        to that turn's layout and paint."""
        if self._spare is not None or not self.isVisible():
            return
        segment = self._new_segment()
        segment.hide()  # explicitly: the layout leaves it out, and so does a screen reader
        segment.ensurePolished()
        self._spare = segment

    def _drop_spare(self) -> None:
        segment, self._spare = self._spare, None
        self._spare_timer.stop()
        if segment is not None:
            self._layout.removeWidget(segment)
            segment.deleteLater()

    def _reset_segments(self) -> None:
        self._drop_spare()
        while len(self.segments) > 1:
            segment = self.segments.pop()
            self._layout.removeWidget(segment)
            segment.hide()
            segment.deleteLater()
        self._writer = DocumentWriter(self.segments[0].document())
        self._writer.clear()
        self._fresh = True

    def setObjectName(self, name: str) -> None:
        super().setObjectName(name)
        for segment in self.segments:
            segment.setObjectName(name)
