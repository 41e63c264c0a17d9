"""What the user asks for — send, stop, regenerate, continue, edit, delete — done on the data
and the engine; widgets only reflect it."""

from __future__ import annotations

from collections.abc import Callable

from app.core.chat.chats import Chat, ChatRepository, Entry, Reply
from app.core.chat.messages import Message, ReplyStats, to_prompt
from app.core.chat.sampling import ModeSampling
from app.engine.protocol import EngineError, Event, GenerateRequest
from app.ui.chat.presenter import ConversationPresenter
from app.ui.chat.reply_stream import ReplyStream
from app.ui.common.bridge import EngineBridge
from app.ui.common.bus import MessageBus
from app.ui.common.model_state import ModelManager, ModelState
from app.ui.common.prefs import Preferences
from app.ui.common.qt import QObject, Signal


class ChatController(QObject):
    generating_changed = Signal(bool)
    chats_changed = Signal()  # titles or order changed

    def __init__(
        self,
        bridge: EngineBridge,
        models: ModelManager,
        repo: ChatRepository,
        prefs: Preferences,
        bus: MessageBus,
        presenter: ConversationPresenter,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.models = models
        self.repo = repo
        self.prefs = prefs
        self.bus = bus
        self.presenter = presenter
        self.chat: Chat | None = None
        self.stream: ReplyStream | None = None
        self.on_open_model: Callable[[], None] | None = None
        self.on_new_chat: Callable[[], None] | None = None
        presenter.regenerate.connect(self.regenerate)
        presenter.continue_thinking.connect(self.continue_thinking)
        presenter.delete.connect(self.delete)
        presenter.resend.connect(self.edit_and_resend)
        presenter.version_switched.connect(self._version_switched)
        presenter.load_earlier = lambda chat: self.repo.load_earlier(chat.id)

    @property
    def generating(self) -> bool:
        return self.stream is not None

    # -- chats -------------------------------------------------------------------------
    def open_chat(self, chat: Chat | None) -> None:
        if self.stream is not None:
            self.stream.detach()
        self.chat = chat
        self.presenter.show(chat)
        stream = self.stream
        if stream is not None and chat is stream.chat:
            view = self.presenter.assistant_view(stream.reply)
            if view is not None:
                stream.attach(view)
        self.presenter.set_busy(
            self.generating and chat is not None and stream is not None and chat is stream.chat
        )

    def delete_chat(self, chat_id: str) -> None:
        if self.stream is not None and self.stream.chat.id == chat_id:
            self.stop()
            self.stream.detach()
        self.repo.delete_chat(chat_id)
        self.chats_changed.emit()

    # -- sending -----------------------------------------------------------------------
    def can_generate(self) -> bool:
        if self.stream is not None:
            return False
        if self.models.ready and self.bridge.engine.alive:
            return True
        state = self.models.state
        if state is ModelState.LOADING:
            self.bus.info("The model is still loading; send again in a moment.", key="model")
        elif state is ModelState.CRASHED or (state is ModelState.READY and not self.bridge.engine.alive):
            self.bus.error(
                "The engine stopped. Reload the model to go on.",
                "Reload model",
                self.models.reload,
                key="model",
            )
        else:
            self.bus.warning(
                "Open a model to start chatting (Model ▸ Open model…, or drop a .gguf file on the window).",
                "Open model…",
                self.on_open_model,
                key="model",
            )
        return False

    def send(self, text: str, think: bool, budget: int | None) -> bool:
        """Add the user's message and start the reply; False if nothing was sent."""
        if not self.can_generate():
            return False
        if self.chat is None and self.on_new_chat is not None:
            self.on_new_chat()
        chat = self.chat
        if chat is None:
            return False
        user = Message("user", text)
        if self.models.path and chat.model != self.models.path:
            self.repo.set_model(chat.id, self.models.path)
        self.repo.add_message(chat.id, user)
        self.presenter.append(user)
        self.chats_changed.emit()
        self._start(chat, None, think, budget)
        return True

    def _start(
        self, chat: Chat, reply: Reply | None, think: bool, budget: int | None, resume: Message | None = None
    ) -> None:
        if chat.has_earlier:  # the prompt needs the whole conversation, not just what is shown
            self.repo.load_earlier(chat.id, None)
        history = chat.messages(upto=reply) if reply is not None else chat.messages()
        prompt = tuple(to_prompt(history, chat.system_prompt.strip() or None))
        # The engine decides the mode and sampling (ReplyStarted); the message records them then.
        if resume is not None:
            message = resume
            limit = (resume.stats.thinking_tokens if resume.stats else 0) + budget if budget else None
            message.content = ""
            message.budget_hit = False
            message.finish_reason = None
        else:
            message = Message("assistant", model=self.models.name, stats=ReplyStats())
            limit = None
            if reply is None:
                self.repo.add_message(chat.id, message)
                last = chat.entries[-1]
                assert isinstance(last, Reply)
                reply = last
                self.presenter.append(reply)
            else:
                self.repo.add_message(chat.id, message, reply=reply)
                self.presenter.refresh_reply(reply)
        assert reply is not None
        request = GenerateRequest(
            prompt,
            thinking=think or resume is not None,
            budget=budget,
            sampling=ModeSampling(self.prefs.sampling(True), self.prefs.sampling(False)),
            resume_thinking=resume.thinking if resume is not None else None,
        )
        view = self.presenter.assistant_view(reply)
        if view is not None:
            view.begin_stream(message, resume is not None, limit, resume=resume is not None)
        rid = self.bridge.engine.generate(request)
        log = self.repo.reply_log(chat.id, message)
        stream = ReplyStream(
            rid, chat, reply, message, view, limit=limit, resume=resume is not None, log=log, parent=self
        )
        stream.finished.connect(self._finished)
        self.stream = stream
        self.presenter.set_busy(True)
        self.generating_changed.emit(True)
        self.presenter.view.scroll_to_end()
        if rid == 0:  # the engine refused at once (not running); its error event follows
            stream.handle(EngineError("crash", "The engine is not running."))

    def _finished(self, stream: ReplyStream) -> None:
        if stream is not self.stream:
            return
        self.stream = None
        self.repo.update_message(stream.chat.id, stream.message)
        self.presenter.set_busy(False)
        self.generating_changed.emit(False)

    def stop(self) -> None:
        if self.stream is not None:
            self.bridge.engine.cancel()

    def abandon(self) -> None:
        """The window is closing mid-reply: keep the reply as it is, marked as stopped."""
        stream = self.stream
        if stream is None:
            return
        self.stream = None
        stream.done = True
        message = stream.message
        message.finish_reason = "app_closed"
        message.stats = message.stats or ReplyStats(thinking_tokens=stream.tokens)
        self.repo.update_message(stream.chat.id, message)

    # -- actions on messages -----------------------------------------------------------
    def regenerate(self, reply: Reply, thinking: bool | None) -> None:
        chat = self.chat
        if chat is None or not self.can_generate():
            return
        old = reply.message
        think = bool(old.think_mode) if thinking is None else thinking
        budget = old.budget if old.think_mode else None
        self._start(chat, reply, think, budget)

    def continue_thinking(self, reply: Reply) -> None:
        chat = self.chat
        message = reply.message
        if chat is None or not message.budget_hit or not self.can_generate():
            return
        self._start(chat, reply, True, message.budget or 1024, resume=message)

    def edit_and_resend(self, user: Message, text: str) -> None:
        chat = self.chat
        if chat is None or not self.can_generate():
            return
        index = chat.index_of(user)
        for entry in chat.entries[index:]:
            self.presenter.remove(entry)
        self.repo.truncate(chat.id, user)
        think, budget = chat.think, chat.budget
        self.send(text, think, budget)

    def _version_switched(self, reply: Reply) -> None:
        if self.chat is not None:
            self.repo.select_version(self.chat.id, reply)

    def delete(self, entry: Entry) -> None:
        chat = self.chat
        if chat is None or self.generating:
            return
        message = entry.message if isinstance(entry, Reply) else entry
        self.repo.delete_message(chat.id, message)
        if any(e is entry for e in chat.entries):
            assert isinstance(entry, Reply)
            self.presenter.refresh_reply(entry)
        else:
            self.presenter.remove(entry)
        self.chats_changed.emit()

    # -- engine events -----------------------------------------------------------------
    def on_event(self, event: Event) -> None:
        stream = self.stream
        if isinstance(event, EngineError):
            if event.kind == "busy":
                return
            if stream is not None and (event.kind == "crash" or event.request_id == stream.request_id):
                stream.handle(event)
            if event.kind == "context_full":
                self.bus.error(event.message, "New chat", self.on_new_chat, key="reply")
            elif event.kind == "generate":
                self.bus.error(f"The reply failed: {event.message}", key="reply")
            return
        rid = getattr(event, "request_id", None)
        if stream is not None and rid == stream.request_id:
            stream.handle(event)
