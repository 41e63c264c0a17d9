"""The window's chats in SQLite: a :class:`ChatRepository` that never blocks the GUI thread.

Writes go to the store's writer thread (:class:`StoreJobs`); the objects here stay the truth
for this session, so nothing waits for a write. Reads use a second, query-only connection
on the GUI thread (WAL: they never wait for the writer): the chat list once at startup, and
pages of a chat's entries, newest first, when it opens or scrolls up.

A new chat is a draft in memory until its first message, so opening the app and leaving does
not leave empty chats behind. Deleting is soft (Undo restores); deleted chats are purged
when the window closes, and at the next start if it did not close cleanly.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from app.core.chat.chats import (
    Chat,
    ChatRepository,
    EarlierPage,
    Entry,
    MemoryChats,
    Reply,
    ReplyLog,
    sort_key,
)
from app.core.chat.messages import Message
from app.core.chat.titles import DEFAULT_TITLE
from app.core.store import ChatStore, SchemaTooNewError, SearchHit, search
from app.core.store.db import connect
from app.core.store.records import to_chat, to_row
from app.core.store.turns import PAGE_SIZE, begin_version, load_page, restart_reply, set_versions
from app.core.store.turns import truncate_from as store_truncate
from app.ui.common.core_text import from_core
from app.ui.common.i18n import tr
from app.ui.common.qt import QObject, Signal
from app.ui.common.store_jobs import StoreJobs
from app.ui.history.reply_saver import ReplySaver

log = logging.getLogger(__name__)
RECOVERED = "app_closed"  # finish reason of a reply the app was writing when it went away


def _ids(reply: Reply) -> list[str]:
    return [v.id for v in reply.versions]


class StoreChats(QObject):
    """Raises ``sqlite3.Error`` or ``SchemaTooNewError`` when the file cannot be opened."""

    failed = Signal(str)  # a background write failed: what to tell the user

    def __init__(self, path: str | Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        reader = ChatStore(path)  # creates and migrates the file
        try:
            self.recovered = reader.recover_interrupted(RECOVERED)
            reader.purge_deleted()
            rows = reader.list_chats()
        except BaseException:
            reader.close()
            raise
        reader.close()
        self._open(Path(path))
        self._chats: dict[str, Chat] = {c.id: to_chat(c) for c in rows}
        self._deleted: dict[str, Chat] = {}
        self._drafts: set[str] = set()  # chats not stored yet (no message so far)
        self._cursors: dict[str, int | None] = {}  # loaded chats -> oldest loaded seq (None: all)
        self._begun: set[str] = set()  # replies stored as streaming, waiting for reply_log
        self._savers: dict[str, ReplySaver] = {}

    # -- chats -------------------------------------------------------------------------------
    def list_chats(self) -> list[Chat]:
        return sorted(self._chats.values(), key=sort_key, reverse=True)

    def get_chat(self, chat_id: str) -> Chat | None:
        chat = self._chats.get(chat_id)
        if chat is not None and chat_id not in self._cursors:
            self._load(chat, PAGE_SIZE)
        return chat

    def create_chat(self, title: str = DEFAULT_TITLE) -> Chat:
        chat = Chat()
        chat.rename(title)
        self._chats[chat.id] = chat
        self._drafts.add(chat.id)
        self._cursors[chat.id] = None
        return chat

    def _stored(self, chat_id: str) -> bool:
        return chat_id not in self._drafts

    def _persist(self, chat: Chat) -> None:
        """A draft gets its first message: store the chat."""
        if chat.id not in self._drafts:
            return
        self._drafts.discard(chat.id)
        row = to_row(chat)
        self.jobs.write(lambda s: s.insert_chat(row))

    def rename_chat(self, chat_id: str, title: str) -> None:
        chat = self._chats[chat_id]
        chat.rename(title)
        if self._stored(chat_id):
            new_title = chat.title
            self.jobs.write(lambda s: s.rename_chat(chat_id, new_title))

    def delete_chat(self, chat_id: str) -> None:
        self._deleted[chat_id] = self._chats.pop(chat_id)
        if self._stored(chat_id):
            self.jobs.write(lambda s: s.delete_chat(chat_id))

    def restore_chat(self, chat_id: str) -> None:
        self._chats[chat_id] = self._deleted.pop(chat_id)
        if self._stored(chat_id):
            self.jobs.write(lambda s: s.restore_chat(chat_id))

    def set_options(self, chat_id: str, think: bool, budget: int | None) -> None:
        chat = self._chats[chat_id]
        chat.think, chat.budget = think, budget
        if self._stored(chat_id):
            self.jobs.write(lambda s: s.update_chat_settings(chat_id, think_mode=think, budget=budget))

    def set_pinned(self, chat_id: str, pinned: bool) -> None:
        self._chats[chat_id].pinned = pinned
        if self._stored(chat_id):
            self.jobs.write(lambda s: s.set_pinned(chat_id, pinned))

    def set_system_prompt(self, chat_id: str, text: str) -> None:
        self._chats[chat_id].system_prompt = text
        if self._stored(chat_id):
            self.jobs.write(lambda s: s.update_chat_settings(chat_id, system_prompt=text))

    def set_model(self, chat_id: str, model: str | None) -> None:
        self._chats[chat_id].model = model
        if self._stored(chat_id):
            self.jobs.write(lambda s: s.update_chat_settings(chat_id, model=model))

    def adopt(self, chat: Chat) -> None:
        """A chat written to the store by a job (an import): list it, load it when opened."""
        self._chats[chat.id] = chat

    # -- messages ----------------------------------------------------------------------------
    def add_message(self, chat_id: str, message: Message, reply: Reply | None = None) -> None:
        """Append a user message or a new reply; with ``reply``, add a version to it.

        A reply without a finish reason is about to stream: it is stored as streaming."""
        chat = self._chats[chat_id]
        self._persist(chat)
        copy = replace(message)
        joined = chat.add(message, reply)
        if joined is None:
            self.jobs.write(lambda s: s.add_message(chat_id, copy))
            return
        group, ids = joined.id, _ids(joined)
        if message.finish_reason is None:
            self._begun.add(message.id)
            self.jobs.write(lambda s: begin_version(s, chat_id, group, ids, copy))
        else:

            def add(s: ChatStore) -> None:
                with s.transaction():
                    s.add_message(chat_id, copy)
                    set_versions(s, chat_id, group, ids, copy.id)

            self.jobs.write(add)

    def reply_log(self, chat_id: str, message: Message) -> ReplyLog | None:
        if self.jobs.closed:
            return None
        if message.id in self._begun:
            self._begun.discard(message.id)
        else:  # a finished reply streams again (continue thinking)
            state = replace(message)
            self.jobs.write(lambda s: restart_reply(s, state))
        saver = ReplySaver(self.jobs.submit, message.id, self._saver_done, self)
        self._savers[message.id] = saver
        return saver

    def _saver_done(self, message_id: str) -> None:
        self._savers.pop(message_id, None)

    def update_message(self, chat_id: str, message: Message) -> None:
        chat = self._chats.get(chat_id) or self._deleted.get(chat_id)  # a reply may end after a delete
        if chat is not None:
            chat.updated_at = time.time()
        saver = self._savers.get(message.id)
        if saver is not None:
            saver.finish(message)
            return
        copy = replace(message)
        self.jobs.write(lambda s: s.update_message(copy))

    def delete_message(self, chat_id: str, message: Message) -> None:
        reply = self._chats[chat_id].remove(message)
        mid = message.id
        if reply is None:
            self.jobs.write(lambda s: s.delete_message(mid))
            return
        group, ids, shown = reply.id, _ids(reply), reply.message.id

        def drop_version(s: ChatStore) -> None:
            with s.transaction():
                s.delete_message(mid)
                set_versions(s, chat_id, group, ids, shown)

        self.jobs.write(drop_version)

    def truncate(self, chat_id: str, entry: Entry) -> None:
        """Drop ``entry`` and everything after it."""
        self._chats[chat_id].truncate(entry)
        ids = _ids(entry) if isinstance(entry, Reply) else [entry.id]
        self.jobs.write(lambda s: store_truncate(s, chat_id, ids))

    def select_version(self, chat_id: str, reply: Reply) -> None:
        group, ids, shown = reply.id, _ids(reply), reply.message.id
        self.jobs.write(lambda s: set_versions(s, chat_id, group, ids, shown))

    # -- reading -----------------------------------------------------------------------------
    def _load(self, chat: Chat, limit: int) -> list[Entry]:
        cursor = self._cursors.get(chat.id)
        page = load_page(self._reader, chat.id, limit, cursor)
        entries = [t.entry() for t in page.turns]
        chat.entries[:0] = entries
        self._cursors[chat.id] = page.oldest_seq if page.more else None
        chat.has_earlier = page.more
        return entries

    def load_earlier(self, chat_id: str, limit: int | None = PAGE_SIZE) -> list[Entry]:
        chat = self._chats.get(chat_id) or self._deleted.get(chat_id)
        if chat is None or self._cursors.get(chat_id, 0) is None:
            return []
        return self._load(chat, -1 if limit is None else limit)

    def read_earlier(self, chat_id: str, limit: int = PAGE_SIZE) -> Callable[[], EarlierPage] | None:
        """The next older page, read on another thread with a connection of its own (the
        window's reader belongs to the GUI thread); adding it checks that no other load
        came first."""
        chat = self._chats.get(chat_id)
        if chat is None or chat_id not in self._cursors:
            return None
        cursor = self._cursors[chat_id]
        if cursor is None:
            return None
        path = self.path

        def read() -> EarlierPage:
            conn = connect(path, migrate_to=None)
            try:
                conn.execute("PRAGMA query_only = ON")
                page = load_page(conn, chat_id, limit, cursor)
            finally:
                conn.close()
            entries = [t.entry() for t in page.turns]

            def add() -> bool:
                if self._cursors.get(chat_id) != cursor or self._chats.get(chat_id) is not chat:
                    return False
                chat.entries[:0] = entries
                self._cursors[chat_id] = page.oldest_seq if page.more else None
                chat.has_earlier = page.more
                return True

            return EarlierPage(entries, add)

        return read

    def load_until(self, chat_id: str, message_id: str) -> Entry | None:
        """Load older pages until the entry holding ``message_id`` is in memory."""
        chat = self.get_chat(chat_id)
        if chat is None:
            return None
        entry = chat.entry_with(message_id)
        while entry is None and chat.has_earlier:
            self.load_earlier(chat_id, 4 * PAGE_SIZE)
            entry = chat.entry_with(message_id)
        return entry

    def search(self, text: str, *, include_thinking: bool = False, limit: int = 50) -> list[SearchHit]:
        try:
            hits = search(self._reader, text, include_thinking=include_thinking, limit=limit)
        except sqlite3.Error:
            return []
        return [h for h in hits if h.chat_id in self._chats]

    # -- lifetime ----------------------------------------------------------------------------
    def _open(self, path: Path) -> None:
        """The query-only reader on this thread and the writer thread, both on ``path``."""
        self.path = path
        self._reader = ChatStore(path)
        self._reader.connection.execute("PRAGMA query_only = ON")
        self.jobs = StoreJobs(path, self)
        self.jobs.failed.connect(self.failed)

    def relocate(self, move: Callable[[], Path]) -> None:
        """Close the database, let ``move`` copy it elsewhere and return its new path, and go on
        there. If ``move`` raises, the error propagates and the old file stays in use.

        Waits for the queued writes (an explicit user action; never while a reply streams)."""
        if self._savers:
            raise RuntimeError(tr("a reply is being written; move the chats when it has finished"))
        old_jobs = self.jobs
        old_jobs.close()
        old_jobs.deleteLater()
        self._reader.close()
        new_path = self.path
        try:
            new_path = move()
        finally:
            self._open(new_path)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued write is on disk (tests; never while the window runs)."""
        return self.jobs.flush(timeout)

    def close(self) -> None:
        """Write what is pending, purge deleted chats, stop the writer, close the reader."""
        if self.jobs.closed:
            return
        for saver in list(self._savers.values()):
            saver.abandon()
        if self._deleted:
            self.jobs.write(lambda s: s.purge_deleted())
        self.jobs.close()
        self._reader.close()


def open_chats(path: Path, on_problem: Callable[[str], None]) -> ChatRepository:
    """The chats in the database at ``path``; in memory (and ``on_problem`` told) if it
    cannot be opened, so the window still works."""
    try:
        repo = StoreChats(path)
    except (sqlite3.Error, SchemaTooNewError, OSError) as exc:
        log.error("could not open the chat database %s: %r", path, exc)
        on_problem(
            tr(
                "Your chats in {path} could not be opened ({reason}). New chats in this session will not be "
                "saved."
            ).format(path=path, reason=from_core(str(exc)))
        )
        return MemoryChats()
    repo.failed.connect(on_problem)
    return repo
