from __future__ import annotations

import pytest

from app.core.chat.chats import Chat
from app.core.chat.messages import Message, ReplyStats
from app.core.chat.titles import DEFAULT_TITLE, title_from_text
from app.core.store import ChatStore, NotFoundError
from app.core.store.records import to_chat, to_row


def _user(text: str) -> Message:
    return Message(role="user", content=text)


def test_create_get_and_settings(store: ChatStore) -> None:
    chat = store.create_chat(model="qwen3-4b", think_mode=False, budget=2048, system_prompt="Be brief.")
    got = store.get_chat(chat.id)
    assert got == chat
    assert got.title == "" and not got.pinned and got.deleted_at is None

    store.update_chat_settings(chat.id, model=None, think_mode=True, budget=None)
    got = store.get_chat(chat.id)
    assert got is not None
    assert (got.model, got.think_mode, got.budget, got.system_prompt) == (None, True, None, "Be brief.")
    store.update_chat_settings(chat.id, system_prompt="")
    assert store.get_chat(chat.id).system_prompt == ""  # type: ignore[union-attr]

    with pytest.raises(NotFoundError):
        store.rename_chat("nope", "x")
    assert store.get_chat("nope") is None


def test_list_pinned_first_then_last_activity(store: ChatStore) -> None:
    a, b, c = (store.create_chat(t) for t in ("a", "b", "c"))
    # Activity order: a is the oldest, then c, then b most recently.
    for i, chat in enumerate((a, c, b)):
        store.connection.execute("UPDATE chats SET updated_at = ? WHERE id = ?", (1000.0 + i, chat.id))
    assert [x.title for x in store.list_chats()] == ["b", "c", "a"]
    store.set_pinned(a.id, True)
    assert [x.title for x in store.list_chats()] == ["a", "b", "c"]
    # New activity moves a chat up among the unpinned ones.
    store.add_message(c.id, _user("hello"))
    assert [x.title for x in store.list_chats()] == ["a", "c", "b"]
    store.set_pinned(a.id, False)
    assert [x.title for x in store.list_chats()] == ["c", "b", "a"]
    assert [x.title for x in store.list_chats(limit=2, offset=1)] == ["b", "a"]
    assert store.count_chats() == 3


def test_listing_uses_the_index(store: ChatStore) -> None:
    plan = store.connection.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM chats WHERE deleted_at IS NULL"
        " ORDER BY pinned DESC, updated_at DESC"
    ).fetchall()
    text = " ".join(str(row[-1]) for row in plan)
    assert "chats_listing" in text and "TEMP B-TREE" not in text


def test_rename_and_automatic_title(store: ChatStore) -> None:
    chat = store.create_chat()
    store.add_message(chat.id, Message(role="user", content="\n  How do   I bake bread?\nWith yeast."))
    assert store.get_chat(chat.id).title == "How do I bake bread?"  # type: ignore[union-attr]
    store.add_message(chat.id, _user("Second question"))
    assert store.get_chat(chat.id).title == "How do I bake bread?"  # type: ignore[union-attr]
    store.rename_chat(chat.id, "  Bread  ")
    assert store.get_chat(chat.id).title == "Bread"  # type: ignore[union-attr]
    named = store.create_chat("Mine")
    store.add_message(named.id, _user("Something else"))
    assert store.get_chat(named.id).title == "Mine"  # type: ignore[union-attr]


def test_title_from_text() -> None:
    assert title_from_text("") == ""
    assert title_from_text("   \n\n  hi there \nsecond") == "hi there"
    long = "The quick brown fox jumps over the lazy dog and keeps running far into the hills"
    title = title_from_text(long)
    assert len(title) <= 60 and title.endswith("…")
    assert long.startswith(title[:-1])
    assert long[len(title) - 1] == " "  # cut at a word boundary
    exact = "x" * 60
    assert title_from_text(exact) == exact
    assert title_from_text("y" * 100) == "y" * 59 + "…"
    assert title_from_text("a" * 55 + " bbbbbbbbbb") == "a" * 55 + "…"


def test_soft_delete_restore_and_purge(store: ChatStore) -> None:
    keep = store.create_chat("keep")
    gone = store.create_chat("gone")
    old = store.create_chat("old")
    store.add_message(gone.id, _user("bye"))
    store.delete_chat(gone.id, now=5000.0)
    store.delete_chat(old.id, now=1000.0)
    assert [c.title for c in store.list_chats()] == ["keep"]
    assert store.get_chat(gone.id) is None
    assert store.get_chat(gone.id, include_deleted=True).deleted_at == 5000.0  # type: ignore[union-attr]
    assert [c.title for c in store.list_deleted()] == ["gone", "old"]

    store.restore_chat(gone.id)
    assert {c.title for c in store.list_chats()} == {"keep", "gone"}
    assert store.count_messages(gone.id) == 1
    with pytest.raises(NotFoundError):
        store.restore_chat(gone.id)

    store.delete_chat(gone.id, now=5000.0)
    assert store.purge_deleted(older_than=3600, now=5000.0 + 60) == 1  # only "old"
    assert store.get_chat(old.id, include_deleted=True) is None
    assert store.purge_deleted(now=5000.0) == 1
    assert store.get_chat(gone.id, include_deleted=True) is None
    assert store.connection.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
    assert store.get_chat(keep.id) is not None


def test_message_round_trip_update_delete(store: ChatStore) -> None:
    chat = store.create_chat()
    q = store.add_message(chat.id, _user("2+2?"))
    stats = ReplyStats(prompt_tokens=12, thinking_tokens=30, answer_tokens=3, ttft_s=0.1, tokens_per_s=42.5)
    a = Message(
        role="assistant",
        content="4",
        thinking="two plus two…",
        think_mode=True,
        budget=1024,
        budget_hit=True,
        finish_reason="stop",
        model="qwen3-0.6b",
        sampling={"temperature": 0.6, "top_k": 20},
        stats=stats,
    )
    store.add_message(chat.id, a)
    assert store.get_message(a.id) == a
    assert store.get_message(q.id) == q
    assert store.chat_of(a.id) == chat.id

    a.content = "Four."
    a.stats = None
    store.update_message(a)
    assert store.get_message(a.id) == a
    assert store.delete_message(q.id)
    assert not store.delete_message(q.id)
    assert [m.id for m in store.all_messages(chat.id)] == [a.id]
    assert store.count_messages(chat.id) == 1


def test_pages_newest_first(store: ChatStore) -> None:
    chat = store.create_chat()
    other = store.create_chat()
    ids = []
    for i in range(120):
        ids.append(store.add_message(chat.id, _user(f"m{i}")).id)
        if i % 10 == 0:
            store.add_message(other.id, _user(f"other {i}"))
    assert store.count_messages(chat.id) == 120

    seen: list[str] = []
    before = None
    while True:
        page = store.messages(chat.id, limit=50, before=before)
        if not page:
            break
        assert len(page) <= 50
        seen += [m.id for m in page]
        before = page[-1].id
    assert seen == ids[::-1]
    assert [m.content for m in store.messages(chat.id, limit=3)] == ["m119", "m118", "m117"]
    assert store.messages(chat.id, before="unknown") == []
    assert [m.content for m in store.all_messages(chat.id)][:2] == ["m0", "m1"]


def test_rows_keep_the_chat_model(store: ChatStore) -> None:
    chat = Chat(think=False, budget=512, model="qwen3-8b", system_prompt="Be brief.", pinned=True)
    assert chat.title == DEFAULT_TITLE
    store.insert_chat(to_row(chat))
    row = store.get_chat(chat.id)
    assert row is not None and row.title == ""  # untitled on disk, so a message can name it
    back = to_chat(row)
    fields = ("id", "title", "think", "budget", "model", "system_prompt", "pinned", "created_at")
    assert [getattr(back, f) for f in fields] == [getattr(chat, f) for f in fields]
    store.add_message(chat.id, _user("Name me"))
    assert to_chat(store.get_chat(chat.id)).title == "Name me"  # type: ignore[arg-type]
    store.rename_chat(chat.id, DEFAULT_TITLE)
    assert store.get_chat(chat.id).title == ""  # type: ignore[union-attr]
