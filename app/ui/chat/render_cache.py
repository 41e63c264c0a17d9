"""Finished messages rendered ahead of time, so that showing one costs the GUI thread little.

When older messages are read from the store, or a chat opens, their answers are rendered
ahead (:func:`prerender`, from a background thread: in the helper process of
:mod:`app.core.render.process` once it is up, else on that thread) and kept here by text and
theme; a :class:`~app.ui.chat.markdown_view.MarkdownView` that is given one of those texts
takes the HTML from here instead of rendering it. The cache is only touched on the GUI thread.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable

from app.core.render import RenderedParts, Theme, render_parts
from app.core.render.process import RENDER_PROCESS

CAPACITY = 600  # messages; a few MB of HTML
PRERENDER_MAX_CHARS = 40_000  # longer texts render in slices when shown
_YIELD_S = 0.0005  # between two messages a background render lets the GUI thread have the GIL


class RenderCache:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._items: OrderedDict[tuple[str, str], RenderedParts] = OrderedDict()

    def get(self, text: str, theme: Theme) -> RenderedParts | None:
        key = (theme.name, text)
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, rendered: RenderedParts) -> None:
        self._items[(rendered.theme, rendered.text)] = rendered
        self._items.move_to_end((rendered.theme, rendered.text))
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._items

    def clear(self) -> None:
        self._items.clear()


CACHE = RenderCache()


def wanted(texts: Iterable[str], theme: Theme) -> list[str]:
    """Of ``texts``, those worth rendering ahead: not cached yet, not empty, not huge."""
    seen: set[str] = set()
    out: list[str] = []
    for text in texts:
        if text and len(text) <= PRERENDER_MAX_CHARS and (theme.name, text) not in CACHE and text not in seen:
            seen.add(text)
            out.append(text)
    return out


def prerender(texts: list[str], theme: Theme) -> list[RenderedParts]:
    """Render ``texts`` (called on a background thread): in the helper process if it runs,
    else here, pausing between messages so that the GUI thread never waits long for the
    interpreter."""
    rendered = RENDER_PROCESS.render(texts, theme)
    if rendered is not None:
        return rendered
    out: list[RenderedParts] = []
    for text in texts:
        out.append(render_parts(text, theme))
        time.sleep(_YIELD_S)
    return out
