"""Chat titles by display width: a Chinese, Japanese or Korean character is as wide as two
Latin ones, and a long first line is cut where a clause ends when one is near."""

from __future__ import annotations

from app.core.chat.titles import TITLE_LIMIT, display_width, title_from_text


def test_width_counts_wide_characters_twice_and_marks_not_at_all() -> None:
    assert display_width("abc") == 3
    assert display_width("翻译") == 4 and display_width("ラーメン") == 8 and display_width("한국어") == 6
    assert display_width("ＡＢ") == 4  # full-width Latin
    assert display_width("e\u0301") == 1


def test_chinese_titles_fit_the_width_of_latin_ones() -> None:
    for text in ("量子计算机的基本原理" * 8, "Quantum computing basics " * 8, "量子 computing 计算机 " * 8):
        title = title_from_text(text)
        assert display_width(title) <= TITLE_LIMIT and title.endswith("…")
        assert display_width(title) >= TITLE_LIMIT - 8  # it uses the room it has
        assert text.startswith(title[:-1])


def test_cut_after_a_clause_when_one_is_near() -> None:
    text = "帮我把这段话翻译成英文：今天天气很好，阳光明媚，我们一起去公园散步吧，然后去吃饭。"
    assert title_from_text(text) == "帮我把这段话翻译成英文：今天天气很好，阳光明媚…"
    english = "Tell me about the history of the printing press in Europe; especially Gutenberg's role"
    assert title_from_text(english) == "Tell me about the history of the printing press in Europe…"


def test_a_clause_end_far_from_the_limit_is_not_used() -> None:
    text = "请问，量子计算机的基本原理是什么以及它和经典计算机有什么区别呢我想了解"
    title = title_from_text(text)
    assert title == "请问，量子计算机的基本原理是什么以及它和经典计算机有什么区…"
    assert title_from_text("Version 3.5 of the model is what I want to try in the app today, please") == (
        "Version 3.5 of the model is what I want to try in the app…"
    )  # "3.5" is no clause end


def test_never_inside_a_character_and_its_marks() -> None:
    text = "x" * 58 + "e\u0301\u0301" + "yyy"
    title = title_from_text(text)
    assert title == "x" * 58 + "e\u0301\u0301" + "…" or title == "x" * 58 + "…"
    assert not title[:-1].endswith("e")  # the accent stays with its letter
    assert title_from_text("短标题") == "短标题"
