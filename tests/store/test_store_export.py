from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from app.core.chat.messages import Message, ReplyStats
from app.core.store import ChatStore
from app.core.store.export import (
    FORMAT_VERSION,
    ImportFormatError,
    export_archive,
    export_json,
    export_markdown,
    import_archive,
    import_chat,
)


def _chat(store: ChatStore) -> str:
    chat = store.create_chat("Primes", model="qwen3-8b", budget=512, system_prompt="Answer briefly.")
    store.add_message(chat.id, Message(role="user", content="Is 91 prime?"))
    store.add_message(
        chat.id,
        Message(
            role="assistant",
            content="No: 91 = 7 × 13.",
            thinking="Check small divisors: 7 × 13 = 91.",
            think_mode=True,
            budget=512,
            budget_hit=False,
            finish_reason="stop",
            model="qwen3-8b",
            sampling={"temperature": 0.6, "top_p": 0.95},
            stats=ReplyStats(prompt_tokens=20, thinking_tokens=15, answer_tokens=9, total_s=1.5),
        ),
    )
    store.add_message(chat.id, Message(role="user", content="And 97?"))
    store.add_message(
        chat.id, Message(role="assistant", content="Yes", thinking="half", finish_reason="interrupted")
    )
    return chat.id


def test_markdown_with_and_without_thinking(store: ChatStore) -> None:
    chat_id = _chat(store)
    md = export_markdown(store, chat_id)
    assert md.startswith("# Primes\n")
    assert "Answer briefly." in md
    assert "### You\n\nIs 91 prime?" in md
    assert "### Assistant · qwen3-8b" in md
    assert "<details><summary>Thinking</summary>\n\nCheck small divisors: 7 × 13 = 91.\n\n</details>" in md
    assert md.index("Check small divisors") < md.index("No: 91 = 7 × 13.")
    assert "*(stopped)*" in md
    bare = export_markdown(store, chat_id, include_thinking=False)
    assert "Thinking" not in bare and "divisors" not in bare
    assert "No: 91 = 7 × 13." in bare


def test_json_round_trip_with_new_ids_on_collision(store: ChatStore) -> None:
    chat_id = _chat(store)
    text = export_json(store, chat_id)
    data = json.loads(text)
    assert data["format"] == "ponder.chat" and data["version"] == FORMAT_VERSION
    assert data["messages"][1]["stats"]["thinking_tokens"] == 15

    copy = import_chat(store, text)  # same ids exist already: all get new ones
    assert copy.id != chat_id
    original, imported = store.all_messages(chat_id), store.all_messages(copy.id)
    assert len(imported) == len(original) == 4
    for a, b in zip(original, imported, strict=True):
        assert a.id != b.id
        assert a.to_dict() | {"id": ""} == b.to_dict() | {"id": ""}
    orig_chat, new_chat = store.get_chat(chat_id), store.get_chat(copy.id)
    assert orig_chat is not None and new_chat is not None
    assert orig_chat.to_dict() | {"id": ""} == new_chat.to_dict() | {"id": ""}


def test_json_import_into_empty_store_keeps_ids(store: ChatStore, tmp_path: Path) -> None:
    chat_id = _chat(store)
    text = export_json(store, chat_id)
    with ChatStore(tmp_path / "other.db") as other:
        chat = import_chat(other, text)
        assert chat.id == chat_id
        assert [m.to_dict() for m in other.all_messages(chat_id)] == [
            m.to_dict() for m in store.all_messages(chat_id)
        ]
        assert export_json(other, chat_id).split('"chat"')[1] == text.split('"chat"')[1]


def test_import_rejects_garbage(store: ChatStore) -> None:
    for bad in ("not json", "[]", '{"format": "other"}', '{"format": "ponder.chat", "version": 99}'):
        with pytest.raises(ImportFormatError):
            import_chat(store, bad)
    assert store.list_chats() == []


def test_archive_of_all_chats(store: ChatStore, tmp_path: Path) -> None:
    first = _chat(store)
    second = store.create_chat("Second")
    store.add_message(second.id, Message(role="user", content="hi"))
    deleted = store.create_chat("Deleted")
    store.delete_chat(deleted.id)
    path = tmp_path / "all.zip"
    assert export_archive(store, path) == 2
    with zipfile.ZipFile(path) as z:
        index = json.loads(z.read("index.json"))
        assert {c["id"] for c in index["chats"]} == {first, second.id}
        assert sorted(z.namelist()) == sorted(
            ["index.json", f"chats/{first}.json", f"chats/{second.id}.json"]
        )
    assert not list(tmp_path.glob("*.part"))

    with ChatStore(tmp_path / "restored.db") as other:
        chats = import_archive(other, path)
        assert {c.title for c in chats} == {"Primes", "Second"}
        assert other.count_messages(first) == 4
    assert export_archive(store, tmp_path / "with-deleted.zip", include_deleted=True) == 3


def test_export_says_why_the_reasoning_was_cut(store: ChatStore) -> None:
    chat = store.create_chat("Long")
    store.add_message(chat.id, Message(role="user", content="Prove it."))
    cut = Message("assistant", "Done.", "Step one. Step two.", budget_hit=True, cut_reason="context")
    store.add_message(chat.id, cut)
    markdown = export_markdown(store, chat.id)
    assert "<summary>Thinking · context limit reached</summary>" in markdown
    data = json.loads(export_json(store, chat.id))
    assert [m.get("cut_reason") for m in data["messages"]] == [None, "context"]
    restored = import_chat(store, data)
    assert [m.cut_reason for m in store.all_messages(restored.id)] == [None, "context"]
