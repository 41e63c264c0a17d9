"""Shows a chat in the conversation view: a row per entry, widgets only where the user looks.

Every loaded entry is a :class:`~app.ui.chat.conversation.Row` of the view; the view asks
for a widget when a row comes near the screen (:meth:`build_row`) and gives it back when the
row is far away (:meth:`release_row`). Reply views given back are kept for reuse: filling an
old one costs the GUI thread far less than making a new one. Answers are rendered ahead on a
background thread (:mod:`app.ui.chat.render_cache`), so a row coming into view only fills
its documents.

Older entries are read from the store before the user reaches them: when the view comes
within a few screens of the first row, the next page is read and rendered off the GUI thread
(one :class:`~app.ui.common.tasks.Tasks` helper) and its rows go in above without moving
what is on screen. Opening a search result shows a window of entries around that message
instead, with "Show earlier messages" and "Show later messages" at its ends (they also
extend by themselves as the user scrolls towards them).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Protocol, TypeVar

from app.core.chat.chats import Chat, EarlierPage, Entry, Reply
from app.core.chat.messages import Message
from app.core.render import RenderedParts, Theme
from app.ui.chat.assistant_view import AssistantMessageView
from app.ui.chat.conversation import ConversationView, Row
from app.ui.chat.render_cache import CACHE, PRERENDER_MAX_CHARS, prerender, wanted
from app.ui.chat.user_view import UserMessageView
from app.ui.common.i18n import tr
from app.ui.common.qt import QObject, QPushButton, QTimer, QWidget, Signal
from app.ui.common.tasks import Task, Tasks

log = logging.getLogger(__name__)
V = TypeVar("V", bound=QWidget)

WINDOW = 24  # entries around a search result
PAGE = 50  # entries read from the store at a time
FLASH_MS = 1600  # how long a message opened from a search stays highlighted
WARM_AFTER_MS = 300  # spare views are made this long after the window starts
POOL = 16  # message views of each kind kept for reuse
WARM = 8  # views of each kind made ahead while the window is idle (rows given back refill them)
RENDER_AHEAD = 60  # answers of an opened chat rendered ahead, newest first
# A longer answer that is not rendered yet is rendered off the GUI thread before its row is
# built (parsing and highlighting take about 3 ms per 1,000 characters).
BUILD_NOW_CHARS = 800
EARLIER, LATER = "earlier", "later"  # the items of the two button rows


class Pager(Protocol):
    """Where older entries come from (the window's chat repository)."""

    def load_earlier(self, chat_id: str, limit: int | None = None) -> list[Entry]: ...
    def read_earlier(self, chat_id: str, limit: int = PAGE) -> Callable[[], EarlierPage] | None: ...


class ConversationPresenter(QObject):
    regenerate = Signal(object, object)  # Reply, thinking (None: same mode)
    continue_thinking = Signal(object)  # Reply
    continue_answer = Signal(object)  # Reply
    delete = Signal(object)  # Entry
    resend = Signal(object, str)  # user Message, new text
    version_switched = Signal(object)  # Reply

    def __init__(self, view: ConversationView, theme: Callable[[], Theme], parent: QObject | None = None):
        super().__init__(parent)
        self.view = view
        self.theme = theme
        self.chat: Chat | None = None
        self.pager: Pager | None = None
        self.busy = False
        # Two threads wait for work from the start: a chat opened or scrolled (a page of older
        # messages read while answers render ahead) never waits for a thread to start.
        self.tasks = Tasks(self, keep=2, name="conversation")
        self._rows: dict[int, Row] = {}  # id(entry) -> its row
        self._row_of: dict[QWidget, Row] = {}  # built widget -> its row
        self._replies: list[AssistantMessageView] = []  # spare views, hidden, ready for reuse
        self._users: list[UserMessageView] = []
        self._unshown: QWidget | None = None  # a spare made in the last slice, not shown yet
        self._earlier: Row | None = None
        self._later: Row | None = None
        self._kept: Row | None = None  # the row a reply streams into
        self._hidden: set[int] = set()  # ids of the entries the model no longer sees
        self._expanded: set[int] = set()  # ids of the replies whose reasoning is open
        self._fetch: Task[tuple[EarlierPage, list[RenderedParts]]] | None = None
        self._rendering: set[str] = set()  # answers rendered off the GUI thread for waiting rows
        self._unrenderable: set[str] = set()  # answers whose render failed there: built as they are
        self._metrics: tuple[int, int] | None = None  # line height, average character width
        self._warmer = QTimer(self)
        self._warmer.setSingleShot(True)
        self._warmer.setInterval(0)
        self._warmer.timeout.connect(self._warm)
        view.source = self
        view.near_top.connect(self._near_top)
        view.near_bottom.connect(self._near_bottom)
        QTimer.singleShot(WARM_AFTER_MS, self, self._warm)

    def shutdown(self) -> None:
        """The window closes: no more reading or rendering ahead, its threads gone."""
        self._warmer.stop()
        self.tasks.shutdown()

    # -- whole chats ---------------------------------------------------------------------
    def show(self, chat: Chat | None, around: Entry | None = None) -> None:
        """Show ``chat`` from its newest entry, or a window around ``around``."""
        self._cancel_fetch()
        self._rows.clear()
        self._hidden.clear()
        self._expanded.clear()
        self._earlier = self._later = self._kept = None
        self.chat = chat
        if chat is None:
            self.view.set_rows([])
            return
        entries = chat.entries
        if around is None:
            lo, hi = 0, len(entries)
        else:
            i = chat.index_of(around)
            lo, hi = max(0, i - WINDOW // 2), min(len(entries), i + WINDOW // 2 + 1)
        rows = [self._row(e) for e in entries[lo:hi]]
        if lo > 0 or chat.has_earlier:
            self._earlier = _edge(EARLIER)
            rows.insert(0, self._earlier)
        if hi < len(entries):
            self._later = _edge(LATER)
            rows.append(self._later)
        self.view.set_rows(rows, at_end=around is None)
        for edge in (self._earlier, self._later):
            if edge is not None:
                self.view.ensure_built(edge)
        near = entries[lo:hi] if around is not None else entries[::-1][:RENDER_AHEAD]
        self._render_ahead(near)

    @property
    def _shown(self) -> list[Entry]:
        """The entries that have rows, in chat order."""
        return [row.item for row in self.view.rows if isinstance(row.item, Message | Reply)]

    def _row(self, entry: Entry) -> Row:
        row = Row(entry)
        self._rows[id(entry)] = row
        return row

    def _range(self) -> tuple[int, int]:
        """[first, last) indexes in the chat of the entries that have rows."""
        chat = self.chat
        if chat is None:
            return 0, 0
        shown = [row.item for row in self.view.rows if not isinstance(row.item, str)]
        if not shown:
            return len(chat.entries), len(chat.entries)
        return chat.index_of(shown[0]), chat.index_of(shown[-1]) + 1  # type: ignore[arg-type]

    def _sync_edges(self) -> None:
        """The button rows at the ends: there while entries lie beyond them."""
        chat = self.chat
        if chat is None:
            return
        lo, hi = self._range()
        if (lo > 0 or chat.has_earlier) != (self._earlier is not None):
            if self._earlier is None:
                self._earlier = _edge(EARLIER)
                self.view.insert_rows(0, [self._earlier])
                self.view.ensure_built(self._earlier)
            else:
                self.view.remove_row(self._earlier)
                self._earlier = None
        if (hi < len(chat.entries)) != (self._later is not None):
            if self._later is None:
                self._later = _edge(LATER)
                self.view.insert_rows(len(self.view.rows), [self._later])
                self.view.ensure_built(self._later)
            else:
                self.view.remove_row(self._later)
                self._later = None

    def has_earlier(self) -> bool:
        return self._earlier is not None

    def show_earlier(self) -> int:
        """Show the entries before the first one shown (reading a page from the store if none
        is in memory) and scroll to the first of them; return how many."""
        chat = self.chat
        if chat is None:
            return 0
        lo, _hi = self._range()
        if lo == 0 and chat.has_earlier and self.pager is not None:
            self._cancel_fetch()
            self.pager.load_earlier(chat.id, PAGE)
            lo, _hi = self._range()
        rows = self._grow_top(0, lo)
        if rows:
            self.view.scroll_to_row(rows[0])
        return len(rows)

    def show_later(self) -> int:
        """Show every entry after the last one shown; return how many."""
        chat = self.chat
        if chat is None:
            return 0
        _lo, hi = self._range()
        rows = [self._row(e) for e in chat.entries[hi:]]
        if rows:
            at = len(self.view.rows) - (1 if self._later is not None else 0)
            self.view.insert_rows(at, rows)
            self._sync_edges()
        return len(rows)

    def _grow_top(self, start: int, stop: int) -> list[Row]:
        """Rows for the entries [start, stop) above the first row; the view stays put."""
        chat = self.chat
        if chat is None or start >= stop:
            self._sync_edges()
            return []
        rows = [self._row(e) for e in chat.entries[start:stop]]
        self.view.insert_rows(1 if self._earlier is not None else 0, rows)
        self._sync_edges()
        return rows

    def _near_top(self) -> None:
        """The user nears the first row: more rows from memory, else the next page."""
        chat = self.chat
        if chat is None or self._earlier is None:
            return
        lo, _hi = self._range()
        if lo > 0:
            entries = chat.entries[max(0, lo - 4 * PAGE) : lo]
            self._grow_top(max(0, lo - 4 * PAGE), lo)
            self._render_ahead(entries[::-1])
        elif chat.has_earlier:
            self._fetch_earlier(chat)

    def _near_bottom(self) -> None:
        if self._later is not None:
            self.show_later()

    # -- reading ahead --------------------------------------------------------------------
    def _fetch_earlier(self, chat: Chat) -> None:
        """Read the next older page and render its answers off the GUI thread."""
        if self._fetch is not None or self.pager is None:
            return
        read = self.pager.read_earlier(chat.id, PAGE)
        if read is None:
            return
        theme = self.theme()

        def work() -> tuple[EarlierPage, list[RenderedParts]]:
            page = read()
            answers = [e.message.content for e in page.entries if isinstance(e, Reply)]
            return page, prerender([a for a in answers if 0 < len(a) <= PRERENDER_MAX_CHARS], theme)

        def done(result: tuple[EarlierPage, list[RenderedParts]]) -> None:
            self._fetch = None
            page, rendered = result
            for item in rendered:
                CACHE.put(item)
            if self.chat is chat:
                page.add()
                self._near_top()

        def failed(exc: Exception) -> None:
            self._fetch = None
            log.warning("could not read older messages: %r", exc)

        self._fetch = self.tasks.run(work, done, failed, owner=self.view, name="earlier-page")

    def _cancel_fetch(self) -> None:
        if self._fetch is not None:
            self._fetch.cancel()
            self._fetch = None

    def _render_ahead(self, entries: list[Entry]) -> None:
        """Render the answers of ``entries`` (nearest first) off the GUI thread."""
        theme = self.theme()
        answers = (e.message.content for e in entries if isinstance(e, Reply))
        texts = [t for t in wanted(answers, theme) if t not in self._rendering]
        if texts:
            self.tasks.run(lambda: prerender(texts, theme), _keep, owner=self.view, name="render-ahead")

    # -- rows (the view's RowSource) ------------------------------------------------------
    def ready(self, row: Row) -> bool:
        item = row.item
        if not isinstance(item, Reply):
            return True
        text, theme = item.message.content, self.theme()
        if len(text) <= BUILD_NOW_CHARS or len(text) > PRERENDER_MAX_CHARS or text in self._unrenderable:
            return True  # short, or so long that it shows in slices anyway
        if (theme.name, text) in CACHE:
            return True
        if text not in self._rendering:
            self._rendering.add(text)

            def done(rendered: list[RenderedParts]) -> None:
                self._rendering.discard(text)
                _keep(rendered)
                self.view.rows_ready()

            def failed(exc: Exception) -> None:
                self._rendering.discard(text)
                self._unrenderable.add(text)
                log.warning("could not render an answer ahead: %r", exc)
                self.view.rows_ready()

            self.tasks.run(lambda: prerender([text], theme), done, failed, owner=self.view, name="render-row")
        return False

    def build_row(self, row: Row) -> QWidget:
        item = row.item
        widget: QWidget
        if item == EARLIER:
            widget = self._button(tr("Show earlier messages"), self.show_earlier)
        elif item == LATER:
            widget = self._button(tr("Show later messages"), self.show_later)
        elif isinstance(item, Reply):
            view = self._replies.pop() if self._replies else self._new_reply_view()
            view.show_message(item.message, item.index + 1, len(item.versions))
            self._row_of[view] = row
            if id(item) in self._expanded and item.message.thinking:
                view.thinking.set_expanded(True)
            view.set_out_of_view(id(item) in self._hidden)
            self._refresh_row(view, item)
            return view
        else:
            assert isinstance(item, Message)
            user = self._users.pop() if self._users else self._new_user_view(item)
            if user.message is not item:
                _show_user_message(user, item)
            user.set_out_of_view(id(item) in self._hidden)
            user.set_busy(self.busy)
            widget = user
        self._row_of[widget] = row
        return widget

    def release_row(self, row: Row, widget: QWidget) -> None:
        self._row_of.pop(widget, None)
        if isinstance(widget, AssistantMessageView) and len(self._replies) < POOL:
            _unflash(widget)
            self._replies.append(widget)
        elif isinstance(widget, UserMessageView) and len(self._users) < POOL:
            _unflash(widget.bubble)
            widget.stop_editing()
            self._users.append(widget)
        else:
            widget.deleteLater()

    def _warm(self) -> None:
        """One slice of idle time: make a spare view, or show a new one once out of sight
        (the style sheet's cost and the first layout at the column's width, paid now)."""
        view = self._unshown
        self._unshown = None
        if view is not None and (view in self._replies or view in self._users):  # not taken meanwhile
            x, width = self.view.column()
            view.setGeometry(x, -10 * self.view.viewport().height() - 1000, width, 200)
            view.show()
            view.hide()
        elif len(self._replies) < WARM:
            self._unshown = self._spare(self._new_reply_view(), self._replies)
        elif len(self._users) < WARM:
            self._unshown = self._spare(self._new_user_view(Message("user", "")), self._users)
        else:
            return
        self._warmer.start()

    def _spare(self, view: V, pool: list[V]) -> V:
        view.setParent(self.view.viewport())
        view.hide()
        pool.append(view)
        return view

    def estimate_row(self, row: Row, width: int) -> int:
        item = row.item
        if isinstance(item, str):
            return 34
        if isinstance(item, Reply):
            message = item.message
            chrome = 34 + (40 if message.thinking else 0)  # the footer, the reasoning's header
            return chrome + self._text_height(message.content, width)
        assert isinstance(item, Message)
        return 48 + self._text_height(item.content, int(width * 0.78) - 28)  # bubble and actions

    def _text_height(self, text: str, width: int) -> int:
        if self._metrics is None:
            metrics = self.view.fontMetrics()
            self._metrics = metrics.lineSpacing(), max(1, metrics.averageCharWidth())
        line, char = self._metrics
        per_line = max(20, width // char)
        lines = sum(math.ceil(len(part) / per_line) if part else 0.5 for part in text.split("\n"))
        return int(lines * line) + 8

    def _new_reply_view(self) -> AssistantMessageView:
        view = AssistantMessageView(self.theme(), tasks=self.tasks)
        view.regenerate.connect(
            lambda thinking, v=view: self._for(v, lambda r: self.regenerate.emit(r, thinking))
        )
        view.continue_thinking.connect(lambda v=view: self._for(v, self.continue_thinking.emit))
        view.continue_answer.connect(lambda v=view: self._for(v, self.continue_answer.emit))
        view.delete.connect(lambda v=view: self._for(v, self.delete.emit))
        view.switch_version.connect(lambda step, v=view: self._for(v, lambda r: self.switch(r, step)))
        view.thinking.expanded_changed.connect(lambda on, v=view: self._expanded_changed(v, on))
        return view

    def _new_user_view(self, message: Message) -> UserMessageView:
        view = UserMessageView(message)
        view.resend.connect(lambda text, v=view: self._for_user(v, lambda m: self.resend.emit(m, text)))
        view.delete.connect(lambda v=view: self._for_user(v, self.delete.emit))
        return view

    def _button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName("earlierButton")
        button.setAccessibleName(text)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _for(self, view: QWidget, action: Callable[[Reply], object]) -> None:
        row = self._row_of.get(view)
        if row is not None and isinstance(row.item, Reply):
            action(row.item)

    def _for_user(self, view: QWidget, action: Callable[[Message], object]) -> None:
        row = self._row_of.get(view)
        if row is not None and isinstance(row.item, Message):
            action(row.item)

    def _expanded_changed(self, view: QWidget, expanded: bool) -> None:
        row = self._row_of.get(view)
        if row is not None:
            (self._expanded.add if expanded else self._expanded.discard)(id(row.item))

    def view_for(self, entry: Entry) -> QWidget | None:
        row = self._rows.get(id(entry))
        return row.widget if row is not None else None

    def assistant_view(self, reply: Reply) -> AssistantMessageView | None:
        widget = self.view_for(reply)
        return widget if isinstance(widget, AssistantMessageView) else None

    # -- going to one message -------------------------------------------------------------
    def reveal(self, entry: Entry, message_id: str) -> None:
        """Scroll to ``entry`` (showing the entries around it if needed) and flash it."""
        chat = self.chat
        if chat is None:
            return
        if isinstance(entry, Reply):
            index = next((i for i, v in enumerate(entry.versions) if v.id == message_id), entry.index)
            if index != entry.index and not self.busy:
                entry.index = index
                self.refresh_reply(entry)
                self.version_switched.emit(entry)
        if id(entry) not in self._rows:
            self.show(chat, around=entry)
        row = self._rows.get(id(entry))
        if row is None:
            return
        self.view.scroll_to_row(row)
        widget = row.widget
        if widget is None:
            return
        target = widget.bubble if isinstance(widget, UserMessageView) else widget
        target.setProperty("flash", True)
        _repolish(target)

        def unflash() -> None:
            if row.widget is widget:
                target.setProperty("flash", False)
                _repolish(target)

        QTimer.singleShot(FLASH_MS, target, unflash)

    # -- entries -------------------------------------------------------------------------
    def append(self, entry: Entry) -> QWidget:
        chat = self.chat
        if chat is not None and self._later is not None:
            self.show(chat)  # a window in the past: jump back to the end first
        row = self._rows.get(id(entry))
        if row is None:
            row = self._row(entry)
            self.view.insert_rows(len(self.view.rows), [row])
        self.view.scroll_to_end()
        widget = self.view.ensure_built(row)
        self.refresh_actions()
        return widget

    def remove(self, entry: Entry) -> None:
        row = self._rows.pop(id(entry), None)
        if row is not None:
            if row is self._kept:
                self._kept = None
            self.view.remove_row(row)
        self.refresh_actions()

    def refresh_reply(self, reply: Reply) -> None:
        row = self._rows.get(id(reply))
        view = self.assistant_view(reply)
        if view is not None:
            view.show_message(reply.message, reply.index + 1, len(reply.versions))
        elif row is not None:
            self.view.row_changed(row)
        self.refresh_actions()

    def switch(self, reply: Reply, step: int) -> None:
        if self.busy:
            return
        index = reply.index + step
        if 0 <= index < len(reply.versions):
            reply.index = index
            self.refresh_reply(reply)
            self.version_switched.emit(reply)

    def refresh_actions(self) -> None:
        """Only the last reply offers Regenerate and Continue; nothing changes while busy."""
        for widget, row in list(self._row_of.items()):
            if isinstance(row.item, Message | Reply):
                self._refresh_row(widget, row.item)

    def _refresh_row(self, widget: QWidget, entry: Entry) -> None:
        chat = self.chat
        if chat is None:
            return
        if isinstance(widget, AssistantMessageView) and isinstance(entry, Reply):
            is_last = bool(chat.entries) and entry is chat.entries[-1]
            widget.regen_button.setVisible(is_last)
            widget.regen_button.setEnabled(not self.busy)
            widget.set_can_continue(is_last and not self.busy)
            widget.delete_button.setEnabled(not self.busy)
            widget.set_versions(entry.index + 1, len(entry.versions))
            if self.busy:
                widget.prev_button.setEnabled(False)
                widget.next_button.setEnabled(False)
        elif isinstance(widget, UserMessageView):
            widget.set_busy(self.busy)

    def mark_out_of_view(self, count: int) -> None:
        """The first ``count`` entries of the chat no longer reach the model: say so on each."""
        chat = self.chat
        if chat is None:
            return
        self._hidden = {id(entry) for entry in chat.entries[:count]}
        for widget, row in self._row_of.items():
            if isinstance(widget, AssistantMessageView | UserMessageView):
                widget.set_out_of_view(id(row.item) in self._hidden)

    def set_busy(self, busy: bool) -> None:
        """While a reply streams, the last row keeps its widget (the stream writes into it)."""
        self.busy = busy
        if self._kept is not None:
            self.view.set_keep(self._kept, False)
            self._kept = None
        chat = self.chat
        if busy and chat is not None and chat.entries:
            self._kept = self._rows.get(id(chat.entries[-1]))
            if self._kept is not None:
                self.view.set_keep(self._kept, True)
        self.refresh_actions()

    def set_theme(self) -> None:
        theme = self.theme()
        for view in self._replies:
            view.deleteLater()
        self._replies.clear()
        for widget in self._row_of:
            if isinstance(widget, AssistantMessageView):
                widget.set_theme(theme)


def _edge(item: str) -> Row:
    """A button row at an end of the window ("Show earlier messages"): small, always built,
    so that the keyboard can always reach it."""
    row = Row(item)
    row.keep = True
    return row


def _keep(rendered: list[RenderedParts]) -> None:
    for item in rendered:
        CACHE.put(item)


def _show_user_message(view: UserMessageView, message: Message) -> None:
    """A recycled view shows another message (its size is worked out again when shown)."""
    view.message = message
    view.label.setText(message.content)
    view.resize(1, 1)


def _unflash(widget: QWidget) -> None:
    if widget.property("flash"):
        widget.setProperty("flash", False)
        _repolish(widget)


def _repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
