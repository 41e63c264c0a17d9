"""The toolbar's model picker: name and state, a progress bar while loading, a menu."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from app.engine.remote.servers import remote_ref
from app.ui.common.icons import set_icon
from app.ui.common.model_state import ModelManager, ModelState, model_name
from app.ui.common.prefs import Preferences
from app.ui.common.qt import QHBoxLayout, QLabel, QMenu, QProgressBar, Qt, QToolButton, QWidget, Signal
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
        self.context = QLabel()  # the context the loaded model runs with: "41K ctx · YaRN"
        self.context.setObjectName("contextLabel")
        self.context.setAccessibleName("Context size")
        self.context.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(self.button)
        row.addWidget(self.progress)
        row.addWidget(self.context)
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
            tip += f"\n{context_text(info)}"
            if info.get("fit"):
                tip += f"\n{info['fit']}"
        elif m.error:
            tip += f"\n{m.error}"
        self.button.setToolTip(tip)
        local_ready = m.state is ModelState.READY and not is_remote(info) and bool(info.get("n_ctx"))
        self.context.setVisible(local_ready)
        if local_ready:
            self.context.setText(context_label(info))
            self.context.setToolTip(context_text(info))
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


def context_label(info: Mapping[str, Any]) -> str:
    """The context a loaded model runs with, short: "41K ctx", "128K ctx · YaRN"."""
    n = int(info.get("n_ctx") or 0)
    label = f"{n // 1024}K ctx" if n >= 1024 else f"{n} ctx"
    return label + (" · YaRN" if info.get("rope_scaling") else "")


def context_text(info: Mapping[str, Any]) -> str:
    """The context in words, for the tooltip: size, KV cache type, and YaRN when it is on."""
    text = f"Context {int(info.get('n_ctx') or 0):,} tokens, {info.get('kv_cache_type') or 'f16'} KV cache"
    rope = info.get("rope_scaling")
    if isinstance(rope, dict):
        text += f"; YaRN ×{rope.get('factor')} over its native {int(rope.get('original_context') or 0):,}"
    return text
