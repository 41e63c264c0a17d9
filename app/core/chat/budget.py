"""Where to cut a reasoning that reached its token budget.

Qwen's method: stop the reasoning, append a fixed wrap-up sentence that closes the
think block, and let the model answer in the same context. The cut itself is
chosen here: never inside a UTF-8 character, preferably at a sentence or line
end, else at a word end, looking back a few tokens if that buys a cleaner cut.
"""

from __future__ import annotations

WRAP_UP = (
    "\n\nConsidering the limited time by the user, I have to give the solution based on "
    "the thinking directly now.\n</think>\n\n"
)

_SENTENCE_END = (".", "!", "?", "…", "。", "！", "？", ":")
_CLOSERS = "\"')]}*_`"


def _complete_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _starts_with_space(piece: bytes | None) -> bool:
    return piece is not None and piece[:1].isspace()


def _ends_sentence(text: str, next_piece: bytes | None) -> bool:
    if text.endswith("\n"):
        return True
    core = text.rstrip().rstrip(_CLOSERS)
    if not core.endswith(_SENTENCE_END):
        return False
    # "3." in "3.14" is no sentence end: a space (or the end of what we know) must follow.
    return text[-1:].isspace() or next_piece is None or _starts_with_space(next_piece)


def _ends_word(text: str, next_piece: bytes | None) -> bool:
    if not text or text[-1].isspace():
        return True
    if next_piece is None:
        return not text[-1].isalnum()
    head = next_piece.decode("utf-8", errors="ignore")[:1]
    return head.isspace() or (head != "" and not head.isalnum() and head not in "'’-")


def lookback_window(limit: int) -> int:
    """How many tokens a cut may give back for a cleaner boundary."""
    return min(48, max(4, limit // 4))


def choose_cut(pieces: list[bytes], limit: int) -> int:
    """Number of leading reasoning tokens to keep, at most ``limit``.

    ``pieces`` are the bytes of the reasoning tokens generated so far (at least
    ``limit`` of them when the budget is reached, fewer when the stream ended).
    """
    limit = min(limit, len(pieces))
    if limit <= 0:
        return 0
    prefix = [b""]
    for piece in pieces[:limit]:
        prefix.append(prefix[-1] + piece)
    lowest = max(0, limit - lookback_window(limit))
    word_cut = -1
    utf8_cut = -1
    for keep in range(limit, lowest - 1, -1):
        data = prefix[keep]
        if not _complete_utf8(data):
            continue
        text = data.decode("utf-8")
        next_piece = pieces[keep] if keep < len(pieces) else None
        if keep > 0 and _ends_sentence(text, next_piece):
            return keep
        if word_cut < 0 and _ends_word(text, next_piece):
            word_cut = keep
        if utf8_cut < 0:
            utf8_cut = keep
    if word_cut >= 0:
        return word_cut
    if utf8_cut >= 0:
        return utf8_cut
    # Pathological: no complete character in the window; give back until there is one.
    for keep in range(lowest - 1, -1, -1):
        if _complete_utf8(prefix[keep]):
            return keep
    return 0
