"""The Downloads tab: the queue with progress, pause/resume/cancel, errors in words, Load."""

from __future__ import annotations

from app.core.hub.queue import DownloadEvent, JobInfo
from app.ui.common.i18n import tr
from app.ui.common.qt import QHBoxLayout, QProgressBar, QVBoxLayout, QWidget, Signal
from app.ui.library.service import ModelsService
from app.ui.library.text import human_size, job_fraction, job_status
from app.ui.library.widgets import Card, CardList, TokenPrompt, button, label, repolish

STEPS = 1000  # progress bar resolution


def progress_bar() -> QProgressBar:
    bar = QProgressBar()
    bar.setObjectName("downloadProgress")
    bar.setAccessibleName(tr("Download progress"))
    bar.setRange(0, STEPS)
    bar.setTextVisible(False)
    bar.setFixedHeight(8)
    return bar


class DownloadCard(Card):
    load_requested = Signal(str)

    def __init__(self, job: JobInfo, service: ModelsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.job = job
        self.setAccessibleName(tr("Download of {model}").format(model=job.name))
        self.title = label(job.name, "cardTitle", selectable=True)
        parts = " · " + tr("%n file(s)", "", len(job.files)) if len(job.files) > 1 else ""
        self.source = label(f"{job.repo}{parts}", "cardDetails")
        self.source.setToolTip(str(job.dest_dir))
        self.bar = progress_bar()
        self.status = label("", "cardDetails", selectable=True)
        self.status.setAccessibleName(tr("Download status"))
        self.token = TokenPrompt()
        self.token.submitted.connect(self._token)
        name = job.name
        self.buttons = {
            "pause": button(
                tr("Pause"), tr("Pause {model}").format(model=name), lambda: service.pause(self.job.id)
            ),
            "resume": button(
                tr("Resume"), tr("Resume {model}").format(model=name), lambda: service.resume(self.job.id)
            ),
            "retry": button(
                tr("Retry"), tr("Retry {model}").format(model=name), lambda: service.resume(self.job.id)
            ),
            "cancel": button(
                tr("Cancel"), tr("Cancel {model}").format(model=name), lambda: service.cancel(self.job.id)
            ),
            "load": button(
                tr("Load"), tr("Load {model}").format(model=name), self._load, name="primaryButton"
            ),
            "clear": button(
                tr("Clear"), tr("Clear {model}").format(model=name), lambda: service.forget(self.job.id)
            ),
        }
        top = QHBoxLayout()
        names = QVBoxLayout()
        names.setSpacing(2)
        names.addWidget(self.title)
        names.addWidget(self.source)
        top.addLayout(names, 1)
        for b in self.buttons.values():
            top.addWidget(b)
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 10, 12, 10)
        column.setSpacing(6)
        column.addLayout(top)
        column.addWidget(self.bar)
        column.addWidget(self.status)
        column.addWidget(self.token)
        self.update_job(job)

    def update_job(self, job: JobInfo) -> None:
        self.job = job
        self.bar.setValue(round(job_fraction(job) * STEPS))
        self.bar.setVisible(job.status in ("queued", "active", "paused", "done"))
        text = job_status(job)
        self.status.setText(text)
        self.status.setObjectName("inlineError" if job.status == "failed" else "cardDetails")
        repolish(self.status)
        self.bar.setAccessibleDescription(text)
        self.setProperty("status", job.status)
        repolish(self)
        shown = {
            "queued": ("pause", "cancel"),
            "active": ("pause", "cancel"),
            "paused": ("resume", "cancel"),
            "failed": ("retry", "clear"),
            "done": ("load", "clear"),
            "cancelled": ("clear",),
        }[job.status]
        for key, b in self.buttons.items():
            b.setVisible(key in shown)
            b.setEnabled(True)
        auth = job.status == "failed" and job.error_kind == "AuthRequiredError"
        self.token.setVisible(auth)

    def _load(self) -> None:
        self.load_requested.emit(str(self.job.paths[0]))

    def _token(self, token: str) -> None:
        self.buttons["retry"].setEnabled(False)
        self.service.save_token(token, lambda _saved: self.service.resume(self.job.id), owner=self)


class DownloadsTab(QWidget):
    load_requested = Signal(str)
    count_changed = Signal(int)  # downloads queued or running

    def __init__(self, service: ModelsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.summary = label("", "hint")
        self.clear_button = button(tr("Clear finished"), tr("Clear finished downloads"), self.clear_finished)
        head = QHBoxLayout()
        head.addWidget(self.summary, 1)
        head.addWidget(self.clear_button)
        self.list = CardList(tr("Downloads"), tr("No downloads. Find a model in the Catalog or Search tab."))
        column = QVBoxLayout(self)
        column.addLayout(head)
        column.addWidget(self.list, 1)
        self._cards: dict[str, DownloadCard] = {}
        for job in sorted(service.jobs.values(), key=lambda j: j.created, reverse=True):
            self._add(job, first=False)
        service.job_changed.connect(self._changed)
        self._summarise()

    def card(self, job_id: str) -> DownloadCard | None:
        return self._cards.get(job_id)

    def cards(self) -> list[DownloadCard]:
        return list(self._cards.values())

    def _add(self, job: JobInfo, *, first: bool) -> None:
        card = DownloadCard(job, self.service)
        card.load_requested.connect(self.load_requested.emit)
        self._cards[job.id] = card
        self.list.add_card(card, first=first)

    def _changed(self, event: DownloadEvent) -> None:
        job = event.job
        card = self._cards.get(job.id)
        if event.kind == "removed":
            if card is not None:
                del self._cards[job.id]
                self.list.remove_card(card)
        elif card is None:
            self._add(job, first=True)
        else:
            card.update_job(job)
        if event.kind != "progress":
            self._summarise()

    def running(self) -> int:
        return sum(1 for j in self.service.jobs.values() if j.status in ("queued", "active"))

    def _summarise(self) -> None:
        jobs = list(self.service.jobs.values())
        running = self.running()
        finished = sum(1 for j in jobs if j.status in ("done", "cancelled"))
        if not jobs:
            text = tr("Downloads continue in the background and resume after a restart.")
        elif running:
            left = sum(max(0, (j.total or 0) - j.done) for j in jobs if j.status in ("queued", "active"))
            text = tr("%n downloading or waiting · {size} to go.", "", running).format(size=human_size(left))
        else:
            text = tr("Nothing downloading now.")
        self.summary.setText(text)
        self.clear_button.setEnabled(finished > 0)
        self.count_changed.emit(running)

    def clear_finished(self) -> None:
        for job in list(self.service.jobs.values()):
            if job.status in ("done", "cancelled"):
                self.service.forget(job.id)
