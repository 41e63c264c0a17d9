"""StreamingRenderer: same result as a one-shot render, bounded work per update."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.render import RenderUpdate, StreamingRenderer, render_markdown

_SPAN = re.compile(r"</?span[^>]*>")


def stream(text: str, step: int, theme: str = "light") -> tuple[StreamingRenderer, list[RenderUpdate]]:
    renderer = StreamingRenderer(theme)
    updates = [renderer.update(text[:end]) for end in range(step, len(text) + step, step)]
    updates.append(renderer.finish())
    return renderer, updates


def shown(updates: list[RenderUpdate]) -> str:
    """What a view holds after applying the updates the way the API says."""
    settled, tail = "", ""
    for update in updates:
        if update.reset:
            settled = ""
        settled += update.settled_html
        tail = update.tail_html
    return settled + tail


def big_answer(sections: int) -> str:
    """A long, varied answer: prose, lists, code, tables, quotes, math (deterministic)."""
    parts = []
    for i in range(sections):
        parts.append(
            f"## Step {i}: configure part {i}\n\n"
            f"This part explains **item {i}** with `inline_{i}()` code, a [link](https://example.org/{i}) "
            f"and a formula $x_{i} = \\frac{{a}}{{b}}$. The reasoning goes on for a while so that the "
            "paragraph is about as long as the paragraphs a model writes, with several clauses, "
            "some *emphasis*, and a closing remark.\n\n"
            f"- first point about {i}\n- second point, which wraps onto\n  a continuation line\n"
            f"- third point with `code`\n\n"
            f"```python\ndef step_{i}(value: int) -> int:\n    total = 0\n    for k in range(value):\n"
            f"        total += k * {i}\n\n    # done\n    return total\n```\n\n"
            f"| key | value | note |\n|-----|------:|------|\n| a{i} | {i} | first |\n"
            f"| b{i} | {i * 2} | second |\n| c{i} | {i * 3} | third |\n\n"
            f"> Note {i}: quoted advice that spans\n> two lines.\n\n"
        )
    return "".join(parts) + "Done.\n"


def test_streaming_equals_one_shot() -> None:
    text = big_answer(6)
    expected = render_markdown(text)
    for step in (1, 3, 17, 64):
        renderer, updates = stream(text, step)
        assert renderer.html == expected.html, step
        assert shown(updates) == expected.html, step
        assert renderer.code_blocks == expected.code_blocks
        assert len(renderer.settled_parts) > 5  # it really did settle along the way


def test_every_intermediate_view_matches_one_shot_of_prefix() -> None:
    text = big_answer(2)
    renderer = StreamingRenderer()
    for end in range(1, len(text) + 1):
        renderer.update(text[:end])
        # highlighting of an open fence is chunked while streaming; compare without spans
        assert _SPAN.sub("", renderer.html) == _SPAN.sub("", render_markdown(text[:end]).html), end


def test_code_blocks_and_copy_ids_while_streaming() -> None:
    text = "a\n\n```py\nx = 1\n```\n\nb\n\n```js\nlet y = 2;\n"
    renderer = StreamingRenderer()
    renderer.update(text)
    assert [b.index for b in renderer.code_blocks] == [0, 1]
    assert renderer.code(0) == "x = 1\n"
    assert renderer.code(1) == "let y = 2;\n"
    assert renderer.code(2) is None
    assert 'href="copy:1"' in renderer.tail_html


def test_closed_fence_settles_without_waiting_for_next_block() -> None:
    renderer = StreamingRenderer()
    update = renderer.update("```python\nprint(1)\n```\n")
    assert 'href="copy:0"' in update.settled_html and update.tail_html == ""


def test_text_that_does_not_extend_resets() -> None:
    renderer = StreamingRenderer()
    renderer.update("first paragraph\n\nsecond\n")
    update = renderer.update("other text")
    assert update.reset
    assert renderer.html == render_markdown("other text").html
    renderer.finish()
    update = renderer.update("other text and more")  # growth after finish: re-render
    assert update.reset


def test_same_text_is_a_no_op() -> None:
    renderer = StreamingRenderer()
    renderer.update("hello")
    update = renderer.update("hello")
    assert update == RenderUpdate("", renderer.tail_html)
    assert renderer.last_parsed_chars == 0


def test_crlf_split_across_updates() -> None:
    text = "line one\r\n\r\nline two\rthree\r\n\r\n```\r\ncode\r\n```\r\n"
    renderer = StreamingRenderer()
    for end in range(1, len(text) + 1):
        renderer.update(text[:end])
    renderer.finish()
    assert renderer.html == render_markdown(text).html


def test_work_per_update_is_bounded() -> None:
    text = big_answer(110)  # ~80 KB, ~20,000 tokens
    assert len(text) > 75_000
    renderer = StreamingRenderer()
    parsed: list[int] = []
    lexed: list[int] = []
    times: list[float] = []
    step = 16  # ~4 tokens
    for end in range(step, len(text) + step, step):
        start = time.perf_counter()
        renderer.update(text[:end])
        times.append(time.perf_counter() - start)
        parsed.append(renderer.last_parsed_chars)
        lexed.append(renderer.last_lexed_chars)
    renderer.finish()
    window = len(parsed) // 10
    for name, costs in (("parsed", parsed), ("lexed", lexed)):
        early, late = max(costs[:window]), max(costs[-window:])
        assert late <= 1.5 * early, (name, early, late)
    assert max(parsed) < 2_000  # a block, never the message
    early_t, late_t = times[:window], times[-window:]
    print(
        f"\n{len(times)} updates over {len(text)} chars: "
        f"early mean {1e3 * sum(early_t) / window:.3f} ms max {1e3 * max(early_t):.3f} ms; "
        f"late mean {1e3 * sum(late_t) / window:.3f} ms max {1e3 * max(late_t):.3f} ms"
    )
    assert renderer.html == render_markdown(text).html


@pytest.mark.parametrize("intro", ["Intro\n\n", "# Title\n\n", "```\nfirst\n```\n\n\n", ""])
def test_long_open_code_block_uses_fast_path(intro: str) -> None:
    code = "".join(f"x{i} = {i}\n" + ("\n" if i % 5 == 4 else "") for i in range(2000))
    text = intro + "```python\n" + code
    renderer = StreamingRenderer()
    costs = []
    for end in range(len(intro) + 11, len(text) + 1, 13):
        renderer.update(text[:end])
        costs.append(renderer.last_parsed_chars + renderer.last_lexed_chars)
    assert max(costs[-50:]) < 500  # not the ~20 KB block
    renderer.update(text + "```\n")
    renderer.finish()
    assert renderer.html == render_markdown(text + "```\n").html


# --- property: any way of splitting the text gives the one-shot result -----------------

_PIECES = [
    "para text",
    "more *em* text",
    "- item",
    "- other",
    "  - nested",
    "1. one",
    "2. two",
    "3) three",
    "* star",
    "+ plus",
    "> quote",
    ">",
    "# Head",
    "## Head 2",
    "Setext",
    "===",
    "---",
    "***",
    "```",
    "```py",
    "````",
    "~~~",
    "    indented",
    "\t tab",
    "| a | b |",
    "|---|---|",
    "| 1 | 2 |",
    "a | b",
    "$$",
    "$$ x^2 $$",
    "\\[",
    "\\]",
    "x = 1",
    "$x$ and $5",
    "\\(a\\)",
    "[link](https://e.org)",
    "![img](http://e.org/i.png)",
    "<b>raw</b>",
    "[ref]: https://e.org",
    "[ref]",
    "`code`",
    "``",
    "<https://e.org>",
    "\\",
    "  ",
    "",
    "",
    "",
    "text  ",
    "1.",
    "-",
    "#",
    "|",
    "~~del~~",
    "> - q item",
    "- > i quote",
]


@st.composite
def split_document(draw: st.DrawFn) -> tuple[str, list[int]]:
    lines = draw(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=30))
    text = "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))
    cuts = draw(st.lists(st.integers(0, len(text)), max_size=25))
    return text, sorted(set(cuts))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(split_document())
def test_any_split_gives_one_shot_result(case: tuple[str, list[int]]) -> None:
    text, cuts = case
    renderer = StreamingRenderer()
    for cut in cuts:
        renderer.update(text[:cut])
        assert _SPAN.sub("", renderer.html) == _SPAN.sub("", render_markdown(text[:cut]).html)
    renderer.update(text)
    renderer.finish()
    expected = render_markdown(text)
    assert renderer.html == expected.html
    assert renderer.code_blocks == expected.code_blocks
