"""The toolbar's model picker: name and state, a progress bar while loading, a menu."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from app.engine.remote.servers import remote_ref
from app.ui.common.core_text import from_core
from app.ui.common.i18n import QT_TR_NOOP, decimal, number, tr
from app.ui.common.icons import set_icon
from app.ui.common.model_state import ModelManager, ModelState, model_name
from app.ui.common.prefs import Preferences
from app.ui.common.qt import QHBoxLayout, QLabel, QMenu, QProgressBar, Qt, QToolButton, QWidget, Signal
from app.ui.common.remote_notes import budget_note, is_remote, unencrypted_note, where

STATE_TEXT = {
    ModelState.NONE: QT_TR_NOOP("No model — open one"),
    ModelState.LOADING: QT_TR_NOOP("Loading {name}…"),
    ModelState.READY: "{name}",
    ModelState.FAILED: QT_TR_NOOP("{name} — failed to load"),
    ModelState.CRASHED: QT_TR_NOOP("{name} — engine stopped"),
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
        self.button.setAccessibleName(tr("Model"))
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        set_icon(self.button, "open")
        self.menu = QMenu(self.button)
        self.menu.aboutToShow.connect(self._fill_menu)
        self.button.setMenu(self.menu)
        self.progress = QProgressBar()
        self.progress.setObjectName("loadProgress")
        self.progress.setAccessibleName(tr("Loading progress"))
        self.progress.setRange(0, 100)
        self.progress.setFixedWidth(140)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.context = QLabel()  # the context the loaded model runs with: "41K ctx · YaRN"
        self.context.setObjectName("contextLabel")
        self.context.setAccessibleName(tr("Context size"))
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
        text = tr(STATE_TEXT[m.state]).format(name=m.name or tr("model"))
        info = m.loaded.info if m.loaded is not None else {}
        if is_remote(info):  # marked by where it runs
            text += f" · {info.get('server_name')}" + (
                tr(" ⚠ unencrypted") if info.get("unencrypted") else ""
            )
        self.button.setText(text)
        self.button.setProperty("state", m.state.value)
        self.button.style().unpolish(self.button)
        self.button.style().polish(self.button)
        tip = m.path or tr("No model loaded")
        if m.state is ModelState.READY and m.loaded is not None and is_remote(info):
            notes = [budget_note(info), unencrypted_note() if info.get("unencrypted") else ""]
            tip = f"{m.name}\n" + tr("Runs on {where}").format(where=where(info))
            tip += "".join(f"\n{n}" for n in notes if n)
        elif m.state is ModelState.READY and m.loaded is not None:
            support = {
                "hybrid": tr("can think or not"),
                "always": tr("always thinks"),
                "never": tr("never thinks"),
            }
            info = m.loaded.info
            loaded = tr("Loaded in {seconds} s").format(seconds=decimal(m.loaded.load_s, 1))
            tip += f"\n{loaded} · {support.get(m.thinking_support, '')}"
            backends = ", ".join(info.get("backends") or ["CPU"])
            layers = info.get("n_gpu_layers", 0)
            if not layers:
                tip += "\n" + tr("Runs on {backends}").format(backends=backends)
            elif layers == -1:
                tip += "\n" + tr("Runs on {backends} (all layers on the GPU)").format(backends=backends)
            else:
                tip += "\n" + tr("Runs on {backends} (%n layer(s) on the GPU)", "", int(layers)).format(
                    backends=backends
                )
            tip += f"\n{context_text(info)}"
            if info.get("fit"):
                tip += f"\n{from_core(str(info['fit']))}"
        elif m.error:
            tip += f"\n{from_core(m.error)}"
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
        self.menu.addAction(tr("Open model…"), self.open_requested.emit)
        recent = [p for p in self.prefs.recent_models() if p != self.models.path]
        if recent:
            self.menu.addSection(tr("On this computer"))
            for path in recent:
                self.menu.addAction(model_name(path), partial(self.load_requested.emit, path))
        for server in self.models.bridge.servers.load():
            if server.address.unencrypted:
                self.menu.addSection(tr("On {server} (unencrypted)").format(server=server.name))
            else:
                self.menu.addSection(tr("On {server}").format(server=server.name))
            for model in server.models:
                ref = remote_ref(server.id, model)
                if ref != self.models.path:
                    self.menu.addAction(f"⇄ {model_name(model)}", partial(self.load_requested.emit, ref))
        self.menu.addSeparator()
        self.menu.addAction(tr("Connect to a server…"), self.servers_requested.emit)
        if self.models.path:
            self.menu.addSeparator()
            self.menu.addAction(tr("Reload model"), self.reload_requested.emit)


def context_label(info: Mapping[str, Any]) -> str:
    """The context a loaded model runs with, short: "41K ctx", "128K ctx · YaRN"."""
    n = int(info.get("n_ctx") or 0)
    size = f"{n // 1024}K" if n >= 1024 else str(n)
    label = tr("{size} ctx", "a context size, short").format(size=size)
    return label + (" · YaRN" if info.get("rope_scaling") else "")


def context_text(info: Mapping[str, Any]) -> str:
    """The context in words, for the tooltip: size, KV cache type, and YaRN when it is on."""
    text = tr("Context {tokens} tokens, {kv} KV cache").format(
        tokens=number(int(info.get("n_ctx") or 0)), kv=info.get("kv_cache_type") or "f16"
    )
    rope = info.get("rope_scaling")
    if isinstance(rope, dict):
        text += tr("; YaRN ×{factor} over its native {tokens}").format(
            factor=rope.get("factor"), tokens=number(int(rope.get("original_context") or 0))
        )
    return text
