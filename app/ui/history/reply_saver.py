"""Saves one streaming reply to the store, so a crash loses at most the last moment of it.

Deltas go to a :class:`~app.core.store.ReplyWriter`, which hands a batch to the store's
writer thread at most every ``FLUSH_S``; a timer ticks it, so text that arrived just before
a pause in the stream is written too. Nothing here waits for the disk.
"""

from __future__ import annotations

from collections.abc import Callable

from app.core.chat.messages import Message
from app.core.store import ReplyWriter
from app.core.store.writer import Submit
from app.ui.common.qt import QObject, QTimer

FLUSH_S = 0.5
TICK_MS = 250


class ReplySaver(QObject):
    def __init__(
        self,
        submit: Submit,
        message_id: str,
        on_done: Callable[[str], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.message_id = message_id
        self.writer = ReplyWriter(submit, message_id, interval=FLUSH_S)
        self._on_done = on_done
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.writer.tick)
        self._timer.start()

    def add(self, thinking: str = "", answer: str = "") -> bool:
        return self.writer.add(thinking, answer)

    def rewrite(self, message: Message) -> None:
        self.writer.rewrite(message)

    def finish(self, message: Message) -> None:
        """Write the final state and stop."""
        self._timer.stop()
        self.writer.finish(message)
        self._done()

    def abandon(self) -> None:
        """Write what is pending and stop, leaving the reply marked as streaming (the window
        is closing mid-reply: the next start shows it as stopped)."""
        self._timer.stop()
        self.writer.flush()
        self._done()

    def _done(self) -> None:
        if self._on_done is not None:
            self._on_done(self.message_id)
            self._on_done = None
