"""What the user asks for — send, stop, regenerate, continue, edit, delete — done on the data
and the engine; widgets only reflect it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from app.core.chat.chats import Chat, ChatRepository, Entry, Reply
from app.core.chat.messages import Message, ReplyStats, to_prompt
from app.core.chat.sampling import ModeSampling
from app.engine.protocol import (
    EngineError,
    Event,
    GenerateRequest,
    ModelLoaded,
    ReplyFinished,
    ReplyStarted,
    TextDelta,
    ThinkingCut,
)
from app.ui.chat.presenter import ConversationPresenter
from app.ui.chat.reply_stream import ReplyStream
from app.ui.chat.reply_turn import ReplyTurn
from app.ui.common.bridge import EngineBridge
from app.ui.common.bus import MessageBus
from app.ui.common.core_text import from_core
from app.ui.common.i18n import number, tr
from app.ui.common.model_state import ModelManager, ModelState
from app.ui.common.prefs import Preferences
from app.ui.common.qt import QObject, Signal


class ChatController(QObject):
    generating_changed = Signal(bool)
    chats_changed = Signal()  # titles or order changed
    reasoning_changed = Signal(bool)  # the model is reasoning now: "Answer now" applies
    context_changed = Signal(int, int)  # tokens the conversation uses, the context's size

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
        # Chats whose oldest turns may leave the model's view when the context is full (the
        # user chose so once); the rest are never cut silently.
        self._fitting: set[str] = set()
        self._retry: Callable[[], None] | None = None  # the reply the context refused
        self._retry_after_load = False
        self._reasoning = False
        self._turn: ReplyTurn | None = None  # the current reply's turn on the engine
        presenter.regenerate.connect(self.regenerate)
        presenter.continue_thinking.connect(self.continue_thinking)
        presenter.continue_answer.connect(self.continue_answer)
        presenter.delete.connect(self.delete)
        presenter.resend.connect(self.edit_and_resend)
        presenter.version_switched.connect(self._version_switched)
        presenter.pager = repo

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
            self.bus.info(tr("The model is still loading; send again in a moment."), key="model")
        elif state is ModelState.CRASHED or (state is ModelState.READY and not self.bridge.engine.alive):
            self.bus.error(
                tr("The engine stopped. Reload the model to go on."),
                tr("Reload model"),
                self.models.reload,
                key="model",
            )
        else:
            self.bus.warning(
                tr(
                    "Open a model to start chatting (Model ▸ Open model…, or drop a .gguf file on the "
                    "window)."
                ),
                tr("Open model…"),
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
        self,
        chat: Chat,
        reply: Reply | None,
        think: bool,
        budget: int | None,
        resume: Message | None = None,
        *,
        answer: bool = False,
    ) -> None:
        """Start a reply: a new one, a new version of ``reply``, or ``resume``'s reasoning (or,
        with ``answer``, its answer) continued."""
        if chat.has_earlier:  # the prompt needs the whole conversation, not just what is shown
            self.repo.load_earlier(chat.id, None)
        history = chat.messages(upto=reply) if reply is not None else chat.messages()
        prompt = tuple(to_prompt(history, chat.system_prompt.strip() or None))
        # The engine decides the mode and sampling (ReplyStarted); the message records them then.
        if resume is not None and answer:
            message = resume
            limit = None
            message.finish_reason = None
        elif resume is not None:
            message = resume
            limit = (resume.stats.thinking_tokens if resume.stats else 0) + budget if budget else None
            message.content = ""
            message.budget_hit = False
            message.cut_reason = None
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
            resume_thinking=resume.thinking if resume is not None and not answer else None,
            resume_answer=resume.content if resume is not None and answer else None,
            answer_reserve=self.prefs.settings.answer_reserve,
            fit_context=chat.id in self._fitting,
        )
        kind = None if resume is None else ("answer" if answer else "thinking")
        self._retry = lambda: self._start_again(chat, reply, think, budget, resume, kind)
        view = self.presenter.assistant_view(reply)
        if view is not None:
            view.begin_stream(
                message,
                kind == "thinking" or (kind == "answer" and bool(message.thinking)),
                limit,
                resume=kind is not None,
                keep_answer=kind == "answer",
            )
        log = self.repo.reply_log(chat.id, message)
        stream = ReplyStream(0, chat, reply, message, view, limit=limit, resume=kind, log=log, parent=self)
        stream.finished.connect(self._finished)
        self.stream = stream
        self.presenter.set_busy(True)
        self.generating_changed.emit(True)
        self.presenter.view.scroll_to_end()
        self._turn = ReplyTurn(self.bridge, stream, request)  # now, or once a server reply has ended

    def _finished(self, stream: ReplyStream) -> None:
        if stream is not self.stream:
            return
        self.stream = None
        self._set_reasoning(False)
        self.repo.update_message(stream.chat.id, stream.message)
        self.presenter.set_busy(False)
        self.generating_changed.emit(False)

    def stop(self) -> None:
        if self._turn is not None and self._turn.waiting:
            self._turn.withdraw()  # never started: the server's reply on the engine goes on
        elif self.stream is not None:
            self.bridge.engine.cancel()

    def answer_now(self) -> None:
        """End the reasoning cleanly now; the answer follows (cut reason "user")."""
        if self.stream is not None and self._reasoning:
            self.bridge.engine.answer_now()

    def _set_reasoning(self, on: bool) -> None:
        if on != self._reasoning:
            self._reasoning = on
            # A server without a raw-prompt endpoint cannot end a reasoning early: no button.
            self.reasoning_changed.emit(on and self._engine_can("can_answer_now"))

    def _engine_can(self, what: str) -> bool:
        loaded = self.models.loaded
        return loaded is None or bool(loaded.info.get(what, True))

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

    def continue_answer(self, reply: Reply) -> None:
        """Go on with an answer the end of the context cut, after freeing room: the oldest
        turns leave the model's view (the user can also reload with a larger context)."""
        chat = self.chat
        message = reply.message
        if chat is None or message.finish_reason != "length" or not self.can_generate():
            return
        self._fitting.add(chat.id)
        self._start(chat, reply, False, None, resume=message, answer=True)

    # -- when the conversation outgrows the context ------------------------------------
    def _start_again(
        self,
        chat: Chat,
        reply: Reply | None,
        think: bool,
        budget: int | None,
        resume: Message | None,
        kind: str | None,
    ) -> None:
        """Try the reply the context refused once more, in place of its failed version."""
        if self.chat is not chat or not self.can_generate():
            return
        if kind is not None:
            self._start(chat, reply, think, budget, resume, answer=kind == "answer")
            return
        failed = chat.entries[-1] if chat.entries else None
        if isinstance(failed, Reply) and failed.message.finish_reason == "error":
            self.repo.delete_message(chat.id, failed.message)
            if any(e is failed for e in chat.entries):
                self.presenter.refresh_reply(failed)
                self._start(chat, failed, think, budget)
                return
            self.presenter.remove(failed)
        self._start(chat, None, think, budget)

    def _offer_room(self, event: EngineError) -> None:
        """The conversation does not fit: say so and offer a larger context (when this machine
        holds one) or letting the oldest turns leave the model's view. Never cut silently."""
        chat, retry = self.chat, self._retry
        if chat is None or retry is None:
            self.bus.error(from_core(event.message), tr("New chat"), self.on_new_chat, key="reply")
            return

        def hide_oldest() -> None:
            self._fitting.add(chat.id)
            retry()

        choices: tuple[tuple[str, Callable[[], None]], ...] = ()
        loaded = self.models.loaded
        info = loaded.info if loaded is not None else {}
        current, largest = int(info.get("n_ctx") or 0), int(info.get("largest_fitting_context") or 0)
        if largest > current and self.models.path:
            path = self.models.path

            def reload_larger() -> None:
                self.prefs.settings.models[path] = replace(self.prefs.load_params(path), n_ctx=largest)
                self._retry_after_load = True
                self.models.reload()

            choices = ((tr("Reload with {tokens} tokens").format(tokens=number(largest)), reload_larger),)
        if self.on_new_chat is not None:
            choices = (*choices, (tr("New chat"), self.on_new_chat))
        self.bus.error(
            tr(
                "{reason} Older messages can leave the model's view (they stay here, marked), the model "
                "can reload with more room, or start a new chat."
            ).format(reason=from_core(event.message.split(" Reload")[0])),
            tr("Let older messages go"),
            hide_oldest,
            key="reply",
            choices=choices,
        )

    def model_changed(self) -> None:
        """After "Reload with a larger context": the refused reply runs once the model is back."""
        if self._retry_after_load and self.models.ready and self._retry is not None:
            self._retry_after_load = False
            self._retry()

    def continue_thinking(self, reply: Reply) -> None:
        chat = self.chat
        message = reply.message
        if chat is None or not message.budget_hit or not self.can_generate():
            return
        if not self._engine_can("can_continue"):
            self.bus.info(
                tr("This server cannot continue a reasoning: regenerate the reply with a larger budget."),
                key="reply",
            )
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
                self._offer_room(event)
            elif event.kind == "generate":
                self.bus.error(
                    tr("The reply failed: {reason}").format(reason=from_core(event.message)), key="reply"
                )
            return
        if isinstance(event, ModelLoaded):
            self.context_changed.emit(0, int(event.info.get("n_ctx") or 0))
        rid = getattr(event, "request_id", None)
        if stream is not None and rid == stream.request_id:
            self._follow(event)
            stream.handle(event)

    def _follow(self, event: Event) -> None:
        """What the composer shows beside the reply: reasoning or not, the context used."""
        if isinstance(event, ReplyStarted):
            self._set_reasoning(event.thinking)
            self.context_changed.emit(event.prompt_tokens, event.n_ctx)
            if self.chat is not None:
                self.presenter.mark_out_of_view(event.hidden)
        elif isinstance(event, ThinkingCut) or (isinstance(event, TextDelta) and event.kind == "answer"):
            self._set_reasoning(False)
        elif isinstance(event, ReplyFinished):
            self._set_reasoning(False)
            self.context_changed.emit(event.context_used, event.n_ctx)
