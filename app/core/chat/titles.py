"""Chat titles: the one rule that names a chat after its first message."""

from __future__ import annotations

import re
import unicodedata

DEFAULT_TITLE = "New chat"  # what an untitled chat is called until its first message names it
TITLE_LIMIT = 60  # columns: a Chinese, Japanese or Korean character takes two
ELLIPSIS = "…"
# Where a clause ends: a title cut there reads whole. Latin marks count before a space only
# (not inside "3.5" or "e.g").
_CLAUSE_END = re.compile(r"[。！？；：，、）」』》](?=.)|[.!?;:,)](?= )")
_TRAILING = " .,;:-–—，。、；："


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospaced or CJK-aware layout: wide characters two,
    combining marks none."""
    return sum(_width(ch) for ch in text)


def _width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def title_from_text(text: str, limit: int = TITLE_LIMIT) -> str:
    """A chat title from a message: its first non-blank line, at most ``limit`` columns wide
    (see :func:`display_width`).

    A longer line is cut and gets an ellipsis (which counts toward the limit): after a
    punctuation mark that ends a clause when one falls in the last third of the room, else at
    the last word boundary, else (text without spaces, or one long word) at the last
    character that fits — never inside a character and its combining marks.
    """
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    line = re.sub(r"\s+", " ", line).strip()
    if display_width(line) <= limit:
        return line
    room = limit - display_width(ELLIPSIS)
    end = used = 0
    while end < len(line) and used + _width(line[end]) <= room:
        used += _width(line[end])
        end += 1
    while 0 < end < len(line) and unicodedata.combining(line[end]):
        end -= 1  # a mark belongs to the character before it
    head = line[:end]
    near = [m.end() for m in _CLAUSE_END.finditer(line[: end + 1]) if m.end() <= end]
    near = [i for i in near if display_width(head[:i]) >= room - room // 3]
    space = line[: end + 1].rfind(" ")
    if near:
        head = head[: near[-1]]
    elif space > 0:
        head = head[:space]
    return head.rstrip(_TRAILING) + ELLIPSIS
