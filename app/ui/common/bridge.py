"""The engine's events, moved from its reader thread onto the GUI thread as a Qt signal; and
which engine that is: the local llama.cpp process, or a server the user added."""

from __future__ import annotations

from app.engine.base import Engine
from app.engine.inbox import EventInbox
from app.engine.local.engine import LocalEngine
from app.engine.protocol import Event, ModelLoaded
from app.engine.remote.engine import RemoteEngine
from app.engine.remote.servers import ServerList, parse_ref
from app.engine.turns import EngineTurns
from app.ui.common.i18n import tr
from app.ui.common.qt import QObject, Qt, Signal


class EngineBridge(QObject):
    """Owns the current :class:`Engine`; its events reach the GUI thread as ``received``.

    The engine calls back on its own thread. Each event is emitted there as ``arrived`` (for a
    direct connection that must not wait for the GUI thread: the API server's replies), and
    put in an inbox that the GUI thread empties on its next turn, emitting ``received`` for
    each event in order. A run of text deltas that came in meanwhile is one event by then: a
    fast model sends hundreds of tokens a second, and a window that is busy for a moment
    catches up in one step instead of one per token. Every event arrives on a later turn of
    the event loop, so events that an engine raises synchronously (a file that is not a
    model, "not running") also arrive after the call that caused them returns.

    Opening a model picks its engine (:meth:`engine_for`): a ``.gguf`` runs in the local
    process, ``remote:<server>/<model>`` on that server; switching closes the engine before.
    The window always calls ``bridge.engine``, whichever it is; its replies and those of the
    server it runs (Settings ▸ Server) take ``turns`` on it.
    """

    arrived = Signal(object)  # on the engine's thread, each event as it comes
    received = Signal(object)  # on the GUI thread, in order, runs of text deltas joined
    _posted = Signal()  # the inbox was empty and is not any more

    def __init__(self, parent: QObject | None = None, servers: ServerList | None = None) -> None:
        super().__init__(parent)
        self.servers = servers or ServerList()
        self._inbox = EventInbox()
        self._posted.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._closed = False
        self.engine: Engine = self._local_engine()
        self.turns = EngineTurns()

    def _local_engine(self) -> LocalEngine:
        """llama.cpp in its own process, a notch below the window's CPU priority."""
        return LocalEngine(on_event=self._from_engine, background=True)

    def _from_engine(self, event: Event) -> None:
        if isinstance(event, ModelLoaded):
            self._remember_models(event)
        if self._closed:
            return
        self.arrived.emit(event)
        if self._inbox.put(event):
            self._posted.emit()

    def _deliver(self) -> None:
        # One event at a time from the inbox: a handler that runs a nested event loop (a
        # dialog) has the later events delivered there, still in order. Only those waiting
        # now: what comes meanwhile waits for a later turn, after the paints and the input
        # that are waiting too, however fast an engine sends.
        for _ in range(len(self._inbox)):
            event = self._inbox.take()
            if self._closed or event is None:
                return
            self.received.emit(event)
        if len(self._inbox):
            self._posted.emit()

    def _remember_models(self, event: ModelLoaded) -> None:
        """A server's models as it listed them when this one loaded, for the picker (on the
        engine's thread: a small file write, never on the GUI thread)."""
        ref, engine = parse_ref(event.path), self.engine
        if ref is not None and isinstance(engine, RemoteEngine) and engine.info is not None:
            self.servers.remember_models(ref[0], engine.info.kind.value, engine.info.models)

    def engine_for(self, path: str) -> Engine:
        """The engine that runs ``path``, made current; LookupError for a server no longer added."""
        ref = parse_ref(path)
        current = self.engine
        if ref is None:
            if not isinstance(current, LocalEngine):
                self._swap(self._local_engine())
            return self.engine
        sid = ref[0]
        if isinstance(current, RemoteEngine) and current.server_id == sid:
            return current
        server = self.servers.get(sid)
        if server is None:
            raise LookupError(tr("This model's server is no longer in Settings ▸ Engines. Add it again."))
        self._swap(RemoteEngine(server.url, self.servers.keys.get(sid), on_event=self._from_engine))
        return self.engine

    def _swap(self, engine: Engine) -> None:
        old, self.engine = self.engine, engine
        old.cancel()
        old.close()

    def close(self) -> None:
        """Stop the engine (its process or connections, and its thread; blocks briefly; call at exit)."""
        self._closed = True
        self._inbox.clear()  # what has not reached the window will not
        self.engine.cancel()
        self.engine.close()
