"""Colour palettes for rendered messages (light and dark).

The renderer writes colours inline (``style="..."`` / ``bgcolor``) because Qt's rich-text
engine applies inline styles reliably; :func:`document_stylesheet` adds the few rules that
are better set once per document (link colour, heading sizes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Theme:
    """Colours used by the renderer. All colours are ``#rrggbb`` strings."""

    name: str
    pygments_style: str
    text: str
    code_bg: str
    code_header_bg: str
    code_header_fg: str
    code_fg: str
    inline_code_bg: str
    math_bg: str
    math_fg: str
    link: str
    table_border: str
    table_header_bg: str
    quote_fg: str
    muted: str


LIGHT = Theme(
    name="light",
    pygments_style="default",
    text="#1f2328",
    code_bg="#f6f8fa",
    code_header_bg="#e7ebef",
    code_header_fg="#57606a",
    code_fg="#1f2328",
    inline_code_bg="#eceff2",
    math_bg="#f1eefa",
    math_fg="#3c2a78",
    link="#0969da",
    table_border="#c8d0d8",
    table_header_bg="#f0f3f6",
    quote_fg="#57606a",
    muted="#6e7781",
)

DARK = Theme(
    name="dark",
    pygments_style="github-dark",
    text="#e6edf3",
    code_bg="#161b22",
    code_header_bg="#242a33",
    code_header_fg="#9aa5b1",
    code_fg="#e6edf3",
    inline_code_bg="#2d333b",
    math_bg="#2a2540",
    math_fg="#d6ccff",
    link="#58a6ff",
    table_border="#444c56",
    table_header_bg="#22272e",
    quote_fg="#9aa5b1",
    muted="#8b949e",
)

THEMES: dict[str, Theme] = {LIGHT.name: LIGHT, DARK.name: DARK}

MONOSPACE = "'DejaVu Sans Mono',Menlo,Consolas,monospace"
MATH_FONT = "'Cambria Math','STIX Two Math','DejaVu Serif',serif"


def resolve_theme(theme: Theme | str) -> Theme:
    """Return a :class:`Theme` for a theme object or a name (``"light"`` / ``"dark"``)."""
    if isinstance(theme, Theme):
        return theme
    try:
        return THEMES[theme]
    except KeyError:
        raise ValueError(f"unknown theme {theme!r}; expected one of {sorted(THEMES)}") from None


def document_stylesheet(theme: Theme | str) -> str:
    """A small stylesheet for ``QTextDocument.setDefaultStyleSheet``.

    Everything the renderer needs for correctness is inline; this only tunes defaults that
    Qt would otherwise take from the widget palette (links) or make too large (headings).
    """
    t = resolve_theme(theme)
    return (
        f"a {{ color: {t.link}; text-decoration: none; }}\n"
        "h1 { font-size: x-large; }\n"
        "h2 { font-size: large; }\n"
        "h3 { font-size: medium; }\n"
        "h4, h5, h6 { font-size: medium; font-style: italic; }\n"
        f"blockquote {{ color: {t.quote_fg}; }}\n"
        "pre { margin-top: 0px; margin-bottom: 0px; }\n"
    )


#: Key under which the renderer keeps the active :class:`Theme` in the markdown-it env.
THEME_ENV_KEY = "ponder_theme"


def theme_from_env(env: Mapping[str, Any]) -> Theme:
    """The theme stored in a markdown-it env (light if none)."""
    theme = env.get(THEME_ENV_KEY)
    return theme if isinstance(theme, Theme) else LIGHT
