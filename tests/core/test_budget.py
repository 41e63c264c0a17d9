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


# -- Chinese and Japanese reasoning: no spaces, full-width punctuation --------------------------

CHINESE = ("好的", "。", "我们", "先", "算", "一下", "，", "再", "检查", "；", "然后", "回答", "。")


def kept(texts: tuple[str, ...], limit: int) -> str:
    return "".join(texts[: choose_cut(pieces(*texts), limit)])


def test_chinese_cut_lands_after_the_full_stop_not_before_it() -> None:
    assert kept(CHINESE, 3) == "好的。"  # not "好的"
    assert kept(CHINESE, 4) == "好的。"


def test_chinese_cut_lands_after_a_clause_comma() -> None:
    assert kept(CHINESE, 7) == "好的。我们先算一下，"  # not "…算一下"
    assert kept(CHINESE, 8) == "好的。我们先算一下，"
    assert kept(CHINESE, 10) == "好的。我们先算一下，再检查；"


def test_japanese_and_closing_quotes() -> None:
    texts = ("「はい", "。」", "次に", "、", "計算", "します")
    assert kept(texts, 3) == "「はい。」"
    assert kept(texts, 6) == "「はい。」次に、"


def test_mixed_chinese_and_english() -> None:
    texts = ("先", "用", " Python", " 算", "一下", ".", "然后", "check", " it")
    # "." before Chinese text ends the sentence; the English word end after it is nearer but worse.
    assert kept(texts, 8) == "先用 Python 算一下."
    assert kept(("We", " use", " Python", ",", "然后", "再", "算"), 7) == "We use Python,"


def test_chinese_character_split_over_byte_tokens() -> None:
    wo = "我".encode()
    p = [b"\xe5\xa5\xbd", "。".encode(), wo[:1], wo[1:2], wo[2:], b"\xe4\xbb\xac"]
    assert choose_cut(p, 4) == 2  # after "。", never inside "我"
    b"".join(p[: choose_cut(p, 5)]).decode("utf-8")


def test_a_long_reasoning_is_cut_in_time() -> None:
    """Only the look-back window is examined: a 32,768-token reasoning cuts as fast as a short one."""
    import time

    long = pieces(*(["好", "的", "。"] * 11_000))
    t0 = time.perf_counter()
    keep = choose_cut(long, 32_768)
    assert time.perf_counter() - t0 < 0.2
    assert b"".join(long[:keep]).decode().endswith("。")
