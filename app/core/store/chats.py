"""ChatStore: chats and their messages in one SQLite file.

A ChatStore owns one connection and must be used from the thread that created it (see
``db.py``). For a GUI, let a :class:`~app.core.store.writer.StoreWorker` own the writing
store, and call :meth:`ChatStore.recover_interrupted` once at startup, before any reply
streams (a second store opened while a reply streams must not call it).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from app.core.chat.messages import Message
from app.core.chat.titles import title_from_text
from app.core.store import db
from app.core.store.records import (
    MESSAGE_COLUMNS,
    ChatRow,
    chat_from_row,
    message_from_row,
    message_values,
    stored_title,
)

T = TypeVar("T")


class Unset(Enum):
    UNSET = "unset"


UNSET = Unset.UNSET


class NotFoundError(KeyError):
    """No live row with that id."""


class ChatStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._conn = db.connect(self.path)
        self._tx_depth = 0

    # -- plumbing ---------------------------------------------------------------------------

    @property
    def connection(self) -> sqlite3.Connection:
        return self._conn

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> ChatStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, job: Callable[[ChatStore], T]) -> T:
        """Run ``job(self)`` now; the same shape as ``StoreWorker.submit`` for direct use."""
        return job(self)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Group writes in one transaction; nested uses join the outer one."""
        if self._tx_depth:
            self._tx_depth += 1
            try:
                yield self._conn
            finally:
                self._tx_depth -= 1
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._tx_depth = 1
        try:
            yield self._conn
        except BaseException:
            self._tx_depth = 0
            self._conn.execute("ROLLBACK")
            raise
        self._tx_depth = 0
        self._conn.execute("COMMIT")

    def _one(self, sql: str, params: Any = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._conn.execute(sql, params).fetchone()
        return row

    def _require(self, cursor: sqlite3.Cursor, what: str, key: str) -> None:
        if cursor.rowcount == 0:
            raise NotFoundError(f"no {what} {key!r}")

    # -- chats ------------------------------------------------------------------------------

    def create_chat(
        self,
        title: str = "",
        *,
        model: str | None = None,
        think_mode: bool = True,
        budget: int | None = None,
        system_prompt: str = "",
        pinned: bool = False,
    ) -> ChatRow:
        chat = ChatRow(
            title=stored_title(title),
            model=model,
            think_mode=think_mode,
            budget=budget,
            system_prompt=system_prompt,
            pinned=pinned,
        )
        return self.insert_chat(chat)

    def insert_chat(self, chat: ChatRow) -> ChatRow:
        """Store a fully formed chat (used by import); its id must be new."""
        self._conn.execute(
            "INSERT INTO chats (id, title, created_at, updated_at, pinned, model, think_mode, budget,"
            " system_prompt, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                chat.id,
                chat.title,
                chat.created_at,
                chat.updated_at,
                int(chat.pinned),
                chat.model,
                int(chat.think_mode),
                chat.budget,
                chat.system_prompt,
                chat.deleted_at,
            ),
        )
        return chat

    def get_chat(self, chat_id: str, *, include_deleted: bool = False) -> ChatRow | None:
        row = self._one("SELECT * FROM chats WHERE id = ?", (chat_id,))
        if row is None or (row["deleted_at"] is not None and not include_deleted):
            return None
        return chat_from_row(row)

    def list_chats(self, *, limit: int = -1, offset: int = 0) -> list[ChatRow]:
        """Live chats, pinned first, then by last activity (newest first)."""
        rows = self._conn.execute(
            "SELECT * FROM chats WHERE deleted_at IS NULL"
            " ORDER BY pinned DESC, updated_at DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [chat_from_row(r) for r in rows]

    def list_deleted(self) -> list[ChatRow]:
        """Soft-deleted chats, most recently deleted first (the "undo" list)."""
        rows = self._conn.execute("SELECT * FROM chats WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC")
        return [chat_from_row(r) for r in rows]

    def count_chats(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM chats WHERE deleted_at IS NULL").fetchone()[0])

    def rename_chat(self, chat_id: str, title: str) -> None:
        cur = self._conn.execute("UPDATE chats SET title = ? WHERE id = ?", (stored_title(title), chat_id))
        self._require(cur, "chat", chat_id)

    def set_pinned(self, chat_id: str, pinned: bool) -> None:
        cur = self._conn.execute("UPDATE chats SET pinned = ? WHERE id = ?", (int(pinned), chat_id))
        self._require(cur, "chat", chat_id)

    def update_chat_settings(
        self,
        chat_id: str,
        *,
        model: str | Unset | None = UNSET,
        think_mode: bool | Unset = UNSET,
        budget: int | Unset | None = UNSET,
        system_prompt: str | Unset = UNSET,
    ) -> None:
        """Change the chat's model, think mode, budget or system prompt (only those given)."""
        changes: dict[str, Any] = {}
        if not isinstance(model, Unset):
            changes["model"] = model
        if not isinstance(think_mode, Unset):
            changes["think_mode"] = int(think_mode)
        if not isinstance(budget, Unset):
            changes["budget"] = budget
        if not isinstance(system_prompt, Unset):
            changes["system_prompt"] = system_prompt
        if not changes:
            return
        assignments = ", ".join(f"{name} = :{name}" for name in changes)
        cur = self._conn.execute(f"UPDATE chats SET {assignments} WHERE id = :id", {**changes, "id": chat_id})
        self._require(cur, "chat", chat_id)

    def delete_chat(self, chat_id: str, *, now: float | None = None) -> None:
        """Soft delete: the chat disappears from lists and search until restored or purged."""
        cur = self._conn.execute(
            "UPDATE chats SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
            (time.time() if now is None else now, chat_id),
        )
        self._require(cur, "live chat", chat_id)

    def restore_chat(self, chat_id: str) -> None:
        cur = self._conn.execute(
            "UPDATE chats SET deleted_at = NULL WHERE id = ? AND deleted_at IS NOT NULL", (chat_id,)
        )
        self._require(cur, "deleted chat", chat_id)

    def purge_deleted(self, older_than: float = 0.0, *, now: float | None = None) -> int:
        """Erase chats soft-deleted at least ``older_than`` seconds ago; return how many."""
        cutoff = (time.time() if now is None else now) - older_than
        with self.transaction():
            cur = self._conn.execute(
                "DELETE FROM chats WHERE deleted_at IS NOT NULL AND deleted_at <= ?", (cutoff,)
            )
        return cur.rowcount

    # -- messages ---------------------------------------------------------------------------

    def _insert_message(self, chat_id: str, message: Message, streaming: bool) -> None:
        values = message_values(message)
        values.update(id=message.id, chat_id=chat_id, streaming=int(streaming))
        names = ", ".join(values)
        params = ", ".join(f":{k}" for k in values)
        self._conn.execute(f"INSERT INTO messages ({names}) VALUES ({params})", values)

    def _touch(self, chat_id: str) -> None:
        cur = self._conn.execute(
            "UPDATE chats SET updated_at = max(updated_at, ?) WHERE id = ?", (time.time(), chat_id)
        )
        self._require(cur, "chat", chat_id)

    def add_message(self, chat_id: str, message: Message, *, touch: bool = True) -> Message:
        """Append a message. The first user message of an untitled chat names the chat."""
        with self.transaction():
            if touch:
                self._touch(chat_id)
            self._insert_message(chat_id, message, streaming=False)
            if message.role == "user" and message.content.strip():
                self._conn.execute(
                    "UPDATE chats SET title = ? WHERE id = ? AND title = ''",
                    (title_from_text(message.content), chat_id),
                )
        return message

    def update_message(self, message: Message) -> None:
        """Overwrite a stored message's fields (found by ``message.id``)."""
        values = message_values(message)
        assignments = ", ".join(f"{k} = :{k}" for k in values)
        cur = self._conn.execute(
            f"UPDATE messages SET {assignments} WHERE id = :id", {**values, "id": message.id}
        )
        self._require(cur, "message", message.id)

    def delete_message(self, message_id: str) -> bool:
        return self._conn.execute("DELETE FROM messages WHERE id = ?", (message_id,)).rowcount > 0

    def get_message(self, message_id: str) -> Message | None:
        row = self._one(f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?", (message_id,))
        return None if row is None else message_from_row(row)

    def chat_of(self, message_id: str) -> str | None:
        row = self._one("SELECT chat_id FROM messages WHERE id = ?", (message_id,))
        return None if row is None else str(row[0])

    def messages(self, chat_id: str, limit: int = 50, before: str | None = None) -> list[Message]:
        """One page of a chat's messages, newest first.

        ``before`` is the id of the oldest message already shown; the page holds the
        ``limit`` messages older than it. An unknown ``before`` gives an empty page.
        """
        if before is None:
            rows = self._conn.execute(
                f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE chat_id = ? ORDER BY seq DESC LIMIT ?",
                (chat_id, limit),
            )
        else:
            rows = self._conn.execute(
                f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE chat_id = ?"
                " AND seq < (SELECT seq FROM messages WHERE id = ? AND chat_id = ?)"
                " ORDER BY seq DESC LIMIT ?",
                (chat_id, before, chat_id, limit),
            )
        return [message_from_row(r) for r in rows]

    def all_messages(self, chat_id: str) -> list[Message]:
        """Every message of a chat, oldest first (for export and for building a prompt)."""
        rows = self._conn.execute(
            f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE chat_id = ? ORDER BY seq", (chat_id,)
        )
        return [message_from_row(r) for r in rows]

    def count_messages(self, chat_id: str) -> int:
        return int(
            self._conn.execute("SELECT count(*) FROM messages WHERE chat_id = ?", (chat_id,)).fetchone()[0]
        )

    # -- streaming replies ------------------------------------------------------------------

    def begin_reply(self, chat_id: str, reply: Message | None = None) -> str:
        """Store an assistant reply that is about to stream; return its message id.

        The row has ``finish_reason`` NULL and ``streaming = 1`` until :meth:`finish_reply`.
        ``reply`` may carry the id (so a GUI can submit this without waiting), model, think
        mode, budget and sampling.
        """
        reply = replace(reply, finish_reason=None) if reply else Message(role="assistant")
        with self.transaction():
            self._touch(chat_id)
            self._insert_message(chat_id, reply, streaming=True)
        return reply.id

    def append_reply(self, message_id: str, thinking_delta: str = "", answer_delta: str = "") -> None:
        """Append streamed text to a reply (one cheap UPDATE; call it with batched deltas)."""
        if not thinking_delta and not answer_delta:
            return
        cur = self._conn.execute(
            "UPDATE messages SET thinking = thinking || ?, content = content || ? WHERE id = ?",
            (thinking_delta, answer_delta, message_id),
        )
        self._require(cur, "message", message_id)

    def finish_reply(self, message_id: str, message: Message) -> None:
        """Write a reply's final state and mark it done (``finish_reason`` "stop" if unset)."""
        values = message_values(message)
        values["finish_reason"] = message.finish_reason or "stop"
        assignments = ", ".join(f"{k} = :{k}" for k in values)
        cur = self._conn.execute(
            f"UPDATE messages SET {assignments}, streaming = 0 WHERE id = :id", {**values, "id": message_id}
        )
        self._require(cur, "message", message_id)

    def is_streaming(self, message_id: str) -> bool:
        row = self._one("SELECT streaming FROM messages WHERE id = ?", (message_id,))
        return bool(row and row[0])

    def recover_interrupted(self, reason: str = "interrupted") -> list[Message]:
        """Mark replies left streaming by a crash as finished with ``reason``; return them,
        text intact. (The window uses ``"app_closed"`` to tell them from engine crashes.)"""
        with self.transaction():
            rows = self._conn.execute(
                f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE streaming = 1 ORDER BY seq"
            ).fetchall()
            self._conn.execute(
                "UPDATE messages SET streaming = 0, finish_reason = ? WHERE streaming = 1", (reason,)
            )
        recovered = [message_from_row(r) for r in rows]
        for message in recovered:
            message.finish_reason = reason
        return recovered
