"""Escaping, URL policy and a final check of the HTML the renderer produces.

Model output is untrusted. The renderer escapes all text itself; this module holds the
policy pieces and :func:`verify_html`, a whitelist pass over the finished HTML that the
renderer runs before anything reaches a rich-text view (belt and braces: if it ever fails,
the renderer falls back to plain escaped text).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: Schemes that the renderer keeps as clickable links. Everything else becomes plain text.
RENDERED_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
#: Schemes that the view may open (in the system browser) when the user clicks.
OPENABLE_LINK_SCHEMES = frozenset({"http", "https"})
#: Internal href used by code-block "Copy" links: ``copy:<index>``.
COPY_SCHEME = "copy"

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\\<>\"]")
_COPY_RE = re.compile(r"^copy:(0|[1-9][0-9]{0,8})$")


def escape_html(text: str) -> str:
    """Escape text for use in HTML content and double-quoted attribute values."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def url_scheme(url: str) -> str | None:
    """The lower-cased scheme of ``url``, or None when it has none (relative, malformed)."""
    match = _SCHEME_RE.match(url)
    return match.group(1).lower() if match else None


def _has_host(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return bool(parts.hostname)


def is_renderable_link(url: str) -> bool:
    """True if the renderer may emit ``url`` as a link target (http, https with a host; mailto)."""
    if not url or _UNSAFE_URL_CHARS.search(url):
        return False
    scheme = url_scheme(url)
    if scheme not in RENDERED_LINK_SCHEMES:
        return False
    if scheme == "mailto":
        return len(url) > len("mailto:")
    return _has_host(url)


def is_safe_link(url: str) -> bool:
    """True if the view may open ``url`` on click: http or https with a host, nothing odd.

    Rejects other schemes (javascript:, file:, data:, mailto:, custom handlers), URLs
    with whitespace, control characters, backslashes or double quotes, and URLs with credentials
    (``http://good.example@evil.example/`` tricks).
    """
    if not url or len(url) > 8192 or _UNSAFE_URL_CHARS.search(url):
        return False
    if url_scheme(url) not in OPENABLE_LINK_SCHEMES:
        return False
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return False
    return bool(parts.hostname) and "@" not in parts.netloc


def copy_index(url: str) -> int | None:
    """The code-block index of a ``copy:N`` link, or None if ``url`` is not one."""
    match = _COPY_RE.match(url)
    return int(match.group(1)) if match else None


# ---------------------------------------------------------------------------------------
# Final whitelist pass

# fmt: off
ALLOWED_TAGS = frozenset(
    {
        "a", "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
        "blockquote", "table", "thead", "tbody", "tr", "th", "td", "pre", "code",
        "span", "em", "strong", "s", "sup", "sub",
    }
)
ALLOWED_ATTRS = frozenset(
    {"href", "style", "align", "valign", "border", "cellspacing", "cellpadding", "width",
     "bgcolor", "colspan", "rowspan", "start"}
)
# fmt: on
_TAG_RE = re.compile(r"<(/?)([a-z][a-z0-9]*)((?:\s+[a-z]+=\"[^\"<>]*\")*)\s*(/?)>")
_ATTR_RE = re.compile(r"([a-z]+)=\"([^\"<>]*)\"")
_STYLE_FORBIDDEN = re.compile(r"url\s*\(|expression|@import|javascript|\\", re.IGNORECASE)


def _attr_ok(tag: str, name: str, value: str) -> bool:
    if name not in ALLOWED_ATTRS:
        return False
    if name == "href":
        url = value.replace("&amp;", "&")
        return tag == "a" and (is_renderable_link(url) or copy_index(url) is not None)
    if name == "style":
        return _STYLE_FORBIDDEN.search(value) is None
    return True


def verify_html(html: str) -> bool:
    """True if ``html`` uses only whitelisted tags, attributes and link targets.

    Every ``<`` must open a whitelisted tag (text is escaped, so a literal ``<`` in the
    output means markup); ``href`` must be http/https/mailto or ``copy:N``; no ``src``,
    no event handlers, no ``url(...)`` in styles.
    """
    pos = 0
    while True:
        lt = html.find("<", pos)
        if lt < 0:
            return True
        match = _TAG_RE.match(html, lt)
        if match is None or match.group(2) not in ALLOWED_TAGS:
            return False
        tag = match.group(2)
        for attr in _ATTR_RE.finditer(match.group(3)):
            if not _attr_ok(tag, attr.group(1), attr.group(2)):
                return False
        pos = match.end()


def plain_text_html(text: str) -> str:
    """Fallback rendering: the text escaped, line breaks kept, no markup interpreted."""
    return "<p>" + escape_html(text).replace("\n", "<br />") + "</p>\n"
