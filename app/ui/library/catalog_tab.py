"""The Catalog tab: the curated Qwen3 models, how each quant fits this machine, Download."""

from __future__ import annotations

from app.core.hub.queue import DownloadEvent
from app.core.models.catalog import CatalogModel, QuantFiles
from app.ui.common.qt import QComboBox, QHBoxLayout, Qt, QVBoxLayout, QWidget, Signal
from app.ui.library.service import ModelsService
from app.ui.library.text import THINKING_LABEL, THINKING_TIP, human_params, human_size, machine_text
from app.ui.library.widgets import Card, CardList, FitBadge, button, label, repolish

BADGE_WIDTH = 90  # badges and quant choosers line up from card to card
QUANT_WIDTH = 170


def spec_of(model: CatalogModel, quant: QuantFiles) -> str:
    return f"{model.id}:{quant.quant.lower()}"


class CatalogCard(Card):
    load_requested = Signal(str)

    def __init__(self, model: CatalogModel, service: ModelsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.service = service
        self.recommended = False
        self._chosen_by_user = False  # or suggested already
        self.setAccessibleName(model.name)
        self.flag = label("★ Recommended for this computer", "recommendedTag", wrap=False)
        self.flag.hide()
        self.title = label(model.name, "cardTitle")
        self.tag = label(THINKING_LABEL[model.thinking], "thinkingTag", wrap=False)
        self.tag.setProperty("thinking", model.thinking)
        self.tag.setToolTip(THINKING_TIP[model.thinking])
        self.badge = FitBadge()
        self.badge.setMinimumWidth(BADGE_WIDTH)
        self.quant = QComboBox()
        self.quant.setMinimumWidth(QUANT_WIDTH)
        self.quant.setAccessibleName(f"Quant for {model.name}")
        self.quant.setToolTip(
            "Quantisation: smaller files run faster and need less memory; higher ones answer better."
        )
        for q in model.quants.values():
            self.quant.addItem(f"{q.quant} · {human_size(q.size)}", q.quant)
        self.quant.setCurrentIndex(self.quant.findData(model.default_quant))
        self.quant.activated.connect(self._user_chose)
        self.quant.currentIndexChanged.connect(lambda _i: self.update_state())
        self.action = button("Downloading 100%", f"Download {model.name}", self._act, name="primaryButton")
        self.action.setMinimumWidth(self.action.sizeHint().width())  # the widest it gets: no jumps
        self.action.setText("Download")
        self.details = label("", "cardDetails")
        self.message = label("", "inlineError", selectable=True)
        self.message.hide()

        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.title, 1)
        top.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.quant)
        top.addWidget(self.action)
        facts = QHBoxLayout()
        facts.setSpacing(8)
        facts.addWidget(self.tag, 0, Qt.AlignmentFlag.AlignTop)
        facts.addWidget(self.details, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 10, 12, 10)
        column.setSpacing(4)
        column.addWidget(self.flag)
        column.addLayout(top)
        column.addLayout(facts)
        column.addWidget(self.message)

    # ---- state -------------------------------------------------------------------
    @property
    def files(self) -> QuantFiles:
        return self.model.quant(str(self.quant.currentData()))

    @property
    def spec(self) -> str:
        return spec_of(self.model, self.files)

    def _user_chose(self, _index: int) -> None:
        self._chosen_by_user = True

    def suggest(self, quant: str | None, recommended: bool) -> None:
        """The quant that runs best here (unless the user picked one) and the highlight."""
        if quant and not self._chosen_by_user:
            self.quant.setCurrentIndex(self.quant.findData(quant))
            self._chosen_by_user = True  # suggested once; later fits do not move the choice
        self.recommended = recommended
        self.flag.setVisible(recommended)
        self.setProperty("recommended", recommended)
        repolish(self)

    def update_state(self) -> None:
        m, q = self.model, self.files
        active = f" ({human_params(m.active_params)} active)" if m.active_params else ""
        self.details.setText(
            f"{human_params(m.params)} parameters{active} · {m.n_layers} layers · "
            f"{m.native_context:,}-token context · {q.quant} is {human_size(q.size)}"
            + (f" in {len(q.files)} files" if q.is_split else "")
            + f" · {q.repo}"
        )
        self.badge.set_fit(self.service.fit(m, q))
        spec = self.spec
        have = self.service.downloaded().get(spec)
        job = self.service.job_for(spec)
        self.action.setEnabled(True)
        if have is not None:
            self.action.setText("Load")
        elif job is not None and job.status in ("queued", "active"):
            share = f" {round(100 * job.done / job.total)}%" if job.total and job.done else "…"
            self.action.setText(f"Downloading{share}")
            self.action.setEnabled(False)
        elif job is not None and job.status == "paused":
            self.action.setText("Resume")
        else:
            self.action.setText("Download")
        self.action.setAccessibleName(f"{self.action.text().split(' ')[0]} {m.name}")

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _act(self) -> None:
        spec = self.spec
        have = self.service.downloaded().get(spec)
        job = self.service.job_for(spec)
        self.show_error("")
        if have is not None:
            self.load_requested.emit(str(have.path))
        elif job is not None and job.status == "paused":
            self.service.resume(job.id)
        else:
            self.action.setEnabled(False)
            self.action.setText("Checking the Hub…")
            self.service.download_catalog(spec, self._failed)

    def _failed(self, exc: Exception) -> None:
        self.show_error(f"Could not download {self.spec}: {exc}")
        self.update_state()


class CatalogTab(QWidget):
    load_requested = Signal(str)

    def __init__(self, service: ModelsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.machine = label("Checking this computer…", "hint")
        self.gpu_note = label("", "gpuNote", selectable=True)
        self.gpu_note.setAccessibleName("GPU note")
        self.gpu_note.hide()
        self.list = CardList("Model catalog", "The model catalog is missing from this installation.")
        self._ordered = False
        cards = []
        for model in service.catalog or ():
            card = CatalogCard(model, service)
            card.load_requested.connect(self.load_requested.emit)
            cards.append(card)
        self.list.set_cards(cards)
        column = QVBoxLayout(self)
        column.addWidget(self.machine)
        column.addWidget(self.gpu_note)
        column.addWidget(self.list, 1)
        service.hardware_changed.connect(self._hardware_changed)
        service.library_changed.connect(self._update_all)
        service.job_changed.connect(self._job_changed)
        self._hardware_changed()

    def cards(self) -> list[CatalogCard]:
        return [c for c in self.list.cards if isinstance(c, CatalogCard)]

    def card(self, model_id: str) -> CatalogCard:
        return next(c for c in self.cards() if c.model.id == model_id)

    def _hardware_changed(self) -> None:
        s = self.service
        if s.hardware is not None:
            self.machine.setText(
                f"Fit for this computer ({machine_text(s.hardware, s.offload)}) "
                + (
                    f"with a {s.n_ctx():,}-token context. "
                    if s.n_ctx()
                    else "with Auto context (the largest that fits, per model). "
                )
                + "Hover a badge for the memory estimate."
            )
        note = s.gpu_note()
        self.gpu_note.setText(note)
        self.gpu_note.setVisible(bool(note))
        best: dict[str, str] = {}
        for rec in s.ranking():
            best.setdefault(rec.model.id, rec.quant.quant)
        top = s.recommendation()
        for card in self.cards():
            card.suggest(best.get(card.model.id), top is not None and top.model.id == card.model.id)
            if card.recommended and not self._ordered:
                self.list.move_first(card)  # the recommendation leads, once
                self._ordered = True
        self._update_all()

    def _update_all(self) -> None:
        for card in self.cards():
            card.update_state()

    def _job_changed(self, event: DownloadEvent) -> None:
        model_id = event.job.name.partition(":")[0]
        for card in self.cards():
            if card.model.id == model_id:
                card.update_state()
