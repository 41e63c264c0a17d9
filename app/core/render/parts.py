"""A finished message rendered in parts, so that a view can show it a part at a time.

:func:`~.markdown.render_markdown` gives one HTML string, and a view that takes a long
message that way does one long piece of work. :func:`render_parts` cuts the same HTML between
top-level blocks instead, as :mod:`.incremental` does while a message streams: the parts
joined are exactly the one-shot HTML, each part is whole blocks, and code blocks are numbered
across parts. It is plain, Qt-free work with no shared state, so it may run on a background
thread before the message is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from .highlight import CodeBlock
from .markdown import env_code_blocks, new_env, parser, render_tokens
from .settle import line_starts, top_blocks
from .theme import Theme, resolve_theme

PART_CHARS = 1500  # source characters after which a part ends at the next block


@dataclass(frozen=True)
class RenderedParts:
    """``text`` rendered with the theme named ``theme``, cut between blocks."""

    text: str
    theme: str
    parts: tuple[str, ...]  # HTML; joined, the whole message
    sizes: tuple[int, ...]  # source characters behind each part
    code_blocks: tuple[CodeBlock, ...]


def normalise(text: str) -> str:
    """Line ends and NULs as the streaming renderer sees them."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")


def render_parts(text: str, theme: Theme | str = "light", part_chars: int = PART_CHARS) -> RenderedParts:
    """Render ``text`` whole, in parts of at least ``part_chars`` source characters (the last
    may be shorter), each ending at a top-level block boundary."""
    resolved = resolve_theme(theme)
    src = normalise(text)
    tokens = parser().parse(src, {})
    starts = line_starts(src)
    cuts: list[tuple[int, int]] = [(0, 0)]  # (token index, source offset) where parts begin
    for i in top_blocks(tokens)[1:]:
        line = tokens[i].map[0]  # type: ignore[index]  # top blocks all have a map
        offset = starts[line] if line < len(starts) else len(src)
        if offset - cuts[-1][1] >= part_chars:
            cuts.append((i, offset))
    cuts.append((len(tokens), len(src)))
    parts: list[str] = []
    sizes: list[int] = []
    blocks: list[CodeBlock] = []
    for (first, begin), (stop, end) in pairwise(cuts):
        if first == stop:
            continue
        env = new_env(resolved, len(blocks))
        parts.append(render_tokens(tokens[first:stop], env, src[begin:end]))
        sizes.append(end - begin)
        blocks.extend(env_code_blocks(env))
    return RenderedParts(text, resolved.name, tuple(parts), tuple(sizes), tuple(blocks))
