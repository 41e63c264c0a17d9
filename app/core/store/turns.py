"""A chat as turns: a user message, or an assistant reply with every version of it.

Rows of one reply share ``messages.reply_group`` (see migration 3 in ``db.py``); ``shown``
marks the version the chat shows and sends. A turn's place in the chat is its oldest row.
Pages load newest-first, and a page never splits the versions of one reply.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from app.core.chat.chats import Entry, Reply
from app.core.chat.messages import Message
from app.core.store.chats import ChatStore
from app.core.store.records import MESSAGE_COLUMNS, message_from_row, message_values

ROW_COLUMNS = f"{MESSAGE_COLUMNS}, seq, reply_group, shown"
PAGE_SIZE = 50


@dataclass(slots=True)
class Turn:
    role: str
    messages: list[Message] = field(default_factory=list)  # a reply: its versions, oldest first
    shown: int = 0  # index of the version shown
    group: str | None = None  # the reply group; None for a message that stands alone

    @property
    def message(self) -> Message:
        return self.messages[self.shown]

    def entry(self) -> Entry:
        """The turn as an entry of the chat model."""
        if self.role == "assistant":
            return Reply(list(self.messages), self.shown, id=self.group or self.messages[0].id)
        return self.message


@dataclass(slots=True)
class Page:
    turns: list[Turn]  # oldest first
    oldest_seq: int | None  # where the next (older) page starts; None when nothing was loaded
    more: bool  # whether older rows exist


def _connection(store: ChatStore | sqlite3.Connection) -> sqlite3.Connection:
    return store.connection if isinstance(store, ChatStore) else store


def group_rows(rows: Iterable[sqlite3.Row]) -> list[Turn]:
    """Rows in ``seq`` order -> turns in chat order (a reply sits where its first version is)."""
    turns: list[Turn] = []
    by_group: dict[str, Turn] = {}
    for row in rows:
        message = message_from_row(row)
        group = row["reply_group"]
        if group is None:
            turns.append(Turn(message.role, [message], 0, None))
            continue
        turn = by_group.get(group)
        if turn is None:
            turn = by_group[group] = Turn(message.role, [], 0, group)
            turns.append(turn)
        if row["shown"]:
            turn.shown = len(turn.messages)
        turn.messages.append(message)
    return turns


def load_page(
    store: ChatStore | sqlite3.Connection,
    chat_id: str,
    limit: int = PAGE_SIZE,
    before_seq: int | None = None,
) -> Page:
    """The ``limit`` newest rows older than ``before_seq`` (all rows with ``limit < 0``), as
    turns; the versions of a reply cut by the limit come along whole."""
    conn = _connection(store)
    where = "chat_id = ?"
    params: list[object] = [chat_id]
    if before_seq is not None:
        where += " AND seq < ?"
        params.append(before_seq)
    rows = conn.execute(
        f"SELECT {ROW_COLUMNS} FROM messages WHERE {where} ORDER BY seq DESC LIMIT ?", [*params, limit]
    ).fetchall()
    rows.reverse()
    if rows and rows[0]["reply_group"] is not None:
        rows[:0] = conn.execute(
            f"SELECT {ROW_COLUMNS} FROM messages WHERE chat_id = ? AND reply_group = ? AND seq < ?"
            " ORDER BY seq",
            (chat_id, rows[0]["reply_group"], rows[0]["seq"]),
        ).fetchall()
    if not rows:
        return Page([], before_seq, False)
    oldest = int(rows[0]["seq"])
    older = conn.execute("SELECT 1 FROM messages WHERE chat_id = ? AND seq < ? LIMIT 1", (chat_id, oldest))
    more = older.fetchone() is not None
    return Page(group_rows(rows), oldest, more)


def all_turns(store: ChatStore | sqlite3.Connection, chat_id: str) -> list[Turn]:
    return load_page(store, chat_id, -1).turns


def shown_messages(store: ChatStore | sqlite3.Connection, chat_id: str) -> list[Message]:
    """The conversation as read: each reply's shown version, oldest first."""
    rows = _connection(store).execute(
        f"SELECT {ROW_COLUMNS} FROM messages WHERE chat_id = ? AND shown = 1 ORDER BY seq", (chat_id,)
    )
    return [message_from_row(r) for r in rows]


def message_rows(
    store: ChatStore | sqlite3.Connection, chat_id: str
) -> list[tuple[Message, str | None, bool]]:
    """Every stored message with its reply group and whether it is shown, oldest first."""
    rows = _connection(store).execute(
        f"SELECT {ROW_COLUMNS} FROM messages WHERE chat_id = ? ORDER BY seq", (chat_id,)
    )
    return [(message_from_row(r), r["reply_group"], bool(r["shown"])) for r in rows]


def _marks(ids: Sequence[str]) -> str:
    return ", ".join("?" for _ in ids)


def set_versions(store: ChatStore, chat_id: str, group: str, ids: Sequence[str], shown_id: str) -> None:
    """Make the messages ``ids`` the versions of reply ``group``, showing ``shown_id``."""
    if not ids:
        return
    store.connection.execute(
        f"UPDATE messages SET reply_group = ?, shown = (id = ?) WHERE chat_id = ? AND id IN ({_marks(ids)})",
        (group, shown_id, chat_id, *ids),
    )


def begin_version(store: ChatStore, chat_id: str, group: str, ids: Sequence[str], reply: Message) -> None:
    """Store a reply (version) about to stream and make it the shown version of ``group``.

    ``ids`` are the ids of every version, the new one included."""
    with store.transaction():
        store.begin_reply(chat_id, reply)
        set_versions(store, chat_id, group, ids, reply.id)


def restart_reply(store: ChatStore, message: Message) -> None:
    """A finished reply streams again (continue thinking): write its state, mark it streaming."""
    values = message_values(message)
    assignments = ", ".join(f"{k} = :{k}" for k in values)
    store.connection.execute(
        f"UPDATE messages SET {assignments}, streaming = 1 WHERE id = :id", {**values, "id": message.id}
    )


def truncate_from(store: ChatStore, chat_id: str, ids: Sequence[str]) -> int:
    """Delete the turn made of the messages ``ids`` and every later message of the chat."""
    if not ids:
        return 0
    cur = store.connection.execute(
        "DELETE FROM messages WHERE chat_id = ? AND seq >= "
        f"(SELECT min(seq) FROM messages WHERE chat_id = ? AND id IN ({_marks(ids)}))",
        (chat_id, chat_id, *ids),
    )
    return cur.rowcount
