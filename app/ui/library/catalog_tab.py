"""The Catalog tab: the curated Qwen3 models, how each quant fits this machine, Download."""

from __future__ import annotations

from app.core.hub.queue import DownloadEvent
from app.core.models.catalog import CatalogModel, QuantFiles
from app.ui.common.core_text import from_core
from app.ui.common.i18n import number, tr
from app.ui.common.qt import QComboBox, QHBoxLayout, Qt, QVBoxLayout, QWidget, Signal
from app.ui.library.service import ModelsService
from app.ui.library.text import human_params, human_size, machine_text, thinking_label, thinking_tip
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
        self.flag = label(tr("★ Recommended for this computer"), "recommendedTag", wrap=False)
        self.flag.hide()
        self.title = label(model.name, "cardTitle")
        self.tag = label(thinking_label(model.thinking), "thinkingTag", wrap=False)
        self.tag.setProperty("thinking", model.thinking)
        self.tag.setToolTip(thinking_tip(model.thinking))
        self.badge = FitBadge()
        self.badge.setMinimumWidth(BADGE_WIDTH)
        self.quant = QComboBox()
        self.quant.setMinimumWidth(QUANT_WIDTH)
        self.quant.setAccessibleName(tr("Quant for {model}").format(model=model.name))
        self.quant.setToolTip(
            tr("Quantisation: smaller files run faster and need less memory; higher ones answer better.")
        )
        for q in model.quants.values():
            self.quant.addItem(f"{q.quant} · {human_size(q.size)}", q.quant)
        self.quant.setCurrentIndex(self.quant.findData(model.default_quant))
        self.quant.activated.connect(self._user_chose)
        self.quant.currentIndexChanged.connect(lambda _i: self.update_state())
        self.action = button(
            tr("Downloading {percent}").format(percent="100%"),
            tr("Download {model}").format(model=model.name),
            self._act,
            name="primaryButton",
        )
        self.action.setMinimumWidth(self.action.sizeHint().width())  # the widest it gets: no jumps
        self.action.setText(tr("Download"))
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
        if m.active_params:
            params = tr("{params} parameters ({active} active)").format(
                params=human_params(m.params), active=human_params(m.active_params)
            )
        else:
            params = tr("{params} parameters").format(params=human_params(m.params))
        if q.is_split:
            size = tr("{quant} is {size} in %n file(s)", "", len(q.files))
        else:
            size = tr("{quant} is {size}")
        self.details.setText(
            " · ".join(
                (
                    params,
                    tr("%n layer(s)", "", m.n_layers),
                    tr("{tokens}-token context").format(tokens=number(m.native_context)),
                    size.format(quant=q.quant, size=human_size(q.size)),
                    q.repo,
                )
            )
        )
        self.badge.set_fit(self.service.fit(m, q))
        spec = self.spec
        have = self.service.downloaded().get(spec)
        job = self.service.job_for(spec)
        self.action.setEnabled(True)
        if have is not None:
            self.action.setText(tr("Load"))
            self.action.setAccessibleName(tr("Load {model}").format(model=m.name))
        elif job is not None and job.status in ("queued", "active"):
            if job.total and job.done:
                share = f"{round(100 * job.done / job.total)}%"
                self.action.setText(tr("Downloading {percent}").format(percent=share))
            else:
                self.action.setText(tr("Downloading…"))
            self.action.setEnabled(False)
            self.action.setAccessibleName(tr("Downloading {model}").format(model=m.name))
        elif job is not None and job.status == "paused":
            self.action.setText(tr("Resume"))
            self.action.setAccessibleName(tr("Resume {model}").format(model=m.name))
        else:
            self.action.setText(tr("Download"))
            self.action.setAccessibleName(tr("Download {model}").format(model=m.name))

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
            self.action.setText(tr("Checking the Hub…"))
            self.service.download_catalog(spec, self._failed)

    def _failed(self, exc: Exception) -> None:
        self.show_error(
            tr("Could not download {model}: {reason}").format(model=self.spec, reason=from_core(str(exc)))
        )
        self.update_state()


class CatalogTab(QWidget):
    load_requested = Signal(str)

    def __init__(self, service: ModelsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.machine = label(tr("Checking this computer…"), "hint")
        self.gpu_note = label("", "gpuNote", selectable=True)
        self.gpu_note.setAccessibleName(tr("GPU note"))
        self.gpu_note.hide()
        self.list = CardList(tr("Model catalog"), tr("The model catalog is missing from this installation."))
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
            machine = machine_text(s.hardware, s.offload)
            if s.n_ctx():
                text = tr(
                    "Fit for this computer ({machine}) with a {tokens}-token context. Hover a badge for the "
                    "memory estimate."
                ).format(machine=machine, tokens=number(s.n_ctx()))
            else:
                text = tr(
                    "Fit for this computer ({machine}) with Auto context (the largest that fits, per model). "
                    "Hover a badge for the memory estimate."
                ).format(machine=machine)
            self.machine.setText(text)
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
