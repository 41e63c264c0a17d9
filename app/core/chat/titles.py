"""Chat titles: the one rule that names a chat after its first message."""

from __future__ import annotations

import re

DEFAULT_TITLE = "New chat"  # what an untitled chat is called until its first message names it
TITLE_LIMIT = 60
ELLIPSIS = "…"


def title_from_text(text: str, limit: int = TITLE_LIMIT) -> str:
    """A chat title from a message: its first non-blank line, at most ``limit`` characters.

    A longer line is cut at the last word boundary that fits and gets an ellipsis (the
    ellipsis counts toward the limit). A single word longer than the limit is cut hard.
    """
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    line = re.sub(r"\s+", " ", line).strip()
    if len(line) <= limit:
        return line
    room = limit - len(ELLIPSIS)
    cut = line[: room + 1]  # one extra char tells whether the cut falls on a boundary
    space = cut.rfind(" ")
    head = cut[:space] if space > 0 else line[:room]
    return head.rstrip(" .,;:-–—") + ELLIPSIS
