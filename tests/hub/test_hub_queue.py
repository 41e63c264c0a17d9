"""The background download queue: order, pause/resume/cancel, failures, restarts."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core.hub.download import Downloader, RemoteFile, RetryPolicy, part_path
from app.core.hub.queue import DownloadEvent, DownloadManager
from tests.hub.local_hub import LocalHub

REPO = "Qwen/Qwen3-0.6B-GGUF"
A, B = "Qwen3-0.6B-Q8_0.gguf", "Qwen3-0.6B-Q4_K_M.gguf"
MakeManager = Callable[..., DownloadManager]


def make_downloader() -> Downloader:
    return Downloader(
        token=False, chunk_size=32 * 1024, retry=RetryPolicy(attempts=2, base_delay=0.01), progress_interval=0
    )


class Recorder:
    def __init__(self) -> None:
        self.events: list[DownloadEvent] = []
        self.max_active = 0
        self.lock = threading.Lock()
        self.hook: dict[str, object] = {}

    def __call__(self, event: DownloadEvent) -> None:
        with self.lock:
            self.events.append(event)
        hook = self.hook.get(event.kind)
        if callable(hook):
            hook(event)

    def kinds(self, job_id: str) -> list[str]:
        kinds = [e.kind for e in self.events if e.job.id == job_id]
        return [k for i, k in enumerate(kinds) if k != "progress" or kinds[i - 1] != "progress"]


@pytest.fixture
def manager_factory(tmp_path: Path) -> Iterator[MakeManager]:
    made: list[DownloadManager] = []

    def make(recorder: Recorder | None = None) -> DownloadManager:
        manager = DownloadManager(
            tmp_path / "state" / "downloads.json", downloader=make_downloader, on_event=recorder
        )
        made.append(manager)
        return manager

    yield make
    for manager in made:
        manager.shutdown()


def test_jobs_run_one_at_a_time_in_order(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path, manager_factory: MakeManager
) -> None:
    hub.add_file(REPO, A, gguf_bytes)
    hub.add_file(REPO, B, gguf_bytes[::-1])
    rec = Recorder()
    active: set[str] = set()

    def track(event: DownloadEvent) -> None:
        if event.kind == "started":
            active.add(event.job.id)
            rec.max_active = max(rec.max_active, len(active))
        elif event.kind in ("completed", "failed", "paused", "cancelled"):
            active.discard(event.job.id)

    manager = manager_factory(rec)
    manager.subscribe(track)
    dest = tmp_path / "models"
    first = manager.enqueue("a", [RemoteFile(REPO, A)], dest)
    second = manager.enqueue("b", [RemoteFile(REPO, B)], dest)
    assert manager.enqueue("a again", [RemoteFile(REPO, A)], dest).id == first.id  # not queued twice
    manager.start()
    assert manager.wait_idle(30)
    assert rec.max_active == 1
    assert rec.kinds(first.id) == ["queued", "started", "progress", "completed"]
    assert rec.kinds(second.id) == ["queued", "started", "progress", "completed"]
    started = [e.job.id for e in rec.events if e.kind == "started"]
    assert started == [first.id, second.id]
    done = manager.job(first.id)
    assert done.status == "done" and done.done == done.total == len(gguf_bytes)
    assert (dest / A).read_bytes() == gguf_bytes and (dest / B).read_bytes() == gguf_bytes[::-1]


def test_pause_resume_and_cancel(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path, manager_factory: MakeManager
) -> None:
    hub.add_file(REPO, A, gguf_bytes)
    hub.add_file(REPO, B, gguf_bytes)
    rec = Recorder()
    manager = manager_factory(rec)
    dest = tmp_path / "models"
    job = manager.enqueue("a", [RemoteFile(REPO, A)], dest)
    queued = manager.enqueue("b", [RemoteFile(REPO, B)], dest)
    manager.pause(queued.id)  # a queued job can be paused before it starts
    paused_once = threading.Event()

    def pause_at_half(event: DownloadEvent) -> None:
        if event.job.id == job.id and event.job.done > len(gguf_bytes) // 2 and not paused_once.is_set():
            paused_once.set()
            manager.pause(job.id)

    rec.hook["progress"] = pause_at_half
    manager.start()
    paused = manager.wait(job.id, 30)
    assert paused is not None and paused.status == "paused"
    kept = part_path(dest / A).stat().st_size
    assert 0 < kept < len(gguf_bytes)
    assert manager.job(queued.id).status == "paused"  # it did not start while the other was paused

    manager.resume(job.id)
    finished = manager.wait(job.id, 30)
    assert finished is not None and finished.status == "done"
    assert (dest / A).read_bytes() == gguf_bytes

    manager.cancel(queued.id)
    assert manager.job(queued.id).status == "cancelled"
    assert not (dest / B).exists() and not part_path(dest / B).exists()
    manager.remove(queued.id)
    assert queued.id not in [j.id for j in manager.jobs()]
    assert rec.kinds(queued.id) == ["queued", "paused", "cancelled", "removed"]


def test_cancel_a_running_job_deletes_its_part(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path, manager_factory: MakeManager
) -> None:
    hub.add_file(REPO, A, gguf_bytes)
    rec = Recorder()
    manager = manager_factory(rec)
    dest = tmp_path / "models"
    job = manager.enqueue("a", [RemoteFile(REPO, A)], dest)
    rec.hook["progress"] = lambda e: manager.cancel(job.id)
    manager.start()
    cancelled = manager.wait(job.id, 30)
    assert cancelled is not None and cancelled.status == "cancelled"
    assert list(dest.iterdir()) == []


def test_failure_is_reported_and_can_be_retried(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path, manager_factory: MakeManager
) -> None:
    rec = Recorder()
    manager = manager_factory(rec)
    job = manager.enqueue("a", [RemoteFile(REPO, A)], tmp_path / "models")
    manager.start()
    failed = manager.wait(job.id, 30)
    assert failed is not None and failed.status == "failed"
    assert failed.error_kind == "NotFoundError" and "not found" in (failed.error or "")
    hub.add_file(REPO, A, gguf_bytes)  # the file appears: try again
    manager.resume(job.id)
    done = manager.wait(job.id, 30)
    assert done is not None and done.status == "done" and done.error is None
    assert rec.kinds(job.id) == ["queued", "started", "failed", "queued", "started", "progress", "completed"]


def test_queue_survives_a_restart(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path, manager_factory: MakeManager
) -> None:
    hub.add_file(REPO, A, gguf_bytes)
    hub.add_file(REPO, B, gguf_bytes)
    dest = tmp_path / "models"
    rec = Recorder()
    first = manager_factory(rec)
    job = first.enqueue("a", [RemoteFile(REPO, A)], dest)
    waiting = first.enqueue("b", [RemoteFile(REPO, B)], dest)
    stopped = threading.Event()
    # The app quits in the middle of a download (shutdown from another thread, as the GUI would).
    quitter = threading.Thread(target=first.shutdown, name="quit")

    def quit_midway(event: DownloadEvent) -> None:
        if event.job.done > 300_000 and not quitter.is_alive() and not stopped.is_set():
            quitter.start()
            stopped.set()

    rec.hook["progress"] = quit_midway
    first.start()
    assert stopped.wait(30)
    quitter.join(30)
    assert first.job(job.id).status == "queued"  # stopped by the quit, not by the user
    kept = part_path(dest / A).stat().st_size
    assert 300_000 < kept < len(gguf_bytes)

    hub.settle()
    served_before = hub.served(A)
    second = manager_factory()
    restored = {j.id: j.status for j in second.jobs()}
    assert restored == {job.id: "queued", waiting.id: "queued"}
    second.start()
    assert second.wait_idle(30)
    assert (dest / A).read_bytes() == gguf_bytes and (dest / B).read_bytes() == gguf_bytes
    hub.settle()
    assert hub.served(A) - served_before == len(gguf_bytes) - kept  # it resumed, not restarted
