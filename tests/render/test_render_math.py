"""Math is shown readably as text, never executed or fetched."""

from __future__ import annotations

import pytest

from app.core.render import latex_to_unicode, render_markdown, verify_html


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (r"\alpha + \beta", "α + β"),
        (r"a \times b \cdot c", "a × b · c"),
        (r"\frac{a}{b}", "a/b"),
        (r"\frac{a+1}{2}", "(a+1)/2"),
        (r"x^{2} + y^2", "x² + y²"),
        (r"x_{i+1}", "xᵢ₊₁"),
        (r"e^{i\pi}", "e^(iπ)"),
        (r"\sqrt{x}", "√x"),
        (r"\sum_{i=1}^{n} i", "∑ᵢ₌₁ⁿ i"),
        (r"\mathbb{R}^n", "ℝⁿ"),
        (r"\text{if } x \geq 0", "if x ≥ 0"),
        (r"\left( \frac{1}{2} \right)", "( 1/2 )"),
        (r"\unknown{arg}", r"\unknown{arg}"),
        (r"\begin{aligned} a &= b \\ c &= d \end{aligned}", "a = b\nc = d"),
    ],
)
def test_latex_to_unicode(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected


def test_latex_hostile_input_terminates() -> None:
    assert latex_to_unicode("{" * 100_000 + "x")
    assert latex_to_unicode("\\hat" * 5000 + "x")
    assert latex_to_unicode("\\") == "\\"


def _math_spans(html: str) -> int:
    return html.count("font-style:italic; color:")


def test_inline_dollar_and_paren_math() -> None:
    out = render_markdown(r"Energy $E = mc^2$ and \(\alpha \le 1\).").html
    assert verify_html(out)
    assert _math_spans(out) == 2
    assert "E = mc²" in out and "α ≤ 1" in out


def test_currency_is_not_math() -> None:
    out = render_markdown("It costs $5 and $10, or \\$3 with escape.").html
    assert _math_spans(out) == 0
    assert "$5 and $10" in out and "$3" in out


def test_display_math_blocks() -> None:
    text = "Before:\n$$\n\\frac{1}{2} + x^{2}\n$$\n\nand\n\n\\[ \\int_0^1 f \\]\n\nInline $$a+b$$ too.\n"
    out = render_markdown(text).html
    assert verify_html(out)
    assert out.count('<p align="center"') == 2
    assert "1/2 + x²" in out and "∫₀¹ f" in out
    assert "<p>Before:</p>" in out  # the block interrupted the paragraph
    assert _math_spans(out) == 3


def test_unclosed_display_math_stays_text() -> None:
    out = render_markdown("$$\nx + y\n\nrest").html
    assert '<p align="center"' not in out
    assert "$$" in out


def test_math_content_is_escaped() -> None:
    out = render_markdown(r"$a<b>c$ and $$<script>$$").html
    assert verify_html(out)
    assert "<script" not in out and "<b>" not in out
    assert "a&lt;b&gt;c" in out


def test_code_span_wins_over_math() -> None:
    out = render_markdown("`$x$` and $y$").html
    assert "<code" in out and "$x$" in out
    assert _math_spans(out) == 1
