"""Resumable, verified downloads of model files from the Hub.

Each file is written to ``<name>.part`` next to its final place, with a small JSON
sidecar ``<name>.part.json`` (URL, size, sha256, ETag, commit) saved before the first
byte. A download that stops -- a dropped connection, a pause, a crash, a restart of
the app -- continues with an HTTP Range request from the last byte on disk, after
re-hashing what is there. The sha256 is computed while the bytes arrive and checked
against the Hub's before an atomic rename gives the file its ``.gguf`` name, so a
model file in the library is always whole and verified. A file that fails the check
is deleted. huggingface_hub is used only for URLs and headers: its own downloader
deletes partial files, which would throw away gigabytes on every hiccup.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from app.core.hub.errors import (
    ChecksumMismatchError,
    DiskFullError,
    DownloadStopped,
    HubError,
    NetworkError,
    ServerError,
)
from app.core.hub.hf import build_headers, file_url
from app.core.hub.http import HttpClient, RangeNotSatisfiable, RemoteInfo
from app.core.hub.partial import (
    PartFile,
    discard_partial,
    disk_free,
    fsync_file,
    part_path,
    partial_bytes,
    read_sidecar_json,
    same_remote,
    sidecar_path,
    write_error,
    write_sidecar_json,
)
from app.core.hub.progress import DownloadControl, Meter, Progress, ProgressCallback
from app.core.hub.search import hub_endpoint
from app.core.units import human_size

__all__ = [
    "CHUNK_SIZE",
    "DownloadControl",
    "Downloader",
    "Progress",
    "ProgressCallback",
    "RemoteFile",
    "RetryPolicy",
    "discard_partial",
    "part_path",
    "partial_bytes",
    "sidecar_path",
]

CHUNK_SIZE = 1 << 20
SPACE_MARGIN = 64 << 20  # keep this much free beyond the download itself


@dataclass(frozen=True, slots=True)
class RemoteFile:
    """A file in a Hub repository; size and sha256 as listed (checked again on download)."""

    repo: str
    path: str
    revision: str = "main"
    size: int | None = None
    sha256: str | None = None

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RemoteFile:
        return cls(**{k: data[k] for k in ("repo", "path", "revision", "size", "sha256") if k in data})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Retries after network errors and 5xx, with waits that double from ``base_delay`` up to
    ``max_delay``. It gives up after ``attempts`` failures in a row without progress, or when
    the next wait would end more than ``patience`` seconds after the first of them: a network
    that is down is reported within seconds, not after a minute of silent retrying."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 4.0
    patience: float = 8.0

    def delay(self, failures: int) -> float:
        return float(min(self.max_delay, self.base_delay * 2 ** max(0, failures - 1)))

    def next_wait(self, failures: int, failing_since: float) -> float | None:
        """The wait before trying again after ``failures`` failures in a row, the first at
        ``failing_since`` (``time.monotonic()``); None: give up."""
        if failures > self.attempts:
            return None
        wait = self.delay(failures)
        if time.monotonic() + wait - failing_since > self.patience:
            return None
        return wait


class Downloader:
    """Downloads files from Hub repositories into a folder, resuming and verifying.

    ``token``: a Hugging Face token; None uses huggingface_hub's own login if any;
    False sends none. One Downloader serves one download at a time.
    """

    def __init__(
        self,
        *,
        endpoint: str | None = None,
        token: str | bool | None = None,
        chunk_size: int = CHUNK_SIZE,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        progress_interval: float = 0.2,
    ) -> None:
        self.endpoint = endpoint
        self.token = token
        self.chunk_size = chunk_size
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.progress_interval = progress_interval

    def _client(self) -> HttpClient:
        return HttpClient(build_headers(self.token), timeout=self.timeout)

    def _url(self, rf: RemoteFile, revision: str) -> str:
        return file_url(rf.repo, rf.path, revision, hub_endpoint(self.endpoint))

    @staticmethod
    def _what(rf: RemoteFile) -> str:
        return f"{rf.path} from {rf.repo}"

    def download(
        self,
        files: Sequence[RemoteFile],
        dest_dir: Path,
        *,
        progress: ProgressCallback | None = None,
        control: DownloadControl | None = None,
    ) -> list[Path]:
        """Download ``files`` (one model, or every part of a split one) into ``dest_dir``.

        Returns the final paths. Raises a HubError subclass on failure, DownloadStopped on
        pause or cancel (a cancel deletes the partial files; a pause keeps them)."""
        if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
            raise NetworkError("Downloads are switched off (HF_HUB_OFFLINE is set).")
        control = control or DownloadControl()
        try:
            dest_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HubError(f"Cannot create the folder {dest_dir}: {exc.strerror or exc}.") from exc
        dests = [dest_dir / rf.name for rf in files]
        meter = Meter(progress, len(files), self.progress_interval)
        try:
            return self._download(files, dests, meter, control)
        except DownloadStopped as stop:
            if stop.cancelled:
                for dest in dests:
                    discard_partial(dest)
            raise

    def _download(
        self, files: Sequence[RemoteFile], dests: list[Path], meter: Meter, control: DownloadControl
    ) -> list[Path]:
        client = self._client()
        infos: list[RemoteInfo | None] = []
        for rf, dest in zip(files, dests, strict=True):
            control.check()
            if self._already_there(rf, dest):
                infos.append(None)
            else:
                probe = functools.partial(client.probe, self._url(rf, rf.revision), self._what(rf))
                infos.append(self._retrying(probe, control))
        sizes = [
            (info.size if info and info.size is not None else rf.size)
            for rf, info in zip(files, infos, strict=True)
        ]
        meter.total = None if any(s is None for s in sizes) else sum(s or 0 for s in sizes)
        self._check_space(files, dests, infos, sizes)
        for index, (rf, dest, info) in enumerate(zip(files, dests, infos, strict=True)):
            meter.start_file(index, rf.name)
            if info is not None:
                self._fetch_one(rf, dest, info, client, meter, control)
            meter.base += dest.stat().st_size
        meter.emit(0, "done", force=True)
        return dests

    def _already_there(self, rf: RemoteFile, dest: Path) -> bool:
        if not dest.exists():
            return False
        if rf.size is None or dest.stat().st_size == rf.size:
            return True
        raise HubError(
            f"{dest} already exists and is not the file on the Hub ({human_size(dest.stat().st_size)} "
            f"instead of {human_size(rf.size)}). Remove it to download it again."
        )

    def _check_space(
        self,
        files: Sequence[RemoteFile],
        dests: list[Path],
        infos: list[RemoteInfo | None],
        sizes: list[int | None],
    ) -> None:
        needed = sum(
            max(0, (size or 0) - partial_bytes(dest))
            for dest, info, size in zip(dests, infos, sizes, strict=True)
            if info is not None
        )
        free = disk_free(dests[0].parent)
        if needed and free < needed + SPACE_MARGIN:
            what = files[0].name if len(files) == 1 else f"{len(files)} files"
            raise DiskFullError(
                f"Not enough disk space for {what}: it needs {human_size(needed)} and "
                f"{dests[0].parent} has {human_size(free)} free.",
                needed=needed,
                free=free,
            )

    def _retrying(self, op: Callable[[], RemoteInfo], control: DownloadControl) -> RemoteInfo:
        failures, since = 0, 0.0
        while True:
            try:
                return op()
            except HubError as exc:
                if not exc.retryable:
                    raise
                failures += 1
                since = since or time.monotonic()
                wait = self.retry.next_wait(failures, since)
                if wait is None:
                    raise
                control.wait(wait)

    def _fetch_one(
        self,
        rf: RemoteFile,
        dest: Path,
        info: RemoteInfo,
        client: HttpClient,
        meter: Meter,
        control: DownloadControl,
    ) -> None:
        """Download one file to its .part, verify it, and rename it into place."""
        size = info.size if info.size is not None else rf.size
        sha = info.sha256 or (rf.sha256.lower() if rf.sha256 else None)
        url = self._url(rf, info.commit) if info.commit else info.url
        sidecar = {
            "version": 1,
            "repo": rf.repo,
            "path": rf.path,
            "revision": rf.revision,
            "commit": info.commit,
            "url": url,
            "size": size,
            "sha256": sha,
            "etag": info.etag,
        }
        part = part_path(dest)
        if part.exists() and not same_remote(read_sidecar_json(sidecar_path(dest)), sidecar):
            discard_partial(dest)  # a different file (or version) than the one half-downloaded
        try:
            write_sidecar_json(sidecar_path(dest), sidecar)
            part.touch()
        except OSError as exc:
            raise write_error(exc, dest, size or 0) from exc
        try:
            digest = self._fetch_part(rf, dest, url, size, client, meter, control)
        except ChecksumMismatchError:
            discard_partial(dest)
            raise
        if (size is not None and part.stat().st_size != size) or (sha and digest != sha):
            discard_partial(dest)
            raise ChecksumMismatchError(
                f"{rf.name} failed verification: the downloaded data does not match what the Hub "
                f"published (sha256 {(sha or '?')[:12]}…, got {digest[:12]}…). The damaged file was "
                "deleted; download it again.",
                expected=sha or "",
                actual=digest,
            )
        fsync_file(part)
        os.replace(part, dest)
        sidecar_path(dest).unlink(missing_ok=True)

    def _fetch_part(
        self,
        rf: RemoteFile,
        dest: Path,
        url: str,
        size: int | None,
        client: HttpClient,
        meter: Meter,
        control: DownloadControl,
    ) -> str:
        """Fill the .part from where it ends, with retries; return the sha256 of all of it."""
        with PartFile(part_path(dest)) as pf:
            self._rehash(pf, size, meter, control)
            failures, last_failed_at, since = 0, -1, 0.0
            while size is None or pf.offset < size:
                try:
                    if self._stream(client, url, pf, size, meter, control, rf):
                        break
                    raise NetworkError(f"The connection closed early while downloading {self._what(rf)}.")
                except RangeNotSatisfiable:
                    pf.restart()  # the server's file is shorter than ours: start over
                    failures += 1
                    if failures > self.retry.attempts:
                        raise ServerError(f"The Hub keeps refusing byte ranges of {rf.name}.") from None
                except OSError as exc:  # writing the .part failed (the network's are HubErrors)
                    needed = (size or pf.offset) - pf.offset
                    raise write_error(exc, dest, needed) from exc
                except HubError as exc:
                    if not exc.retryable:
                        raise
                    if pf.offset > last_failed_at:  # bytes arrived since the last failure
                        failures, since = 0, time.monotonic()
                    failures += 1
                    last_failed_at = pf.offset
                    wait = self.retry.next_wait(failures, since)
                    if wait is None:
                        raise
                    control.wait(wait)
            meter.emit(pf.offset, "verifying", force=True)
            return pf.hasher.hexdigest()

    def _rehash(self, pf: PartFile, size: int | None, meter: Meter, control: DownloadControl) -> None:
        """Hash the bytes a previous run left, so the final check covers the whole file."""
        on_disk = pf.path.stat().st_size
        if size is not None and on_disk > size:
            pf.restart()
            return
        with open(pf.path, "rb") as f:
            while True:
                control.check()
                block = f.read(self.chunk_size)
                if not block:
                    break
                pf.hasher.update(block)
                pf.offset += len(block)
                meter.emit(pf.offset, "checking")

    def _stream(
        self,
        client: HttpClient,
        url: str,
        pf: PartFile,
        size: int | None,
        meter: Meter,
        control: DownloadControl,
        rf: RemoteFile,
    ) -> bool:
        """One GET from ``pf.offset``; True when the file is complete."""
        extra = {"Accept-Encoding": "identity"}
        if pf.offset:
            extra["Range"] = f"bytes={pf.offset}-"
        resp, _ = client.open(url, self._what(rf), extra=extra)
        with resp:
            if pf.offset and resp.status == 200:
                pf.restart()  # the server ignored the range: take the whole file again
            elif resp.status == 206 and _range_start(resp.headers.get("Content-Range")) != pf.offset:
                raise ServerError(f"The server sent the wrong part of {rf.name}.")
            while True:
                control.check()
                try:
                    chunk = resp.read1(self.chunk_size)
                except (OSError, ValueError) as exc:
                    raise NetworkError(
                        f"The connection dropped while downloading {self._what(rf)}: {exc}."
                    ) from exc
                if not chunk:
                    break
                if size is not None and pf.offset + len(chunk) > size:
                    raise ChecksumMismatchError(f"The Hub sent more data than {rf.name} should have.")
                pf.write(chunk)
                meter.add_network(len(chunk))
                meter.emit(pf.offset, "downloading")
        return size is None or pf.offset >= size


def _range_start(content_range: str | None) -> int | None:
    # "bytes 100-199/200"
    if not content_range or not content_range.startswith("bytes "):
        return None
    first = content_range[6:].split("-", 1)[0]
    return int(first) if first.isdigit() else None
