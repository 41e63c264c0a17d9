"""A download queue that runs in the background and survives restarts.

Jobs run one at a time by default, on worker threads. Every change of a job's state
is saved (atomically) to a JSON file, so after a restart -- or a crash -- unfinished
jobs are queued again and their downloads continue from their ``.part`` files.
Events are plain callbacks, called on the worker thread (or on the caller's thread
for pause/resume/cancel of a job that is not running); the GUI wraps them in
signals. Nothing here blocks the caller.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from app.core.hub.download import Downloader, RemoteFile
from app.core.hub.errors import DownloadStopped, HubError
from app.core.hub.partial import discard_partial
from app.core.hub.progress import DownloadControl, Progress

__all__ = ["DownloadEvent", "DownloadManager", "JobInfo", "JobStatus"]

JobStatus = Literal["queued", "active", "paused", "done", "failed", "cancelled"]
EventKind = Literal["queued", "started", "progress", "paused", "completed", "failed", "cancelled", "removed"]
_FINISHED = ("done", "failed", "cancelled")


@dataclass(frozen=True)
class JobInfo:
    """A snapshot of a job, safe to hand to another thread."""

    id: str
    name: str
    repo: str
    files: tuple[RemoteFile, ...]
    dest_dir: Path
    status: JobStatus
    done: int = 0
    total: int | None = None
    speed: float = 0.0
    eta: float | None = None
    phase: str = ""
    error: str | None = None
    error_kind: str | None = None  # e.g. "AuthRequiredError": the GUI can offer a token field
    created: float = field(default_factory=time.time)

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(self.dest_dir / f.name for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "repo": self.repo,
            "files": [f.to_dict() for f in self.files],
            "dest_dir": str(self.dest_dir),
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "error": self.error,
            "error_kind": self.error_kind,
            "created": self.created,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> JobInfo:
        return cls(
            id=d["id"],
            name=d["name"],
            repo=d["repo"],
            files=tuple(RemoteFile.from_dict(f) for f in d["files"]),
            dest_dir=Path(d["dest_dir"]),
            status=d["status"],
            done=int(d.get("done") or 0),
            total=d.get("total"),
            error=d.get("error"),
            error_kind=d.get("error_kind"),
            created=float(d.get("created") or time.time()),
        )


@dataclass(frozen=True)
class DownloadEvent:
    kind: EventKind
    job: JobInfo


class DownloadManager:
    """Queue of downloads.

    ``state_path``: where the queue is saved (None: not saved). ``downloader``: makes the
    Downloader for each job (called on the worker thread, so it can read the current
    token). ``on_event``: called for every event.
    """

    def __init__(
        self,
        state_path: Path | None = None,
        *,
        downloader: Callable[[], Downloader] | None = None,
        on_event: Callable[[DownloadEvent], None] | None = None,
        max_active: int = 1,
    ) -> None:
        self.state_path = state_path
        self._make_downloader = downloader or _default_downloader
        self._listeners: list[Callable[[DownloadEvent], None]] = [on_event] if on_event else []
        self.max_active = max(1, max_active)
        self._jobs: dict[str, JobInfo] = {}
        self._controls: dict[str, DownloadControl] = {}
        self._cond = threading.Condition()
        self._workers: list[threading.Thread] = []
        self._closing = False
        self._seq = itertools.count()
        self._load()

    # ---- events ----------------------------------------------------------------------
    def subscribe(self, callback: Callable[[DownloadEvent], None]) -> None:
        self._listeners.append(callback)

    def _emit(self, kind: EventKind, job: JobInfo) -> None:
        event = DownloadEvent(kind, job)
        for listener in list(self._listeners):
            with contextlib.suppress(Exception):  # a broken listener must not kill a download
                listener(event)

    # ---- state -----------------------------------------------------------------------
    def _load(self) -> None:
        if self.state_path is None:
            return
        try:
            data = json.loads(self.state_path.read_text("utf-8"))
        except (OSError, ValueError):
            return
        for raw in data.get("jobs", []) if isinstance(data, dict) else []:
            try:
                job = JobInfo.from_dict(raw)
            except (KeyError, TypeError, ValueError):
                continue
            if job.status == "active":
                job = replace(job, status="queued")  # interrupted by a restart or crash
            self._jobs[job.id] = job

    def _save(self) -> None:
        if self.state_path is None:
            return
        data = {"version": 1, "jobs": [j.to_dict() for j in self._jobs.values()]}
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_name(self.state_path.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1), "utf-8")
        os.replace(tmp, self.state_path)

    def _set(self, job_id: str, **changes: Any) -> JobInfo:
        """Update a job (the lock must be held); saved unless only progress changed."""
        job = replace(self._jobs[job_id], **changes)
        self._jobs[job_id] = job
        if set(changes) - {"done", "total", "speed", "eta", "phase"}:
            self._save()
        return job

    # ---- public API ------------------------------------------------------------------
    def jobs(self) -> list[JobInfo]:
        with self._cond:
            return sorted(self._jobs.values(), key=lambda j: j.created)

    def job(self, job_id: str) -> JobInfo:
        with self._cond:
            return self._jobs[job_id]

    def enqueue(self, name: str, files: Sequence[RemoteFile], dest_dir: Path) -> JobInfo:
        """Queue the download of ``files`` (one model: a file or every part) into ``dest_dir``.
        The same files already queued, running or paused are not queued twice."""
        if not files:
            raise ValueError("nothing to download")
        with self._cond:
            for job in self._jobs.values():
                if job.status not in _FINISHED and job.files == tuple(files) and job.dest_dir == dest_dir:
                    return job
            job = JobInfo(
                id=uuid.uuid4().hex[:12],
                name=name,
                repo=files[0].repo,
                files=tuple(files),
                dest_dir=Path(dest_dir),
                status="queued",
                total=_total(files),
                created=time.time() + next(self._seq) * 1e-6,
            )
            self._jobs[job.id] = job
            self._save()
            self._cond.notify_all()
        self._emit("queued", job)
        return job

    def pause(self, job_id: str) -> None:
        with self._cond:
            job = self._jobs[job_id]
            control = self._controls.get(job_id)
            if job.status == "active" and control is not None:
                control.pause()  # the worker reports "paused" once the download stops
                return
            if job.status != "queued":
                return
            job = self._set(job_id, status="paused")
        self._emit("paused", job)

    def resume(self, job_id: str) -> None:
        """Queue a paused or failed job again."""
        with self._cond:
            job = self._jobs[job_id]
            if job.status not in ("paused", "failed"):
                return
            job = self._set(job_id, status="queued", error=None, error_kind=None)
            self._cond.notify_all()
        self._emit("queued", job)

    def cancel(self, job_id: str) -> None:
        """Stop a job and delete its partial files."""
        with self._cond:
            job = self._jobs[job_id]
            control = self._controls.get(job_id)
            if job.status == "active" and control is not None:
                control.cancel()  # the worker deletes the partial files
                return
            if job.status in ("done", "cancelled"):
                return
            job = self._set(job_id, status="cancelled")
        for path in job.paths:
            discard_partial(path)
        self._emit("cancelled", job)

    def remove(self, job_id: str) -> None:
        """Forget a finished job (cancelling it first if it is not finished)."""
        with self._cond:
            job = self._jobs.get(job_id)
            if job is None:
                return
        if job.status not in _FINISHED:
            self.cancel(job_id)
            self.wait(job_id, timeout=30)
        with self._cond:
            job = self._jobs.pop(job_id, job)
            self._save()
        self._emit("removed", job)

    def wait(self, job_id: str, timeout: float | None = None) -> JobInfo | None:
        """Block until the job is finished or paused (for the CLI and tests); None if removed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                job = self._jobs.get(job_id)
                if job is None or job.status in (*_FINISHED, "paused"):
                    return job
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return job
                self._cond.wait(left)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is queued or running; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while any(j.status in ("queued", "active") for j in self._jobs.values()):
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
            return True

    # ---- workers ---------------------------------------------------------------------
    def start(self) -> None:
        """Start the workers; queued jobs (including those from the last session) run."""
        with self._cond:
            if self._workers:
                return
            self._closing = False
            for i in range(self.max_active):
                worker = threading.Thread(target=self._work, name=f"ponder-download-{i}", daemon=True)
                self._workers.append(worker)
                worker.start()

    def shutdown(self, timeout: float = 30.0) -> None:
        """Stop the workers. Running downloads stop between chunks and stay queued, so the
        next session resumes them."""
        with self._cond:
            self._closing = True
            for control in self._controls.values():
                control.pause()
            self._cond.notify_all()
            workers, self._workers = self._workers, []
        for worker in workers:
            worker.join(timeout)

    def _next(self) -> tuple[JobInfo, DownloadControl] | None:
        with self._cond:
            while True:
                if self._closing:
                    return None
                queued = [j for j in self._jobs.values() if j.status == "queued"]
                if queued:
                    job = min(queued, key=lambda j: j.created)
                    control = DownloadControl()
                    self._controls[job.id] = control
                    return self._set(job.id, status="active"), control
                self._cond.wait()

    def _work(self) -> None:
        while True:
            picked = self._next()
            if picked is None:
                return
            job, control = picked
            self._emit("started", job)
            self._run(job, control)

    def _run(self, job: JobInfo, control: DownloadControl) -> None:
        def on_progress(p: Progress) -> None:
            with self._cond:
                updated = self._set(
                    job.id, done=p.done, total=p.total, speed=p.speed, eta=p.eta, phase=p.phase
                )
            self._emit("progress", updated)

        kind: EventKind
        try:
            downloader = self._make_downloader()
            downloader.download(list(job.files), job.dest_dir, progress=on_progress, control=control)
        except DownloadStopped as stop:
            with self._cond:
                if stop.cancelled:
                    kind, changes = "cancelled", {"status": "cancelled"}
                elif self._closing:
                    kind, changes = "paused", {"status": "queued"}  # resumes next session
                else:
                    kind, changes = "paused", {"status": "paused"}
                updated = self._finish(job.id, speed=0.0, eta=None, **changes)
        except HubError as exc:
            with self._cond:
                kind = "failed"
                updated = self._finish(
                    job.id,
                    status="failed",
                    error=str(exc),
                    error_kind=type(exc).__name__,
                    speed=0.0,
                    eta=None,
                )
        except Exception as exc:  # a bug or an OS error: report it, keep the worker alive
            with self._cond:
                kind = "failed"
                updated = self._finish(
                    job.id, status="failed", error=f"Unexpected error: {exc}", error_kind=type(exc).__name__,
                    speed=0.0, eta=None,
                )  # fmt: skip
        else:
            with self._cond:
                kind = "completed"
                current = self._jobs[job.id]
                updated = self._finish(
                    job.id,
                    status="done",
                    done=current.total or current.done,
                    speed=0.0,
                    eta=None,
                    phase="done",
                )
        self._emit(kind, updated)

    def _finish(self, job_id: str, **changes: Any) -> JobInfo:
        self._controls.pop(job_id, None)
        job = self._set(job_id, **changes)
        self._cond.notify_all()
        return job


def _total(files: Sequence[RemoteFile]) -> int | None:
    sizes = [f.size for f in files]
    return None if any(s is None for s in sizes) else sum(s or 0 for s in sizes)


def _default_downloader() -> Downloader:
    from app.core.hub.auth import default_token_store

    return Downloader(token=default_token_store().get())
