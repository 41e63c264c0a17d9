from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.chat.thinking import Delta, Phase, ThinkingParser, split_complete_text

SAMPLES = [
    "<think>\nLet me think: 2 + 2 = 4.\n</think>\n\nThe answer is **4**.",
    "<think>\n\n</think>\n\nDirect answer, café ☕.",
    "<think>\nA reasoning that never closes… with ünïcödé",
    "Just a plain answer with < and > and </thin in it.",
    "  \n<think>x</think>y",
    "<thi",
    "",
    "<think>a</think>b<think>c</think>",
    "<think>\nline one\n\nline two  \n</think>\n\n\nanswer\n",
    "日本語の<think>考え</think>答え",
]


def feed_in_pieces(
    data: bytes, cuts: list[int], *, starts_in_thinking: bool = False
) -> tuple[str, str, list[tuple[str, str]]]:
    parser = ThinkingParser(starts_in_thinking=starts_in_thinking)
    deltas: list[Delta] = []
    points = sorted({c for c in cuts if 0 < c < len(data)})
    start = 0
    for point in [*points, len(data)]:
        deltas.extend(parser.feed(data[start:point]))
        start = point
    deltas.extend(parser.finish())
    return parser.thinking, parser.answer, [(d.kind, d.text) for d in deltas]


def test_whole_outputs() -> None:
    assert split_complete_text(SAMPLES[0]) == ("Let me think: 2 + 2 = 4.", "The answer is **4**.")
    assert split_complete_text(SAMPLES[1]) == ("", "Direct answer, café ☕.")
    assert split_complete_text(SAMPLES[2]) == ("A reasoning that never closes… with ünïcödé", "")
    assert split_complete_text(SAMPLES[3]) == ("", SAMPLES[3])
    assert split_complete_text("<thi") == ("", "<thi")
    assert split_complete_text("") == ("", "")
    # A second think block inside the answer is answer text.
    assert split_complete_text(SAMPLES[7]) == ("a", "b<think>c</think>")
    assert split_complete_text(SAMPLES[8]) == ("line one\n\nline two", "answer\n")


def test_output_that_starts_inside_thinking() -> None:
    assert split_complete_text("\nhmm, ok.\n</think>\n\nYes.", starts_in_thinking=True) == (
        "hmm, ok.",
        "Yes.",
    )


def test_tag_split_across_tokens() -> None:
    pieces = [b"<thi", b"nk>\nab", b"c</th", b"ink>", b"\n\nok"]
    parser = ThinkingParser()
    for p in pieces:
        parser.feed(p)
    parser.finish()
    assert (parser.thinking, parser.answer) == ("abc", "ok")


def test_multibyte_character_split_across_tokens() -> None:
    data = "<think>é</think>ü".encode()
    parser = ThinkingParser()
    deltas = []
    for i in range(len(data)):
        deltas.extend(parser.feed(data[i : i + 1]))
    deltas.extend(parser.finish())
    assert "\ufffd" not in "".join(d.text for d in deltas)
    assert (parser.thinking, parser.answer) == ("é", "ü")


def test_phase_is_visible_while_streaming() -> None:
    parser = ThinkingParser()
    parser.feed(b"<think>")
    assert parser.phase is Phase.THINKING
    parser.feed(b"x</think>")
    assert parser.phase is Phase.ANSWER


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(SAMPLES), st.lists(st.integers(min_value=0, max_value=200), max_size=30), st.booleans()
)
def test_any_split_gives_the_same_result(text: str, cuts: list[int], inside: bool) -> None:
    data = text.encode("utf-8")
    whole = feed_in_pieces(data, [], starts_in_thinking=inside)
    split = feed_in_pieces(data, cuts, starts_in_thinking=inside)
    assert split[:2] == whole[:2]
    # What was streamed adds up to the result, kind by kind.
    for kind, total in (("thinking", split[0]), ("answer", split[1])):
        assert "".join(t for k, t in split[2] if k == kind) == total


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab <>/thinké\n☕")), max_size=60),
    st.lists(st.integers(min_value=0, max_value=120), max_size=20),
)
def test_random_text_any_split(text: str, cuts: list[int]) -> None:
    data = text.encode("utf-8")
    assert feed_in_pieces(data, cuts)[:2] == feed_in_pieces(data, [])[:2]


def test_reasoning_closed_by_a_line_end_and_tag_in_one_piece() -> None:
    """Later vocabularies may close the reasoning with one "\\n</think>" token."""
    for pieces in (
        [b"Let me see.", b"\n</think>", b"\n\n", b"Hi!"],
        [b"Let me see.\n", b"</think>\n\nHi!"],
        [b"Let me see.", b"\n</", b"think>", b"\n\nHi!"],
    ):
        parser = ThinkingParser(starts_in_thinking=True)
        for piece in pieces:
            parser.feed(piece)
        parser.finish()
        assert (parser.thinking, parser.answer) == ("Let me see.", "Hi!"), pieces
