"""Chat-level records, row conversion, and automatic titles."""

from __future__ import annotations

import json
import re
import sqlite3
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from app.core.chat.messages import Message, ReplyStats

TITLE_MAX = 60
ELLIPSIS = "…"


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(slots=True)
class Chat:
    """A conversation's own fields; its messages live in the store, paged on demand."""

    id: str = field(default_factory=new_id)
    title: str = ""  # "" means untitled: the first user message names it
    created_at: float = field(default_factory=time.time)
    updated_at: float = 0.0  # last activity; 0 means "same as created_at"
    pinned: bool = False
    model: str | None = None
    think_mode: bool = True
    budget: int | None = None
    system_prompt: str = ""
    deleted_at: float | None = None  # set by a soft delete, cleared by restore

    def __post_init__(self) -> None:
        if not self.updated_at:
            self.updated_at = self.created_at

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chat:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


def title_from_text(text: str, limit: int = TITLE_MAX) -> str:
    """A chat title from a message: its first non-blank line, at most ``limit`` characters.

    A longer line is cut at the last word boundary that fits and gets an ellipsis (the
    ellipsis counts toward the limit). A single word longer than the limit is cut hard.
    """
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    line = re.sub(r"\s+", " ", line).strip()
    if len(line) <= limit:
        return line
    room = limit - len(ELLIPSIS)
    cut = line[: room + 1]  # one extra char tells whether the cut falls on a boundary
    space = cut.rfind(" ")
    head = cut[:space] if space > 0 else line[:room]
    return head.rstrip(" .,;:-–—") + ELLIPSIS


def _opt_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _json_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _load_json(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def chat_from_row(row: sqlite3.Row) -> Chat:
    return Chat(
        id=row["id"],
        title=row["title"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        pinned=bool(row["pinned"]),
        model=row["model"],
        think_mode=bool(row["think_mode"]),
        budget=row["budget"],
        system_prompt=row["system_prompt"],
        deleted_at=row["deleted_at"],
    )


MESSAGE_COLUMNS = (
    "id, role, content, thinking, created_at, think_mode, budget, budget_hit, "
    "finish_reason, model, sampling, stats"
)


def message_from_row(row: sqlite3.Row) -> Message:
    stats = _load_json(row["stats"])
    sampling = _load_json(row["sampling"])
    return Message(
        id=row["id"],
        role=row["role"],
        content=row["content"],
        thinking=row["thinking"],
        created_at=row["created_at"],
        think_mode=_opt_bool(row["think_mode"]),
        budget=row["budget"],
        budget_hit=bool(row["budget_hit"]),
        finish_reason=row["finish_reason"],
        model=row["model"],
        sampling=sampling if isinstance(sampling, dict) else None,
        stats=ReplyStats.from_dict(stats) if isinstance(stats, dict) else None,
    )


def message_values(message: Message) -> dict[str, Any]:
    """Named SQL parameters for a message's stored columns (not id/chat/streaming)."""
    return {
        "role": message.role,
        "content": message.content,
        "thinking": message.thinking,
        "created_at": message.created_at,
        "think_mode": None if message.think_mode is None else int(message.think_mode),
        "budget": message.budget,
        "budget_hit": int(message.budget_hit),
        "finish_reason": message.finish_reason,
        "model": message.model,
        "sampling": _json_or_none(message.sampling),
        "stats": _json_or_none(message.stats.to_dict() if message.stats else None),
    }
