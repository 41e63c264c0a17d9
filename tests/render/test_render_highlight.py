"""Code blocks: highlighting, language header, copy:N links and raw code."""

from __future__ import annotations

import re

from app.core.render import DARK, LIGHT, CodeBlock, highlight_spans, render_markdown
from app.core.render.highlight import ChunkedHighlighter, language_of

THREE_BLOCKS = (
    "Intro\n\n```python\ndef f(x):\n    return x * 2\n```\n\n"
    "Then\n\n~~~bash\necho 'hi' > out.txt\n~~~\n\n"
    "```\nplain <text> & stuff\n```\n"
)


def test_copy_links_and_raw_code() -> None:
    result = render_markdown(THREE_BLOCKS)
    assert re.findall(r'href="(copy:\d+)"', result.html) == ["copy:0", "copy:1", "copy:2"]
    assert result.code_blocks == (
        CodeBlock(0, "python", "def f(x):\n    return x * 2\n"),
        CodeBlock(1, "bash", "echo 'hi' > out.txt\n"),
        CodeBlock(2, "", "plain <text> & stuff\n"),
    )


def test_code_base_offsets_indices() -> None:
    result = render_markdown(THREE_BLOCKS, code_base=5)
    assert re.findall(r'href="copy:(\d+)"', result.html) == ["5", "6", "7"]
    assert [b.index for b in result.code_blocks] == [5, 6, 7]


def test_header_shows_language_and_text_for_unknown() -> None:
    out = render_markdown(THREE_BLOCKS).html
    assert ">python</span>" in out and ">bash</span>" in out and ">text</span>" in out


def test_highlighting_uses_inline_colours_from_palette() -> None:
    light = highlight_spans("def f():\n    return 1\n", "python", LIGHT)
    dark = highlight_spans("def f():\n    return 1\n", "python", DARK)
    assert re.search(r'<span style="color:#[0-9A-Fa-f]{6}[^"]*">def', light)
    assert light != dark
    assert "class=" not in light


def test_code_is_escaped() -> None:
    out = render_markdown("```html\n<script>alert('x')</script>\n```\n").html
    assert "<script" not in out
    assert "&lt;" in out and "script" in out


def test_unknown_language_is_plain_escaped() -> None:
    assert highlight_spans("a < b", "no-such-lang", LIGHT) == "a &lt; b"
    assert language_of("{.python .numberLines}") == "python"
    assert language_of("c++ title=x") == "c++"
    assert language_of("") == ""
    assert language_of("<script>") == "script"


def test_trailing_newline_not_drawn_as_empty_line() -> None:
    out = render_markdown("```\nx\n```\n").html
    assert re.search(r">x</pre>", out)


def test_chunked_highlighter_matches_for_ordinary_code() -> None:
    code = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(30))
    chunked = ChunkedHighlighter("python", LIGHT)
    for end in range(0, len(code) + 1, 7):
        chunked.feed(code[:end])
    assert chunked.feed(code) == highlight_spans(code, "python", LIGHT)
    assert chunked.last_lexed_chars < 200  # only the newest chunk is lexed
