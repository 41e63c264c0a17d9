"""What the models window works with: the library, the catalog, this machine, downloads.

Slow work runs through :class:`~app.ui.common.tasks.Tasks` and answers on the GUI thread;
the download queue's events come from its worker threads and are relayed to the GUI thread
the same way, so every slot runs there. The GUI keeps its own snapshot of the jobs
(``jobs``), updated from those events, and never takes the queue's lock.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from app.core.hub.auth import TokenStore, default_token_store
from app.core.hub.download import Downloader, RemoteFile
from app.core.hub.library import LocalModel, ModelLibrary
from app.core.hub.plan import DownloadPlan, plan_catalog, plan_hub_model
from app.core.hub.queue import DownloadEvent, DownloadManager, JobInfo
from app.core.hub.search import HubModel, RepoResult, list_gguf_models, search_gguf_repos
from app.core.models.catalog import Catalog, CatalogError, CatalogModel, QuantFiles, Thinking, load_catalog
from app.core.models.fit import (
    RECOMMEND_CONTEXT,
    Fit,
    ModelShape,
    Recommendation,
    choose_context,
    rank_catalog,
    recommend,
)
from app.core.models.hardware import Hardware, detect_hardware
from app.core.store.settings import SettingsFile
from app.engine.local.capabilities import gpu_advice, probe_capabilities
from app.engine.local.rpc import RpcError, probe_worker, remote_devices
from app.ui.common.core_text import from_core
from app.ui.common.i18n import tr
from app.ui.common.prefs import Preferences
from app.ui.common.qt import QObject, Signal
from app.ui.common.tasks import Failed, Task, Tasks

__all__ = ["ModelsService", "probe_hardware"]

_probe_lock = threading.Lock()
_offload: list[bool | None] = []  # the build's answer, asked once per process


def probe_hardware(rpc_servers: tuple[str, ...] = ()) -> tuple[Hardware, bool | None]:
    """This machine, and whether llama.cpp can offload to a GPU (asked in another process);
    the other computers that answer lend their memory to the fit (one that does not, none)."""
    with _probe_lock:
        if not _offload:
            _offload.append(probe_capabilities().gpu_offload)
        offload = _offload[0]
    workers = []
    for endpoint in rpc_servers:
        with contextlib.suppress(RpcError):
            workers.append(probe_worker(endpoint, timeout=3.0))
    return replace(detect_hardware(gpu_offload=bool(offload)), remote=remote_devices(workers)), offload


class ModelsService(QObject):
    library_changed = Signal()  # ``models`` was rescanned
    hardware_changed = Signal()  # ``hardware`` and ``offload`` are known (or known anew)
    job_changed = Signal(object)  # DownloadEvent, on the GUI thread
    open_requested = Signal(str)  # a download asked to open when done has finished: its path

    def __init__(
        self, n_ctx: Callable[[], int], parent: QObject | None = None, *, prefs: Preferences | None = None
    ) -> None:
        super().__init__(parent)
        self.n_ctx = n_ctx
        self.prefs = prefs  # where a chosen models folder is saved (None: the settings file)
        self.library = ModelLibrary()
        self.catalog: Catalog | None
        try:
            self.catalog = load_catalog()
        except CatalogError:
            self.catalog = None
        self.tokens: TokenStore = default_token_store()
        self.tasks = Tasks(self, name="models")
        self.models: list[LocalModel] = []
        self.scanned = False
        self.hardware: Hardware | None = None
        self.offload: bool | None = None
        self.downloader_options: dict[str, Any] = {}  # Downloader keywords (tests: chunk size)
        self._open_files: set[tuple[RemoteFile, ...]] = set()
        self._lock = threading.Lock()
        self._scan: Task[list[LocalModel]] | None = None
        self._closed = False
        self.jobs: dict[str, JobInfo] = {}
        self._generation = 0  # which manager is current: events of an old one are dropped
        self.manager = self._open_manager()

    def _open_manager(self) -> DownloadManager:
        """The download queue of the current library folder; its unfinished jobs continue."""
        manager = DownloadManager(self.library.downloads_state_path, downloader=self._downloader)
        self._generation += 1
        manager.subscribe(self.tasks.relay(partial(self._on_queue_event, self._generation)))
        self.jobs = {j.id: j for j in manager.jobs()}
        if any(j.status == "queued" for j in self.jobs.values()):
            manager.start()  # downloads the last session left unfinished continue
        return manager

    # ---- this machine -------------------------------------------------------------
    def probe(self) -> None:
        workers = self.prefs.rpc_servers() if self.prefs is not None else ()
        self.tasks.run(lambda: probe_hardware(workers), self._probed, name="hardware")

    def _probed(self, found: tuple[Hardware, bool | None]) -> None:
        self.hardware, self.offload = found
        self.hardware_changed.emit()

    def gpu_note(self) -> str:
        """How to get GPU offload when this llama.cpp build cannot do it; "" when it can."""
        if self.hardware is None or self.offload:
            return ""
        return from_core(gpu_advice(self.hardware, self.offload) or "")

    def fit(self, model: CatalogModel, quant: QuantFiles) -> Fit | None:
        if self.hardware is None:
            return None
        shape = ModelShape.from_catalog(model)
        # Auto: each model at the context it would load with here (the fit decides it).
        return choose_context(shape, quant.size, self.hardware, n_ctx=self.n_ctx()).fit

    def ranking(self) -> list[Recommendation]:
        """Every catalog model and quant that runs well here, best first (any thinking mode)."""
        if self.hardware is None or self.catalog is None:
            return []
        every: tuple[Thinking, ...] = ("hybrid", "always", "never")
        return rank_catalog(self.hardware, self.catalog, n_ctx=self.planned_context(), thinking=every)

    def recommendation(self) -> Recommendation | None:
        """The best hybrid-thinking Qwen3 model and quant for this machine."""
        if self.hardware is None or self.catalog is None:
            return None
        return recommend(self.hardware, self.catalog, n_ctx=self.planned_context())

    def planned_context(self) -> int:
        """The context recommendations are planned for: the chosen one, or with Auto the
        usual 8,192 (Auto itself gives each model what fits once it loads)."""
        return self.n_ctx() or RECOMMEND_CONTEXT

    # ---- the library ----------------------------------------------------------------
    def refresh_library(self) -> None:
        if self._scan is not None:
            self._scan.cancel()  # only the latest scan's answer counts
        self._scan = self.tasks.run(self.library.models, self._scanned, name="scan")

    def _scanned(self, found: list[LocalModel]) -> None:
        self.models = found
        self.scanned = True
        self.library_changed.emit()

    def downloaded(self) -> dict[str, LocalModel]:
        """Catalog name (``qwen3-8b:q4_k_m``) -> the usable downloaded model."""
        return {m.catalog_spec: m for m in self.models if m.catalog_spec and m.usable}

    def add_file(self, path: str, on_error: Failed) -> None:
        def work() -> LocalModel:
            return self.library.add(path)

        self.tasks.run(work, lambda _m: self.refresh_library(), on_error, name="add")

    def remove(self, model: LocalModel, on_error: Failed) -> None:
        root = self.library.root

        def work() -> None:
            removed = self.library.remove(model.path)
            if not removed.referenced:  # tidy the owner/repo folders once they are empty
                for folder in (removed.path.parent, removed.path.parent.parent):
                    if folder != root and root in folder.parents:
                        with contextlib.suppress(OSError):
                            folder.rmdir()

        self.tasks.run(work, lambda _r: self.refresh_library(), on_error, name="remove")

    def downloads_busy(self) -> bool:
        """Whether a download is running or waiting its turn."""
        return any(j.status in ("queued", "active") for j in self.jobs.values())

    def change_root(self, folder: Path | str) -> str | None:
        """Keep models in ``folder`` from now on: save the choice, switch the library and the
        download queue there, and rescan. Models in the old folder stay where they are.

        Returns why the folder was not changed (downloads running, settings not saved), or None.
        """
        target = Path(folder).expanduser().resolve()
        if target == self.library.root.resolve():
            return None
        if self.downloads_busy():
            return tr("Pause or finish downloads first, then change the models folder.")
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return tr("Cannot use {folder}: {reason}").format(folder=target, reason=exc.strerror or exc)
        error = self._save_models_dir(str(target))
        if error:
            return error
        old_manager, old_jobs = self.manager, list(self.jobs.values())
        old_manager.shutdown(timeout=3)  # idle (nothing queued or active): the workers just end
        self.library = ModelLibrary(target, catalog=self.catalog)
        for job in old_jobs:  # their cards go; the old folder keeps its queue for later
            self.jobs.pop(job.id, None)
            self.job_changed.emit(DownloadEvent("removed", job))
        self.manager = self._open_manager()
        for job in sorted(self.jobs.values(), key=lambda j: j.created):
            self.job_changed.emit(DownloadEvent("queued", job))
        self.models = []
        self.scanned = False
        self.library_changed.emit()
        self.refresh_library()
        return None

    def _save_models_dir(self, folder: str) -> str | None:
        if self.prefs is not None:
            previous = self.prefs.settings.models_dir
            self.prefs.settings.models_dir = folder
            error = self.prefs.save()
            if error:
                self.prefs.settings.models_dir = previous
            return error
        file = SettingsFile()
        settings = file.load()
        settings.models_dir = folder
        try:
            file.save(settings)
        except OSError as exc:
            return tr("Settings could not be saved: {reason}").format(reason=exc.strerror or exc)
        return None

    # ---- the Hub --------------------------------------------------------------------
    def _token(self) -> str | None:
        return self.tokens.get()  # None: huggingface_hub's own login (HF_TOKEN) applies

    def search(self, query: str, on_done: Callable[[list[RepoResult]], None], on_error: Failed) -> None:
        self.tasks.run(
            lambda: search_gguf_repos(query, limit=40, token=self._token()), on_done, on_error, name="search"
        )

    def list_files(self, repo: str, on_done: Callable[[list[HubModel]], None], on_error: Failed) -> None:
        self.tasks.run(lambda: list_gguf_models(repo, token=self._token()), on_done, on_error, name="files")

    def save_token(
        self, token: str, on_done: Callable[[bool], None], *, owner: QObject | None = None
    ) -> None:
        """Store the token (system credential store when there is one); never logged.
        ``on_done`` is dropped if ``owner`` (the card that asked) is gone by then."""
        self.tasks.run(lambda: self.tokens.set(token), on_done, owner=owner, name="token")

    # ---- downloads ------------------------------------------------------------------
    def _downloader(self) -> Downloader:  # called on a queue worker thread
        return Downloader(token=self._token(), **self.downloader_options)

    def download_catalog(self, spec: str, on_error: Failed, *, open_when_done: bool = False) -> None:
        """Queue a catalog model (``qwen3-8b:q4_k_m``); its files are checked on the Hub first."""
        catalog = self.catalog

        def work() -> JobInfo:
            return self._enqueue(plan_catalog(spec, catalog, token=self._token()), open_when_done)

        self.tasks.run(work, self._queued, on_error, name="plan")

    def download_hub_model(
        self, model: HubModel, on_error: Failed, on_queued: Callable[[JobInfo], None] | None = None
    ) -> None:
        def queued(job: JobInfo) -> None:
            self._queued(job)
            if on_queued is not None:
                on_queued(job)

        self.tasks.run(lambda: self._enqueue(plan_hub_model(model), False), queued, on_error, name="plan")

    def _enqueue(self, plan: DownloadPlan, open_when_done: bool) -> JobInfo:  # a task thread
        if open_when_done:
            with self._lock:
                self._open_files.add(plan.files)
        self.manager.start()
        return self.manager.enqueue(plan.name, plan.files, self.library.download_dir(plan.repo))

    def _queued(self, job: JobInfo) -> None:
        if job.id not in self.jobs:
            self.jobs[job.id] = job
            self.job_changed.emit(DownloadEvent("queued", job))

    def job_for(self, name: str) -> JobInfo | None:
        """The latest job that downloads ``name`` (a catalog name or a file's model name)."""
        found = [j for j in self.jobs.values() if j.name == name]
        return max(found, key=lambda j: j.created) if found else None

    def pause(self, job_id: str) -> None:
        self.tasks.run(lambda: self.manager.pause(job_id), name="pause")

    def resume(self, job_id: str, *, open_when_done: bool = False) -> None:
        job = self.jobs.get(job_id)
        if open_when_done and job is not None:
            with self._lock:
                self._open_files.add(job.files)

        def work() -> None:
            self.manager.start()
            self.manager.resume(job_id)

        self.tasks.run(work, name="resume")

    def cancel(self, job_id: str) -> None:
        self.tasks.run(lambda: self.manager.cancel(job_id), name="cancel")

    def forget(self, job_id: str) -> None:
        self.tasks.run(lambda: self.manager.remove(job_id), name="forget")

    def _on_queue_event(self, generation: int, event: DownloadEvent) -> None:
        if generation != self._generation:
            return  # from the queue of a models folder no longer in use
        job = event.job
        if event.kind == "removed":
            self.jobs.pop(job.id, None)
        else:
            self.jobs[job.id] = job
        self.job_changed.emit(event)
        if event.kind == "completed":
            self.refresh_library()
            with self._lock:
                wanted = job.files in self._open_files
                self._open_files.discard(job.files)
            if wanted:
                self.open_requested.emit(str(job.paths[0]))
        elif event.kind in ("failed", "cancelled"):
            with self._lock:
                self._open_files.discard(job.files)

    # ---- lifetime -------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the background work; running downloads stop and resume next session."""
        if self._closed:
            return
        self._closed = True
        self.tasks.shutdown()
        self.manager.shutdown(timeout=3)  # a .part file is always a true prefix: nothing is lost

    @property
    def root(self) -> Path:
        return self.library.root
