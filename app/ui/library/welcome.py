"""The first-run welcome: the best Qwen3 model for this machine, one button to get it."""

from __future__ import annotations

from app.core.hub.queue import DownloadEvent, JobInfo
from app.core.models.fit import Recommendation
from app.ui.common.core_text import from_core
from app.ui.common.i18n import tr
from app.ui.common.qt import QFrame, QHBoxLayout, QScrollArea, Qt, QVBoxLayout, QWidget, Signal
from app.ui.library.downloads_tab import STEPS, progress_bar
from app.ui.library.service import ModelsService
from app.ui.library.text import human_size, job_fraction, job_status, thinking_tip
from app.ui.library.widgets import FitBadge, button, label, repolish

MAX_WIDTH = 640


class WelcomePanel(QScrollArea):
    choose_requested = Signal()  # "Choose another…": the Models window
    open_file_requested = Signal()  # "Open a .gguf file…"
    connect_requested = Signal()  # "Connect to a server…": Settings ▸ Engines

    def __init__(self, service: ModelsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        self.setAccessibleName(tr("Welcome"))
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.service = service
        self.recommendation: Recommendation | None = None
        self.job: JobInfo | None = None

        self.title = label(tr("Welcome to Ponder"), "welcomeTitle")
        self.intro = label(
            tr(
                "Ponder chats with Qwen3 models that run on this computer: nothing you type leaves it. "
                "To begin, download a model once."
            ),
            "welcomeIntro",
        )
        self.flag = label(tr("★ Recommended for this computer"), "recommendedTag")
        self.name = label(tr("Checking what this computer can run…"), "welcomeModel")
        self.badge = FitBadge()
        self.badge.hide()
        name_row = QHBoxLayout()
        name_row.addWidget(self.name, 1)
        name_row.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        self.facts = label("", "cardDetails")
        self.fit_text = label("", "cardDetails")
        card = QFrame()
        card.setObjectName("welcomeCard")
        card_col = QVBoxLayout(card)
        card_col.setContentsMargins(16, 14, 16, 14)
        card_col.setSpacing(6)
        card_col.addWidget(self.flag)
        card_col.addLayout(name_row)
        card_col.addWidget(self.facts)
        card_col.addWidget(self.fit_text)

        self.download_button = button(
            tr("Download and open"), tr("Download and open"), self.download, name="primaryButton"
        )
        self.download_button.setEnabled(False)
        self.choose_button = button(
            tr("Choose another…"), tr("Choose another model"), self.choose_requested.emit
        )
        self.open_button = button(
            tr("Open a .gguf file…"), tr("Open a model file"), self.open_file_requested.emit
        )
        actions = QHBoxLayout()
        actions.addWidget(self.download_button)
        actions.addWidget(self.choose_button)
        actions.addWidget(self.open_button)
        self.connect_button = button(
            tr("Connect to a server…"), tr("Connect to a server"), self.connect_requested.emit
        )
        actions.addWidget(self.connect_button)
        actions.addStretch(1)

        self.bar = progress_bar()
        self.bar.hide()
        self.status = label("", "cardDetails", selectable=True)
        self.status.setAccessibleName(tr("Download status"))
        self.status.hide()
        self.cancel_button = button(tr("Cancel download"), tr("Cancel download"), self.cancel)
        self.cancel_button.hide()
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.status, 1)
        progress_row.addWidget(self.cancel_button)

        column = QWidget()
        column.setMaximumWidth(MAX_WIDTH)
        col = QVBoxLayout(column)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(14)
        col.addWidget(self.title)
        col.addWidget(self.intro)
        col.addWidget(card)
        col.addLayout(actions)
        col.addWidget(self.bar)
        col.addLayout(progress_row)
        content = QWidget()
        content.setObjectName("welcomeContent")
        outer = QVBoxLayout(content)
        outer.setContentsMargins(24, 48, 24, 24)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 1000)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.setWidget(content)

        service.hardware_changed.connect(self.refresh)
        service.job_changed.connect(self._job_changed)
        self.refresh()

    @property
    def spec(self) -> str | None:
        return self.recommendation.spec if self.recommendation else None

    def refresh(self) -> None:
        s = self.service
        if s.hardware is None:
            return
        rec = self.recommendation = s.recommendation()
        if rec is None:
            self.flag.hide()
            self.name.setText(tr("Nothing in the catalog runs well on this computer."))
            self.facts.setText(
                tr(
                    "There is too little free memory for even the smallest Qwen3 model at this context "
                    "size. Close other programs, or choose a model yourself."
                )
            )
            self.fit_text.setText("")
            self.badge.hide()
            self.download_button.setEnabled(False)
            return
        m, q = rec.model, rec.quant
        self.flag.show()
        self.name.setText(f"{m.name} · {q.quant}")
        if q.is_split:
            size = tr("A {size} download in %n file(s).", "", len(q.files)).format(size=human_size(q.size))
        else:
            size = tr("A {size} download.").format(size=human_size(q.size))
        self.facts.setText(
            tr("{download} {kind}", "two sentences").format(download=size, kind=thinking_tip(m.thinking))
        )
        self.fit_text.setText(from_core(rec.fit.message))
        self.badge.set_fit(rec.fit)
        self.badge.show()
        self.job = s.job_for(rec.spec)
        self._show_job()

    def download(self) -> None:
        spec = self.spec
        if spec is None:
            return
        self.download_button.setEnabled(False)
        self.download_button.setText(tr("Checking the Hub…"))
        self.status.setText("")
        job = self.job
        if job is not None and job.status in ("paused", "failed"):
            self.service.resume(job.id, open_when_done=True)
        else:
            self.service.download_catalog(spec, self._failed, open_when_done=True)

    def cancel(self) -> None:
        if self.job is not None:
            self.cancel_button.setEnabled(False)
            self.service.cancel(self.job.id)

    def _failed(self, exc: Exception) -> None:
        self.download_button.setEnabled(True)
        self.download_button.setText(tr("Try again"))
        self.status.setObjectName("inlineError")
        repolish(self.status)
        self.status.setText(
            tr("Could not download {model}: {reason}").format(model=self.spec, reason=from_core(str(exc)))
        )
        self.status.show()

    def _job_changed(self, event: DownloadEvent) -> None:
        if event.job.name == self.spec:
            self.job = None if event.kind == "removed" else event.job
            self._show_job()

    def _show_job(self) -> None:
        job = self.job
        running = job is not None and job.status in ("queued", "active", "paused", "done")
        self.bar.setVisible(running)
        self.cancel_button.setVisible(job is not None and job.status in ("queued", "active", "paused"))
        self.cancel_button.setEnabled(True)
        if job is None:
            self.download_button.setEnabled(self.recommendation is not None)
            self.download_button.setText(tr("Download and open"))
            return
        self.bar.setValue(round(job_fraction(job) * STEPS))
        self.status.setObjectName("inlineError" if job.status == "failed" else "cardDetails")
        repolish(self.status)
        self.status.setText(job_status(job))
        self.status.show()
        busy = job.status in ("queued", "active")
        self.download_button.setEnabled(not busy and job.status != "done")
        if busy:
            self.download_button.setText(tr("Downloading…"))
        elif job.status == "paused":
            self.download_button.setText(tr("Download and open"))
        elif job.status == "done":
            self.download_button.setText(tr("Opening…"))
        else:
            self.download_button.setText(
                tr("Try again") if job.status == "failed" else tr("Download and open")
            )
