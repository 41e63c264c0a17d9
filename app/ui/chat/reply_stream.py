"""One reply being generated: collects engine events, repaints at a bounded rate, finalises.

Deltas go to the reply's :class:`~app.core.chat.chats.ReplyLog` at once (it saves them to
disk in batches, so nothing is lost if the engine or the window dies), and to a pending buffer
that a single-shot timer pushes to the view at most every ``REPAINT_MS``: however fast tokens
arrive, the view repaints about 25 times a second. When a repaint takes long (a busy machine:
llama.cpp on every core), the next waits longer, so that repainting never takes more than
about a sixth of the GUI thread's time.

The message's text catches up at each repaint, at every other event, and whenever it is read
through :attr:`ReplyStream.message`. Adding each token to it at once would copy the whole text
per token (a Python string is immutable), a cost that grows with the reply: handling one
reasoning token took 8 µs near the start of 25,000 and 14 µs near the end
(``benchmarks/bench_chat_view.py``). Read from the chat meanwhile, the message holds what the
view shows.
"""

from __future__ import annotations

import time
from dataclasses import replace

from app.core.chat.chats import Chat, Reply, ReplyLog
from app.core.chat.messages import Message, ReplyStats
from app.engine.protocol import (
    EngineError,
    Event,
    PromptProgress,
    ReplyFinished,
    ReplyStarted,
    TextDelta,
    ThinkingCut,
)
from app.ui.chat.assistant_view import AssistantMessageView
from app.ui.common.i18n import number, tr
from app.ui.common.qt import QObject, QTimer, Signal

REPAINT_MS = 40
SLOWEST_REPAINT_MS = 200  # the longest wait between two repaints on a busy machine
REPAINT_SHARE = 6  # wait this many times as long as a repaint took


class ReplyStream(QObject):
    finished = Signal(object)  # this stream

    def __init__(
        self,
        request_id: int,
        chat: Chat,
        reply: Reply,
        message: Message,
        view: AssistantMessageView | None,
        *,
        limit: int | None,
        resume: str | None = None,
        log: ReplyLog | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.log = log
        self.request_id = request_id
        self.chat = chat
        self.reply = reply
        self._message = message
        self.view = view
        self.limit = limit  # shown as "/ N" beside the live token count
        self.done = False
        self.tokens = message.stats.thinking_tokens if message.stats else 0
        self._resume = resume  # None: a new reply; "thinking" or "answer": the part continued
        self._prior_tokens = self.tokens if resume == "thinking" else 0
        self._prior_stats = message.stats
        self._thinking: list[str] = []  # deltas for the view, since the last repaint
        self._answer: list[str] = []
        self._thinking_behind: list[str] = []  # deltas not in the message's text yet
        self._answer_behind: list[str] = []
        self._cut: str | None = None
        self._t0 = time.monotonic()
        self._t_think: float | None = None
        self._thinking_s = message.stats.thinking_s if message.stats else 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REPAINT_MS)
        self._timer.timeout.connect(self._repaint)
        self._cost_ms = 0.0  # a running average of a repaint's wall time

    @property
    def message(self) -> Message:
        """The message, its text caught up with every delta so far."""
        self._catch_up()
        return self._message

    def _catch_up(self) -> None:
        m = self._message
        if self._thinking_behind:
            m.thinking += "".join(self._thinking_behind)
            self._thinking_behind.clear()
        if self._answer_behind:
            m.content += "".join(self._answer_behind)
            self._answer_behind.clear()

    # -- events ------------------------------------------------------------------------
    def handle(self, event: Event) -> None:
        if self.done:
            return
        if isinstance(event, TextDelta):
            if event.kind == "thinking":
                if self._t_think is None:
                    self._t_think = time.monotonic()
                self._thinking_behind.append(event.text)
                self._thinking.append(event.text)
                self.tokens = event.thinking_tokens
                if self.log is not None:
                    self.log.add(thinking=event.text)
            else:
                if self._t_think is not None and not self._answer_behind and not self._message.content:
                    self._thinking_s += time.monotonic() - self._t_think
                self._answer_behind.append(event.text)
                self._answer.append(event.text)
                if self.log is not None:
                    self.log.add(answer=event.text)
            self._schedule()
            return
        m = self.message  # caught up: what follows may replace its text
        if isinstance(event, ThinkingCut):
            m.thinking = event.thinking
            m.budget_hit = True
            m.cut_reason = event.reason
            self.tokens = event.thinking_tokens
            self._thinking.clear()
            self._cut = event.thinking
            if self.log is not None:
                self.log.rewrite(m)
            self._schedule()
        elif isinstance(event, ReplyStarted):
            # The engine's decision, not the window's guess: mode, budget and sampling.
            self.limit = self._prior_tokens + event.budget if event.budget else None
            if self._resume is None:
                m.think_mode = event.thinking
                m.budget = event.budget
            if self._resume != "answer":  # continuing an answer leaves the reasoning as it was
                m.sampling = event.sampling.to_dict()
                if self.view is not None:
                    self.view.show_mode(event.thinking or self._resume == "thinking", self.limit)
        elif isinstance(event, PromptProgress):
            if self.view is not None and event.prompt_tokens > 200:
                self.view.status.setText(
                    tr("Reading the prompt ({tokens} tokens)…").format(tokens=number(event.prompt_tokens))
                )
        elif isinstance(event, ReplyFinished):
            m.content = event.answer
            m.finish_reason = event.finish_reason
            if self._resume == "answer":  # the reasoning and its figures stay; the answer grew
                m.stats = _grown(self._prior_stats, event.stats)
            else:
                m.thinking = event.thinking
                m.budget_hit = event.budget_hit
                m.cut_reason = event.cut_reason
                m.stats = event.stats
            self._end()
        elif isinstance(event, EngineError) and event.kind != "busy":
            if self._resume == "answer" and event.kind == "context_full":
                m.finish_reason = "length"  # still cut by the context: Continue stays on offer
            else:
                m.finish_reason = "interrupted" if event.kind == "crash" else "error"
            m.stats = m.stats or ReplyStats(thinking_tokens=self.tokens)
            self._end()

    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _repaint(self) -> None:
        started = time.perf_counter()
        self.flush()
        cost = (time.perf_counter() - started) * 1000
        self._cost_ms += 0.3 * (cost - self._cost_ms)
        wait = min(SLOWEST_REPAINT_MS, max(REPAINT_MS, int(self._cost_ms * REPAINT_SHARE)))
        self._timer.setInterval(wait)

    def flush(self) -> None:
        """Push what arrived since the last repaint to the message and the view."""
        self._catch_up()
        view = self.view
        if view is None:
            self._thinking.clear()
            self._answer.clear()
            self._cut = None
            return
        if self._cut is not None:
            view.replace_thinking(self._cut, self.tokens, self.limit)
            self._cut = None
        if self._thinking:
            text = "".join(self._thinking)
            self._thinking.clear()
            view.stream_thinking(text, self.tokens, self.limit)
        if self._answer:
            text = "".join(self._answer)
            self._answer.clear()
            view.stream_answer(text, self._thinking_s, self.tokens, self._message.budget_hit)

    def _end(self) -> None:
        self.done = True
        self._timer.stop()
        self.flush()
        if self.view is not None:
            self.view.finish_stream(self.message)
        self.finished.emit(self)

    # -- views come and go (switching chats) ---------------------------------------------
    def attach(self, view: AssistantMessageView) -> None:
        """Show the reply so far in a new view and keep streaming into it."""
        self.view = view
        m = self.message
        view.begin_stream(m, bool(m.think_mode or m.thinking), self.limit, resume=True)
        self._thinking.clear()
        self._answer.clear()
        self._cut = None
        if m.thinking:
            view.replace_thinking(m.thinking, self.tokens, self.limit)
        if m.content:
            view.stream_answer(m.content, self._thinking_s, self.tokens, m.budget_hit)

    def detach(self) -> None:
        self.view = None


def _grown(before: ReplyStats | None, more: ReplyStats) -> ReplyStats:
    """A reply's figures after its answer was continued in a second request."""
    if before is None:
        return more
    return replace(
        before,
        answer_tokens=before.answer_tokens + more.answer_tokens,
        total_s=before.total_s + more.total_s,
    )
