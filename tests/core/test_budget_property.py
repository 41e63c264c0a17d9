"""The budget cut on random Chinese, Japanese and mixed reasoning, split into random tokens."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.chat.budget import choose_cut, lookback_window

WIDE_BOUNDARIES = "。！？；：，、"
ENDS = WIDE_BOUNDARIES + ".!?…:\n"
CLOSERS = "\"')]}*_`”’」』）》】〕〉"
CHARACTERS = st.sampled_from(
    list("我们先算一下再检查然后回答好的日本語はいカタカナ")
    + list(WIDE_BOUNDARIES)
    + ["」", "』", "a", "b", " ", "\n", "3", ".", ","]
)


@st.composite
def reasoning(draw: st.DrawFn) -> tuple[list[bytes], int]:
    text = "".join(draw(st.lists(CHARACTERS, min_size=1, max_size=120)))
    data = text.encode("utf-8")
    # Tokens cut anywhere: inside characters too.
    cuts = sorted(set(draw(st.lists(st.integers(1, max(1, len(data) - 1)), max_size=len(data)))))
    bounds = [0, *[c for c in cuts if 0 < c < len(data)], len(data)]
    tokens = [data[a:b] for a, b in itertools.pairwise(bounds)]
    limit = draw(st.integers(1, len(tokens)))
    return tokens, limit


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _ends_with_boundary(text: str) -> bool:
    if text.rstrip(" ").endswith("\n"):  # a line's end, then the next line's indent: as in_reach counts it
        return True
    return text.rstrip().rstrip(CLOSERS)[-1:] in set(ENDS)


@settings(max_examples=400, deadline=None)
@given(reasoning())
def test_cut_ends_after_a_boundary_when_one_is_in_reach(drawn: tuple[list[bytes], int]) -> None:
    tokens, limit = drawn
    keep = choose_cut(tokens, limit)
    assert 0 <= keep <= limit
    assert _decodes(b"".join(tokens[:keep]))
    lowest = max(0, limit - lookback_window(limit))
    in_reach = [
        k
        for k in range(lowest, limit + 1)
        if _decodes(b"".join(tokens[:k]))
        and b"".join(tokens[:k]).decode().rstrip(" ").rstrip(CLOSERS)[-1:] in set(WIDE_BOUNDARIES + "\n")
    ]
    if in_reach:
        assert _ends_with_boundary(b"".join(tokens[:keep]).decode()), (tokens, limit, keep)
        # Never stepping back past punctuation: the nearest such boundary or a nearer one.
        assert keep >= max(in_reach), (tokens, limit, keep)
