"""Events on their way from an engine's thread to the one reader that handles them.

A fast model sends hundreds of tokens a second, one text delta each. A reader that is busy for
a moment (the window painting) finds a run of deltas waiting; it takes the run as one delta,
its text in order, instead of handling one event per token.
"""

from __future__ import annotations

import threading
from collections import deque

from app.engine.protocol import Event, TextDelta


class EventInbox:
    """Thread-safe: ``put`` on the engine's thread, ``take`` on the reader's, in order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: deque[Event | list[TextDelta]] = deque()  # a list: a run of deltas

    def put(self, event: Event) -> bool:
        """Queue ``event``; True if the inbox was empty (the reader must be woken)."""
        with self._lock:
            was_empty = not self._entries
            last = self._entries[-1] if self._entries else None
            if isinstance(event, TextDelta):
                if isinstance(last, list) and _same_part(last[-1], event):
                    last.append(event)
                else:
                    self._entries.append([event])
            else:
                self._entries.append(event)
            return was_empty

    def __len__(self) -> int:
        """Events waiting (a run of deltas counts once)."""
        with self._lock:
            return len(self._entries)

    def take(self) -> Event | None:
        """The oldest event (a run of deltas joined into one), or None if there is none."""
        with self._lock:
            if not self._entries:
                return None
            entry = self._entries.popleft()
        if not isinstance(entry, list):
            return entry
        last = entry[-1]
        if len(entry) == 1:
            return last
        text = "".join(delta.text for delta in entry)
        return TextDelta(last.kind, text, last.thinking_tokens, last.request_id)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _same_part(a: TextDelta, b: TextDelta) -> bool:
    """Both continue the same reply's reasoning, or its answer."""
    return (a.kind, a.request_id) == (b.kind, b.request_id)
