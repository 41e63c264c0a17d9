"""The engine's events, moved from its reader thread onto the GUI thread as a Qt signal."""

from __future__ import annotations

from app.engine.local.engine import LocalEngine
from app.engine.protocol import Event
from app.ui.common.qt import QObject, Signal


class EngineBridge(QObject):
    """Owns the :class:`LocalEngine`; ``received`` is emitted (queued) on the GUI thread.

    The client calls back on its reader thread; emitting a signal from there lets Qt queue
    the event to the thread this object lives in. Receivers should connect with
    ``Qt.QueuedConnection`` so that events the client raises synchronously (a file that is
    not a model, "not running") also arrive after the call that caused them returns.
    """

    received = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = LocalEngine(on_event=self._from_engine)
        self._closed = False

    def _from_engine(self, event: Event) -> None:
        if not self._closed:
            self.received.emit(event)

    def close(self) -> None:
        """Stop the engine process and its reader thread (blocks briefly; call at exit)."""
        self._closed = True
        self.engine.cancel()
        self.engine.close()
