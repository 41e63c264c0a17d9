"""The model's state as the window shows it: none, loading, ready, failed, crashed."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from functools import partial
from pathlib import Path

from app.engine.local.offload import spread_note
from app.engine.protocol import EngineError, Event, LoadProgress, ModelLoaded, Unloaded
from app.ui.common.bridge import EngineBridge
from app.ui.common.bus import MessageBus
from app.ui.common.core_text import from_core
from app.ui.common.i18n import tr
from app.ui.common.prefs import Preferences
from app.ui.common.qt import QObject, Signal
from app.ui.common.remote_notes import budget_note


class ModelState(Enum):
    NONE = "none"
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"
    CRASHED = "crashed"


def model_name(path: str) -> str:
    name = Path(path).name
    return name[: -len(".gguf")] if name.lower().endswith(".gguf") else name


class ModelManager(QObject):
    """Loads models through the engine and keeps track of what is loaded."""

    changed = Signal()

    def __init__(
        self, bridge: EngineBridge, prefs: Preferences, bus: MessageBus, parent: QObject | None = None
    ):
        super().__init__(parent)
        self.bridge = bridge
        self.prefs = prefs
        self.bus = bus
        self.state = ModelState.NONE
        self.path: str | None = None
        self.progress = 0.0
        self.loaded: ModelLoaded | None = None
        self.error = ""
        self.on_open: Callable[[], None] | None = None  # "Open model…" (set by the window)

    @property
    def name(self) -> str:
        return model_name(self.path) if self.path else ""

    @property
    def ready(self) -> bool:
        return self.state is ModelState.READY

    @property
    def thinking_support(self) -> str:
        """ "hybrid", "always" or "never"; "hybrid" until a model says otherwise."""
        return self.loaded.thinking_support if self.loaded is not None else "hybrid"

    def load(self, path: str, *, without: tuple[str, ...] = ()) -> None:
        """``without``: other computers (RPC workers) to leave out of this load."""
        self.path = str(path)
        self.state = ModelState.LOADING
        self.progress = 0.0
        self.loaded = None
        self.error = ""
        self.bus.clear("model")
        self.changed.emit()
        try:
            client = self.bridge.engine_for(self.path)  # a server's model swaps in its engine
        except LookupError as exc:
            self.on_event(EngineError("load", str(exc)))
            return
        if not client.alive:
            client.close()  # reap a dead process and its reader before starting anew
        client.load(self.prefs.load_request(self.path, without=without))

    def reload(self) -> None:
        if self.path:
            self.load(self.path)

    def reload_without(self, lost: tuple[str, ...]) -> None:
        """Load the model again on the computers that still answer."""
        if self.path:
            self.load(self.path, without=lost)

    def unload(self) -> None:
        self.bridge.engine.unload()

    def on_event(self, event: Event) -> None:
        if isinstance(event, LoadProgress) and self.state is ModelState.LOADING:
            self.progress = event.fraction
            self.changed.emit()
        elif isinstance(event, ModelLoaded):
            self.state = ModelState.READY
            self.loaded = event
            self.path = event.path
            self.progress = 1.0
            self.prefs.remember_model(event.path)
            problem = self.prefs.save()
            if problem:
                self.bus.warning(problem, key="settings")
            elif budget_note(event.info):  # a server that cannot keep the exact budget says so
                self.bus.info(budget_note(event.info), key="model")
            elif split := spread_note(event.info):  # over other computers: how much went where
                self.bus.info(from_core(split), key="model")
            self.changed.emit()
        elif isinstance(event, Unloaded):
            self.state = ModelState.NONE
            self.loaded = None
            self.changed.emit()
        elif isinstance(event, EngineError) and (
            event.kind == "load" or (event.kind == "crash" and self.state is ModelState.LOADING)
        ):
            # A crash while loading is the model's fault (a damaged or unsupported file).
            self.state = ModelState.FAILED
            self.loaded = None
            self.error = event.message
            text = tr("The model could not be loaded: {reason}").format(reason=from_core(event.message))
            if event.lost:
                self.bus.error(
                    text, tr("Load without it"), partial(self.reload_without, event.lost), key="model"
                )
            else:
                self.bus.error(text, tr("Open model…"), self.on_open, key="model")
            self.changed.emit()
        elif isinstance(event, EngineError) and event.kind == "crash":
            self.state = ModelState.CRASHED
            self.loaded = None
            self.error = event.message
            again: Callable[[], None] = self.reload
            action = tr("Reload model")
            if event.lost:  # a worker went away: the others may carry the model without it
                action, again = tr("Reload without it"), partial(self.reload_without, event.lost)
            text = tr("{reason} Your conversation is safe.").format(reason=from_core(event.message))
            self.bus.error(text, action, again, key="model")
            self.changed.emit()
