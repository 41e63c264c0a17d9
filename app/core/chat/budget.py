"""Where to cut a reasoning that reached its token budget.

Qwen's method: stop the reasoning, append a fixed wrap-up sentence that closes the
think block, and let the model answer in the same context. The cut itself is
chosen here, for every cut (budget, context, Answer now): never inside a UTF-8
character; preferably right after punctuation that ends a sentence or, in
Chinese and Japanese text, a clause (。！？；：，、 count as much as ". "); else at a
word end; looking back a few tokens if that buys a cleaner cut. Only the bytes
near each candidate cut are looked at, so a long reasoning costs no more than a
short one.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

WRAP_UP = (
    "\n\nConsidering the limited time by the user, I have to give the solution based on "
    "the thinking directly now.\n</think>\n\n"
)

# Spaced scripts: these end a sentence when a space (or the end of what we know) follows.
_ASCII_SENTENCE_END = ".!?…:"
# Full-width punctuation needs no space after it: Chinese and Japanese text has none.
_WIDE_SENTENCE_END = "。！？｡．‼⁇⁈⁉"
_WIDE_CLAUSE_END = "，、；：､﹐﹑﹔﹕"
_WIDE_PUNCTUATION = _WIDE_SENTENCE_END + _WIDE_CLAUSE_END
_WIDE_CLOSERS = "”’」』）》】〕〉"
_CLOSERS = "\"')]}*_`" + _WIDE_CLOSERS
_WORD_JOINERS = "'’-"
# Bytes of text looked at before a candidate cut: the last few characters decide.
_TAIL_BYTES = 32

# The answer's share of the context while the model reasons (issue #10): the larger of this
# and 15% of the context, unless the user sets it.
ANSWER_RESERVE_MIN = 1024


def answer_reserve(n_ctx: int, room: int, requested: int | None = None) -> int:
    """Context tokens kept for the answer while the model reasons: ``requested``, or the larger
    of 1,024 and 15% of the context; never more than half of the ``room`` the prompt leaves, so
    the reasoning always gets the other half."""
    wanted = requested if requested is not None else max(ANSWER_RESERVE_MIN, n_ctx * 15 // 100)
    return max(0, min(wanted, room // 2))


class _Boundary(enum.IntEnum):
    """How good a cut is; the best one in the look-back window wins, the nearest among equals."""

    CHARACTER = 0  # between two characters
    WORD = 1  # after a word, or after punctuation whatever follows
    PUNCTUATION = 2  # after a sentence end, a line end, or a full-width clause end


def lookback_window(limit: int) -> int:
    """How many tokens a cut may give back for a cleaner boundary."""
    return min(48, max(4, limit // 4))


def _tail(pieces: Sequence[bytes], keep: int) -> bytes:
    """The last bytes of the first ``keep`` pieces (at least ``_TAIL_BYTES`` when there are)."""
    parts: list[bytes] = []
    size = 0
    i = keep
    while i > 0 and size < _TAIL_BYTES:
        i -= 1
        parts.append(pieces[i])
        size += len(pieces[i])
    return b"".join(reversed(parts))


def _ends_at_char(data: bytes) -> bool:
    """Whether ``data`` (the end of a prefix) ends between two UTF-8 characters."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return True  # ASCII, or continuation bytes without a lead: nothing left to complete
        if byte >= 0xC0:
            return back >= (2 if byte < 0xE0 else 3 if byte < 0xF0 else 4)
    return True


def _head(piece: bytes | None) -> str | None:
    """The first character of the next piece: None when there is none yet, "" when it is
    no whole character (the start of one split over tokens) or no text at all."""
    if piece is None:
        return None
    return piece.decode("utf-8", errors="ignore")[:1]


def _is_wide_letter(ch: str) -> bool:
    return ch.isalnum() and not ch.isascii()


def _boundary(text: str, head: str | None) -> _Boundary:
    """What a cut after ``text`` (the end of the kept reasoning) is, given what follows."""
    if text.endswith("\n"):
        return _Boundary.PUNCTUATION
    core = text.rstrip().rstrip(_CLOSERS)
    last = core[-1:]
    if last and last in _WIDE_PUNCTUATION:
        return _Boundary.PUNCTUATION
    spaced = text[-1:].isspace() or head is None or head.isspace()
    if last and last in _ASCII_SENTENCE_END and (spaced or _is_wide_letter(head or "")):
        # "3." in "3.14" is no sentence end; "好的." before Chinese text is.
        return _Boundary.PUNCTUATION
    end = text[-1:]
    if not end or end.isspace() or end in _WIDE_CLOSERS:
        return _Boundary.WORD
    if head is None:
        return _Boundary.WORD if not end.isalnum() else _Boundary.CHARACTER
    if head and (head.isspace() or (not head.isalnum() and head not in _WORD_JOINERS)):
        return _Boundary.WORD
    if not end.isalnum() and end not in _WORD_JOINERS and _is_wide_letter(head):
        return _Boundary.WORD  # "Python," before Chinese text
    return _Boundary.CHARACTER


def choose_cut(pieces: Sequence[bytes], limit: int) -> int:
    """Number of leading reasoning tokens to keep, at most ``limit``.

    ``pieces`` are the bytes of the reasoning tokens generated so far (at least
    ``limit`` of them when the budget is reached, fewer when the stream ended).
    """
    limit = min(limit, len(pieces))
    if limit <= 0:
        return 0
    lowest = max(0, limit - lookback_window(limit))
    best, best_rank = -1, -1
    for keep in range(limit, lowest - 1, -1):
        data = _tail(pieces, keep)
        if not _ends_at_char(data):
            continue
        if keep == 0:
            rank = _Boundary.CHARACTER
        else:
            text = data.decode("utf-8", errors="ignore")
            rank = _boundary(text, _head(pieces[keep]) if keep < len(pieces) else None)
        if rank > best_rank:
            best, best_rank = keep, rank
            if rank is _Boundary.PUNCTUATION:
                break
    if best >= 0:
        return best
    # Pathological: no complete character in the window; give back until there is one.
    for keep in range(lowest - 1, -1, -1):
        if _ends_at_char(_tail(pieces, keep)):
            return keep
    return 0
