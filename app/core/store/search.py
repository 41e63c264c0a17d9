"""Full-text search over every live chat (FTS5, ranked by bm25).

Two indexes, one query each. Text with spaces between words goes to ``messages_fts``
(``unicode61``): every word must match, the last one as a prefix while typing. A query in a
script written without spaces (Chinese, Japanese, Korean) goes to ``messages_cjk``
(``trigram``): every term must occur as a substring; a term shorter than three characters,
which a trigram index cannot hold, is matched by ``instr`` on the same rows.

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

SNIPPET_CHARS = 48  # a substring search's snippet, around its first match
TRIGRAM = 3  # the shortest term the trigram index finds

_TERM = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w")
# Scripts written without spaces between words: Han, kana, Hangul (whose words carry their
# particles attached), CJK compatibility and the rarer Han extensions.
_NO_SPACES = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)


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
    conn = store.connection if isinstance(store, ChatStore) else store
    if _NO_SPACES.search(text):
        return _search_substrings(conn, text, include_thinking, chat_id, limit, offset)
    query = fts_query(text, prefix=prefix)
    if not query:
        return []
    if not include_thinking:
        query = f"{{content}} : ({query})"
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


def _terms(text: str) -> list[str]:
    """What a user typed as terms: quoted phrases whole, the rest split at spaces."""
    found = []
    for match in _TERM.finditer(text):
        term = match.group(1) if match.group(1) is not None else match.group(2)
        if _WORD.search(term):
            found.append(term.strip())
    return found


def _search_substrings(
    conn: sqlite3.Connection,
    text: str,
    include_thinking: bool,
    chat_id: str | None,
    limit: int,
    offset: int,
) -> list[SearchHit]:
    """Messages where every term occurs (case-insensitively for Latin letters); ranked by
    bm25 on the trigram index when a term is long enough for it, else by how often the
    terms occur (an answer's occurrences count double those in the reasoning)."""
    terms = _terms(text)
    if not terms:
        return []
    long = [t for t in terms if len(t) >= TRIGRAM]
    short = [t.lower() for t in terms if len(t) < TRIGRAM]
    columns = ("content", "thinking") if include_thinking else ("content",)
    params: list[object] = []
    where = ["c.deleted_at IS NULL"]
    if long:
        query = " ".join('"' + t.replace('"', '""') + '"' for t in long)
        if not include_thinking:
            query = f"{{content}} : ({query})"
        source = "messages_cjk JOIN messages m ON m.seq = messages_cjk.rowid"
        rank = f"bm25(messages_cjk, 1.0, {THINKING_WEIGHT})"
        where.append("messages_cjk MATCH ?")
        params.append(query)
    else:
        source = "messages m"
        counts = []
        for term in short:
            for column, weight in zip(columns, (1.0, THINKING_WEIGHT), strict=False):
                removed = f"length(m.{column}) - length(replace(lower(m.{column}), ?, ''))"
                counts.append(f"{weight} * ({removed}) / {len(term)}")
                params.append(term)
        rank = "-(" + " + ".join(counts) + ")"
    for term in short:
        where.append("(" + " OR ".join(f"instr(lower(m.{column}), ?) > 0" for column in columns) + ")")
        params += [term] * len(columns)
    if chat_id is not None:
        where.append("m.chat_id = ?")
        params.append(chat_id)
    sql = (
        "SELECT m.id, m.chat_id, m.role, m.created_at, m.content, m.thinking, c.title,"
        f" {rank} AS rank FROM {source} JOIN chats c ON c.id = m.chat_id"
        f" WHERE {' AND '.join(where)} ORDER BY rank, m.created_at DESC LIMIT ? OFFSET ?"
    )
    params += [limit, offset]
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    hits = []
    for row in conn.execute(sql, params):
        in_thinking = include_thinking and not pattern.search(row["content"])
        hits.append(
            SearchHit(
                chat_id=row["chat_id"],
                chat_title=row["title"],
                message_id=row["id"],
                role=row["role"],
                created_at=row["created_at"],
                snippet=_snippet(row["thinking"] if in_thinking else row["content"], pattern),
                in_thinking=in_thinking,
                rank=row["rank"],
            )
        )
    return hits


def _snippet(text: str, pattern: re.Pattern[str]) -> str:
    """About :data:`SNIPPET_CHARS` characters around the first match, every match marked."""
    text = re.sub(r"\s+", " ", text).strip()
    first = pattern.search(text)
    start = max(0, first.start() - SNIPPET_CHARS // 3) if first else 0
    end = min(len(text), start + SNIPPET_CHARS)
    for match in pattern.finditer(text, start):
        if match.start() >= end:
            break
        end = max(end, match.end())  # a match is never cut
    marked = pattern.sub(lambda m: f"{HIGHLIGHT_START}{m.group(0)}{HIGHLIGHT_END}", text[start:end])
    return (ELLIPSIS if start else "") + marked + (ELLIPSIS if end < len(text) else "")


def snippet_html(snippet: str, tag: str = "b") -> str:
    """Escape a snippet for a rich-text view and turn the match marks into ``<tag>``."""
    escaped = html.escape(snippet, quote=False)
    return escaped.replace(HIGHLIGHT_START, f"<{tag}>").replace(HIGHLIGHT_END, f"</{tag}>")


def plain_snippet(snippet: str) -> str:
    """The snippet without match marks."""
    return snippet.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")
