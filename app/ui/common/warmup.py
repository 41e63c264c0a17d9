"""First-use costs paid at startup, off the GUI thread.

The first code block in a language makes Pygments import its lexer and compile dozens of
regular expressions (50–100 ms); the first Markdown render builds the parser. Paid while a
reply streams, that is a visible stall; paid on a background thread right after the window
opens, it is not. ``gc.freeze`` then moves everything built at startup out of the garbage
collector's way, which shortens the full collections that streaming triggers.
"""

from __future__ import annotations

import gc
import logging
import threading

from app.core.render import DARK, LIGHT, render_markdown

log = logging.getLogger(__name__)

LANGUAGES = (
    "python", "bash", "sh", "shell", "javascript", "js", "typescript", "ts", "json", "c", "cpp",
    "rust", "go", "java", "html", "css", "sql", "yaml", "toml", "text",
)  # fmt: skip
_thread: threading.Thread | None = None


def _warm() -> None:
    try:
        sample = "# Title\n\nSome *text* with `code`, $x^2$ and a [link](https://example.org).\n\n"
        sample += "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        sample += "".join(f"```{lang}\nx = 1\n```\n\n" for lang in LANGUAGES)
        for theme in (LIGHT, DARK):
            render_markdown(sample, theme)
    except Exception:  # never let a warm-up problem reach the user
        log.exception("renderer warm-up failed")


def warm_up() -> threading.Thread:
    """Start the warm-up once per process; returns its thread (join it to wait)."""
    global _thread
    if _thread is None:
        _thread = threading.Thread(target=_warm, name="ponder-warmup", daemon=True)
        _thread.start()
    return _thread


def settle_startup() -> threading.Thread:
    """Call once the window is built: warm the renderer and freeze startup objects for GC."""
    gc.freeze()
    return warm_up()
