"""Words and numbers the models window shows: fit badges, sizes, download progress."""

from __future__ import annotations

from app.core.hub.queue import JobInfo
from app.core.models.hardware import Hardware
from app.core.units import human_params, human_size

__all__ = [
    "THINKING_LABEL",
    "THINKING_TIP",
    "duration_text",
    "human_params",
    "human_size",
    "job_fraction",
    "job_status",
    "machine_text",
]

THINKING_LABEL = {
    "hybrid": "Hybrid thinking",
    "always": "Thinks always",
    "never": "Instruct only",
}
THINKING_TIP = {
    "hybrid": "Thinks before answering, or answers at once: switch it per message with Think.",
    "always": "Always reasons before answering (a thinking-only model).",
    "never": "Answers at once and never shows reasoning (an instruct-only model).",
}


def duration_text(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return ""
    if seconds < 60:
        return f"{max(1, round(seconds))} s left"
    if seconds < 3600:
        return f"about {round(seconds / 60)} min left"
    hours, rest = divmod(round(seconds / 60), 60)
    return f"about {hours} h {rest} min left"


def job_status(job: JobInfo) -> str:
    """One line: bytes, speed and time left while it runs; the reason when it failed."""
    of = f" of {human_size(job.total)}" if job.total else ""
    done = f"{human_size(job.done)}{of}"
    if job.status == "queued":
        return f"Waiting to start · {done}" if job.done else "Waiting to start"
    if job.status == "active":
        if job.phase == "verifying":
            return f"Checking the download · {done}"
        if job.phase == "checking":
            return f"Checking what is already here · {done}"
        parts = [done]
        if job.speed > 0:
            parts.append(f"{human_size(job.speed)}/s")
        left = duration_text(job.eta)
        if left:
            parts.append(left)
        return " · ".join(parts)
    if job.status == "paused":
        return f"Paused · {done}"
    if job.status == "done":
        return f"Downloaded · {human_size(job.total or job.done)}"
    if job.status == "cancelled":
        return "Cancelled"
    return job.error or "The download failed."


def job_fraction(job: JobInfo) -> float:
    if job.status == "done":
        return 1.0
    return min(1.0, job.done / job.total) if job.total else 0.0


def machine_text(hw: Hardware, offload: bool | None) -> str:
    """``24.6 GB free RAM · 2 CPU cores · no GPU``."""
    parts = []
    if hw.ram_available is not None:
        parts.append(f"{human_size(hw.ram_available, unit='GB')} free RAM")
    if hw.cpu_physical or hw.cpu_logical:
        parts.append(f"{hw.cpu_physical or hw.cpu_logical} CPU cores")
    gpu = hw.best_gpu
    if gpu is None:
        parts.append("no GPU")
    elif gpu.unified_memory:
        parts.append(f"{gpu.name} (shared memory)")
    else:
        free = f", {human_size(gpu.vram_free, unit='GB')} free" if gpu.vram_free is not None else ""
        parts.append(f"{gpu.name}{free}" + ("" if offload else " (not used by this build)"))
    return " · ".join(parts)
