"""Rows of the store's tables and their conversion to and from the chat model.

A :class:`ChatRow` is how a chat is kept in the ``chats`` table; outside the store a chat is
:class:`app.core.chat.chats.Chat`. The two differ where storage needs it: an untitled chat is
stored with the title "" (so its first message can name it in SQL) and a deleted one keeps
the time of its soft delete.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from app.core.chat.chats import Chat
from app.core.chat.messages import Message, ReplyStats
from app.core.chat.titles import DEFAULT_TITLE


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(slots=True)
class ChatRow:
    """A chat's own fields as stored; its messages live in the store, paged on demand."""

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
    def from_dict(cls, data: dict[str, Any]) -> ChatRow:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


def stored_title(title: str) -> str:
    """The title as stored: the untitled chat's name becomes "", so a message can name it."""
    title = title.strip()
    return "" if title == DEFAULT_TITLE else title


def to_chat(row: ChatRow) -> Chat:
    """The chat a row stores, without its messages (they load on demand)."""
    return Chat(
        title=row.title or DEFAULT_TITLE,
        id=row.id,
        think=row.think_mode,
        budget=row.budget,
        created_at=row.created_at,
        updated_at=row.updated_at,
        pinned=row.pinned,
        model=row.model,
        system_prompt=row.system_prompt,
    )


def to_row(chat: Chat) -> ChatRow:
    """The row that stores ``chat``'s own fields (its messages are stored one by one)."""
    return ChatRow(
        id=chat.id,
        title=stored_title(chat.title),
        created_at=chat.created_at,
        updated_at=chat.updated_at,
        pinned=chat.pinned,
        model=chat.model,
        think_mode=chat.think,
        budget=chat.budget,
        system_prompt=chat.system_prompt,
    )


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


def chat_from_row(row: sqlite3.Row) -> ChatRow:
    return ChatRow(
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
    "finish_reason, model, sampling, stats, cut_reason"
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
        cut_reason=row["cut_reason"],
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
        "cut_reason": message.cut_reason,
        "finish_reason": message.finish_reason,
        "model": message.model,
        "sampling": _json_or_none(message.sampling),
        "stats": _json_or_none(message.stats.to_dict() if message.stats else None),
    }
