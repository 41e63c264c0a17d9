"""Incremental rendering of a message that grows token by token.

The source is split into *settled* blocks, whose HTML can no longer change whatever text
follows, and a live *tail*. Settled HTML is rendered once and handed out once; each
:meth:`StreamingRenderer.update` re-parses and re-renders only the tail, so the work per
update is bounded by the size of the block being written, not by the message length.

Where the source can be cut is decided in :mod:`.settle`. The view appends each settled
piece once and replaces only the tail, so its own work per repaint is bounded the same way.

While a fenced code block is open at the start of the tail, updates skip markdown-it and
highlight only the newest chunk of code (:class:`~.highlight.ChunkedHighlighter`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from .highlight import ChunkedHighlighter, CodeBlock, code_block_html, display_code, language_of
from .markdown import env_code_blocks, env_lexed_chars, new_env, parser, render_tokens
from .parts import RenderedParts
from .settle import line_starts, settle_point, top_blocks
from .theme import Theme, resolve_theme


@dataclass(frozen=True)
class RenderUpdate:
    """What the view must change after one update.

    Append ``settled_html`` after the settled HTML shown so far, then replace the previous
    tail with ``tail_html``. When ``reset`` is true, first discard everything shown for this
    message (the text did not extend the previous text).
    """

    settled_html: str
    tail_html: str
    reset: bool = False


class _OpenFence:
    """A fenced code block that is still open at the start of the tail (the fast path)."""

    def __init__(self, marker: str, body_start: int, block: CodeBlock, theme: Theme) -> None:
        self.closer = re.compile(r"^[ \t]*" + re.escape(marker), re.MULTILINE)
        self.body_start = body_start
        self.scan_pos = body_start
        self.block = block
        self.theme = theme
        self.highlighter = ChunkedHighlighter(block.language, theme)

    @classmethod
    def detect(
        cls, tokens: Sequence[Token], src: str, starts: list[int], line0: int, index: int, theme: Theme
    ) -> _OpenFence | None:
        tops = top_blocks(tokens)
        if len(tops) != 1:
            return None
        tok = tokens[tops[0]]  # the only block: any lines before it are blank
        if tok.type != "fence" or tok.map is None:
            return None
        opener = tok.map[0] - line0
        if opener + 1 >= len(starts) or not src.startswith(tok.markup, starts[opener]):
            return None  # opener line incomplete, or indented (content would be de-indented)
        block = CodeBlock(index, language_of(tok.info), tok.content)
        fence = cls(tok.markup[0], starts[opener + 1], block, theme)
        return fence if fence.still_open(src) else None

    def still_open(self, src: str) -> bool:
        """False if a line that might close the fence has appeared since the last check."""
        if self.closer.search(src, self.scan_pos):
            return False
        self.scan_pos = max(self.body_start, src.rfind("\n") + 1)
        return True

    def render(self, src: str) -> str:
        code = src[self.body_start :]
        last = code.rfind("\n") + 1
        if last < len(code) and not code[last:].strip(" \t"):
            code = code[:last]  # markdown-it ignores a final line of only blanks
        self.block = CodeBlock(self.block.index, self.block.language, code)
        # feed() checks each highlighted piece once; the frame is fixed markup
        return code_block_html(self.block, self.highlighter.feed(display_code(code)), self.theme)


class StreamingRenderer:
    """Renders one streaming message; call :meth:`update` with the full text so far."""

    def __init__(self, theme: Theme | str = "light") -> None:
        self.theme = resolve_theme(theme)
        self.reset()

    def reset(self) -> None:
        """Forget everything (the next update renders from scratch)."""
        self._text = ""
        self._held_cr = False
        self._src = ""  # normalised source of the tail (everything not yet settled)
        self._settled: list[str] = []
        self._settled_blocks: list[CodeBlock] = []
        self._tail_html = ""
        self._tail_blocks: tuple[CodeBlock, ...] = ()
        self._fence: _OpenFence | None = None
        self._finished = False
        #: Characters given to markdown-it / lexed by Pygments in the last update.
        self.last_parsed_chars = 0
        self.last_lexed_chars = 0

    # --- results ----------------------------------------------------------------------

    @property
    def settled_html(self) -> str:
        return "".join(self._settled)

    @property
    def tail_html(self) -> str:
        return self._tail_html

    @property
    def html(self) -> str:
        return self.settled_html + self._tail_html

    @property
    def settled_parts(self) -> tuple[str, ...]:
        return tuple(self._settled)

    @property
    def code_blocks(self) -> tuple[CodeBlock, ...]:
        return (*self._settled_blocks, *self._tail_blocks)

    def code(self, index: int) -> str | None:
        """Raw code of block ``index`` (the N of a ``copy:N`` link), or None."""
        blocks = self.code_blocks
        return blocks[index].code if 0 <= index < len(blocks) else None

    @property
    def finished(self) -> bool:
        return self._finished

    # --- feeding ----------------------------------------------------------------------

    def adopt(self, rendered: RenderedParts) -> None:
        """Take over a whole message rendered elsewhere (:func:`.parts.render_parts`, perhaps on
        another thread): the state is as if ``rendered.text`` had streamed in and finished."""
        if rendered.theme != self.theme.name:
            raise ValueError(f"rendered with {rendered.theme}, this renderer uses {self.theme.name}")
        self.reset()
        self._text = rendered.text
        self._settled = list(rendered.parts)
        self._settled_blocks = list(rendered.code_blocks)
        self._finished = True

    def update(self, text: str) -> RenderUpdate:
        """Render ``text``, the whole message so far (normally the previous text extended)."""
        if text is self._text or text == self._text:
            self.last_parsed_chars = self.last_lexed_chars = 0
            return RenderUpdate("", self._tail_html)
        reset = self._finished or not text.startswith(self._text)
        if reset:
            self.reset()
        delta = text[len(self._text) :]
        self._text = text
        settled, tail = self._feed(delta)
        return RenderUpdate(settled, tail, reset)

    def finish(self) -> RenderUpdate:
        """The message is complete: settle the tail. A later different text resets."""
        if self._finished:
            return RenderUpdate("", "")
        if self._held_cr:
            self._src += "\n"
            self._held_cr = False
        settled, _ = self._parse(final=True)
        self._finished = True
        return RenderUpdate(settled, "")

    def _feed(self, delta: str) -> tuple[str, str]:
        if self._held_cr:
            delta, self._held_cr = "\r" + delta, False
        if delta.endswith("\r"):  # may be the first half of \r\n
            delta, self._held_cr = delta[:-1], True
        delta = delta.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
        self.last_parsed_chars = self.last_lexed_chars = 0
        if not delta:
            return "", self._tail_html
        self._src += delta
        if self._fence is not None and self._fence.still_open(self._src):
            self._tail_html = self._fence.render(self._src)
            self._tail_blocks = (self._fence.block,)
            self.last_lexed_chars = self._fence.highlighter.last_lexed_chars
            return "", self._tail_html
        self._fence = None
        return self._parse(final=False)

    def _parse(self, *, final: bool) -> tuple[str, str]:
        src = self._src
        self.last_parsed_chars = len(src)
        tokens: Sequence[Token] = parser().parse(src, {})
        starts = line_starts(src)
        cut = (len(tokens), len(starts) - 1) if final else settle_point(tokens, src, starts)
        settled, line0 = "", 0
        if cut is not None:
            idx, line0 = cut
            offset = starts[line0] if line0 < len(starts) else len(src)
            env = new_env(self.theme, len(self._settled_blocks))
            settled = render_tokens(tokens[:idx], env, src[:offset])
            self._settled.append(settled)
            self._settled_blocks.extend(env_code_blocks(env))
            self.last_lexed_chars += env_lexed_chars(env)
            tokens, src = tokens[idx:], src[offset:]
            starts = [s - offset for s in starts[line0:]]
            self._src = src
        env = new_env(self.theme, len(self._settled_blocks))
        self._tail_html = render_tokens(tokens, env, src) if tokens else ""
        self._tail_blocks = env_code_blocks(env)
        self.last_lexed_chars += env_lexed_chars(env)
        if not final:
            index = len(self._settled_blocks)
            self._fence = _OpenFence.detect(tokens, src, starts, line0, index, self.theme)
        return settled, self._tail_html
