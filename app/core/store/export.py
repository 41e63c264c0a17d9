"""Export chats as Markdown or versioned JSON, import that JSON, and archive all chats."""

from __future__ import annotations

import json
import os
import time
import zipfile
from pathlib import Path
from typing import Any

from app.core.chat.chats import Chat
from app.core.chat.messages import Message
from app.core.chat.titles import DEFAULT_TITLE
from app.core.store.chats import ChatStore
from app.core.store.records import ChatRow, new_id, to_chat
from app.core.store.turns import message_rows, set_versions, shown_messages

CHAT_FORMAT = "ponder.chat"
ARCHIVE_FORMAT = "ponder.archive"
FORMAT_VERSION = 1

_ROLE_NAMES = {"user": "You", "assistant": "Assistant", "system": "System"}
# Why the reasoning was cut, as the thinking panel's header says it.
_CUT_NOTES = {
    "budget": " · budget reached",
    "context": " · context limit reached",
    "user": " · answered early",
}


class ImportFormatError(ValueError):
    """The data is not a Ponder chat export this version understands."""


# -- Markdown ---------------------------------------------------------------------------------


def _message_markdown(message: Message, include_thinking: bool) -> str:
    heading = _ROLE_NAMES.get(message.role, message.role.title())
    if message.role == "assistant" and message.model:
        heading += f" · {message.model}"
    parts = [f"### {heading}"]
    if include_thinking and message.thinking.strip():
        thinking = message.thinking.strip().replace("</details>", "&lt;/details>")
        summary = "Thinking" + _CUT_NOTES.get(message.cut_reason or "", "")
        parts.append(f"<details><summary>{summary}</summary>\n\n{thinking}\n\n</details>")
    if message.content.strip():
        parts.append(message.content.strip())
    if message.finish_reason in ("interrupted", "cancelled", "app_closed"):
        parts.append("*(stopped)*")
    elif message.finish_reason == "error":
        parts.append("*(failed)*")
    return "\n\n".join(parts)


def chat_to_markdown(chat: ChatRow, messages: list[Message], *, include_thinking: bool = True) -> str:
    """A readable Markdown document; thinking in a ``<details>`` block or left out."""
    blocks = [f"# {chat.title or DEFAULT_TITLE}"]
    if chat.system_prompt.strip():
        blocks.append("> **System prompt:** " + chat.system_prompt.strip().replace("\n", "\n> "))
    blocks += [_message_markdown(m, include_thinking) for m in messages if m.role != "system"]
    return "\n\n".join(blocks) + "\n"


def export_markdown(store: ChatStore, chat_id: str, *, include_thinking: bool = True) -> str:
    """The chat as read: of a regenerated reply, only the version shown."""
    chat = _chat_or_raise(store, chat_id)
    return chat_to_markdown(chat, shown_messages(store, chat_id), include_thinking=include_thinking)


# -- JSON -------------------------------------------------------------------------------------


def chat_to_json_data(
    chat: ChatRow, messages: list[Message], versions: list[tuple[str | None, bool]] | None = None
) -> dict[str, Any]:
    """``versions``: each message's reply group and whether it is the version shown."""
    dicts = [m.to_dict() for m in messages]
    for data, (group, shown) in zip(dicts, versions or [], strict=False):
        if group is not None:
            data["reply_group"] = group
            data["shown"] = shown
    return {
        "format": CHAT_FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": time.time(),
        "chat": chat.to_dict(),
        "messages": dicts,
    }


def _chat_json_data(store: ChatStore, chat: ChatRow) -> dict[str, Any]:
    rows = message_rows(store, chat.id)
    return chat_to_json_data(chat, [m for m, _g, _s in rows], [(g, s) for _m, g, s in rows])


def export_json(store: ChatStore, chat_id: str) -> str:
    """Every message, every version of a regenerated reply included."""
    chat = _chat_or_raise(store, chat_id)
    return json.dumps(_chat_json_data(store, chat), ensure_ascii=False, indent=1)


def import_chat(store: ChatStore, data: dict[str, Any] | str | bytes) -> Chat:
    """Add an exported chat to the store as a live chat; ids that collide get new ones.

    Returns the chat without its messages (they load on demand)."""
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise ImportFormatError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != CHAT_FORMAT:
        raise ImportFormatError("not a Ponder chat export")
    version = data.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ImportFormatError(f"unsupported chat export version {version!r}")
    raw_chat, raw_messages = data.get("chat"), data.get("messages")
    if not isinstance(raw_chat, dict) or not isinstance(raw_messages, list):
        raise ImportFormatError("chat export without chat or messages")
    try:
        chat = ChatRow.from_dict(raw_chat)
        messages = [Message.from_dict(m) for m in raw_messages]
    except (TypeError, ValueError) as exc:
        raise ImportFormatError(f"malformed chat export: {exc}") from exc
    chat.deleted_at = None
    conn = store.connection
    groups: dict[str, tuple[list[str], str]] = {}  # group -> (message ids, shown id)
    with store.transaction():
        if not chat.id or conn.execute("SELECT 1 FROM chats WHERE id = ?", (chat.id,)).fetchone():
            chat.id = new_id()
        store.insert_chat(chat)
        seen: set[str] = set()
        for message, raw in zip(messages, raw_messages, strict=True):
            taken = conn.execute("SELECT 1 FROM messages WHERE id = ?", (message.id,)).fetchone()
            if not message.id or taken or message.id in seen:
                message.id = new_id()
            seen.add(message.id)
            store.add_message(chat.id, message, touch=False)
            group = raw.get("reply_group") if isinstance(raw, dict) else None
            if isinstance(group, str) and group:
                ids, shown = groups.get(group, ([], ""))
                ids.append(message.id)
                groups[group] = (ids, message.id if raw.get("shown") else shown)
        for group, (ids, shown) in groups.items():
            set_versions(store, chat.id, group, ids, shown or ids[-1])
    return to_chat(chat)


# -- archive ----------------------------------------------------------------------------------


def export_archive(store: ChatStore, path: str | Path, *, include_deleted: bool = False) -> int:
    """Write every chat as ``chats/<id>.json`` plus ``index.json`` into a zip; return the count.

    The zip is written to a temporary name and moved into place when complete.
    """
    path = Path(path)
    chats = store.list_chats()
    if include_deleted:
        chats += store.list_deleted()
    tmp = path.with_name(path.name + ".part")
    index: list[dict[str, Any]] = []
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for chat in chats:
                data = _chat_json_data(store, chat)
                messages = data["messages"]
                name = f"chats/{chat.id}.json"
                archive.writestr(name, json.dumps(data, ensure_ascii=False))
                index.append(
                    {
                        "id": chat.id,
                        "title": chat.title,
                        "file": name,
                        "updated_at": chat.updated_at,
                        "messages": len(messages),
                        "deleted": chat.deleted,
                    }
                )
            header = {
                "format": ARCHIVE_FORMAT,
                "version": FORMAT_VERSION,
                "exported_at": time.time(),
                "chats": index,
            }
            archive.writestr("index.json", json.dumps(header, ensure_ascii=False, indent=1))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return len(index)


def import_archive(store: ChatStore, path: str | Path) -> list[Chat]:
    """Import every chat listed in an archive's index."""
    with zipfile.ZipFile(path) as archive:
        try:
            header = json.loads(archive.read("index.json"))
        except (KeyError, ValueError) as exc:
            raise ImportFormatError(f"archive without a readable index: {exc}") from exc
        if not isinstance(header, dict) or header.get("format") != ARCHIVE_FORMAT:
            raise ImportFormatError("not a Ponder archive")
        return [import_chat(store, archive.read(entry["file"])) for entry in header.get("chats", [])]


def _chat_or_raise(store: ChatStore, chat_id: str) -> ChatRow:
    chat = store.get_chat(chat_id, include_deleted=True)
    if chat is None:
        raise KeyError(f"no chat {chat_id!r}")
    return chat
