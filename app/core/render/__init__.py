"""Qt-free Markdown -> HTML rendering for the chat view.

Model output is untrusted: raw HTML stays text, only http/https/mailto links survive,
images are never loaded, math is shown as text. The HTML targets Qt's rich-text subset
(``QTextDocument``): tables with border/cellpadding attributes, ``<pre>`` for code, inline
styles, ``copy:N`` links for the code blocks' Copy buttons.
"""

from .highlight import CodeBlock, highlight_spans
from .incremental import RenderUpdate, StreamingRenderer
from .latex import latex_to_unicode
from .markdown import RenderResult, render_markdown
from .parts import RenderedParts, render_parts
from .sanitize import copy_index, escape_html, is_renderable_link, is_safe_link, verify_html
from .theme import DARK, LIGHT, Theme, document_stylesheet, resolve_theme

__all__ = [
    "DARK",
    "LIGHT",
    "CodeBlock",
    "RenderResult",
    "RenderUpdate",
    "RenderedParts",
    "StreamingRenderer",
    "Theme",
    "copy_index",
    "document_stylesheet",
    "escape_html",
    "highlight_spans",
    "is_renderable_link",
    "is_safe_link",
    "latex_to_unicode",
    "render_markdown",
    "render_parts",
    "resolve_theme",
    "verify_html",
]
