from __future__ import annotations

from app.core.chat.budget import WRAP_UP, choose_cut


def pieces(*texts: str) -> list[bytes]:
    return [t.encode() for t in texts]


def test_wrap_up_is_qwens_text() -> None:
    assert WRAP_UP == (
        "\n\nConsidering the limited time by the user, I have to give the solution based on the "
        "thinking directly now.\n</think>\n\n"
    )


def test_prefers_a_sentence_end() -> None:
    p = pieces("I", " think", " so.", " Then", " we", " go")
    assert choose_cut(p, 6) == 3


def test_falls_back_to_a_word_end() -> None:
    p = pieces("alpha", " beta", " gam", "ma", " delta")
    # At 4 tokens we are inside "gamma"? No: "gam"+"ma" ends the word when " delta" follows.
    assert choose_cut(p, 4) == 4
    assert choose_cut(p, 3) == 2  # "alpha beta" (the next piece "ma" continues the word)


def test_never_inside_a_utf8_character() -> None:
    e_acute = "é".encode()
    p = [b"caf", e_acute[:1], e_acute[1:], b"s"]
    keep = choose_cut(p, 2)
    b"".join(p[:keep]).decode("utf-8")  # must not raise
    assert keep in (0, 1)


def test_never_more_than_the_limit() -> None:
    p = pieces(*[" word"] * 100)
    for limit in range(0, 100):
        assert choose_cut(p, limit) <= limit


def test_line_end_counts_as_a_sentence_end() -> None:
    p = pieces("first", " line", "\n", "second", " line")
    assert choose_cut(p, 5) == 3


def test_decimal_point_is_no_sentence_end() -> None:
    p = pieces("pi", " is", " 3.", "14", " roughly")
    assert choose_cut(p, 4) == 4  # "pi is 3.14" ends a word; "3." is not a sentence end
