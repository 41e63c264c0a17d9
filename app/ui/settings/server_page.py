"""Settings ▸ Server: the loaded model served to other apps on this computer, as ``ponder serve``
does, on the window's own engine.

:class:`WindowServer` lives as long as the window: it follows the model (a model loaded or
swapped in is served, an unloaded or crashed one is not) and starts and stops the server on a
lane of its own, so the window never waits for sockets or threads. :class:`ServerPage` is
the tab that switches it and shows where it listens.
"""

from __future__ import annotations

import logging
from pathlib import PurePath

from app.engine.protocol import EngineError, Event, ModelLoaded, Unloaded
from app.server.app import ApiServer
from app.server.config import DEFAULT_PORT, ServerConfig
from app.server.scheduler import FedEvents
from app.ui.common.bridge import EngineBridge
from app.ui.common.core_text import from_core
from app.ui.common.i18n import tr
from app.ui.common.prefs import Preferences
from app.ui.common.qt import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QObject,
    QSpinBox,
    Qt,
    QWidget,
    Signal,
)
from app.ui.common.tasks import Tasks

log = logging.getLogger(__name__)


def served_name(path: str) -> str:
    """The model's name in the API: its file name without ``.gguf`` (or a server's model name)."""
    name = PurePath(path).name
    return name[: -len(".gguf")] if name.lower().endswith(".gguf") else name


class WindowServer(QObject):
    """Serves the window's loaded model on 127.0.0.1:``port`` while :attr:`enabled`.

    The engine's events reach the server from the engine's own thread (a direct connection),
    and only while one of its replies runs. The window's replies and the server's take turns
    on the engine (``bridge.turns``): each waits for the one that holds it, in the order asked.

    With ``prefs``, switching it on or off and the port are saved, and a window that starts
    serves again if it served when it last closed.
    """

    changed = Signal()

    def __init__(
        self, bridge: EngineBridge, parent: QObject | None = None, prefs: Preferences | None = None
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.prefs = prefs
        self.enabled = False
        self.port = prefs.settings.server_port if prefs is not None else DEFAULT_PORT
        self.status = tr("Off.")
        self.url = ""  # where it listens; empty while it does not
        self._feed = FedEvents()
        self._live: ApiServer | None = None  # touched by the lane alone (read by the engine's thread)
        self._generation = 0  # which start the status belongs to
        self._lane = Tasks(self, ordered=True, name="server")
        bridge.arrived.connect(self._pass_on, Qt.ConnectionType.DirectConnection)
        bridge.received.connect(self._model_event)
        if prefs is not None and prefs.settings.serve_model:
            self.serve(self.port)

    def serve(self, port: int) -> None:
        self.enabled, self.port = True, port
        self._remember()
        self._restart()

    def stop(self) -> None:
        self.enabled = False
        self._remember()
        self._restart()

    def _remember(self) -> None:
        """Save the switch and the port (shutting down is neither: the window serves again)."""
        prefs = self.prefs
        if prefs is None:
            return
        settings = prefs.settings
        if (settings.serve_model, settings.server_port) != (self.enabled, self.port):
            settings.serve_model, settings.server_port = self.enabled, self.port
            prefs.save()  # a failure is logged there; serving goes on

    def shutdown(self) -> None:
        """At exit, before the engine closes: stop serving and wait for the lane."""
        self.enabled = False
        self._lane.run(self._close_live)
        self._lane.shutdown()

    # -- on the engine's thread -----------------------------------------------------------
    def _pass_on(self, event: Event) -> None:
        live = self._live
        if live is not None and live.replies.active:
            self._feed.put(event)

    # -- on the GUI thread ----------------------------------------------------------------
    def _model_event(self, event: Event) -> None:
        lost = isinstance(event, Unloaded) or (isinstance(event, EngineError) and event.kind == "crash")
        if self.enabled and (isinstance(event, ModelLoaded) or lost):
            self._restart()

    def _restart(self) -> None:
        self._generation += 1
        generation = self._generation
        engine = self.bridge.engine
        loaded = engine.loaded if self.enabled else None
        name = served_name(loaded.path) if loaded is not None else ""
        port = self.port

        def work() -> str:
            self._close_live()
            if loaded is None:
                return ""
            aliases = (PurePath(loaded.path).name,)
            server = ApiServer(
                engine,
                ServerConfig(port=port),
                name,
                aliases=aliases,
                source=self._feed,
                turns=self.bridge.turns,
            )
            server.start()
            self._live = server
            return server.url

        if not self.enabled:
            self._show(tr("Off."), "")
        elif loaded is None:
            self._show(tr("On: waiting for a model to load."), "")
        else:
            self._show(tr("Starting…"), "")
        self._lane.run(
            work,
            lambda url: self._started(generation, name, url),
            lambda exc: self._failed(generation, exc),
            owner=self,
            name="restart",
        )

    def _started(self, generation: int, name: str, url: str) -> None:
        if generation == self._generation and url:
            self._show(tr("Serving {model} at {url}").format(model=name, url=url), url)

    def _failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation:
            return
        if isinstance(exc, OSError):
            reason = exc.strerror or exc
            self._show(
                tr("Port {port} cannot be used ({reason}). Choose another.").format(
                    port=self.port, reason=reason
                ),
                "",
            )
        else:
            log.warning("the server did not start: %s", exc)
            self._show(tr("The server did not start: {reason}").format(reason=from_core(str(exc))), "")

    def _show(self, status: str, url: str) -> None:
        self.status, self.url = status, url
        self.changed.emit()

    # -- on the lane ------------------------------------------------------------------------
    def _close_live(self) -> None:
        live, self._live = self._live, None
        if live is not None:
            live.close()


class ServerPage(QWidget):
    """The Server tab: switch serving on, pick the port, see the status and the address."""

    def __init__(self, server: WindowServer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(tr("Server"))
        self.server = server
        self.enable = QCheckBox(tr("Serve the loaded model on localhost"))
        self.enable.setAccessibleName(tr("Serve the loaded model"))
        self.enable.setChecked(server.enabled)
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.port.setAccessibleName(tr("Port"))
        self.port.setValue(server.port)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # a model's file name is not markup
        self.status.setWordWrap(True)
        self.status.setAccessibleName(tr("Server status"))
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hint = QLabel(
            tr(
                "Other apps on this computer reach the model through the OpenAI API at this address. "
                "Thinking budgets: thinking_budget, thinking_token_budget or reasoning_budget_tokens. "
                "To serve other computers, use ponder serve with an API key."
            )
        )
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        form = QFormLayout(self)
        form.addRow(self.enable)
        form.addRow(tr("Port"), self.port)
        form.addRow(tr("Status"), self.status)
        form.addRow(hint)
        self.enable.toggled.connect(self._toggled)
        self.port.editingFinished.connect(self._port_changed)
        server.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.status.setText(self.server.status)

    def _toggled(self, on: bool) -> None:
        if on:
            self.server.serve(self.port.value())
        else:
            self.server.stop()

    def _port_changed(self) -> None:
        if self.server.enabled and self.port.value() != self.server.port:
            self.server.serve(self.port.value())
