"""Settings: how models load (context, GPU layers, threads) and sampling per think mode."""

from __future__ import annotations

import os
from collections.abc import Mapping

from app.core.chat.sampling import Sampling, defaults_for
from app.core.models.fit import YARN_MAX_CONTEXT
from app.core.store.settings import AUTO_CONTEXT, DEFAULT_CONTEXT, ModelLoad
from app.engine.remote.servers import ServerList
from app.ui.common.i18n import QT_TR_NOOP, number, tr
from app.ui.common.prefs import Preferences
from app.ui.common.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from app.ui.settings.data_folder import DataFolderBox
from app.ui.settings.engines_page import EnginesPage
from app.ui.settings.language_page import LanguagePage
from app.ui.settings.rpc_section import RpcSection
from app.ui.settings.server_page import ServerPage, WindowServer

KV_CHOICES = (
    (QT_TR_NOOP("Auto (f16, or q8_0 when that lets the context fit)"), "auto"),
    (QT_TR_NOOP("f16 (full precision)"), "f16"),
    (QT_TR_NOOP("q8_0 (half the memory)"), "q8_0"),
    (QT_TR_NOOP("q4_0 (a quarter; slightly less exact)"), "q4_0"),
)


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


class SamplingBox(QGroupBox):
    """The sampling settings of one think mode, with a Reset to Qwen's defaults."""

    def __init__(self, title: str, thinking: bool, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.thinking = thinking
        self.temperature = self._double(0.0, 2.0, 0.05, tr("Temperature"))
        self.top_p = self._double(0.0, 1.0, 0.05, tr("Top P"))
        self.top_k = QSpinBox()
        self.top_k.setRange(0, 1000)
        self.top_k.setAccessibleName(tr("Top K"))
        self.min_p = self._double(0.0, 1.0, 0.01, tr("Min P"))
        self.presence = self._double(0.0, 2.0, 0.1, tr("Presence penalty"))
        self.reset_button = QPushButton(tr("Reset to Qwen defaults"))
        self.reset_button.setAccessibleName(tr("Reset sampling: {mode}").format(mode=title))
        self.reset_button.clicked.connect(self.reset)
        form = QFormLayout(self)
        form.addRow(tr("Temperature"), self.temperature)
        form.addRow(tr("Top P"), self.top_p)
        form.addRow(tr("Top K"), self.top_k)
        form.addRow(tr("Min P"), self.min_p)
        form.addRow(tr("Presence penalty"), self.presence)
        form.addRow("", self.reset_button)

    def _double(self, low: float, high: float, step: float, name: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(low, high)
        box.setSingleStep(step)
        box.setDecimals(2)
        box.setAccessibleName(name)
        return box

    def set_sampling(self, s: Sampling) -> None:
        self.temperature.setValue(s.temperature)
        self.top_p.setValue(s.top_p)
        self.top_k.setValue(s.top_k)
        self.min_p.setValue(s.min_p)
        self.presence.setValue(s.presence_penalty)

    def sampling(self) -> Sampling:
        return Sampling(
            temperature=round(self.temperature.value(), 4),
            top_p=round(self.top_p.value(), 4),
            top_k=self.top_k.value(),
            min_p=round(self.min_p.value(), 4),
            presence_penalty=round(self.presence.value(), 4),
        )

    def reset(self) -> None:
        self.set_sampling(defaults_for(self.thinking))


class SettingsDialog(QDialog):
    """Edits the preferences in place when accepted; the caller saves them."""

    def __init__(
        self,
        prefs: Preferences,
        model_path: str | None,
        parent: QWidget | None = None,
        *,
        gpu_note: str = "",
        servers: ServerList | None = None,
        server: WindowServer | None = None,
        model_info: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Settings"))
        self.setAccessibleName(tr("Settings"))
        self.prefs = prefs
        self.model_path = model_path
        self.gpu_note_text = gpu_note  # how to get a GPU build, when this one cannot offload
        info = model_info or {}
        # The loaded model's context facts (issue #10): its native length and the longest offered.
        self.native_context = _int(info.get("native_context"))
        self.max_context = _int(info.get("max_context")) or YARN_MAX_CONTEXT
        tabs = QTabWidget()
        tabs.addTab(self._load_tab(), tr("Model loading"))
        tabs.addTab(self._sampling_tab(), tr("Sampling"))
        self.data_folder = DataFolderBox(prefs.settings.data_path())
        tabs.addTab(self.data_folder, tr("Chats"))
        self.engines = EnginesPage(servers or ServerList())  # saved as they are added
        tabs.addTab(self.engines, tr("Engines"))
        self.finished.connect(lambda _result: self.engines.shutdown())
        if server is not None:  # it serves at once, whether the dialog is accepted or not
            self.server_page = ServerPage(server)
            tabs.addTab(self.server_page, tr("Server"))
        self.language = LanguagePage(prefs.settings.language)
        tabs.addTab(self.language, tr("Language"))
        self.rpc = RpcSection(prefs)  # Share this computer, Other computers (llama.cpp RPC)
        self.engines.layout().addWidget(self.rpc)  # type: ignore[union-attr]  # the page has its layout
        self.finished.connect(lambda _result: self.rpc.shutdown())
        self.tabs = tabs
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
        self.resize(460, 420)

    def _load_tab(self) -> QWidget:
        params = self.prefs.load_params(self.model_path) if self.model_path else self.prefs.default_load()
        page = QWidget()
        form = QFormLayout(page)
        self.n_ctx = QSpinBox()
        self.n_ctx.setRange(512, max(self.max_context, params.n_ctx))
        self.n_ctx.setSingleStep(1024)
        self.n_ctx.setSuffix(tr(" tokens"))
        self.n_ctx.setAccessibleName(tr("Context size"))
        self.n_ctx.setValue(params.n_ctx or self.native_context or DEFAULT_CONTEXT)
        self.ctx_auto = QCheckBox(tr("Auto"))
        self.ctx_auto.setAccessibleName(tr("Context size automatic"))
        self.ctx_auto.setToolTip(
            tr("The largest context that fits this computer, up to the model's native length")
        )
        self.ctx_auto.setChecked(params.n_ctx == AUTO_CONTEXT)
        self.n_ctx.valueChanged.connect(lambda _value: self.ctx_auto.setChecked(False))
        self.context_note = QLabel()
        self.context_note.setObjectName("hint")
        self.context_note.setWordWrap(True)
        self.context_note.setAccessibleName(tr("Context note"))
        self.n_ctx.valueChanged.connect(self._explain_context)
        self.ctx_auto.toggled.connect(self._explain_context)
        ctx_row = QHBoxLayout()
        ctx_row.addWidget(self.ctx_auto)
        ctx_row.addWidget(self.n_ctx, 1)
        self.kv_cache = QComboBox()
        self.kv_cache.setAccessibleName(tr("KV cache type"))
        for label, value in KV_CHOICES:
            self.kv_cache.addItem(tr(label), value)
        self.kv_cache.setCurrentIndex(max(0, self.kv_cache.findData(params.kv_cache)))
        self.answer_reserve = QSpinBox()
        self.answer_reserve.setRange(0, 65536)
        self.answer_reserve.setSingleStep(256)
        self.answer_reserve.setSuffix(tr(" tokens"))
        self.answer_reserve.setSpecialValueText(tr("Auto (15% of the context, at least 1,024)"))
        self.answer_reserve.setAccessibleName(tr("Answer reserve"))
        self.answer_reserve.setToolTip(
            tr("Context kept for the answer while the model reasons: a reply always ends in one")
        )
        self.answer_reserve.setValue(self.prefs.settings.answer_reserve or 0)
        self.gpu_auto = QCheckBox(tr("Auto"))
        self.gpu_auto.setAccessibleName(tr("GPU layers automatic"))
        self.gpu_layers = QSpinBox()
        self.gpu_layers.setRange(-1, 999)
        self.gpu_layers.setSpecialValueText(tr("All layers"))
        self.gpu_layers.setAccessibleName(tr("GPU offload layers"))
        auto = params.n_gpu_layers == "auto"
        self.gpu_auto.setChecked(auto)
        self.gpu_layers.setValue(0 if auto else int(params.n_gpu_layers))
        self.gpu_layers.setEnabled(not auto)
        self.gpu_auto.toggled.connect(lambda on: self.gpu_layers.setEnabled(not on))
        gpu_row = QHBoxLayout()
        gpu_row.addWidget(self.gpu_auto)
        gpu_row.addWidget(self.gpu_layers, 1)
        self.threads = QSpinBox()
        self.threads.setRange(0, max(64, os.cpu_count() or 1))
        self.threads.setSpecialValueText(tr("Auto"))
        self.threads.setAccessibleName(tr("CPU threads"))
        self.threads.setValue(params.n_threads or 0)
        form.addRow(tr("Context size"), ctx_row)
        form.addRow(self.context_note)
        form.addRow(tr("KV cache"), self.kv_cache)
        form.addRow(tr("Answer reserve"), self.answer_reserve)
        form.addRow(tr("GPU offload layers"), gpu_row)
        if self.gpu_note_text:
            gpu_note = QLabel(self.gpu_note_text)
            gpu_note.setWordWrap(True)
            gpu_note.setObjectName("hint")
            gpu_note.setAccessibleName(tr("GPU offload note"))
            gpu_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(gpu_note)
        form.addRow(tr("CPU threads"), self.threads)
        note = QLabel(tr("Changes apply the next time a model loads (Model ▸ Reload model)."))
        note.setWordWrap(True)
        note.setObjectName("hint")
        form.addRow(note)
        self._explain_context()
        return page

    def _explain_context(self) -> None:
        """Say what the chosen context means: Auto, native, or stretched with YaRN."""
        native = self.native_context
        if self.ctx_auto.isChecked() and native:
            text = tr(
                "Auto: the largest context that fits this computer, up to the model's {tokens} tokens."
            ).format(tokens=number(native))
        elif self.ctx_auto.isChecked():
            text = tr("Auto: the largest context that fits this computer.")
        elif native and self.n_ctx.value() > native:
            factor = self.n_ctx.value() / native
            text = tr(
                "YaRN on: the model's native {tokens} tokens stretched ×{factor}. Long inputs work; short "
                "prompts get slightly weaker answers."
            ).format(tokens=number(native), factor=f"{factor:.3g}")
        else:
            text = ""
        self.context_note.setText(text)
        self.context_note.setVisible(bool(text))

    def _sampling_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.sampling_on = SamplingBox(tr("Thinking", "a mode's sampling"), True)
        self.sampling_off = SamplingBox(tr("No thinking", "a mode's sampling"), False)
        self.sampling_on.set_sampling(self.prefs.sampling(True))
        self.sampling_off.set_sampling(self.prefs.sampling(False))
        layout.addWidget(self.sampling_on)
        layout.addWidget(self.sampling_off)
        return page

    def load_params(self) -> ModelLoad:
        gpu: int | str = "auto" if self.gpu_auto.isChecked() else self.gpu_layers.value()
        return ModelLoad(
            n_ctx=AUTO_CONTEXT if self.ctx_auto.isChecked() else self.n_ctx.value(),
            n_gpu_layers=gpu,  # type: ignore[arg-type]
            n_threads=self.threads.value() or None,
            kv_cache=self.kv_cache.currentData(),
        )

    def apply(self) -> None:
        """Write the dialog's values into the preferences (not yet to disk)."""
        params = self.load_params()
        self.prefs.set_default_load(params)
        if self.model_path:
            self.prefs.settings.models[self.model_path] = params
        self.prefs.settings.answer_reserve = self.answer_reserve.value() or None
        self.prefs.set_sampling(True, self.sampling_on.sampling())
        self.prefs.set_sampling(False, self.sampling_off.sampling())
        self.prefs.settings.language = self.language.language()
        self.rpc.apply()
