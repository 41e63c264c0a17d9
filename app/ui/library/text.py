"""Words and numbers the models window shows: fit badges, sizes, download progress."""

from __future__ import annotations

from app.core.hub.queue import JobInfo
from app.core.models.hardware import Hardware
from app.core.units import human_params
from app.ui.common.core_text import from_core
from app.ui.common.i18n import QT_TR_NOOP, data_size, tr

__all__ = [
    "duration_text",
    "human_params",
    "human_size",
    "job_fraction",
    "job_status",
    "machine_text",
    "thinking_label",
    "thinking_tip",
]

human_size = data_size  # sizes in the window: as the locale writes numbers

_THINKING_LABEL = {
    "hybrid": QT_TR_NOOP("Hybrid thinking"),
    "always": QT_TR_NOOP("Thinks always"),
    "never": QT_TR_NOOP("Instruct only"),
}
_THINKING_TIP = {
    "hybrid": QT_TR_NOOP("Thinks before answering, or answers at once: switch it per message with Think."),
    "always": QT_TR_NOOP("Always reasons before answering (a thinking-only model)."),
    "never": QT_TR_NOOP("Answers at once and never shows reasoning (an instruct-only model)."),
}


def thinking_label(kind: str) -> str:
    """A catalog model's kind of thinking ("hybrid", "always", "never"), in two or three words."""
    return tr(_THINKING_LABEL[kind])


def thinking_tip(kind: str) -> str:
    return tr(_THINKING_TIP[kind])


def duration_text(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return ""
    if seconds < 60:
        return tr("%n s left", "", max(1, round(seconds)))
    if seconds < 3600:
        return tr("about %n min left", "", round(seconds / 60))
    hours, rest = divmod(round(seconds / 60), 60)
    return tr("about {hours} h {minutes} min left").format(hours=hours, minutes=rest)


def job_status(job: JobInfo) -> str:
    """One line: bytes, speed and time left while it runs; the reason when it failed."""
    if job.total:
        done = tr("{done} of {total}").format(done=human_size(job.done), total=human_size(job.total))
    else:
        done = human_size(job.done)
    if job.status == "queued":
        return tr("Waiting to start · {done}").format(done=done) if job.done else tr("Waiting to start")
    if job.status == "active":
        if job.phase == "verifying":
            return tr("Checking the download · {done}").format(done=done)
        if job.phase == "checking":
            return tr("Checking what is already here · {done}").format(done=done)
        parts = [done]
        if job.speed > 0:
            parts.append(tr("{size}/s").format(size=human_size(job.speed)))
        left = duration_text(job.eta)
        if left:
            parts.append(left)
        return " · ".join(parts)
    if job.status == "paused":
        return tr("Paused · {done}").format(done=done)
    if job.status == "done":
        return tr("Downloaded · {size}").format(size=human_size(job.total or job.done))
    if job.status == "cancelled":
        return tr("Cancelled")
    return from_core(job.error) if job.error else tr("The download failed.")


def job_fraction(job: JobInfo) -> float:
    if job.status == "done":
        return 1.0
    return min(1.0, job.done / job.total) if job.total else 0.0


def machine_text(hw: Hardware, offload: bool | None) -> str:
    """``24.6 GB free RAM · 2 CPU cores · no GPU``."""
    parts = []
    if hw.ram_available is not None:
        parts.append(tr("{size} free RAM").format(size=data_size(hw.ram_available, unit="GB")))
    if hw.cpu_physical or hw.cpu_logical:
        parts.append(tr("%n CPU core(s)", "", hw.cpu_physical or hw.cpu_logical or 0))
    gpu = hw.best_gpu
    if gpu is None:
        parts.append(tr("no GPU"))
    elif gpu.unified_memory:
        parts.append(tr("{gpu} (shared memory)").format(gpu=gpu.name))
    else:
        if gpu.vram_free is not None:
            text = tr("{gpu}, {size} free").format(gpu=gpu.name, size=data_size(gpu.vram_free, unit="GB"))
        else:
            text = gpu.name
        parts.append(text if offload else tr("{gpu} (not used by this build)").format(gpu=text))
    return " · ".join(parts)
