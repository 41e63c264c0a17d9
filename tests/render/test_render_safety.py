"""Model output is untrusted: no markup, no remote resources, only http(s) links open."""

from __future__ import annotations

import pytest

from app.core.render import copy_index, is_renderable_link, is_safe_link, render_markdown, verify_html
from app.core.render.sanitize import plain_text_html


def test_script_tag_is_escaped_text() -> None:
    out = render_markdown("Hello <script>alert(1)</script> world\n\n<script>\nalert(2)\n</script>\n").html
    assert "<script" not in out.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;script&gt;" in out.split("world", 1)[1]


def test_raw_img_tag_is_escaped_text() -> None:
    out = render_markdown('<img src="http://example.com/x.png">\n\ntext <img src=x onerror=alert(1)>').html
    assert "<img" not in out.lower()
    assert "&lt;img src=&quot;http://example.com/x.png&quot;&gt;" in out
    assert verify_html(out)


@pytest.mark.parametrize(
    "source",
    [
        "![a cat](http://example.com/cat.png)",
        "![a cat](https://example.com/cat.png 'title')",
        "![local](file:///etc/passwd)",
        "![data](data:image/png;base64,AAAA)",
        "[![nested](http://example.com/i.png)](https://example.org)",
        "![x][ref]\n\n[ref]: http://example.com/r.png",
    ],
)
def test_markdown_images_are_never_img(source: str) -> None:
    out = render_markdown(source).html
    assert "<img" not in out.lower() and "src=" not in out
    assert verify_html(out)


def test_http_image_becomes_labelled_link() -> None:
    out = render_markdown("![a *fine* cat](https://example.com/cat.png)").html
    assert '<a href="https://example.com/cat.png">🖼 a fine cat</a>' in out
    out = render_markdown("![local](file:///x.png)").html
    assert "🖼 local" in out and "<a " not in out


def test_image_inside_link_does_not_nest_anchors() -> None:
    out = render_markdown("[![pic](http://example.com/i.png)](https://example.org)").html
    assert out.count("<a ") == 1 and '<a href="https://example.org">🖼 pic</a>' in out


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "java%0Ascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "copy:0",
        "qrc:/icon.png",
        "//example.org/x",
    ],
)
def test_unsafe_link_targets_become_plain_text(target: str) -> None:
    out = render_markdown(f"[click me]({target}) <{target}>").html
    assert "<a " not in out, out
    assert "click me" in out
    assert verify_html(out)


def test_is_safe_link() -> None:
    assert is_safe_link("https://example.org/path?q=1#frag")
    assert is_safe_link("http://localhost:8080/")
    for bad in [
        "",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "mailto:a@example.org",
        "ftp://example.org",
        "https://",
        "https://good.example@evil.example/",
        "https://exa mple.org",
        "https://example.org/\n",
        "http://example.org:99999999/",
        "copy:1",
        "HTTPS:",
    ]:
        assert not is_safe_link(bad), bad
    assert is_renderable_link("mailto:a@example.org")
    assert not is_renderable_link("mailto:")


def test_copy_index() -> None:
    assert copy_index("copy:0") == 0
    assert copy_index("copy:12") == 12
    for bad in ["copy:", "copy:-1", "copy:01", "copy:1x", "https://copy:1", "copy:1 "]:
        assert copy_index(bad) is None


@pytest.mark.parametrize(
    "bad",
    [
        "<script>x</script>",
        '<img src="http://example.com/x.png">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="file:///etc">x</a>',
        '<p onclick="x">y</p>',
        '<span style="background:url(http://example.com/x)">y</span>',
        "<p>unterminated <b",
        "<iframe></iframe>",
    ],
)
def test_verify_html_rejects(bad: str) -> None:
    assert not verify_html(bad)


def test_verify_html_accepts_own_output() -> None:
    assert verify_html('<p>x &lt; y <a href="https://e.org/?a=1&amp;b=2">l</a></p>')
    assert verify_html('<a href="copy:3" style="color:#fff">Copy</a>')
    assert verify_html(plain_text_html("<script>\nx"))
