"""The one model of a chat: what the window shows, the engine is sent and the store keeps.

A chat is a list of entries: a user :class:`Message`, or a :class:`Reply` that holds every
version of one assistant answer (regenerating adds a version; "‹ 1/2 ›" switches). The
window talks to a :class:`ChatRepository`; :class:`MemoryChats` keeps everything in memory,
and the window's default keeps it in SQLite through ``app.core.store``.

A persistent repository may load a chat's entries lazily, newest first: ``entries`` then
holds the newest ones and ``has_earlier`` says that older ones wait in the store.

Qt-free on purpose: plain data and plain calls.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from app.core.chat.messages import Message
from app.core.chat.titles import DEFAULT_TITLE, title_from_text


@dataclass(eq=False)
class Reply:
    """One assistant turn and all of its versions; ``index`` picks the one shown and sent."""

    versions: list[Message]
    index: int = 0
    id: str = field(default_factory=lambda: uuid.uuid4().hex)  # the reply group in the store

    @property
    def message(self) -> Message:
        return self.versions[self.index]

    def add(self, message: Message) -> None:
        self.versions.append(message)
        self.index = len(self.versions) - 1

    def drop(self, message: Message) -> None:
        """Remove the version ``message``, keeping ``index`` in range."""
        i = next(i for i, v in enumerate(self.versions) if v is message)
        del self.versions[i]
        self.index = min(self.index, len(self.versions) - 1)


Entry = Message | Reply


@dataclass(eq=False)
class Chat:
    title: str = DEFAULT_TITLE
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    entries: list[Entry] = field(default_factory=list)
    think: bool = True  # the Think toggle, remembered per chat
    budget: int | None = None  # thinking budget in tokens; None: unlimited
    created_at: float = field(default_factory=time.time)
    updated_at: float = field(default_factory=time.time)
    pinned: bool = False
    model: str | None = None  # the model last used in this chat (a path or a name)
    system_prompt: str = ""
    has_earlier: bool = False  # older entries are in the store, not loaded yet

    def messages(self, upto: Entry | None = None) -> list[Message]:
        """The conversation as sent to the model: the shown version of each reply.

        With ``upto``, only the entries before it.
        """
        out: list[Message] = []
        for entry in self.entries:
            if entry is upto:
                break
            out.append(entry.message if isinstance(entry, Reply) else entry)
        return out

    def index_of(self, entry: Entry) -> int:
        for i, e in enumerate(self.entries):
            if e is entry:
                return i
        raise ValueError("entry is not in this chat")

    def reply_for(self, message: Message) -> Reply | None:
        for entry in self.entries:
            if isinstance(entry, Reply) and any(v is message for v in entry.versions):
                return entry
        return None

    def entry_with(self, message_id: str) -> Entry | None:
        """The loaded entry holding the message (or reply version) ``message_id``."""
        for entry in self.entries:
            if isinstance(entry, Reply):
                if any(v.id == message_id for v in entry.versions):
                    return entry
            elif entry.id == message_id:
                return entry
        return None

    def rename(self, title: str) -> None:
        self.title = title.strip() or DEFAULT_TITLE

    def add(self, message: Message, reply: Reply | None = None) -> Reply | None:
        """Append a user message or a new reply; with ``reply``, add a version to it.

        Returns the reply an assistant message went into (None for other roles). The first
        user message with text names an untitled chat.
        """
        self.updated_at = time.time()
        if message.role != "assistant":
            self.entries.append(message)
            if message.role == "user" and self.title == DEFAULT_TITLE and message.content.strip():
                self.title = title_from_text(message.content)
            return None
        if reply is None:
            reply = Reply([message])
            self.entries.append(reply)
        else:
            reply.add(message)
        return reply

    def remove(self, message: Message) -> Reply | None:
        """Delete a message. Of a reply with other versions only this version goes, and the
        reply (still in the chat) is returned; otherwise its whole entry goes (None)."""
        reply = self.reply_for(message)
        if reply is not None and len(reply.versions) > 1:
            reply.drop(message)
            return reply
        target: Entry = reply if reply is not None else message
        self.entries = [e for e in self.entries if e is not target]
        return None

    def truncate(self, entry: Entry) -> None:
        """Drop ``entry`` and everything after it."""
        del self.entries[self.index_of(entry) :]


def sort_key(chat: Chat) -> tuple[bool, float]:
    """Pinned chats first, then by last activity."""
    return (chat.pinned, chat.updated_at)


class ReplyLog(Protocol):
    """Saves a reply while it streams (see :meth:`ChatRepository.reply_log`)."""

    def add(self, thinking: str = "", answer: str = "") -> object: ...
    def rewrite(self, message: Message) -> None: ...


@dataclass(frozen=True)
class EarlierPage:
    """Older entries of a chat, read away from the thread that shows them."""

    entries: list[Entry]  # oldest first
    add: Callable[[], bool]  # puts them into the chat (on its thread); False if that moved on


class ChatRepository(Protocol):
    """Where chats live. Calls return at once; a persistent version writes in the background."""

    def list_chats(self) -> list[Chat]: ...
    def get_chat(self, chat_id: str) -> Chat | None: ...
    def create_chat(self, title: str = DEFAULT_TITLE) -> Chat: ...
    def rename_chat(self, chat_id: str, title: str) -> None: ...
    def delete_chat(self, chat_id: str) -> None: ...
    def restore_chat(self, chat_id: str) -> None: ...
    def set_options(self, chat_id: str, think: bool, budget: int | None) -> None: ...
    def set_pinned(self, chat_id: str, pinned: bool) -> None: ...
    def set_system_prompt(self, chat_id: str, text: str) -> None: ...
    def set_model(self, chat_id: str, model: str | None) -> None: ...
    def add_message(self, chat_id: str, message: Message, reply: Reply | None = None) -> None: ...
    def update_message(self, chat_id: str, message: Message) -> None: ...
    def delete_message(self, chat_id: str, message: Message) -> None: ...
    def truncate(self, chat_id: str, entry: Entry) -> None: ...
    def select_version(self, chat_id: str, reply: Reply) -> None: ...
    def load_earlier(self, chat_id: str, limit: int | None = None) -> list[Entry]:
        """Load older entries into the chat (all with ``limit`` None); return them, oldest first."""
        ...

    def read_earlier(self, chat_id: str, limit: int = 50) -> Callable[[], EarlierPage] | None:
        """The next older page as a read that may run on any thread (None: nothing is left
        to read); the page it returns is added to the chat on the chat's own thread."""
        ...

    def reply_log(self, chat_id: str, message: Message) -> ReplyLog | None:
        """Start saving ``message`` as it streams (None: nothing to save)."""
        ...

    def close(self) -> None: ...


class MemoryChats:
    """Chats in memory, newest first. The reference implementation of :class:`ChatRepository`."""

    def __init__(self) -> None:
        self._chats: dict[str, Chat] = {}
        self._deleted: dict[str, Chat] = {}

    def list_chats(self) -> list[Chat]:
        return sorted(self._chats.values(), key=sort_key, reverse=True)

    def get_chat(self, chat_id: str) -> Chat | None:
        return self._chats.get(chat_id)

    def create_chat(self, title: str = DEFAULT_TITLE) -> Chat:
        chat = Chat()
        chat.rename(title)
        self._chats[chat.id] = chat
        return chat

    def rename_chat(self, chat_id: str, title: str) -> None:
        self._chats[chat_id].rename(title)

    def delete_chat(self, chat_id: str) -> None:
        self._deleted[chat_id] = self._chats.pop(chat_id)

    def restore_chat(self, chat_id: str) -> None:
        self._chats[chat_id] = self._deleted.pop(chat_id)

    def set_options(self, chat_id: str, think: bool, budget: int | None) -> None:
        chat = self._chats[chat_id]
        chat.think, chat.budget = think, budget

    def set_pinned(self, chat_id: str, pinned: bool) -> None:
        self._chats[chat_id].pinned = pinned

    def set_system_prompt(self, chat_id: str, text: str) -> None:
        self._chats[chat_id].system_prompt = text

    def set_model(self, chat_id: str, model: str | None) -> None:
        self._chats[chat_id].model = model

    def select_version(self, chat_id: str, reply: Reply) -> None:
        pass  # the Reply already holds its index

    def load_earlier(self, chat_id: str, limit: int | None = None) -> list[Entry]:
        return []  # everything is in memory

    def read_earlier(self, chat_id: str, limit: int = 50) -> Callable[[], EarlierPage] | None:
        return None

    def reply_log(self, chat_id: str, message: Message) -> ReplyLog | None:
        return None

    def close(self) -> None:
        pass

    def add_message(self, chat_id: str, message: Message, reply: Reply | None = None) -> None:
        self._chats[chat_id].add(message, reply)

    def update_message(self, chat_id: str, message: Message) -> None:
        chat = self._chats.get(chat_id) or self._deleted.get(chat_id)  # a reply may end after a delete
        if chat is not None:
            chat.updated_at = time.time()

    def delete_message(self, chat_id: str, message: Message) -> None:
        self._chats[chat_id].remove(message)

    def truncate(self, chat_id: str, entry: Entry) -> None:
        self._chats[chat_id].truncate(entry)
