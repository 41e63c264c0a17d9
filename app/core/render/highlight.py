"""Syntax highlighting of code blocks (Pygments) into inline-styled HTML for Qt.

Each block becomes a one-column-wide table (Qt draws cell backgrounds reliably, unlike
``<pre>`` backgrounds): a header row with the language and a ``copy:N`` "Copy" link, and a
body row with a ``<pre>`` of ``<span style="color:..">`` runs. :class:`ChunkedHighlighter`
highlights a code block that is still streaming, lexing each finished chunk only once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pygments.lexer import Lexer
from pygments.lexers import get_all_lexers, get_lexer_by_name
from pygments.styles import get_style_by_name
from pygments.token import Error, Token, _TokenType
from pygments.util import ClassNotFound

from .sanitize import escape_html, verify_html
from .theme import MONOSPACE, Theme

#: Code longer than this is shown without colours (Pygments time grows with size).
MAX_HIGHLIGHT_CHARS = 200_000
#: A streaming chunk ends after a blank line or after this many lines.
CHUNK_MAX_LINES = 40

_LANG_CLEAN = re.compile(r"[^A-Za-z0-9_+#.\-]")


@dataclass(frozen=True)
class CodeBlock:
    """A code block of one message: its index (the N of ``copy:N``), language and raw code."""

    index: int
    language: str
    code: str


def language_of(info: str) -> str:
    """The language named by a fence info string (``"python title=x"`` -> ``"python"``)."""
    word = info.strip().split(maxsplit=1)[0] if info.strip() else ""
    return _LANG_CLEAN.sub("", word.strip("{}").lstrip("."))[:32].lower()


@lru_cache(maxsize=1)
def _known_aliases() -> frozenset[str]:
    """Every lexer alias, collected once: looking up an unknown name in Pygments scans all
    lexers and plugins each time (~20 ms), and a streaming fence shows many partial names."""
    return frozenset(alias.lower() for _, aliases, _, _ in get_all_lexers() for alias in aliases)


@lru_cache(maxsize=64)
def _lexer(language: str) -> Lexer | None:
    if not language or language not in _known_aliases():
        return None
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


@lru_cache(maxsize=8)
def _style_css(style_name: str) -> dict[_TokenType, str]:
    """Inline CSS for every token type of a Pygments style ('' = default text colour)."""
    style = get_style_by_name(style_name)
    base = style.style_for_token(Token.Text).get("color")
    table: dict[_TokenType, str] = {}
    for ttype, info in style:
        rules = []
        if info["color"] and info["color"] != base:
            rules.append(f"color:#{info['color']}")
        if info["bold"]:
            rules.append("font-weight:bold")
        if info["italic"]:
            rules.append("font-style:italic")
        if info["underline"]:
            rules.append("text-decoration:underline")
        table[ttype] = "; ".join(rules)
    table[Error] = ""  # half-streamed code lexes as errors: don't paint it red
    return table


def highlight_spans(code: str, language: str, theme: Theme) -> str:
    """``code`` as escaped HTML with ``<span style>`` runs for the language's tokens."""
    lexer = _lexer(language)
    if lexer is None or len(code) > MAX_HIGHLIGHT_CHARS:
        return escape_html(code)
    css = _style_css(theme.pygments_style)
    out: list[str] = []
    run: list[str] = []
    run_css = ""

    def flush() -> None:
        if run:
            text = escape_html("".join(run))
            out.append(f'<span style="{run_css}">{text}</span>' if run_css else text)
            run.clear()

    for ttype, value in lexer.get_tokens(code):
        style = css.get(ttype)
        while style is None:  # unknown subtype: inherit from the parent type
            ttype = ttype.parent
            style = css.get(ttype)
        if style != run_css and not value.isspace():  # whitespace joins any run
            flush()
            run_css = style
        run.append(value)
    flush()
    return "".join(out)


def display_code(code: str) -> str:
    """The code as shown: one trailing newline dropped (Qt would draw an empty last line)."""
    return code[:-1] if code.endswith("\n") else code


def code_block_html(block: CodeBlock, body_html: str, theme: Theme) -> str:
    """The table that frames one highlighted code block, with its header and Copy link."""
    t = theme
    label = escape_html(block.language or "text")
    small = f"font-family:{MONOSPACE}; font-size:small"
    return (
        f'<table width="100%" border="0" cellspacing="0" cellpadding="6" bgcolor="{t.code_bg}"'
        ' style="margin-top:6px; margin-bottom:6px">'
        f'<tr><td bgcolor="{t.code_header_bg}"><span style="{small}; color:{t.code_header_fg}">'
        f"{label}</span></td>"
        f'<td bgcolor="{t.code_header_bg}" align="right"><a href="copy:{block.index}"'
        f' style="{small}; color:{t.link}; text-decoration:none">Copy</a></td></tr>'
        f'<tr><td colspan="2"><pre style="font-family:{MONOSPACE}; color:{t.code_fg};'
        f' margin-top:0px; margin-bottom:0px">{body_html}</pre></td></tr></table>\n'
    )


def render_code_block(block: CodeBlock, theme: Theme) -> str:
    """Highlight and frame a complete code block."""
    return code_block_html(block, highlight_spans(display_code(block.code), block.language, theme), theme)


class ChunkedHighlighter:
    """Highlights a code text that only grows, lexing each finished chunk once.

    A chunk ends after a blank line or after :data:`CHUNK_MAX_LINES` lines, so the cost of
    :meth:`feed` is bounded by the chunk size, not the block size. Lexing chunks apart can
    colour a construct that spans a chunk boundary (a long string with blank lines) wrongly
    while streaming; the settled block is highlighted in one piece.
    """

    def __init__(self, language: str, theme: Theme) -> None:
        self.language = language
        self.theme = theme
        self._done = 0
        self._prefix_html = ""
        self.last_lexed_chars = 0

    def _chunk_end(self, code: str, pos: int) -> int:
        """Offset just after the finished chunk starting at ``pos``, or -1 if unfinished."""
        for _ in range(CHUNK_MAX_LINES):
            nl = code.find("\n", pos)
            if nl < 0:
                return -1
            blank = code[pos:nl].isspace() or nl == pos
            pos = nl + 1
            if blank:
                return pos
        return pos

    def _checked(self, code: str) -> str:
        """Highlight one piece and run the whitelist check on it (once per piece)."""
        html = highlight_spans(code, self.language, self.theme)
        return html if verify_html(html) else escape_html(code)

    def feed(self, code: str) -> str:
        """Highlighted HTML for ``code``, which must extend the code of the previous call."""
        lexed = 0
        pos = self._done
        while (end := self._chunk_end(code, pos)) >= 0:
            self._prefix_html += self._checked(code[pos:end])
            lexed += end - pos
            pos = end
        self._done = pos
        rest = code[pos:]
        self.last_lexed_chars = lexed + len(rest)
        return self._prefix_html + self._checked(rest)
