"""A helper process that renders finished messages, so the window's interpreter never waits for it.

Rendering Markdown is plain Python. On a thread of the window's own process it holds the
interpreter lock while it runs, and the GUI thread, which gives the lock up around its calls
into Qt, waits for it each time it wants it back: measured on a 2-core machine, a chat opened
while its answers rendered ahead on threads blocked the window for 24–35 ms, of which the GUI
thread itself used 15–21. A helper process has an interpreter of its own, and at the engine's
background priority (:mod:`app.core.priority`) it never takes a core from the window.

:meth:`RenderProcess.render` blocks, so it is called from a worker thread, which waits without
the lock. It gives ``None`` while the helper is not running (not started, still starting up,
closed, or lost for good): the caller then renders on its own thread, as before, so a text is
never lost to a helper that is not there. A helper that dies is started again, twice at most.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import threading
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from app.core.priority import run_in_background

from .parts import RenderedParts, render_parts
from .theme import DARK, LIGHT, Theme

log = logging.getLogger(__name__)

RESTARTS = 2  # a helper lost more often than this is not started again
BATCH = 8  # texts given to the helper at once: another caller's texts wait one batch at most
LANGUAGES = (
    "python", "bash", "sh", "shell", "javascript", "js", "typescript", "ts", "json", "c", "cpp",
    "rust", "go", "java", "html", "css", "sql", "yaml", "toml", "text",
)  # fmt: skip
# Rendered once by each renderer before any real text: the first code block in a language
# makes Pygments import its lexer and compile its expressions (50–100 ms).
WARM_UP_TEXT = (
    "# Title\n\nSome *text* with `code`, $x^2$ and a [link](https://example.org).\n\n"
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n" + "".join(f"```{lang}\nx = 1\n```\n\n" for lang in LANGUAGES)
)


def _settle_helper() -> None:
    run_in_background()


def warm_renderer() -> None:
    """Build the Markdown parser and the common languages' lexers in this process, in both themes."""
    for theme in (LIGHT, DARK):
        render_parts(WARM_UP_TEXT, theme)


def _warm_up() -> int:
    """The helper's first piece of work: its renderer warm, its pid back."""
    warm_renderer()
    return os.getpid()


def _render_all(texts: list[str], theme: Theme) -> list[RenderedParts]:
    return [render_parts(text, theme) for text in texts]


class RenderProcess:
    """One helper process, started by :meth:`start`, that renders texts for any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._ready: Future[int] | None = None  # the warm-up: done once the helper is up
        self._wanted = False
        self.restarts = 0

    def start(self) -> None:
        """Start the helper unless it runs (returns at once; it is up a moment later)."""
        with self._lock:
            self._wanted = True
            if self._pool is None and self.restarts <= RESTARTS:
                self._launch()

    def _launch(self) -> None:
        try:
            pool = ProcessPoolExecutor(1, mp_context=mp.get_context("spawn"), initializer=_settle_helper)
            self._ready = pool.submit(_warm_up)
        except (OSError, RuntimeError) as exc:  # no process can be started here
            log.warning("could not start the rendering helper, rendering in the window's process: %r", exc)
            self.restarts = RESTARTS + 1
            return
        self._pool = pool

    @property
    def pid(self) -> int | None:
        """The helper's process id once it is up, else None."""
        ready = self._ready
        if ready is None or not ready.done() or ready.cancelled() or ready.exception() is not None:
            return None
        return ready.result()

    def wait_until_up(self, timeout: float) -> bool:
        """Block until the helper is up; False if it is not within ``timeout`` seconds."""
        ready = self._ready
        if ready is None:
            return False
        try:
            ready.result(timeout)
        except Exception:  # a helper that failed to start is not up; render() says why
            return False
        return True

    def render(self, texts: list[str], theme: Theme) -> list[RenderedParts] | None:
        """``texts`` rendered in the helper, in order; None if it is not running (render them
        here then). Blocks: call it from a worker thread. A text that fails to render raises
        here, as it would have on this thread."""
        with self._lock:
            pool, ready = self._pool, self._ready
        if pool is None or ready is None or not ready.done():
            return None
        if ready.cancelled() or ready.exception() is not None:
            self._lost(pool, ready.exception())
            return None
        out: list[RenderedParts] = []
        for at in range(0, len(texts), BATCH):
            try:
                batch = pool.submit(_render_all, texts[at : at + BATCH], theme)
            except RuntimeError as exc:  # closed meanwhile, or found broken (BrokenProcessPool is one)
                self._lost(pool, exc)
                return None
            try:
                out += batch.result()
            except (BrokenProcessPool, CancelledError) as exc:  # it died, or was closed meanwhile
                self._lost(pool, exc)
                return None
        return out

    def _lost(self, pool: ProcessPoolExecutor, why: BaseException | None) -> None:
        """``pool``'s helper is gone: start another while restarts are left."""
        with self._lock:
            if self._pool is not pool:
                return  # already replaced, or closed
            self._pool = self._ready = None
            if self._wanted:
                self.restarts += 1
                if self.restarts <= RESTARTS:
                    log.warning("the rendering helper was lost (%r); starting it again", why)
                    self._launch()
                else:
                    log.warning("the rendering helper was lost (%r); rendering in the window's process", why)
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the helper and wait for it to exit (the batch it is on finishes first)."""
        with self._lock:
            self._wanted = False
            pool, self._pool, self._ready = self._pool, None, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


#: The window's helper: started once the window is up, closed when it closes.
RENDER_PROCESS = RenderProcess()
