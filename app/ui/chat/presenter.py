"""Shows a chat in the conversation view: one widget per entry, kept in step with the data.

Only a window of entries has widgets: the newest ``WINDOW`` when a chat opens, more as the
user scrolls up (or presses "Show earlier messages"), which also loads older entries from
the store when the chat holds no more in memory. Opening a search result shows a window
around that message instead, with "Show later messages" below it.
"""

from __future__ import annotations

from collections.abc import Callable

from app.core.chat.chats import Chat, Entry, Reply
from app.core.chat.messages import Message
from app.core.render import Theme
from app.ui.chat.assistant_view import AssistantMessageView
from app.ui.chat.conversation import ConversationView
from app.ui.chat.user_view import UserMessageView
from app.ui.common.i18n import tr
from app.ui.common.qt import QObject, QPushButton, QTimer, QWidget, Signal

WINDOW = 24  # entries built when a chat opens, and per step when scrolling up
FLASH_MS = 1600  # how long a message opened from a search stays highlighted

Loader = Callable[[Chat], list[Entry]]


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
        self.load_earlier: Loader | None = None  # older entries from the store
        self._widgets: dict[int, QWidget] = {}  # id(entry) -> widget
        self._shown: list[Entry] = []  # the entries with widgets, in chat order
        self._earlier: QPushButton | None = None
        self._later: QPushButton | None = None
        self.busy = False
        view.top_reached.connect(self._top_reached)

    # -- whole chats ---------------------------------------------------------------------
    def show(self, chat: Chat | None, around: Entry | None = None) -> None:
        """Show ``chat``'s newest entries, or a window around ``around``."""
        self.view.clear()
        self._widgets.clear()
        self._shown = []
        self._earlier = self._later = None
        self.chat = chat
        if chat is None:
            return
        entries = chat.entries
        if around is None:
            lo, hi = max(0, len(entries) - WINDOW), len(entries)
        else:
            i = chat.index_of(around)
            lo, hi = max(0, i - WINDOW // 2), min(len(entries), i + WINDOW // 2 + 1)
        for entry in entries[lo:hi]:
            self.view.add(self._build(entry))
            self._shown.append(entry)
        self._sync_buttons()
        self.refresh_actions()
        if around is None:
            self.view.scroll_to_end()

    def _range(self) -> tuple[int, int]:
        chat = self.chat
        if chat is None:
            return 0, 0
        if not self._shown:
            return len(chat.entries), len(chat.entries)
        return chat.index_of(self._shown[0]), chat.index_of(self._shown[-1]) + 1

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName("earlierButton")
        button.setAccessibleName(name)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _sync_buttons(self) -> None:
        chat = self.chat
        if chat is None:
            return
        lo, hi = self._range()
        want_earlier = lo > 0 or chat.has_earlier
        if want_earlier and self._earlier is None:
            self._earlier = self._button(
                tr("Show earlier messages"), tr("Show earlier messages"), self.show_earlier
            )
            self.view.insert(0, self._earlier)
        elif not want_earlier and self._earlier is not None:
            self.view.remove(self._earlier)
            self._earlier = None
        want_later = hi < len(chat.entries)
        if want_later and self._later is None:
            self._later = self._button(tr("Show later messages"), tr("Show later messages"), self.show_later)
            self.view.add(self._later)
        elif not want_later and self._later is not None:
            self.view.remove(self._later)
            self._later = None

    def has_earlier(self) -> bool:
        return self._earlier is not None

    def show_earlier(self) -> int:
        """Build the ``WINDOW`` entries before the first one shown; return how many."""
        chat = self.chat
        if chat is None:
            return 0
        lo, _hi = self._range()
        if lo < WINDOW and chat.has_earlier and self.load_earlier is not None:
            self.load_earlier(chat)  # too few older entries in memory: read the next page
            lo, _hi = self._range()
        start = max(0, lo - WINDOW)
        if start == lo:
            self._sync_buttons()
            return 0
        self.view.keep_bottom()
        offset = 1 if self._earlier is not None else 0
        for i, entry in enumerate(chat.entries[start:lo]):
            self.view.insert(offset + i, self._build(entry))
        self._shown[:0] = chat.entries[start:lo]
        self._sync_buttons()
        self.refresh_actions()
        return lo - start

    def show_later(self) -> int:
        chat = self.chat
        if chat is None:
            return 0
        _lo, hi = self._range()
        stop = min(len(chat.entries), hi + WINDOW)
        for entry in chat.entries[hi:stop]:
            self._add_last(self._build(entry))
            self._shown.append(entry)
        self._sync_buttons()
        self.refresh_actions()
        return stop - hi

    def _top_reached(self) -> None:
        if self._earlier is not None:
            self.show_earlier()

    def _add_last(self, widget: QWidget) -> None:
        if self._later is None:
            self.view.add(widget)
        else:
            self.view.insert(self.view.index_of(self._later), widget)

    def view_for(self, entry: Entry) -> QWidget | None:
        return self._widgets.get(id(entry))

    def assistant_view(self, reply: Reply) -> AssistantMessageView | None:
        w = self._widgets.get(id(reply))
        return w if isinstance(w, AssistantMessageView) else None

    # -- going to one message -------------------------------------------------------------
    def reveal(self, entry: Entry, message_id: str) -> None:
        """Scroll to ``entry`` (building widgets around it if needed) and flash it."""
        chat = self.chat
        if chat is None:
            return
        if isinstance(entry, Reply):
            index = next((i for i, v in enumerate(entry.versions) if v.id == message_id), entry.index)
            if index != entry.index and not self.busy:
                entry.index = index
                self.refresh_reply(entry)
                self.version_switched.emit(entry)
        if self.view_for(entry) is None:
            self.show(chat, around=entry)
        widget = self.view_for(entry)
        if widget is None:
            return
        self.view.scroll_to_widget(widget)
        target = widget.bubble if isinstance(widget, UserMessageView) else widget
        target.setProperty("flash", True)
        _repolish(target)

        def unflash() -> None:
            if self.view_for(entry) is widget:
                target.setProperty("flash", False)
                _repolish(target)

        QTimer.singleShot(FLASH_MS, target, unflash)

    # -- entries -------------------------------------------------------------------------
    def _build(self, entry: Entry) -> QWidget:
        widget: QWidget
        if isinstance(entry, Reply):
            a = AssistantMessageView(self.theme())
            a.show_message(entry.message, entry.index + 1, len(entry.versions))
            a.regenerate.connect(lambda thinking, r=entry: self.regenerate.emit(r, thinking))
            a.continue_thinking.connect(lambda r=entry: self.continue_thinking.emit(r))
            a.continue_answer.connect(lambda r=entry: self.continue_answer.emit(r))
            a.delete.connect(lambda r=entry: self.delete.emit(r))
            a.switch_version.connect(lambda step, r=entry: self.switch(r, step))
            widget = a
        else:
            u = UserMessageView(entry)
            u.resend.connect(lambda text, m=entry: self.resend.emit(m, text))
            u.delete.connect(lambda m=entry: self.delete.emit(m))
            widget = u
        self._widgets[id(entry)] = widget
        return widget

    def append(self, entry: Entry) -> QWidget:
        chat = self.chat
        if chat is not None and self._later is not None:
            self.show(chat)  # a window in the past: jump back to the end first
            existing = self.view_for(entry)
            if existing is not None:
                return existing
        widget = self._build(entry)
        self._add_last(widget)
        self._shown.append(entry)
        self.refresh_actions()
        self.view.scroll_to_end()
        return widget

    def remove(self, entry: Entry) -> None:
        widget = self._widgets.pop(id(entry), None)
        if widget is not None:
            self.view.remove(widget)
        self._shown = [e for e in self._shown if e is not entry]
        self.refresh_actions()

    def refresh_reply(self, reply: Reply) -> None:
        view = self.assistant_view(reply)
        if view is not None:
            view.show_message(reply.message, reply.index + 1, len(reply.versions))
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
        chat = self.chat
        if chat is None:
            return
        last = chat.entries[-1] if chat.entries else None
        for entry in self._shown:
            widget = self._widgets.get(id(entry))
            if isinstance(widget, AssistantMessageView) and isinstance(entry, Reply):
                is_last = entry is last
                widget.regen_button.setVisible(is_last)
                widget.regen_button.setEnabled(not self.busy)
                widget.set_can_continue(is_last and not self.busy)
                widget.delete_button.setEnabled(not self.busy)
                widget.set_versions(entry.index + 1, len(entry.versions))
                if self.busy:
                    widget.prev_button.setEnabled(False)
                    widget.next_button.setEnabled(False)
            elif isinstance(widget, UserMessageView) and isinstance(entry, Message):
                widget.set_busy(self.busy)

    def mark_out_of_view(self, count: int) -> None:
        """The first ``count`` entries of the chat no longer reach the model: say so on each."""
        chat = self.chat
        if chat is None:
            return
        for i, entry in enumerate(chat.entries):
            widget = self._widgets.get(id(entry))
            if isinstance(widget, AssistantMessageView | UserMessageView):
                widget.set_out_of_view(i < count)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.refresh_actions()

    def set_theme(self) -> None:
        theme = self.theme()
        for widget in self._widgets.values():
            if isinstance(widget, AssistantMessageView):
                widget.set_theme(theme)


def _repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
