"""Where a budget cut lands, at the edges the examples in test_budget.py leave open.

Found by mutation testing (scripts/mutation.py budget): each test names the behaviour that
a surviving mutant changed without any test noticing.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.chat.budget import choose_cut, lookback_window


def pieces(*texts: str) -> list[bytes]:
    return [t.encode() for t in texts]


def byte_pieces(text: str) -> list[bytes]:
    """A text spelled one byte per token, as a model spells rare characters."""
    return [bytes([b]) for b in text.encode()]


@pytest.mark.parametrize(
    ("limit", "window"), [(0, 4), (8, 4), (16, 4), (20, 5), (40, 10), (192, 48), (196, 48), (4000, 48)]
)
def test_the_look_back_window(limit: int, window: int) -> None:
    assert lookback_window(limit) == window


def test_a_sentence_end_just_beyond_the_window_is_not_worth_going_back_for() -> None:
    p = pieces("One", " two", " three.", " four", " five", " six", " seven", " eight", " nine")
    assert lookback_window(8) == 4
    assert choose_cut(p, 8) == 8  # " three." ends at 3, one token past the 4 it may give back
    assert choose_cut(p, 7) == 3  # within reach: the sentence end wins


def test_a_budget_of_one_keeps_a_whole_word() -> None:
    assert choose_cut(pieces("Yes", " and", " no"), 1) == 1


def test_mid_word_everywhere_cuts_at_the_budget() -> None:
    # No boundary better than another: the nearest one (the budget itself) wins.
    assert choose_cut(pieces("ab", "cd", "ef", "gh"), 2) == 2


def test_a_token_ending_in_a_space_ends_a_word() -> None:
    assert choose_cut(pieces("alpha ", "beta", "gam", "ma"), 3) == 1


def test_a_word_before_a_comma_ends_a_word() -> None:
    assert choose_cut(pieces("One ", "Hel", "lo", ",", " two"), 3) == 3


def test_a_comma_where_the_reasoning_ends_so_far_ends_a_word() -> None:
    assert choose_cut(pieces("Well", " hi", ","), 3) == 3


def test_the_space_after_a_full_stop_stays_with_it() -> None:
    assert choose_cut(pieces("It", " is", " done.", " ", "Next", " we"), 5) == 4


def test_a_closing_quote_after_a_full_stop_is_a_sentence_end() -> None:
    assert choose_cut(pieces("He", " said", " “done.", "”", " Then", " more"), 5) == 4


@pytest.mark.parametrize(("char", "width"), [("é", 2), ("—", 3), ("अ", 3), ("😀", 4)])
def test_never_inside_a_character_split_over_byte_tokens(char: str, width: int) -> None:
    p = [*pieces("A", " word", " "), *byte_pieces(char), *pieces(" and", " more")]
    for limit in range(3, 3 + width):
        assert choose_cut(p, limit) == 3, limit  # the partial character is given back
    assert choose_cut(p, 3 + width) == 3 + width  # the whole character ends a word before " and"


@pytest.mark.parametrize("char", ["é", "好", "😀"])
def test_a_whole_character_at_the_end_is_a_fine_cut(char: str) -> None:
    assert choose_cut(pieces("A", " word", " " + char, " and", " more"), 3) == 3


def test_bytes_that_never_complete_a_character_are_given_back() -> None:
    # Pathological output: lone lead bytes. The cut goes back past the window to a whole character.
    assert choose_cut([*pieces("a", "b", "c", "d", "e", "f"), *[b"\xf0"] * 5], 11) == 6
    assert choose_cut([*pieces("a", "b", "c", "d", "e"), *[b"\xf0"] * 6], 11) == 5


def test_a_long_reasoning_with_characters_split_across_tokens() -> None:
    # Only the last bytes before each candidate cut are looked at; that view may begin in the
    # middle of a character split over tokens, which must not break the decoding.
    p = [b"caf", b"\xc3", b"\xa9", b" " + b"a" * 28, b" b", b" c"]
    assert choose_cut(p, 5) == 5


SPLIT_TEXT = st.lists(
    st.sampled_from(["a", "word", " ", ".", ",", "\n", "é", "—", "好", "。", "，", "😀", "”"]), max_size=60
).map("".join)


@settings(max_examples=300, deadline=None)
@given(SPLIT_TEXT, st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=200), st.data())
def test_any_cut_keeps_whole_characters_within_reach(
    text: str, sizes: list[int], data: st.DataObject
) -> None:
    raw = text.encode()
    p: list[bytes] = []
    i = 0
    for size in sizes * (len(raw) // max(1, sum(sizes)) + 1):
        if i >= len(raw):
            break
        p.append(raw[i : i + size])
        i += size
    limit = data.draw(st.integers(min_value=0, max_value=len(p) + 2), label="limit")
    keep = choose_cut(p, limit)
    assert 0 <= keep <= min(limit, len(p))
    b"".join(p[:keep]).decode("utf-8")  # never inside a character
    within = min(limit, len(p))
    # Some whole-character cut lies in the window unless every position there splits one.
    reachable = [k for k in range(within - lookback_window(within), within + 1) if _whole(p, k)]
    if reachable:
        assert keep in reachable


def _whole(p: list[bytes], keep: int) -> bool:
    if keep < 0:
        return False
    try:
        b"".join(p[:keep]).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
