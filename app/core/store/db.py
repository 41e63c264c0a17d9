"""Opening the SQLite file and migrating its schema.

Threading: a ``sqlite3.Connection`` is used only by the thread that opened it (Python's
``check_same_thread`` stays on). Each thread that needs the database opens its own
connection with :func:`connect`; in the app, one :class:`~app.core.store.writer.StoreWorker`
thread owns the connection that writes, and the GUI thread may keep a second, read-only-by-
habit connection for quick page loads. WAL mode lets readers and the one writer run at the
same time without blocking each other.

Durability: WAL with ``synchronous=NORMAL`` keeps every committed transaction across a crash
of the process; a power cut may lose the last few commits but never corrupts the file.

The schema version lives in ``PRAGMA user_version``. :data:`MIGRATIONS` is an ordered list;
migration *n* (1-based) takes a database from version *n-1* to *n*, inside one transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000

# Migration 1: chats and messages.
_V1: tuple[str, ...] = (
    """
    CREATE TABLE chats (
        id            TEXT PRIMARY KEY,
        title         TEXT NOT NULL DEFAULT '',
        created_at    REAL NOT NULL,
        updated_at    REAL NOT NULL,
        pinned        INTEGER NOT NULL DEFAULT 0,
        model         TEXT,
        think_mode    INTEGER NOT NULL DEFAULT 1,
        budget        INTEGER,
        system_prompt TEXT NOT NULL DEFAULT '',
        deleted_at    REAL
    )
    """,
    # Listing: pinned first, then last activity; only live chats.
    """
    CREATE INDEX chats_listing ON chats (pinned DESC, updated_at DESC)
    WHERE deleted_at IS NULL
    """,
    "CREATE INDEX chats_deleted ON chats (deleted_at) WHERE deleted_at IS NOT NULL",
    """
    CREATE TABLE messages (
        seq           INTEGER PRIMARY KEY,
        id            TEXT NOT NULL UNIQUE,
        chat_id       TEXT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
        role          TEXT NOT NULL,
        content       TEXT NOT NULL DEFAULT '',
        thinking      TEXT NOT NULL DEFAULT '',
        created_at    REAL NOT NULL,
        think_mode    INTEGER,
        budget        INTEGER,
        budget_hit    INTEGER NOT NULL DEFAULT 0,
        finish_reason TEXT,
        model         TEXT,
        sampling      TEXT,
        stats         TEXT,
        streaming     INTEGER NOT NULL DEFAULT 0
    )
    """,
    # Paging a chat newest-first.
    "CREATE INDEX messages_chat ON messages (chat_id, seq)",
    "CREATE INDEX messages_streaming ON messages (streaming) WHERE streaming = 1",
)

# Migration 2: full-text index over answers/user text and thinking, kept in sync by triggers.
_V2: tuple[str, ...] = (
    """
    CREATE VIRTUAL TABLE messages_fts USING fts5 (
        content, thinking,
        content = 'messages', content_rowid = 'seq',
        tokenize = 'unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, content, thinking)
        VALUES (new.seq, new.content, new.thinking);
    END
    """,
    """
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content, thinking)
        VALUES ('delete', old.seq, old.content, old.thinking);
    END
    """,
    """
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, thinking ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content, thinking)
        VALUES ('delete', old.seq, old.content, old.thinking);
        INSERT INTO messages_fts (rowid, content, thinking)
        VALUES (new.seq, new.content, new.thinking);
    END
    """,
    # Index whatever a version-1 database already holds.
    "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')",
)

# Migration 3: reply versions. Every version of one assistant turn shares a ``reply_group``
# (NULL: a message that is its own turn); ``shown`` marks the version the chat shows and
# sends. The versions of a turn are contiguous in ``seq`` order among the chat's turns,
# because a new version is only ever added to the chat's last turn.
_V3: tuple[str, ...] = (
    "ALTER TABLE messages ADD COLUMN reply_group TEXT",
    "ALTER TABLE messages ADD COLUMN shown INTEGER NOT NULL DEFAULT 1",
    "CREATE INDEX messages_group ON messages (chat_id, reply_group) WHERE reply_group IS NOT NULL",
)

# Migration 4: why a reply's reasoning ended ("budget", "context", "user"; NULL: by itself).
_V4: tuple[str, ...] = ("ALTER TABLE messages ADD COLUMN cut_reason TEXT",)

# Migration 5: a second full-text index for text written without spaces (Chinese, Japanese,
# Korean). ``unicode61`` makes a run of such characters one token, so no word inside it is
# found; ``trigram`` indexes every three characters, so any substring of three or more is
# (app.core.store.search decides which index a query goes to).
_V5: tuple[str, ...] = (
    """
    CREATE VIRTUAL TABLE messages_cjk USING fts5 (
        content, thinking,
        content = 'messages', content_rowid = 'seq',
        tokenize = 'trigram'
    )
    """,
    """
    CREATE TRIGGER messages_cjk_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_cjk (rowid, content, thinking)
        VALUES (new.seq, new.content, new.thinking);
    END
    """,
    """
    CREATE TRIGGER messages_cjk_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_cjk (messages_cjk, rowid, content, thinking)
        VALUES ('delete', old.seq, old.content, old.thinking);
    END
    """,
    """
    CREATE TRIGGER messages_cjk_update AFTER UPDATE OF content, thinking ON messages BEGIN
        INSERT INTO messages_cjk (messages_cjk, rowid, content, thinking)
        VALUES ('delete', old.seq, old.content, old.thinking);
        INSERT INTO messages_cjk (rowid, content, thinking)
        VALUES (new.seq, new.content, new.thinking);
    END
    """,
    "INSERT INTO messages_cjk (messages_cjk) VALUES ('rebuild')",
)


def _index_finished_only(index: str) -> tuple[str, ...]:
    """Migration 6 for one full-text index: a streaming reply is indexed once it ends.

    The old triggers re-indexed the whole reply on each streamed write (every half second):
    the old text's tokens out, the new text's in, in both indexes. That cost grew with the
    reply, to 18 ms of CPU per write at 200,000 characters, taken from the cores the engine
    and the window share while they are busiest. A write to a streaming reply now costs the
    index nothing; the text is indexed when the reply ends (``streaming`` back to 0), and
    taken out when a finished reply streams again."""
    return (
        f"DROP TRIGGER {index}_insert",
        f"DROP TRIGGER {index}_delete",
        f"DROP TRIGGER {index}_update",
        # Streaming rows leave the index while its entries still match their text.
        f"""
        INSERT INTO {index} ({index}, rowid, content, thinking)
        SELECT 'delete', seq, content, thinking FROM messages WHERE streaming = 1
        """,
        f"""
        CREATE TRIGGER {index}_insert AFTER INSERT ON messages WHEN new.streaming = 0 BEGIN
            INSERT INTO {index} (rowid, content, thinking) VALUES (new.seq, new.content, new.thinking);
        END
        """,
        f"""
        CREATE TRIGGER {index}_delete AFTER DELETE ON messages WHEN old.streaming = 0 BEGIN
            INSERT INTO {index} ({index}, rowid, content, thinking)
            VALUES ('delete', old.seq, old.content, old.thinking);
        END
        """,
        # One trigger, so that the old text always leaves before the new one comes in.
        f"""
        CREATE TRIGGER {index}_update AFTER UPDATE OF content, thinking, streaming ON messages BEGIN
            INSERT INTO {index} ({index}, rowid, content, thinking)
            SELECT 'delete', old.seq, old.content, old.thinking WHERE old.streaming = 0;
            INSERT INTO {index} (rowid, content, thinking)
            SELECT new.seq, new.content, new.thinking WHERE new.streaming = 0;
        END
        """,
    )


_V6: tuple[str, ...] = _index_finished_only("messages_fts") + _index_finished_only("messages_cjk")

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4, _V5, _V6)
LATEST_VERSION = len(MIGRATIONS)


class SchemaTooNewError(RuntimeError):
    """The file was written by a newer Ponder; we refuse to touch it."""


def connect(path: str | Path, *, migrate_to: int | None = LATEST_VERSION) -> sqlite3.Connection:
    """Open (creating if needed) the database at ``path``, configured and migrated.

    The connection is in autocommit mode (``isolation_level=None``); callers group writes
    with :func:`transaction`-style ``BEGIN``/``COMMIT`` themselves. ``migrate_to=None``
    leaves the schema alone (for tests that build old versions).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"could not switch {path} to WAL mode (got {mode})")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        if migrate_to is not None:
            migrate(conn, migrate_to)
    except BaseException:
        conn.close()
        raise
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection,
    target: int = LATEST_VERSION,
    migrations: Sequence[Sequence[str]] = MIGRATIONS,
) -> int:
    """Apply the migrations that take the database up to ``target``; return the new version.

    Each step runs in its own ``BEGIN IMMEDIATE`` transaction and re-reads the version inside
    it, so two connections opening the same file at once do not both migrate.
    """
    if target > len(migrations):
        raise ValueError(f"no migration to version {target}")
    current = schema_version(conn)
    if current > len(migrations):
        raise SchemaTooNewError(
            f"database schema version {current} is newer than this app supports ({len(migrations)})"
        )
    while current < target:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = schema_version(conn)
            if current >= target:
                conn.execute("COMMIT")
                break
            for statement in migrations[current]:
                conn.execute(statement)
            current += 1
            conn.execute(f"PRAGMA user_version = {current}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return current
