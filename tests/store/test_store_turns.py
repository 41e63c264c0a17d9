"""Reply versions and newest-first pages of turns (schema version 3)."""

from __future__ import annotations

import json

from app.core.chat.messages import Message
from app.core.store import ChatStore
from app.core.store.export import export_json, export_markdown, import_chat
from app.core.store.turns import (
    all_turns,
    begin_version,
    load_page,
    restart_reply,
    set_versions,
    shown_messages,
    truncate_from,
)


def _reply(store: ChatStore, chat_id: str, group: str, versions: list[str], text: str) -> Message:
    message = Message("assistant", id=f"{group}-{len(versions)}")
    begin_version(store, chat_id, group, [*versions, message.id], message)
    message.content = text
    store.finish_reply(message.id, message)
    versions.append(message.id)
    return message


def test_regenerated_versions_form_one_turn_and_keep_the_shown_one(store: ChatStore) -> None:
    chat = store.create_chat()
    store.add_message(chat.id, Message("user", "Hi", id="u1"))
    versions: list[str] = []
    _reply(store, chat.id, "g1", versions, "first")
    _reply(store, chat.id, "g1", versions, "second")
    turns = all_turns(store, chat.id)
    assert [t.role for t in turns] == ["user", "assistant"]
    reply = turns[1]
    assert [m.content for m in reply.messages] == ["first", "second"] and reply.shown == 1
    set_versions(store, chat.id, "g1", versions, versions[0])
    assert all_turns(store, chat.id)[1].message.content == "first"
    assert [m.content for m in shown_messages(store, chat.id)] == ["Hi", "first"]


def test_pages_are_newest_first_and_never_split_a_reply(store: ChatStore) -> None:
    chat = store.create_chat()
    for i in range(10):
        store.add_message(chat.id, Message("user", f"q{i}", id=f"u{i}"))
        versions: list[str] = []
        for v in range(3 if i == 4 else 1):
            _reply(store, chat.id, f"g{i}", versions, f"a{i}.{v}")
    page = load_page(store, chat.id, limit=11)  # rows 22..12 (0-based): cuts into reply 4
    assert page.more
    texts = [t.message.content for t in page.turns]
    assert texts[0] == "a4.2" and len(page.turns[0].messages) == 3
    assert texts[-1] == "a9.0"
    older = load_page(store, chat.id, limit=100, before_seq=page.oldest_seq)
    assert not older.more
    assert [t.message.content for t in older.turns][-1] == "q4"
    assert len(older.turns) + len(page.turns) == 20


def test_truncate_and_restart(store: ChatStore) -> None:
    chat = store.create_chat()
    store.add_message(chat.id, Message("user", "one", id="u1"))
    reply = _reply(store, chat.id, "g1", [], "ans")
    store.add_message(chat.id, Message("user", "two", id="u2"))
    _reply(store, chat.id, "g2", [], "ans2")
    assert truncate_from(store, chat.id, ["u2"]) == 2
    assert [m.id for m in shown_messages(store, chat.id)] == ["u1", reply.id]
    reply.content = ""
    restart_reply(store, reply)
    assert store.is_streaming(reply.id)
    assert [m.id for m in store.recover_interrupted("app_closed")] == [reply.id]
    assert store.get_message(reply.id).finish_reason == "app_closed"  # type: ignore[union-attr]


def test_export_keeps_versions_and_markdown_shows_the_chosen_one(store: ChatStore) -> None:
    chat = store.create_chat("Versions")
    store.add_message(chat.id, Message("user", "Hi"))
    versions: list[str] = []
    _reply(store, chat.id, "g1", versions, "first answer")
    _reply(store, chat.id, "g1", versions, "second answer")
    set_versions(store, chat.id, "g1", versions, versions[0])
    md = export_markdown(store, chat.id)
    assert "first answer" in md and "second answer" not in md
    data = json.loads(export_json(store, chat.id))
    assert [m.get("shown") for m in data["messages"]] == [None, True, False]
    copy = import_chat(store, data)  # same ids: new ones are made, the groups survive
    turns = all_turns(store, copy.id)
    assert [m.content for m in turns[1].messages] == ["first answer", "second answer"]
    assert turns[1].shown == 0
