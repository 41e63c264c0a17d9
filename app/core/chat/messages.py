"""Conversations as data: messages keep thinking and answer apart, with their stats."""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class ReplyStats:
    prompt_tokens: int = 0
    cached_tokens: int = 0  # prompt tokens whose KV entries were reused
    thinking_tokens: int = 0
    answer_tokens: int = 0
    ttft_s: float = 0.0  # request sent -> first generated token
    thinking_s: float = 0.0
    total_s: float = 0.0
    tokens_per_s: float = 0.0  # generated tokens per second of decoding

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReplyStats:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


@dataclass(slots=True)
class Message:
    """One turn. For the assistant, ``content`` is the answer and ``thinking`` the reasoning."""

    role: str  # "system", "user" or "assistant"
    content: str = ""
    thinking: str = ""
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created_at: float = field(default_factory=time.time)
    # Assistant replies only:
    think_mode: bool | None = None
    budget: int | None = None
    budget_hit: bool = False  # the reasoning was cut (by any of the cut reasons)
    cut_reason: str | None = None  # "budget", "context", "user"; None: the reasoning ended itself
    finish_reason: str | None = None  # "stop", "length", "cancelled", "error", "interrupted"
    model: str | None = None
    sampling: dict[str, Any] | None = None
    stats: ReplyStats | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["stats"] = self.stats.to_dict() if self.stats else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        if isinstance(known.get("stats"), dict):
            known["stats"] = ReplyStats.from_dict(known["stats"])
        return cls(**known)


@dataclass(frozen=True, slots=True)
class PromptMessage:
    """What the template sees: past thinking is never sent back to the model."""

    role: str
    content: str


def to_prompt(messages: list[Message], system_prompt: str | None = None) -> list[PromptMessage]:
    out: list[PromptMessage] = []
    if system_prompt:
        out.append(PromptMessage("system", system_prompt))
    out.extend(
        PromptMessage(m.role, m.content) for m in messages if m.role in ("system", "user", "assistant")
    )
    return out
