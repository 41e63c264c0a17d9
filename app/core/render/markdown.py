"""Markdown (model output) -> HTML for Qt's rich-text engine.

markdown-it-py, CommonMark preset plus tables and strikethrough, ``html=False`` so raw HTML
in the text stays text. Links survive only for http/https/mailto; images are never loaded
(``![alt](url)`` becomes a "🖼 alt" link or label); math is shown as Unicode text; fenced
code is highlighted with a ``copy:N`` link. Link reference definitions (``[x]: url``) are
off: a definition late in a message would change blocks already shown while streaming.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .highlight import CodeBlock, language_of, render_code_block
from .math_rules import math_plugin
from .sanitize import escape_html, is_renderable_link, plain_text_html, verify_html
from .theme import MONOSPACE, THEME_ENV_KEY, Theme, resolve_theme, theme_from_env

IMAGE_PREFIX = "🖼 "
_BLOCKS_KEY = "ponder_code_blocks"
_BASE_KEY = "ponder_code_base"
_LEXED_KEY = "ponder_lexed_chars"

Env = MutableMapping[str, Any]


@dataclass(frozen=True)
class RenderResult:
    """HTML for a piece of Markdown and the code blocks in it (for the Copy links)."""

    html: str
    code_blocks: tuple[CodeBlock, ...]


class _Parser(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        # Accept every target at parse time so a rejected link shows its label, not its
        # source; _rewrite_links then drops every link that is not http(s)/mailto.
        return True


def _inline_text(tokens: Sequence[Token] | None) -> str:
    out: list[str] = []
    for tok in tokens or ():
        if tok.children:
            out.append(_inline_text(tok.children))
        elif tok.type in ("text", "text_special", "code_inline", "math_inline"):
            out.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out)


def _text_token(content: str) -> Token:
    tok = Token("text", "", 0)
    tok.content = content
    return tok


def _image_tokens(image: Token, inside_link: bool) -> list[Token]:
    """What replaces an image: a labelled link to it (http/https only) or a plain label."""
    src = image.attrGet("src")
    url = src if isinstance(src, str) else ""
    label = _text_token(IMAGE_PREFIX + (_inline_text(image.children).strip() or "image"))
    if inside_link or not url.lower().startswith(("http:", "https:")) or not is_renderable_link(url):
        return [label]
    opening = Token("link_open", "a", 1)
    opening.attrSet("href", url)
    return [opening, label, Token("link_close", "a", -1)]


def _rewrite_links(state: StateCore) -> None:
    """Core rule: drop unsafe links (keep their text) and replace images with labels."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        kept: list[bool] = []  # per open link: was it kept?
        for tok in block.children:
            if tok.type == "link_open":
                href = tok.attrGet("href")
                keep = isinstance(href, str) and is_renderable_link(href) and not any(kept)
                kept.append(keep)
                if keep:
                    children.append(tok)
            elif tok.type == "link_close":
                if kept.pop() if kept else False:
                    children.append(tok)
            elif tok.type == "image":
                children.extend(_image_tokens(tok, any(kept)))
            else:
                children.append(tok)
        block.children = children


# --- render rules (bound as methods of the markdown-it renderer) -------------------------


def _code(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Env) -> str:
    token = tokens[idx]
    blocks: list[CodeBlock] = env.setdefault(_BLOCKS_KEY, [])
    block = CodeBlock(env.get(_BASE_KEY, 0) + len(blocks), language_of(token.info), token.content)
    blocks.append(block)
    env[_LEXED_KEY] = env.get(_LEXED_KEY, 0) + len(block.code)
    return render_code_block(block, theme_from_env(env))


def _code_inline(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Env) -> str:
    t = theme_from_env(env)
    style = f"font-family:{MONOSPACE}; background-color:{t.inline_code_bg}"
    return f'<code style="{style}">{escape_html(tokens[idx].content)}</code>'


def _link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Env) -> str:
    href = tokens[idx].attrGet("href")
    return f'<a href="{escape_html(str(href))}">'


def _image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Env) -> str:
    return escape_html(IMAGE_PREFIX + _inline_text(tokens[idx].children))  # never an <img>


def _raw_html(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Env) -> str:
    return escape_html(tokens[idx].content)  # html=False already; never pass markup through


def _table_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Env) -> str:
    t = theme_from_env(env)
    return (
        f'<table border="1" cellspacing="0" cellpadding="5" style="border-collapse:collapse;'
        f' border-color:{t.table_border}; margin-top:6px; margin-bottom:6px">\n'
    )


def _cell_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Env) -> str:
    token = tokens[idx]
    style = str(token.attrGet("style") or "")
    align = style.removeprefix("text-align:") if style.startswith("text-align:") else ""
    attrs = f' align="{align}"' if align in ("left", "center", "right") else ""
    if token.tag == "th":
        attrs += f' bgcolor="{theme_from_env(env).table_header_bg}"'
    return f"<{token.tag}{attrs}>"


def _blockquote_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Env) -> str:
    return f'<blockquote style="color:{theme_from_env(env).quote_fg}">\n'


_RULES = {
    "fence": _code,
    "code_block": _code,
    "code_inline": _code_inline,
    "link_open": _link_open,
    "image": _image,
    "html_block": _raw_html,
    "html_inline": _raw_html,
    "table_open": _table_open,
    "th_open": _cell_open,
    "td_open": _cell_open,
    "blockquote_open": _blockquote_open,
}


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The shared, configured markdown-it instance."""
    md = _Parser("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable("reference")
    # No linkify: bare URLs stay text whatever is installed beside us (linkify-it-py arrives with
    # unrelated tools), so what a reply shows never depends on the machine.
    math_plugin(md)
    md.core.ruler.push("ponder_links", _rewrite_links)
    for name, rule in _RULES.items():
        md.add_render_rule(name, rule)
    return md


def new_env(theme: Theme, code_base: int = 0) -> Env:
    """A markdown-it env for one render: theme, code-block numbering from ``code_base``."""
    return {THEME_ENV_KEY: theme, _BASE_KEY: code_base, _BLOCKS_KEY: [], _LEXED_KEY: 0}


def env_code_blocks(env: Env) -> tuple[CodeBlock, ...]:
    return tuple(env.get(_BLOCKS_KEY, ()))


def env_lexed_chars(env: Env) -> int:
    return int(env.get(_LEXED_KEY, 0))


def render_tokens(tokens: Sequence[Token], env: Env, source: str) -> str:
    """Render parsed block tokens; falls back to escaped ``source`` if the check fails."""
    md = parser()
    html: str = md.renderer.render(tokens, md.options, env)
    if verify_html(html):
        return html
    env[_BLOCKS_KEY] = []
    return plain_text_html(source)


def render_markdown(text: str, theme: Theme | str = "light", *, code_base: int = 0) -> RenderResult:
    """Render a whole message at once. ``code_base`` numbers its code blocks from that index."""
    env = new_env(resolve_theme(theme), code_base)
    tokens = parser().parse(text, env)
    html = render_tokens(tokens, env, text)
    return RenderResult(html, env_code_blocks(env))
