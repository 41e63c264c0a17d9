from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.core.store import LATEST_VERSION, ChatStore, SchemaTooNewError, connect, search
from app.core.store.db import migrate, schema_version


def test_fresh_database_is_latest_wal_with_foreign_keys(store: ChatStore) -> None:
    conn = store.connection
    assert schema_version(conn) == LATEST_VERSION == 6
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO messages (id, chat_id, role, created_at) VALUES ('m', 'no-such-chat', 'user', 0)"
        )


def test_v1_database_migrates_and_gets_searchable(db_path: Path) -> None:
    old = connect(db_path, migrate_to=1)
    assert schema_version(old) == 1
    assert not old.execute("SELECT 1 FROM sqlite_master WHERE name = 'messages_fts'").fetchone()
    old.execute("INSERT INTO chats (id, title, created_at, updated_at) VALUES ('c1', 'Old chat', 1.0, 2.0)")
    old.execute(
        "INSERT INTO messages (id, chat_id, role, content, thinking, created_at, finish_reason)"
        " VALUES ('m1', 'c1', 'user', 'Tell me about volcanoes', '', 1.0, NULL),"
        "        ('m2', 'c1', 'assistant', 'Magma rises.', 'recall geology basics', 2.0, 'stop')"
    )
    old.close()

    with ChatStore(db_path) as s:
        assert schema_version(s.connection) == LATEST_VERSION
        chat = s.get_chat("c1")
        assert chat is not None and chat.title == "Old chat"
        assert [m.content for m in s.all_messages("c1")] == ["Tell me about volcanoes", "Magma rises."]
        assert [h.message_id for h in search(s, "volcanoes")] == ["m1"]
        assert [h.message_id for h in search(s, "geology", include_thinking=True)] == ["m2"]
        # New rows are indexed by the triggers too.
        from app.core.chat.messages import Message

        s.add_message("c1", Message(role="user", content="and geysers?"))
        assert len(search(s, "geysers")) == 1


def test_migrate_is_idempotent_and_refuses_newer(db_path: Path) -> None:
    conn = connect(db_path)
    assert migrate(conn) == LATEST_VERSION
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaTooNewError):
        ChatStore(db_path)


def test_failed_migration_rolls_back(db_path: Path) -> None:
    conn = connect(db_path, migrate_to=None)
    bad = (("CREATE TABLE t (x)",), ("CREATE TABLE u (y)", "THIS IS NOT SQL"))
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, 2, bad)
    assert schema_version(conn) == 1
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "t" in names and "u" not in names
    conn.close()


def test_v2_database_migrates_to_reply_versions(db_path: Path) -> None:
    from app.core.store.turns import all_turns, shown_messages

    old = connect(db_path, migrate_to=2)
    old.execute("INSERT INTO chats (id, title, created_at, updated_at) VALUES ('c1', 'Old chat', 1.0, 2.0)")
    old.execute(
        "INSERT INTO messages (id, chat_id, role, content, created_at, finish_reason)"
        " VALUES ('m1', 'c1', 'user', 'Hi', 1.0, NULL), ('m2', 'c1', 'assistant', 'Hello', 2.0, 'stop')"
    )
    old.close()

    with ChatStore(db_path) as s:
        assert schema_version(s.connection) == LATEST_VERSION == 6
        columns = {r[1] for r in s.connection.execute("PRAGMA table_info(messages)")}
        assert {"reply_group", "shown"} <= columns
        # Old rows are single messages, each shown.
        turns = all_turns(s, "c1")
        assert [(t.role, t.group, [m.id for m in t.messages]) for t in turns] == [
            ("user", None, ["m1"]),
            ("assistant", None, ["m2"]),
        ]
        assert [m.id for m in shown_messages(s, "c1")] == ["m1", "m2"]
        assert [h.message_id for h in search(s, "hello")] == ["m2"]


def test_v1_database_migrates_all_the_way(db_path: Path) -> None:
    old = connect(db_path, migrate_to=1)
    old.execute("INSERT INTO chats (id, title, created_at, updated_at) VALUES ('c1', 'Old', 1.0, 2.0)")
    old.execute(
        "INSERT INTO messages (id, chat_id, role, content, created_at)"
        " VALUES ('m1', 'c1', 'user', 'lava', 1.0)"
    )
    old.close()
    with ChatStore(db_path) as s:
        assert schema_version(s.connection) == LATEST_VERSION == 6
        assert [h.message_id for h in search(s, "lava")] == ["m1"]


def test_v3_database_migrates_to_cut_reasons(db_path: Path) -> None:
    from app.core.chat.messages import Message

    old = connect(db_path, migrate_to=3)
    old.execute("INSERT INTO chats (id, title, created_at, updated_at) VALUES ('c1', 'Old', 1.0, 2.0)")
    old.execute(
        "INSERT INTO messages (id, chat_id, role, content, thinking, created_at, budget_hit, finish_reason)"
        " VALUES ('m1', 'c1', 'assistant', 'Yes.', 'hm', 1.0, 1, 'stop')"
    )
    old.close()
    with ChatStore(db_path) as s:
        assert schema_version(s.connection) == LATEST_VERSION == 6
        kept = s.get_message("m1")
        assert kept is not None and kept.budget_hit and kept.cut_reason is None
        s.add_message(
            "c1", Message("assistant", "Done.", "long thought", budget_hit=True, cut_reason="context")
        )
        assert [m.cut_reason for m in s.all_messages("c1")] == [None, "context"]


def test_v5_database_migrates_to_indexing_replies_once_they_end(db_path: Path) -> None:
    old = connect(db_path, migrate_to=5)
    old.execute("INSERT INTO chats (id, title, created_at, updated_at) VALUES ('c1', 'Old', 1.0, 2.0)")
    old.execute(
        "INSERT INTO messages (id, chat_id, role, content, created_at, finish_reason)"
        " VALUES ('done', 'c1', 'assistant', 'Finished talk of glaciers', 1.0, 'stop')"
    )
    old.execute(  # left streaming by a crash, and indexed by the version-5 triggers
        "INSERT INTO messages (id, chat_id, role, content, thinking, created_at, streaming)"
        " VALUES ('cut', 'c1', 'assistant', 'Unfinished talk of glaciers and fjords', '冰川在移动', 2.0, 1)"
    )
    found = old.execute("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'fjords'").fetchone()
    assert found[0] == 1
    old.close()
    with ChatStore(db_path) as s:
        assert schema_version(s.connection) == LATEST_VERSION == 6
        assert [h.message_id for h in search(s, "glaciers")] == ["done"]
        assert search(s, "冰川在", include_thinking=True) == []
        s.recover_interrupted()
        assert sorted(h.message_id for h in search(s, "glaciers")) == ["cut", "done"]
        assert [h.message_id for h in search(s, "冰川在", include_thinking=True)] == ["cut"]
        for index in ("messages_fts", "messages_cjk"):
            s.connection.execute(f"INSERT INTO {index}({index}) VALUES ('integrity-check')")
