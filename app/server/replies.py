"""One reply's engine events -> what an OpenAI client sees: text pieces, chunks and objects.

Reasoning streams as it comes, except near a possible cut: when the budget (or the room the
answer needs) will end the reasoning, the engine may give back the last few tokens to cut at
a sentence end, and a stream cannot take back what it sent. So the reasoning past
``limit - lookback_window(limit)`` tokens is held until the cut says what stays, or until the
reasoning closes by itself. Stop sequences end the answer (never the reasoning); text that may
be the start of one is held until the next piece decides.

Where Ponder cut the reasoning, the last choice says why (``reasoning_cut``: "budget" or
"context"; absent when the reasoning ended by itself): a field beside OpenAI's, read by another
Ponder that uses this one as its engine.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from typing import Any

from app.core.chat.budget import lookback_window
from app.core.chat.messages import ReplyStats
from app.engine.protocol import Event, ReplyFinished, ReplyStarted, TextDelta, ThinkingCut

__all__ = ["ReplyShapes", "ReplyText", "StopMatcher", "usage"]

Piece = tuple[str, str]  # ("reasoning" | "content", text)


class StopMatcher:
    """Cuts a text stream at the first of ``stops``; :attr:`hit` once it did."""

    def __init__(self, stops: tuple[str, ...]) -> None:
        self.stops = stops
        self.hit = False
        self._held = ""

    def feed(self, text: str) -> str:
        """The text that is sure to come before any stop sequence."""
        if self.hit:
            return ""
        if not self.stops:
            return text
        buf = self._held + text
        found = [i for i in (buf.find(s) for s in self.stops) if i >= 0]
        if found:
            self.hit = True
            self._held = ""
            return buf[: min(found)]
        hold = max(_partial_end(buf, s) for s in self.stops)
        self._held = buf[len(buf) - hold :]
        return buf[: len(buf) - hold]

    def flush(self) -> str:
        held, self._held = self._held, ""
        return "" if self.hit else held


def _partial_end(text: str, stop: str) -> int:
    """Length of the longest end of ``text`` that begins ``stop`` (shorter than ``stop``)."""
    for n in range(min(len(stop) - 1, len(text)), 0, -1):
        if text.endswith(stop[:n]):
            return n
    return 0


class ReplyText:
    """Feeds on one reply's events; returns the pieces to send now, in order."""

    def __init__(self, stops: tuple[str, ...] = (), max_tokens: int | None = None) -> None:
        self.stop = StopMatcher(stops)
        self.max_tokens = max_tokens
        self.reasoning = ""  # as sent
        self.content = ""
        self.finished: ReplyFinished | None = None
        self._hold_after: int | None = None
        self._held = ""

    def feed(self, event: Event) -> list[Piece]:
        out: list[Piece] = []
        if isinstance(event, ReplyStarted):
            self._hold_after = _hold_after(event, self.max_tokens)
        elif isinstance(event, TextDelta) and event.kind == "thinking":
            hold = self._hold_after is not None and event.thinking_tokens > self._hold_after
            if self._held or hold:
                self._held += event.text
            else:
                self._reason(event.text, out)
        elif isinstance(event, ThinkingCut):
            # What stays of the reasoning; held text past the cut is dropped.
            if event.thinking.startswith(self.reasoning):
                self._reason(event.thinking[len(self.reasoning) :], out)
            self._held = ""
        elif isinstance(event, TextDelta):
            self._release(out)
            self._answer(self.stop.feed(event.text), out)
        elif isinstance(event, ReplyFinished):
            self._release(out)
            self._answer(self.stop.flush(), out)
            self.finished = event
        return out

    @property
    def finish_reason(self) -> str:
        """As OpenAI defines it: "length" when max_tokens (or the context) ended the reply."""
        if self.stop.hit or self.finished is None:
            return "stop"
        return "length" if self.finished.finish_reason == "length" else "stop"

    def _reason(self, text: str, out: list[Piece]) -> None:
        if text:
            self.reasoning += text
            out.append(("reasoning", text))

    def _answer(self, text: str, out: list[Piece]) -> None:
        if text:
            self.content += text
            out.append(("content", text))

    def _release(self, out: list[Piece]) -> None:
        """The reasoning ended by itself: what was held back stays."""
        held, self._held = self._held, ""
        self._reason(held, out)


def _hold_after(started: ReplyStarted, max_tokens: int | None) -> int | None:
    """Reasoning tokens past which a cut may still take text back; None: no cut can come."""
    if not started.thinking:
        return None
    limits = [started.budget] if started.budget else []
    n_ctx = getattr(started, "n_ctx", 0)
    if n_ctx:  # the engine cuts the reasoning where the answer's reserved room begins
        room = n_ctx - getattr(started, "prompt_tokens", 0)
        if max_tokens:
            room = min(room, max_tokens)
        limits.append(room - getattr(started, "answer_reserve", 0))
    if not limits:
        return None
    limit = max(0, min(limits))
    return max(0, limit - lookback_window(limit) - 1)  # -1: the count may lag by the opening tag


def usage(stats: ReplyStats) -> dict[str, Any]:
    completion = stats.thinking_tokens + stats.answer_tokens
    return {
        "prompt_tokens": stats.prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": stats.prompt_tokens + completion,
        "prompt_tokens_details": {"cached_tokens": stats.cached_tokens},
        "completion_tokens_details": {"reasoning_tokens": stats.thinking_tokens},
    }


class ReplyShapes:
    """The JSON objects of one response: chat (``chat.completion``) or text (``text_completion``)."""

    def __init__(self, chat: bool, model: str) -> None:
        self.chat = chat
        self.model = model
        self.id = ("chatcmpl-" if chat else "cmpl-") + secrets.token_hex(12)
        self.created = int(time.time())

    def _head(self, kind: str) -> dict[str, Any]:
        return {"id": self.id, "object": kind, "created": self.created, "model": self.model}

    def chunk(
        self,
        pieces: Sequence[Piece] = (),
        *,
        role: bool = False,
        finish: str | None = None,
        cut: str | None = None,
    ) -> dict[str, Any]:
        """One streamed chunk carrying ``pieces`` (those of one kind are joined); the last one
        has ``finish`` and, where the reasoning was cut, why (``cut``)."""
        if not self.chat:
            text = "".join(t for _, t in pieces)
            return {
                **self._head("text_completion"),
                "choices": [{"index": 0, "text": text, "logprobs": None, "finish_reason": finish}],
            }
        delta: dict[str, Any] = {"role": "assistant", "content": ""} if role else {}
        for kind, text in pieces:
            if kind == "reasoning":
                delta["reasoning_content"] = delta.get("reasoning_content", "") + text
                delta["reasoning"] = delta["reasoning_content"]
            else:
                delta["content"] = delta.get("content", "") + text
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        if cut is not None:
            choice["reasoning_cut"] = cut
        return {**self._head("chat.completion.chunk"), "choices": [choice]}

    def usage_chunk(self, stats: ReplyStats) -> dict[str, Any]:
        kind = "chat.completion.chunk" if self.chat else "text_completion"
        return {**self._head(kind), "choices": [], "usage": usage(stats)}

    def whole(self, text: ReplyText) -> dict[str, Any]:
        """The non-streamed response."""
        stats = text.finished.stats if text.finished is not None else ReplyStats()
        if not self.chat:
            choice = {"index": 0, "text": text.content, "logprobs": None, "finish_reason": text.finish_reason}
            return {**self._head("text_completion"), "choices": [choice], "usage": usage(stats)}
        reasoning = text.reasoning or None
        message = {
            "role": "assistant",
            "content": text.content,
            "reasoning_content": reasoning,
            "reasoning": reasoning,
        }
        choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": text.finish_reason}
        cut = text.finished.cut_reason if text.finished is not None else None
        if cut is not None:
            choice["reasoning_cut"] = cut
        return {**self._head("chat.completion"), "choices": [choice], "usage": usage(stats)}
