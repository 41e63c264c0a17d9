"""Where a streaming Markdown source can be cut: blocks before the cut can no longer change.

A top-level block is settled when the next top-level block has started on a complete line
and nothing appended can merge the two: a blank line separates them, or the earlier block
is closed by its own syntax (a closed fence, ``$$`` math, an ATX heading, a rule), or the
next block is a fence / closed math block that interrupts it. A closed fence, math block,
ATX heading or rule at the very end settles as soon as its last line is complete.

Two things could still reach back across such a cut, and both are handled: link reference
definitions (disabled in the parser) and display math, whose closer may arrive later and
swallow lines up to the previous blank line (:func:`_math_exposed`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token


def line_starts(src: str) -> list[int]:
    """Offsets at which lines start; the last entry starts the (possibly empty) open line."""
    return [0, *(m.end() for m in re.finditer("\n", src))]


def _is_blank(src: str, starts: list[int], line: int) -> bool:
    return line >= 0 and not src[starts[line] : starts[line + 1]].strip(" \t\n")


def top_blocks(tokens: Sequence[Token]) -> list[int]:
    return [i for i, t in enumerate(tokens) if t.level == 0 and t.nesting >= 0 and t.map is not None]


def _closes_itself(tok: Token) -> bool:
    """Blocks whose end is fixed by their own syntax, whatever follows them."""
    if tok.type == "heading_open":
        return tok.markup.startswith("#")  # ATX; a setext heading ends like a paragraph
    return tok.type in ("fence", "math_block", "hr")


_CLOSING_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*\n?")


def _fence_closed(tok: Token, src: str, starts: list[int]) -> bool:
    """True if a fence token ends with a closing line (markdown-it's rule, conservatively)."""
    assert tok.map is not None
    first, end = tok.map
    if end - 1 <= first:
        return False
    match = _CLOSING_FENCE.fullmatch(src, starts[end - 1], starts[end])
    return bool(match and match.group(1)[0] == tok.markup[0] and len(match.group(1)) >= len(tok.markup))


def _math_exposed(tokens: Sequence[Token], tops: list[int], src: str, starts: list[int]) -> list[bool]:
    """Per line L: could a later ``$$`` / ``\\]`` turn lines before L into display math?

    A display-math opener (``$$``, ``\\[``) whose closer has not arrived yet is read as text,
    but a closer arriving later swallows every line up to it unless a blank line intervenes
    (the math rule gives up at a blank line). Lines inside top-level fences and closed math
    blocks are not openers.
    """
    covered = [False] * len(starts)
    for i in tops:
        tok = tokens[i]
        if tok.type in ("fence", "math_block", "code_block") and tok.map is not None:
            covered[tok.map[0] : tok.map[1]] = [True] * (tok.map[1] - tok.map[0])
    exposed, risky = [False] * len(starts), False
    for line in range(len(starts)):
        exposed[line] = risky
        text = src[starts[line] : starts[line + 1]] if line + 1 < len(starts) else src[starts[line] :]
        if not text.strip(" \t\n"):
            risky = False
        elif not covered[line] and ("$$" in text or "\\[" in text):
            risky = True
    return exposed


def settle_point(tokens: Sequence[Token], src: str, starts: list[int]) -> tuple[int, int] | None:
    """(token index, line) of the last position that can no longer change, or None."""
    complete = len(starts) - 1  # lines [0, complete) end with a newline
    tops = top_blocks(tokens)
    exposed = _math_exposed(tokens, tops, src, starts) if ("$$" in src or "\\[" in src) else None
    best: tuple[int, int] | None = None
    for j, i in enumerate(tops):
        tok = tokens[i]
        assert tok.map is not None
        if j + 1 < len(tops):
            nxt = tokens[tops[j + 1]]
            assert nxt.map is not None
            line = nxt.map[0]
            if line >= complete:
                break
            safe = (
                _is_blank(src, starts, line - 1)
                or _closes_itself(tok)
                or nxt.type == "fence"
                or (nxt.type == "math_block" and nxt.map[1] <= complete)
            )
        else:
            line = tok.map[1]
            safe = (
                line <= complete
                and _closes_itself(tok)
                and (tok.type != "fence" or _fence_closed(tok, src, starts))
            )
        if safe and not (exposed and exposed[line]):
            best = (tops[j + 1] if j + 1 < len(tops) else len(tokens), line)
    return best
