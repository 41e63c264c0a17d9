"""The thinking parser's other entrances and what it reports while streaming.

Found by mutation testing (scripts/mutation.py thinking): each test names a behaviour that
a surviving mutant changed without any test noticing.
"""

from __future__ import annotations

from app.core.chat.thinking import Phase, ThinkingParser


def run(parser: ThinkingParser, *pieces: bytes) -> ThinkingParser:
    for piece in pieces:
        parser.feed(piece)
    parser.finish()
    return parser


def test_text_that_cannot_begin_a_tag_streams_at_once() -> None:
    parser = ThinkingParser()
    parser.feed(b"<think>\nabc def")
    assert parser.thinking == "abc def"  # nothing held back: no "<" in sight
    parser.feed(b" gh</thi")
    assert parser.thinking == "abc def gh"  # "</thi" may be the closing tag: held back
    parser.feed(b"nk>\n\nok")
    assert (parser.thinking, parser.answer) == ("abc def gh", "ok")


def test_a_continued_reasoning_keeps_its_first_space() -> None:
    parser = run(ThinkingParser.resuming(), b" and then", b" more.\n</think>\n\nDone.")
    assert (parser.thinking, parser.answer) == (" and then more.", "Done.")
    assert parser.saw_think_block and parser.phase is Phase.ANSWER


def test_an_answer_after_a_cut_drops_its_leading_blank_lines_only() -> None:
    parser = ThinkingParser.answering()
    assert parser.phase is Phase.ANSWER and not parser.in_thinking and not parser.saw_think_block
    run(parser, b"\n\nHello <think>x</think>", b" there\n")
    assert (parser.thinking, parser.answer) == ("", "Hello <think>x</think> there\n")


def test_a_raw_completion_is_taken_verbatim() -> None:
    parser = ThinkingParser.verbatim()
    assert parser.phase is Phase.ANSWER
    run(parser, b"  <think>a", b"</think>\n\n b ")
    assert (parser.thinking, parser.answer) == ("", "  <think>a</think>\n\n b ")


def test_whether_a_think_block_was_seen() -> None:
    assert run(ThinkingParser(), b"<think>\n\n</think>\n\nHi").saw_think_block
    assert not run(ThinkingParser(), b"Hi <think>x</think>").saw_think_block
    assert ThinkingParser(starts_in_thinking=True).saw_think_block is True
    assert ThinkingParser().saw_think_block is False


def test_the_phase_once_the_answer_has_begun() -> None:
    parser = ThinkingParser()
    parser.feed(b"Plain answer")
    assert parser.phase is Phase.ANSWER
    blank = run(ThinkingParser(), b"  \n")
    assert blank.phase is Phase.ANSWER and (blank.thinking, blank.answer) == ("", "")


def test_bytes_that_are_no_text_become_replacement_characters() -> None:
    # A model can emit a lone byte token; it is shown as U+FFFD, never a crash.
    parser = run(ThinkingParser(), b"<think>a\xff b</think>ok")
    assert (parser.thinking, parser.answer) == ("a\ufffd b", "ok")


def test_a_stream_that_ends_inside_a_character_shows_that_it_was_cut() -> None:
    parser = run(ThinkingParser(), b"<think>abc \xc3")
    assert parser.thinking == "abc \ufffd"


def test_a_tag_right_after_other_angle_brackets_is_still_a_tag() -> None:
    # The held-back text is the one "<" that may begin the tag, not the first "<" in sight.
    for head, tail, thinking in (
        (b"<think>x <a</thi", b"nk>\nok", "x <a"),
        (b"<think>a <</thin", b"k>ok", "a <"),
    ):
        parser = run(ThinkingParser(), head, tail)
        assert (parser.thinking, parser.answer) == (thinking, "ok")
