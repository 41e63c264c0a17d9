"""Full-text search over every live chat (FTS5, ranked by bm25).

Snippets mark matches with :data:`HIGHLIGHT_START` / :data:`HIGHLIGHT_END` (control
characters that never occur in normal text); :func:`snippet_html` escapes the snippet and
turns the marks into ``<b>`` tags, so model output never reaches a rich-text view as HTML.
"""

from __future__ import annotations

import html
import re
import sqlite3
from dataclasses import dataclass

from app.core.store.chats import ChatStore

HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"
ELLIPSIS = "…"
SNIPPET_TOKENS = 16
THINKING_WEIGHT = 0.5  # a match in the answer ranks above the same match in the thinking

_TERM = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class SearchHit:
    chat_id: str
    chat_title: str
    message_id: str
    role: str
    created_at: float
    snippet: str  # plain text with HIGHLIGHT_START/END around each match
    in_thinking: bool  # True when the snippet comes from the reasoning
    rank: float  # bm25: lower is better


def fts_query(text: str, *, prefix: bool = True) -> str:
    """Turn what a user typed into a safe FTS5 query: every word must match.

    ``"quoted words"`` stay a phrase; FTS5 operators and punctuation lose their meaning.
    With ``prefix`` the last bare word also matches longer words (search as you type).
    Returns "" when nothing searchable is left.
    """
    parts: list[str] = []
    last_bare = False
    for match in _TERM.finditer(text):
        phrase, word = match.group(1), match.group(2)
        term = phrase if phrase is not None else word
        if not _WORD.search(term):
            continue
        parts.append('"' + term.replace('"', '""') + '"')
        last_bare = phrase is None
    if parts and prefix and last_bare:
        parts[-1] += "*"
    return " ".join(parts)


def search(
    store: ChatStore | sqlite3.Connection,
    text: str,
    *,
    include_thinking: bool = False,
    chat_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
    prefix: bool = True,
) -> list[SearchHit]:
    """Messages matching ``text`` in live chats, best first.

    Searches user messages and answers; with ``include_thinking`` the reasoning too.
    ``chat_id`` limits the search to one chat.
    """
    query = fts_query(text, prefix=prefix)
    if not query:
        return []
    if not include_thinking:
        query = f"{{content}} : ({query})"
    conn = store.connection if isinstance(store, ChatStore) else store
    marks = (HIGHLIGHT_START, HIGHLIGHT_END, ELLIPSIS, SNIPPET_TOKENS)
    sql = (
        "SELECT m.id, m.chat_id, m.role, m.created_at, c.title,"
        " snippet(messages_fts, 0, ?, ?, ?, ?) AS s_content,"
        " snippet(messages_fts, 1, ?, ?, ?, ?) AS s_thinking,"
        f" bm25(messages_fts, 1.0, {THINKING_WEIGHT}) AS rank"
        " FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid"
        " JOIN chats c ON c.id = m.chat_id"
        " WHERE messages_fts MATCH ? AND c.deleted_at IS NULL"
    )
    params: list[object] = [*marks, *marks, query]
    if chat_id is not None:
        sql += " AND m.chat_id = ?"
        params.append(chat_id)
    sql += " ORDER BY rank LIMIT ? OFFSET ?"
    params += [limit, offset]
    hits = []
    for row in conn.execute(sql, params):
        in_thinking = HIGHLIGHT_START not in row["s_content"] and include_thinking
        hits.append(
            SearchHit(
                chat_id=row["chat_id"],
                chat_title=row["title"],
                message_id=row["id"],
                role=row["role"],
                created_at=row["created_at"],
                snippet=row["s_thinking"] if in_thinking else row["s_content"],
                in_thinking=in_thinking,
                rank=row["rank"],
            )
        )
    return hits


def snippet_html(snippet: str, tag: str = "b") -> str:
    """Escape a snippet for a rich-text view and turn the match marks into ``<tag>``."""
    escaped = html.escape(snippet, quote=False)
    return escaped.replace(HIGHLIGHT_START, f"<{tag}>").replace(HIGHLIGHT_END, f"</{tag}>")


def plain_snippet(snippet: str) -> str:
    """The snippet without match marks."""
    return snippet.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")
