"""markdown-it rules for TeX-style math: ``$..$``, ``$$..$$``, ``\\(..\\)``, ``\\[..\\]``.

Math is shown, never typeset or executed: the LaTeX is turned into readable Unicode text
(:mod:`.latex`) and set in a serif italic span on a tinted background. Searches are bounded
so hostile input (thousands of unmatched ``$``) stays linear.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from .latex import latex_to_unicode
from .sanitize import escape_html
from .theme import MATH_FONT, theme_from_env

_MAX_INLINE_SPAN = 4096  # longest inline formula we look for a closer over
_MAX_DOLLAR_CANDIDATES = 32  # closing-`$` candidates examined per opening `$`
_MAX_BLOCK_LINES = 64  # longest display block we look for a closer over
_BLOCK_DELIMS = {"$$": "$$", "\\[": "\\]"}


def _escaped(src: str, pos: int) -> bool:
    """True if the character at ``pos`` is preceded by an odd number of backslashes."""
    count = 0
    while pos > 0 and src[pos - 1] == "\\":
        count += 1
        pos -= 1
    return count % 2 == 1


def _closing_dollar(src: str, start: int, end: int) -> int:
    """Index of the ``$`` that closes single-dollar math opened before ``start``, or -1.

    Pandoc's rule: the closer follows a non-space character and is not followed by a digit
    (so "$5 and $10" stays text).
    """
    pos = start
    for _ in range(_MAX_DOLLAR_CANDIDATES):
        pos = src.find("$", pos, end)
        if pos < 0:
            return -1
        followed_by_digit = pos + 1 < end and src[pos + 1].isdigit()
        if src[pos - 1] not in " \t\n" and not _escaped(src, pos) and not followed_by_digit:
            return pos
        pos += 1
    return -1


def math_inline(state: StateInline, silent: bool) -> bool:
    src, pos, end = state.src, state.pos, state.posMax
    limit = min(end, pos + _MAX_INLINE_SPAN)
    if src[pos] == "$":
        if src.startswith("$$", pos):
            close = src.find("$$", pos + 2, limit)
            markup, width = "$$", 2
        else:
            if pos + 1 >= end or src[pos + 1] in " \t\n":
                return False
            close = _closing_dollar(src, pos + 1, limit)
            markup, width = "$", 1
    elif src.startswith("\\(", pos) or src.startswith("\\[", pos):
        markup, width = src[pos : pos + 2], 2
        close = src.find("\\)" if markup == "\\(" else "\\]", pos + 2, limit)
    else:
        return False
    if close < 0 or not src[pos + width : close].strip():
        return False
    if not silent:
        token = state.push("math_inline", "span", 0)
        token.content = src[pos + width : close]
        token.markup = markup
    state.pos = close + width
    return True


def math_block(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    if state.is_code_block(startLine):
        return False
    first = state.src[state.bMarks[startLine] + state.tShift[startLine] : state.eMarks[startLine]]
    opener = first[:2]
    closer = _BLOCK_DELIMS.get(opener)
    if closer is None:
        return False
    rest = first[2:].rstrip()
    parts: list[str] = []
    line = startLine
    if rest.endswith(closer):  # one-line block: $$ x $$
        parts.append(rest[: -len(closer)])
    else:
        parts.append(rest)
        while True:
            line += 1
            if line >= endLine or line - startLine > _MAX_BLOCK_LINES or state.isEmpty(line):
                return False  # unclosed: not a block (a blank line ends the attempt)
            if state.sCount[line] < state.blkIndent:
                return False
            text = state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]].rstrip()
            if text.endswith(closer):
                parts.append(text[: -len(closer)])
                break
            parts.append(text)
    content = "\n".join(p for p in parts if p.strip())
    if not content:
        return False
    if silent:
        return True
    state.line = line + 1
    token = state.push("math_block", "p", 0)
    token.content = content
    token.markup = opener
    token.map = [startLine, state.line]
    return True


def _span_style(env: MutableMapping[str, Any]) -> str:
    theme = theme_from_env(env)
    return (
        f"font-family:{MATH_FONT}; font-style:italic; color:{theme.math_fg}; background-color:{theme.math_bg}"
    )


def _math_html(latex: str, line_break: str) -> str:
    return line_break.join(escape_html(line) for line in latex_to_unicode(latex).split("\n"))


def render_math_inline(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
) -> str:
    body = _math_html(tokens[idx].content, " ")
    return f'<span style="{_span_style(env)}">&#8201;{body}&#8201;</span>'


def render_math_block(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
) -> str:
    body = _math_html(tokens[idx].content, "<br />")
    return (
        '<p align="center" style="margin-top:6px; margin-bottom:6px">'
        f'<span style="{_span_style(env)}">&#8201;{body}&#8201;</span></p>\n'
    )


def math_plugin(md: MarkdownIt) -> None:
    """Install the math parse and render rules on ``md``."""
    md.inline.add_terminator_char("$")
    md.inline.ruler.before("escape", "math_inline", math_inline)
    md.block.ruler.before(
        "fence", "math_block", math_block, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.add_render_rule("math_inline", render_math_inline)
    md.add_render_rule("math_block", render_math_block)
