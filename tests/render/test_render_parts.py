"""render_parts: a whole message cut between blocks, the same HTML as a one-shot render."""

from __future__ import annotations

import random

import pytest

from app.core.render import StreamingRenderer, render_markdown, render_parts

PIECES = [
    "# Heading\n\n",
    "Some *prose* with **bold**, `code` and a [link](https://example.com).\n\n",
    "- item one\n- item two\n  continued\n- item three\n\n",
    "1. first\n2. second\n\n",
    "> a quote\n> more\n\n",
    "```python\ndef f(x):\n    return x * 2\n```\n\n",
    "```\nplain code\n```\n\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n",
    "Setext heading\n---\n\n",
    "Line one\nline two\r\n\r\n",
    "$$x^2$$\n\n",
    "<b>not bold</b>\n\n",
    "A paragraph that goes on " * 30 + "\n\n",
]


def message(seed: int, pieces: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(PIECES) for _ in range(pieces))


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("part_chars", [1, 200, 1500, 10**9])
def test_parts_join_to_the_one_shot_render(seed: int, part_chars: int) -> None:
    text = message(seed, 1 + seed * 3)
    whole = render_markdown(text, "dark")
    rendered = render_parts(text, "dark", part_chars)
    assert "".join(rendered.parts) == whole.html
    assert rendered.code_blocks == whole.code_blocks
    assert rendered.theme == "dark" and rendered.text == text
    assert len(rendered.parts) == len(rendered.sizes)
    assert sum(rendered.sizes) == len(text.replace("\r\n", "\n"))


def test_parts_end_between_blocks_and_are_bounded_below() -> None:
    text = message(3, 120)
    rendered = render_parts(text, "light", 1500)
    assert len(rendered.parts) > 5
    assert all(size >= 1500 for size in rendered.sizes[:-1])
    for part in rendered.parts:  # whole blocks: every opened block closes inside its part
        for tag in ("table", "ul", "ol", "blockquote", "pre"):
            assert part.count(f"<{tag}") == part.count(f"</{tag}>"), (tag, part)


def test_nothing_renders_to_no_parts() -> None:
    assert render_parts("").parts == ()


def test_a_renderer_adopts_parts_as_if_it_had_streamed_them() -> None:
    text = message(5, 40)
    adopted = StreamingRenderer("light")
    adopted.adopt(render_parts(text, "light"))
    streamed = StreamingRenderer("light")
    streamed.update(text)
    streamed.finish()
    assert adopted.finished and adopted.html == streamed.html
    assert adopted.code_blocks == streamed.code_blocks
    assert adopted.code(0) == streamed.code(0)
    assert adopted.update(text).settled_html == ""  # the same text: nothing new
    grown = adopted.update(text + "\n\nMore.")
    assert grown.reset and "More." in grown.settled_html + grown.tail_html


def test_a_renderer_refuses_parts_of_another_theme() -> None:
    with pytest.raises(ValueError):
        StreamingRenderer("light").adopt(render_parts("x", "dark"))
