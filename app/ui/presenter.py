"""Shows a chat in the conversation view: one widget per entry, kept in step with the data."""

from __future__ import annotations

from collections.abc import Callable

from app.core.chat import Message
from app.core.render import Theme
from app.ui.assistant_view import AssistantMessageView
from app.ui.chats import Chat, Entry, Reply
from app.ui.conversation import ConversationView
from app.ui.qt import QObject, QPushButton, QWidget, Signal
from app.ui.user_view import UserMessageView

WINDOW = 40  # entries built when a chat opens; older ones on request


class ConversationPresenter(QObject):
    regenerate = Signal(object, object)  # Reply, thinking (None: same mode)
    continue_thinking = Signal(object)  # Reply
    delete = Signal(object)  # Entry
    resend = Signal(object, str)  # user Message, new text

    def __init__(self, view: ConversationView, theme: Callable[[], Theme], parent: QObject | None = None):
        super().__init__(parent)
        self.view = view
        self.theme = theme
        self.chat: Chat | None = None
        self._widgets: dict[int, QWidget] = {}  # id(entry) -> widget
        self._first_shown = 0
        self._earlier: QPushButton | None = None
        self.busy = False

    # -- whole chats ---------------------------------------------------------------------
    def show(self, chat: Chat | None) -> None:
        self.view.clear()
        self._widgets.clear()
        self._earlier = None
        self.chat = chat
        if chat is None:
            return
        self._first_shown = max(0, len(chat.entries) - WINDOW)
        if self._first_shown:
            self._earlier = QPushButton(f"Show {self._first_shown} earlier messages")
            self._earlier.setObjectName("earlierButton")
            self._earlier.clicked.connect(self._show_earlier)
            self.view.add(self._earlier)
        for entry in chat.entries[self._first_shown :]:
            self.view.add(self._build(entry))
        self.refresh_actions()
        self.view.scroll_to_end()

    def _show_earlier(self) -> None:
        chat = self.chat
        if chat is None or self._earlier is None:
            return
        self.view.remove(self._earlier)
        self._earlier = None
        for i, entry in enumerate(chat.entries[: self._first_shown]):
            self.view.insert(i, self._build(entry))
        self._first_shown = 0
        self.refresh_actions()

    def view_for(self, entry: Entry) -> QWidget | None:
        return self._widgets.get(id(entry))

    def assistant_view(self, reply: Reply) -> AssistantMessageView | None:
        w = self._widgets.get(id(reply))
        return w if isinstance(w, AssistantMessageView) else None

    # -- entries -------------------------------------------------------------------------
    def _build(self, entry: Entry) -> QWidget:
        widget: QWidget
        if isinstance(entry, Reply):
            a = AssistantMessageView(self.theme())
            a.show_message(entry.message, entry.index + 1, len(entry.versions))
            a.regenerate.connect(lambda thinking, r=entry: self.regenerate.emit(r, thinking))
            a.continue_thinking.connect(lambda r=entry: self.continue_thinking.emit(r))
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
        widget = self._build(entry)
        self.view.add(widget)
        self.refresh_actions()
        self.view.scroll_to_end()
        return widget

    def remove(self, entry: Entry) -> None:
        widget = self._widgets.pop(id(entry), None)
        if widget is not None:
            self.view.remove(widget)
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

    def refresh_actions(self) -> None:
        """Only the last reply offers Regenerate and Continue; nothing changes while busy."""
        chat = self.chat
        if chat is None:
            return
        last = chat.entries[-1] if chat.entries else None
        for entry in chat.entries:
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

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.refresh_actions()

    def set_theme(self) -> None:
        theme = self.theme()
        for widget in self._widgets.values():
            if isinstance(widget, AssistantMessageView):
                widget.set_theme(theme)
