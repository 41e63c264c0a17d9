"""The toolbar's model picker: name and state, a progress bar while loading, a menu."""

from __future__ import annotations

from functools import partial

from app.engine.remote.servers import remote_ref
from app.ui.common.icons import set_icon
from app.ui.common.model_state import ModelManager, ModelState, model_name
from app.ui.common.prefs import Preferences
from app.ui.common.qt import QHBoxLayout, QMenu, QProgressBar, Qt, QToolButton, QWidget, Signal
from app.ui.common.remote_notes import UNENCRYPTED, budget_note, is_remote, where

STATE_TEXT = {
    ModelState.NONE: "No model — open one",
    ModelState.LOADING: "Loading {name}…",
    ModelState.READY: "{name}",
    ModelState.FAILED: "{name} — failed to load",
    ModelState.CRASHED: "{name} — engine stopped",
}


class ModelPicker(QWidget):
    open_requested = Signal()
    load_requested = Signal(str)  # a .gguf path, or remote:<server>/<model>
    reload_requested = Signal()
    servers_requested = Signal()  # "Connect to a server…": Settings ▸ Engines

    def __init__(self, models: ModelManager, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.models = models
        self.prefs = prefs
        self.button = QToolButton()
        self.button.setObjectName("modelPicker")
        self.button.setAccessibleName("Model")
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        set_icon(self.button, "open")
        self.menu = QMenu(self.button)
        self.menu.aboutToShow.connect(self._fill_menu)
        self.button.setMenu(self.menu)
        self.progress = QProgressBar()
        self.progress.setObjectName("loadProgress")
        self.progress.setAccessibleName("Loading progress")
        self.progress.setRange(0, 100)
        self.progress.setFixedWidth(140)
        self.progress.setTextVisible(True)
        self.progress.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(self.button)
        row.addWidget(self.progress)
        models.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        m = self.models
        text = STATE_TEXT[m.state].format(name=m.name or "model")
        info = m.loaded.info if m.loaded is not None else {}
        if is_remote(info):  # marked by where it runs
            text += f" · {info.get('server_name')}" + (" ⚠ unencrypted" if info.get("unencrypted") else "")
        self.button.setText(text)
        self.button.setProperty("state", m.state.value)
        self.button.style().unpolish(self.button)
        self.button.style().polish(self.button)
        tip = m.path or "No model loaded"
        if m.state is ModelState.READY and m.loaded is not None and is_remote(info):
            notes = [budget_note(info), UNENCRYPTED if info.get("unencrypted") else ""]
            tip = f"{m.name}\nRuns on {where(info)}" + "".join(f"\n{n}" for n in notes if n)
        elif m.state is ModelState.READY and m.loaded is not None:
            support = {"hybrid": "can think or not", "always": "always thinks", "never": "never thinks"}
            info = m.loaded.info
            tip += f"\nLoaded in {m.loaded.load_s:.1f} s · {support.get(m.thinking_support, '')}"
            backends = ", ".join(info.get("backends") or ["CPU"])
            layers = info.get("n_gpu_layers", 0)
            gpu = "all layers" if layers == -1 else f"{layers} layers"
            tip += f"\nRuns on {backends}" + (f" ({gpu} on the GPU)" if layers else "")
            if info.get("fit"):
                tip += f"\n{info['fit']}"
        elif m.error:
            tip += f"\n{m.error}"
        self.button.setToolTip(tip)
        self.button.setAccessibleDescription(text)
        loading = m.state is ModelState.LOADING
        self.progress.setVisible(loading)
        self.progress.setValue(int(m.progress * 100))

    def _fill_menu(self) -> None:
        self.menu.clear()
        self.menu.addAction("Open model…", self.open_requested.emit)
        recent = [p for p in self.prefs.recent_models() if p != self.models.path]
        if recent:
            self.menu.addSection("On this computer")
            for path in recent:
                self.menu.addAction(model_name(path), partial(self.load_requested.emit, path))
        for server in self.models.bridge.servers.load():
            plain = " (unencrypted)" if server.address.unencrypted else ""
            self.menu.addSection(f"On {server.name}{plain}")
            for model in server.models:
                ref = remote_ref(server.id, model)
                if ref != self.models.path:
                    self.menu.addAction(f"⇄ {model}", partial(self.load_requested.emit, ref))
        self.menu.addSeparator()
        self.menu.addAction("Connect to a server…", self.servers_requested.emit)
        if self.models.path:
            self.menu.addSeparator()
            self.menu.addAction("Reload model", self.reload_requested.emit)
