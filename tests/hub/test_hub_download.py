"""Resumable, verified downloads against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from app.core.gguf.model import read_model
from app.core.hub import download as dl
from app.core.hub import partial
from app.core.hub.download import (
    DownloadControl,
    Downloader,
    Progress,
    RemoteFile,
    RetryPolicy,
    part_path,
    sidecar_path,
)
from app.core.hub.errors import (
    AuthRequiredError,
    ChecksumMismatchError,
    DiskFullError,
    DownloadStopped,
    HubError,
    NetworkError,
    NotFoundError,
    ServerError,
)
from tests.hub.downloads import CHUNK, FILE, REPO, downloader
from tests.hub.local_hub import LocalHub

ROOT = Path(__file__).resolve().parents[2]


def test_download_with_progress(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, gguf_bytes)
    events: list[Progress] = []
    d = downloader()
    d.progress_interval = 0
    [path] = d.download([RemoteFile(REPO, FILE)], tmp_path, progress=events.append)
    assert path == tmp_path / FILE and path.read_bytes() == gguf_bytes
    assert not part_path(path).exists() and not sidecar_path(path).exists()
    assert hub.served(FILE) == len(gguf_bytes)
    downloading = [e for e in events if e.phase == "downloading"]
    assert len(downloading) >= len(gguf_bytes) // CHUNK
    assert [e.done for e in downloading] == sorted(e.done for e in downloading)
    assert all(e.total == len(gguf_bytes) and e.file == FILE and e.file_count == 1 for e in events)
    assert events[-1].phase == "done" and events[-1].done == len(gguf_bytes) and events[-1].fraction == 1.0
    assert any(e.speed > 0 for e in downloading)
    assert read_model(path).header.architecture == "qwen3"
    # The GET was pinned to the commit the HEAD reported, then redirected to the CDN.
    gets = [r for r in hub.requests if r["method"] == "GET"]
    assert hub.repos[REPO].commit in gets[0]["path"] and gets[1]["path"].startswith("/cdn/")


def test_dropped_connection_resumes_without_refetching(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    hub.add_file(REPO, FILE, gguf_bytes)
    hub.drop_after(FILE, 300_000)
    hub.drop_after(FILE, 500_000)  # the resumed request drops too, 500 kB later
    [path] = downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert path.read_bytes() == gguf_bytes
    assert hub.served(FILE) == len(gguf_bytes)  # not one byte twice
    ranges = [r["range"] for r in hub.requests if r["path"].startswith("/cdn/")]
    assert ranges == [None, "bytes=300000-", "bytes=800000-"]


def test_resume_after_the_process_was_killed(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, gguf_bytes)
    release = hub.stall_after(FILE, 400_000)
    code = (
        "import sys; from pathlib import Path\n"
        "from app.core.hub.download import Downloader, RemoteFile\n"
        f"files = [RemoteFile({REPO!r}, {FILE!r})]\n"
        f"Downloader(token=False, chunk_size={CHUNK}).download(files, Path(sys.argv[1]))\n"
    )
    env = {**os.environ, "HF_ENDPOINT": hub.endpoint, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], env=env, cwd=ROOT)
    part = part_path(tmp_path / FILE)
    try:
        deadline = time.monotonic() + 30
        while not (part.exists() and part.stat().st_size == 400_000):
            assert proc.poll() is None, "the download process ended early"
            assert time.monotonic() < deadline, "the download never reached the stall"
            time.sleep(0.02)
    finally:
        proc.kill()
        proc.wait(10)
        release.set()
    assert (
        json.loads(sidecar_path(tmp_path / FILE).read_text())["sha256"]
        == hashlib.sha256(gguf_bytes).hexdigest()
    )

    [path] = downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert path.read_bytes() == gguf_bytes
    assert hub.served(FILE) == len(gguf_bytes)
    assert [r["range"] for r in hub.requests if r["path"].startswith("/cdn/")][-1] == "bytes=400000-"


def test_pause_keeps_the_part_and_cancel_deletes_it(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, gguf_bytes)
    control = DownloadControl()

    def pause_midway(p: Progress) -> None:
        if p.phase == "downloading" and p.done >= 500_000:
            control.pause()

    d = downloader()
    d.progress_interval = 0
    with pytest.raises(DownloadStopped) as stop:
        d.download([RemoteFile(REPO, FILE)], tmp_path, progress=pause_midway, control=control)
    assert not stop.value.cancelled
    kept = part_path(tmp_path / FILE).stat().st_size
    assert 500_000 <= kept < len(gguf_bytes) and not (tmp_path / FILE).exists()

    control.reset()
    control.cancel()
    with pytest.raises(DownloadStopped) as stop:
        d.download([RemoteFile(REPO, FILE)], tmp_path, control=control)
    assert stop.value.cancelled
    assert not part_path(tmp_path / FILE).exists() and not sidecar_path(tmp_path / FILE).exists()


def test_paused_download_resumes(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, gguf_bytes)
    control = DownloadControl()
    d = downloader()
    d.progress_interval = 0
    with pytest.raises(DownloadStopped):
        d.download(
            [RemoteFile(REPO, FILE)],
            tmp_path,
            progress=lambda p: control.pause() if p.done > 200_000 else None,
            control=control,
        )
    kept = part_path(tmp_path / FILE).stat().st_size
    hub.settle()
    served_before = hub.served(FILE)  # bytes in flight when it paused are lost, by design
    phases: list[str] = []
    [path] = d.download([RemoteFile(REPO, FILE)], tmp_path, progress=lambda p: phases.append(p.phase))
    assert path.read_bytes() == gguf_bytes
    hub.settle()
    assert hub.served(FILE) - served_before == len(gguf_bytes) - kept
    assert [r["range"] for r in hub.requests if r["path"].startswith("/cdn/")][-1] == f"bytes={kept}-"
    assert phases[0] == "checking"  # the kept part was hashed again before resuming


def test_checksum_mismatch_never_becomes_a_model(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, gguf_bytes, published_sha256="ab" * 32)
    with pytest.raises(ChecksumMismatchError, match="failed verification") as err:
        downloader().download([RemoteFile(REPO, FILE, sha256="ab" * 32)], tmp_path)
    assert err.value.expected == "ab" * 32 and err.value.actual == hashlib.sha256(gguf_bytes).hexdigest()
    assert list(tmp_path.iterdir()) == []  # no .gguf, no .part, no sidecar


def test_the_hubs_checksum_is_checked_when_the_caller_has_none(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    # The usual case: the app picks a file from a listing without its hash; the Hub's own
    # sha256 (X-Linked-Etag) must still decide whether the bytes become a model.
    hub.add_file(REPO, FILE, gguf_bytes, published_sha256="ab" * 32)
    with pytest.raises(ChecksumMismatchError, match="failed verification") as err:
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert err.value.expected == "ab" * 32 and err.value.actual == hashlib.sha256(gguf_bytes).hexdigest()
    assert list(tmp_path.iterdir()) == []


def test_unauthorised_then_with_a_token(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, gguf_bytes)
    hub.protect(REPO, "hf_secret_token")
    with pytest.raises(AuthRequiredError, match=r"private or gated.*token") as err:
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert "hf_secret_token" not in str(err.value)
    [path] = downloader(token="hf_secret_token").download([RemoteFile(REPO, FILE)], tmp_path)
    assert path.read_bytes() == gguf_bytes


def test_gated_repository(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, gguf_bytes)
    hub.protect(REPO, "hf_x", gated=True)
    with pytest.raises(AuthRequiredError, match="gated repository: accept its terms"):
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)


def test_token_is_not_sent_to_another_host(
    gguf_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LocalHub(cdn_host="localhost") as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
        hub.add_file(REPO, FILE, gguf_bytes)
        hub.protect(REPO, "hf_secret_token")
        downloader(token="hf_secret_token").download([RemoteFile(REPO, FILE)], tmp_path)
        resolve = [r for r in hub.requests if "/resolve/" in r["path"]]
        cdn = [r for r in hub.requests if r["path"].startswith("/cdn/")]
    assert all(r["authorization"] == "Bearer hf_secret_token" for r in resolve)
    assert cdn and all(r["authorization"] is None and r["host"].startswith("localhost") for r in cdn)


def test_missing_file_and_repository(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, gguf_bytes)
    with pytest.raises(
        NotFoundError, match=r"Qwen3-0\.6B-Q2_K\.gguf from Qwen/Qwen3-0\.6B-GGUF does not exist"
    ):
        downloader().download([RemoteFile(REPO, "Qwen3-0.6B-Q2_K.gguf")], tmp_path)
    with pytest.raises(NotFoundError, match="was not found on the Hugging Face Hub"):
        downloader().download([RemoteFile("nobody/nothing", FILE)], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_server_errors_are_retried(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, gguf_bytes)
    hub.fail(FILE, 500, times=1, methods=("HEAD",))
    hub.fail(FILE, 503, times=2, methods=("GET",))
    [path] = downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert path.read_bytes() == gguf_bytes and hub.served(FILE) == len(gguf_bytes)


def test_server_errors_that_persist(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, gguf_bytes)
    hub.fail(FILE, 500, times=10, methods=("GET",))
    with pytest.raises(ServerError, match=r"had a problem sending .* \(500\); try again later"):
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)


def test_no_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with LocalHub() as hub:
        endpoint = hub.endpoint
    monkeypatch.setenv("HF_ENDPOINT", endpoint)  # nothing listens there any more
    started = time.monotonic()
    with pytest.raises(NetworkError, match=r"Could not reach 127\.0\.0\.1.*connection refused.*internet"):
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert time.monotonic() - started < 5
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(NetworkError, match="HF_HUB_OFFLINE"):
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)


def test_no_network_is_reported_within_seconds_with_the_default_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LocalHub() as hub:
        endpoint = hub.endpoint
    monkeypatch.setenv("HF_ENDPOINT", endpoint)  # a loopback port where nothing listens
    started = time.monotonic()
    with pytest.raises(NetworkError, match=r"Could not reach 127\.0\.0\.1.*connection refused.*internet"):
        Downloader(token=False).download([RemoteFile(REPO, FILE)], tmp_path)
    assert time.monotonic() - started < 10
    assert list(tmp_path.iterdir()) == []


def test_the_default_policy_retries_a_few_times_then_gives_up_in_time() -> None:
    policy = RetryPolicy()
    waited, failures = 0.0, 0
    while (wait := policy.next_wait(failures + 1, time.monotonic() - waited)) is not None:
        failures += 1
        waited += wait
    assert failures >= 3 and policy.delay(1) <= 1 and waited <= policy.patience < 10
    # Patience counts from the first failure in a row: a later failure gets no more of it.
    assert policy.next_wait(1, time.monotonic()) == policy.delay(1)
    assert policy.next_wait(2, time.monotonic() - policy.patience) is None


def test_split_model(hub: LocalHub, split_gguf: list[bytes], tmp_path: Path) -> None:
    repo = "unsloth/Big-GGUF"
    names = [f"Q8_0/Big-Q8_0-{i:05d}-of-00003.gguf" for i in (1, 2, 3)]
    for name, data in zip(names, split_gguf, strict=True):
        hub.add_file(repo, name, data)
    events: list[Progress] = []
    paths = downloader().download([RemoteFile(repo, n) for n in names], tmp_path, progress=events.append)
    assert [p.name for p in paths] == [Path(n).name for n in names]
    model = read_model(paths[0])
    assert model.is_split and model.header.name == "Split test"
    total = sum(len(d) for d in split_gguf)
    assert events[-1].done == total and {e.total for e in events} == {total}
    assert sorted({e.file_index for e in events}) == [0, 1, 2]


def test_disk_full_while_writing(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub.add_file(REPO, FILE, gguf_bytes)
    limit = 600_000 + 1234  # the disk fills up in the middle of a chunk

    class FullDisk:
        def __init__(self, f: BinaryIO) -> None:
            self.f = f

        def write(self, data: bytes | memoryview) -> int:
            room = limit - self.f.tell()
            if room < len(data):
                self.f.write(data[: max(0, room)])  # what a real disk takes before ENOSPC
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.f.write(data)

        def close(self) -> None:
            self.f.close()

    real_open = partial.open_part
    monkeypatch.setattr(partial, "open_part", lambda path: FullDisk(real_open(path)))
    with pytest.raises(DiskFullError, match="The disk is full") as err:
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert "partial download is kept" in str(err.value)
    kept = part_path(tmp_path / FILE).stat().st_size
    # Cut back to the last chunk written whole: the .part is a true prefix of the file.
    assert 0 < kept <= limit and part_path(tmp_path / FILE).read_bytes() == gguf_bytes[:kept]
    assert err.value.needed == len(gguf_bytes) - kept
    assert not (tmp_path / FILE).exists()

    monkeypatch.setattr(partial, "open_part", real_open)  # space freed: resume
    [path] = downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert path.read_bytes() == gguf_bytes


@contextlib.contextmanager
def small_filesystem(folder: Path, size: int) -> Iterator[Path]:
    """A real filesystem of ``size`` bytes (a tmpfs) mounted on ``folder``, where this
    machine lets a test mount one (Linux, as root: CI); the test is skipped elsewhere."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small filesystem needs root on Linux; the simulated full disk runs instead")
    folder.mkdir()
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "ponder-test", str(folder)],
        capture_output=True,
        text=True,
    )
    if mount.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs here ({mount.stderr.strip()}); the simulated full disk runs instead"
        )
    try:
        yield folder
    finally:
        # A file still open (a download thread on its way out) makes a plain umount fail: the
        # lazy one detaches the filesystem now and frees it when the last file closes.
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], check=True)


def test_disk_full_on_a_real_filesystem(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    """The kernel's own ENOSPC, on a filesystem that another program fills up mid-download."""
    hub.add_file(REPO, FILE, gguf_bytes)
    with small_filesystem(tmp_path / "disk", 80 << 20) as disk:  # room for the 64 MB margin
        models, filler = disk / "models", disk / "other-program.bin"
        left = 256 * 1024

        def fill_the_disk(p: Progress) -> None:
            if p.phase == "downloading" and p.done >= 300_000 and not filler.exists():
                with open(filler, "wb") as f:
                    while (room := shutil.disk_usage(disk).free - left) > 0:
                        f.write(bytes(min(room, 8 << 20)))

        d = downloader()
        d.progress_interval = 0
        with pytest.raises(DiskFullError, match="The disk is full") as err:
            d.download([RemoteFile(REPO, FILE)], models, progress=fill_the_disk)
        assert "partial download is kept" in str(err.value)
        kept = part_path(models / FILE).stat().st_size
        assert 300_000 <= kept <= 300_000 + left + CHUNK
        assert part_path(models / FILE).read_bytes() == gguf_bytes[:kept]  # a true prefix
        assert err.value.needed == len(gguf_bytes) - kept and err.value.free < left + CHUNK
        assert not (models / FILE).exists()

        filler.unlink()  # space freed: resume
        [path] = downloader().download([RemoteFile(REPO, FILE)], models)
        assert path.read_bytes() == gguf_bytes
        assert [r["range"] for r in hub.requests if r["path"].startswith("/cdn/")][-1] == f"bytes={kept}-"


def test_not_enough_space_before_starting(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub.add_file(REPO, FILE, gguf_bytes)
    monkeypatch.setattr(dl, "disk_free", lambda path: 10_000_000)
    with pytest.raises(DiskFullError, match=r"needs 1\.5 MB and .* has 10\.0 MB free") as err:
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert err.value.needed == len(gguf_bytes) and err.value.free == 10_000_000
    assert hub.served(FILE) == 0


def test_existing_file_is_not_downloaded_again(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, gguf_bytes)
    (tmp_path / FILE).write_bytes(gguf_bytes)
    downloader().download([RemoteFile(REPO, FILE, size=len(gguf_bytes))], tmp_path)
    assert hub.requests == []
    (tmp_path / FILE).write_bytes(b"other")
    with pytest.raises(HubError, match="already exists and is not the file on the Hub"):
        downloader().download([RemoteFile(REPO, FILE, size=len(gguf_bytes))], tmp_path)


def test_stale_part_of_another_file_is_discarded(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, gguf_bytes)
    dest = tmp_path / FILE
    part_path(dest).write_bytes(b"x" * 1000)
    sidecar_path(dest).write_text(json.dumps({"size": len(gguf_bytes), "sha256": "cd" * 32}))
    [path] = downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert path.read_bytes() == gguf_bytes and hub.served(FILE) == len(gguf_bytes)


def test_server_ignoring_range_restarts_cleanly(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, gguf_bytes)
    hub.drop_after(FILE, 300_000)
    hub.ignore_range = True
    [path] = downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert path.read_bytes() == gguf_bytes
    assert hub.served(FILE) == 300_000 + len(gguf_bytes)
