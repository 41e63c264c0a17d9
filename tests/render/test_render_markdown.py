"""Markdown features render to the Qt-friendly HTML subset."""

from __future__ import annotations

import re
import time

import pytest

from app.core.render import DARK, LIGHT, document_stylesheet, render_markdown, resolve_theme, verify_html


def html(text: str, theme: str = "light") -> str:
    out = render_markdown(text, theme).html
    assert verify_html(out)
    return out


def test_headings() -> None:
    out = html("# One\n\n## Two\n\n###### Six\n\nSetext\n===\n")
    assert "<h1>One</h1>" in out
    assert "<h2>Two</h2>" in out
    assert "<h6>Six</h6>" in out
    assert "<h1>Setext</h1>" in out


def test_lists_nested_and_ordered() -> None:
    out = html("- a\n- b\n  - c\n\n3. x\n4. y\n")
    assert re.search(r"<ul>\s*<li>a</li>\s*<li>b\s*<ul>\s*<li>c</li>", out)
    assert '<ol start="3">' in out
    assert "<li>y</li>" in out


def test_table_uses_attributes_qt_understands() -> None:
    out = html("| Name | Qty |\n|:-----|----:|\n| pear | 3 |\n| fig | 10 |\n")
    assert '<table border="1" cellspacing="0" cellpadding="5"' in out
    assert '<th align="left" bgcolor="' in out
    assert '<td align="right">10</td>' in out
    assert "text-align" not in out  # Qt reads align=, so the CSS form is converted


def test_blockquote_emphasis_strikethrough() -> None:
    out = html("> *quoted* **bold** ~~gone~~\n")
    assert out.startswith("<blockquote")
    assert "<em>quoted</em>" in out
    assert "<strong>bold</strong>" in out
    assert "<s>gone</s>" in out


def test_inline_code_is_escaped_and_styled() -> None:
    out = html("Use `a < b && c` here")
    match = re.search(r'<code style="([^"]*)">(.*?)</code>', out)
    assert match is not None
    assert "font-family" in match.group(1) and "background-color" in match.group(1)
    assert match.group(2) == "a &lt; b &amp;&amp; c"


def test_fenced_and_indented_code() -> None:
    result = render_markdown("```python\nx = 1\n```\n\n    indented()\n")
    assert result.html.count("<pre") == 2
    assert [b.language for b in result.code_blocks] == ["python", ""]
    assert [b.code for b in result.code_blocks] == ["x = 1\n", "indented()\n"]


def test_http_https_mailto_links() -> None:
    out = html("[a](https://example.org/x?y=1&z=2) [b](http://example.org) [c](mailto:me@example.org)")
    assert '<a href="https://example.org/x?y=1&amp;z=2">a</a>' in out
    assert '<a href="http://example.org">b</a>' in out
    assert '<a href="mailto:me@example.org">c</a>' in out


def test_link_with_apostrophe_and_unicode() -> None:
    out = html("[cat](https://en.wikipedia.org/wiki/Schr%C3%B6dinger's_cat) [b](https://bücher.example/ä)")
    assert '<a href="https://en.wikipedia.org/wiki/Schr%C3%B6dinger\'s_cat">cat</a>' in out
    assert '<a href="https://xn--bcher-kva.example/%C3%A4">b</a>' in out


def test_autolink() -> None:
    assert '<a href="https://example.org/">https://example.org/</a>' in html("<https://example.org/>")


def test_relative_and_anchor_links_become_text() -> None:
    out = html("[rel](docs/x.md) [anchor](#top) [ftp](ftp://example.org/f)")
    assert "<a " not in out
    assert "rel anchor ftp" in out


def test_reference_definitions_are_plain_text() -> None:
    # Off on purpose: a definition late in a streamed message would rewrite earlier blocks.
    out = html("[x]\n\n[x]: https://example.org\n")
    assert "<a " not in out


def test_hard_break_and_hr() -> None:
    out = html("line  \nnext\n\n---\n")
    assert "<br />" in out and "<hr />" in out


def test_themes_differ_and_resolve() -> None:
    text = "`x` and\n\n```python\nprint(1)\n```\n"
    light, dark = html(text, "light"), html(text, "dark")
    assert LIGHT.code_bg in light and DARK.code_bg in dark and light != dark
    assert resolve_theme(DARK) is DARK
    with pytest.raises(ValueError):
        resolve_theme("sepia")
    assert "a {" in document_stylesheet("dark")


def test_empty_and_whitespace() -> None:
    assert render_markdown("").html == ""
    assert render_markdown("   \n\n").html == ""


def test_pathological_nesting_is_fast_and_safe() -> None:
    # markdown-it stops nesting at 20 levels (and drops what is deeper); it must not hang.
    start = time.perf_counter()
    html("> " * 500 + "deep\n" + "- " * 500 + "x\n")
    out = html("[" * 5000 + "*" * 5000 + "$" * 3000 + "\\(" * 2000 + "`" * 3000)
    assert "[[[" in out
    assert time.perf_counter() - start < 10
