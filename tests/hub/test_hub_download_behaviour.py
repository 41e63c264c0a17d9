"""What a download promises, each promise against a real HTTP server on 127.0.0.1.

Found by mutation testing (scripts/mutation.py download): each test names a behaviour that a
surviving mutant of app/core/hub/download.py changed without any test noticing -- progress
figures, resume offsets, retries and their waits, free-space checks, verification, the
sidecar, URLs and headers, and servers less helpful than the Hub.
"""

from __future__ import annotations

import errno
import hashlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.core.hub import download as dl
from app.core.hub.download import (
    SPACE_MARGIN,
    DownloadControl,
    Downloader,
    Progress,
    RemoteFile,
    RetryPolicy,
    part_path,
    sidecar_path,
)
from app.core.hub.errors import (
    ChecksumMismatchError,
    DiskFullError,
    HubError,
    NetworkError,
    NotFoundError,
    ServerError,
)
from app.core.units import human_size
from tests.hub.downloads import ATTEMPTS, CHUNK, FILE, REPO, downloader
from tests.hub.local_hub import LocalHub


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cdn_gets(hub: LocalHub) -> list[dict[str, Any]]:
    return [r for r in hub.requests if r["method"] == "GET" and r["path"].startswith("/cdn/")]


def expected_sidecar(hub: LocalHub, data: bytes, **changes: Any) -> dict[str, Any]:
    """The sidecar the app writes for FILE, in its documented format (version 1)."""
    commit = hub.repos[REPO].commit
    sidecar = {
        "version": 1,
        "repo": REPO,
        "path": FILE,
        "revision": "main",
        "commit": commit,
        "url": f"{hub.endpoint}/{REPO}/resolve/{commit}/{FILE}",
        "size": len(data),
        "sha256": sha(data),
        "etag": sha(data),
    }
    return {**sidecar, **changes}


def leave_partial(hub: LocalHub, dest: Path, data: bytes, part: bytes) -> None:
    """What an earlier run leaves behind: ``part`` in the .part and a sidecar naming the file."""
    part_path(dest).write_bytes(part)
    sidecar_path(dest).write_text(json.dumps(expected_sidecar(hub, data)), "utf-8")


# ---- remote files and retry policies as values ---------------------------------------------


def test_a_remote_file_survives_a_round_trip_through_a_dict() -> None:
    """The queue saves jobs as JSON: every field of a RemoteFile comes back as it was."""
    rf = RemoteFile("unsloth/Qwen3-8B-GGUF", "Q4_K_M/Qwen3-8B-Q4_K_M.gguf", "v2", 5_000_000_000, "ab" * 32)
    assert rf.to_dict() == {
        "repo": "unsloth/Qwen3-8B-GGUF",
        "path": "Q4_K_M/Qwen3-8B-Q4_K_M.gguf",
        "revision": "v2",
        "size": 5_000_000_000,
        "sha256": "ab" * 32,
    }
    assert RemoteFile.from_dict(json.loads(json.dumps(rf.to_dict()))) == rf
    assert rf.name == "Qwen3-8B-Q4_K_M.gguf"


def test_a_dict_from_an_older_or_newer_app_still_makes_a_remote_file() -> None:
    """Missing optional fields take their defaults; fields this version does not know are ignored."""
    assert RemoteFile.from_dict({"repo": REPO, "path": FILE}) == RemoteFile(REPO, FILE, "main", None, None)
    assert RemoteFile.from_dict({"repo": REPO, "path": FILE, "size": 7, "mirror": "x"}) == RemoteFile(
        REPO, FILE, size=7
    )


def test_retry_waits_double_from_the_base_up_to_the_cap() -> None:
    """The waits between retries: base, twice, four times ... never more than max_delay."""
    policy = RetryPolicy(attempts=6, base_delay=0.5, max_delay=4.0, patience=100.0)
    assert [policy.delay(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    now = time.monotonic()
    assert [policy.next_wait(n, now) for n in range(1, 8)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, None]


def test_retries_really_wait_between_requests(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    """A failing Hub is asked again only after each wait of the policy, not at once."""
    hub.add_file(REPO, FILE, gguf_bytes)
    hub.fail(FILE, 503, times=3, methods=("HEAD",))
    policy = RetryPolicy(attempts=3, base_delay=0.1, max_delay=0.15)
    Downloader(token=False, retry=policy, chunk_size=CHUNK).download([RemoteFile(REPO, FILE)], tmp_path)
    heads = [r["time"] for r in hub.requests if r["method"] == "HEAD" and "/resolve/" in r["path"]]
    gaps = [b - a for a, b in itertools.pairwise(heads)]
    assert len(heads) == 4 and all(gap >= wait for gap, wait in zip(gaps, [0.1, 0.15, 0.15], strict=True))


# ---- retries: how many, and what counts as progress ------------------------------------------


def test_the_hub_may_fail_as_many_times_as_the_policy_allows(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    """``attempts`` failures of the first request are retried; one more and the error is reported."""
    hub.add_file(REPO, FILE, gguf_bytes)
    hub.fail(FILE, 503, times=ATTEMPTS, methods=("HEAD",))
    [path] = downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert path.read_bytes() == gguf_bytes

    other = "Qwen3-0.6B-Q4_K_M.gguf"
    hub.add_file(REPO, other, gguf_bytes)
    hub.fail(other, 503, times=ATTEMPTS + 1, methods=("HEAD",))
    with pytest.raises(ServerError, match=r"\(503\)"):
        downloader().download([RemoteFile(REPO, other)], tmp_path)


def test_refused_byte_ranges_are_retried_then_reported(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    """A 416 starts the file over; ``attempts`` of them pass, one more says what is wrong."""
    hub.add_file(REPO, FILE, gguf_bytes)
    hub.fail(FILE, 416, times=ATTEMPTS)
    [path] = downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert path.read_bytes() == gguf_bytes

    other = "Qwen3-0.6B-Q4_K_M.gguf"
    hub.add_file(REPO, other, gguf_bytes)
    hub.fail(other, 416, times=ATTEMPTS + 1)
    with pytest.raises(ServerError) as err:
        downloader().download([RemoteFile(REPO, other)], tmp_path)
    assert str(err.value) == f"The Hub keeps refusing byte ranges of {other}."


def test_bytes_received_give_the_retries_back(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    """Failures count in a row without progress: after a drop that brought bytes, the
    next failures start from one again (two retries left with attempts=2)."""
    hub.add_file(REPO, FILE, gguf_bytes)
    hub.drop_after(FILE, 100_000)  # progress, then a drop
    hub.drop_after(FILE, 0)  # a drop without a byte: failure 2 of 2 allowed
    [path] = downloader(attempts=2).download([RemoteFile(REPO, FILE)], tmp_path)
    assert path.read_bytes() == gguf_bytes
    assert [r["range"] for r in cdn_gets(hub)] == [None, "bytes=100000-", "bytes=100000-"]


def test_a_connection_that_keeps_closing_early_is_reported(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    """Drops without progress exhaust the retries, and the error says which download it was."""
    hub.add_file(REPO, FILE, gguf_bytes)
    hub.drop_after(FILE, 100_000)
    hub.drop_after(FILE, 0, times=ATTEMPTS + 1)
    with pytest.raises(NetworkError) as err:
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert str(err.value) == f"The connection closed early while downloading {FILE} from {REPO}."
    assert part_path(tmp_path / FILE).read_bytes() == gguf_bytes[:100_000]  # kept for a resume


def test_without_retries_a_whole_file_still_downloads(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    """With attempts=0 a complete answer is a success, not a failure to retry."""
    hub.add_file(REPO, FILE, gguf_bytes)
    [path] = downloader(attempts=0).download([RemoteFile(REPO, FILE)], tmp_path)
    assert path.read_bytes() == gguf_bytes and len(cdn_gets(hub)) == 1


def test_a_server_that_stops_sending_times_out(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    """The Downloader's timeout reaches the connection: a silent server is reported in
    moments with the download's name, not waited on for ever."""
    hub.add_file(REPO, FILE, gguf_bytes)
    stalls = [hub.stall_after(FILE, 0) for _ in range(2)]

    def release_all() -> None:  # for code that would wait for ever
        for stall in stalls:
            stall.set()

    rescue = threading.Timer(4.0, release_all)
    rescue.start()
    started = time.monotonic()
    try:
        with pytest.raises(NetworkError) as err:
            downloader(attempts=1, timeout=0.3).download([RemoteFile(REPO, FILE)], tmp_path)
    finally:
        rescue.cancel()
        rescue.join()
    assert time.monotonic() - started < 3
    assert str(err.value) == f"The connection dropped while downloading {FILE} from {REPO}: timed out."


def test_persistent_server_errors_name_the_file(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    """A Hub that keeps answering 500 to the GET is reported with the file and repository."""
    hub.add_file(REPO, FILE, gguf_bytes)
    hub.fail(FILE, 500, times=10)
    with pytest.raises(ServerError) as err:
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert str(err.value) == f"The Hub had a problem sending {FILE} from {REPO} (500); try again later."


# ---- resuming ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_range",
    [
        pytest.param(lambda a, b, n: None, id="missing"),
        pytest.param(lambda a, b, n: f"bytes */{n}", id="no-start"),
        pytest.param(lambda a, b, n: f"bytes {a + 1}-{b}/{n}", id="off-by-one"),
        pytest.param(lambda a, b, n: f"bytes 0-{b}/{n}", id="from-zero"),
    ],
)
def test_a_resume_from_the_wrong_place_is_refused(
    hub: LocalHub,
    gguf_bytes: bytes,
    tmp_path: Path,
    content_range: Callable[[int, int, int], str | None],
) -> None:
    """A 206 whose Content-Range does not start where the .part ends is never appended:
    the .part stays a true prefix of the file and the error says what happened."""
    hub.add_file(REPO, FILE, gguf_bytes)
    hub.drop_after(FILE, 300_000)
    hub.range_header = content_range
    with pytest.raises(ServerError) as err:
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert str(err.value) == f"The server sent the wrong part of {FILE}."
    assert part_path(tmp_path / FILE).read_bytes() == gguf_bytes[:300_000]
    # The drop was failure 1 (it brought bytes); each refused resume is one more.
    assert [r["range"] for r in cdn_gets(hub)] == [None] + ["bytes=300000-"] * ATTEMPTS


def test_a_complete_part_is_verified_without_a_request(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped after the last byte but before the rename: the file is checked and renamed
    with no byte fetched, and it needs no free space."""
    hub.add_file(REPO, FILE, gguf_bytes)
    leave_partial(hub, tmp_path / FILE, gguf_bytes, gguf_bytes)
    monkeypatch.setattr(dl, "disk_free", lambda path: 0)
    phases: list[str] = []
    [path] = downloader(progress_interval=0).download(
        [RemoteFile(REPO, FILE)], tmp_path, progress=lambda p: phases.append(p.phase)
    )
    assert path.read_bytes() == gguf_bytes
    assert cdn_gets(hub) == [] and hub.served(FILE) == 0
    assert phases[0] == "checking" and phases[-2:] == ["verifying", "done"]


def test_checking_a_kept_part_reports_progress_chunk_by_chunk(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    """Re-hashing what an earlier run left (gigabytes, for a big model) is shown as it goes,
    one chunk at a time, before the download resumes where the part ends."""
    hub.add_file(REPO, FILE, gguf_bytes)
    leave_partial(hub, tmp_path / FILE, gguf_bytes, gguf_bytes[:500_000])
    events: list[Progress] = []
    downloader(progress_interval=0).download([RemoteFile(REPO, FILE)], tmp_path, progress=events.append)
    checking = [e.done for e in events if e.phase == "checking"]
    assert checking == [*range(CHUNK, 500_000, CHUNK), 500_000]
    assert [r["range"] for r in cdn_gets(hub)] == ["bytes=500000-"]


def test_a_part_longer_than_the_file_starts_over(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    """More bytes on disk than the file has cannot be a prefix: the download starts again
    from zero and succeeds."""
    hub.add_file(REPO, FILE, gguf_bytes)
    leave_partial(hub, tmp_path / FILE, gguf_bytes, gguf_bytes + b"junk" * 250)
    [path] = downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert path.read_bytes() == gguf_bytes
    assert [r["range"] for r in cdn_gets(hub)] == [None] and hub.served(FILE) == len(gguf_bytes)


def test_the_sidecar_records_what_identifies_the_remote_file(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    """Before the first byte the sidecar holds the documented fields, so a later run (or a
    later version of the app) can tell whether the .part belongs to the same file."""
    hub.add_file(REPO, FILE, gguf_bytes)
    control = DownloadControl()
    with pytest.raises(dl.DownloadStopped):
        downloader(progress_interval=0).download(
            [RemoteFile(REPO, FILE)], tmp_path, progress=lambda p: control.pause(), control=control
        )
    saved = json.loads(sidecar_path(tmp_path / FILE).read_text("utf-8"))
    assert saved == expected_sidecar(hub, gguf_bytes)


def test_a_lost_sidecar_does_not_fail_a_finished_download(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    """The sidecar is bookkeeping: if something removes it mid-download, the verified file
    is still put in place."""
    hub.add_file(REPO, FILE, gguf_bytes)

    def remove_sidecar(p: Progress) -> None:
        if p.phase == "downloading":
            sidecar_path(tmp_path / FILE).unlink(missing_ok=True)

    [path] = downloader(progress_interval=0).download(
        [RemoteFile(REPO, FILE)], tmp_path, progress=remove_sidecar
    )
    assert path.read_bytes() == gguf_bytes and sorted(tmp_path.iterdir()) == [path]


# ---- verification ----------------------------------------------------------------------------


def test_a_hub_that_sends_more_than_it_listed_is_refused(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    """Bytes beyond the size the Hub gave are never written: the download fails and leaves nothing."""
    hub.add_file(REPO, FILE, gguf_bytes, published_size=len(gguf_bytes) - 1000)
    with pytest.raises(ChecksumMismatchError) as err:
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert str(err.value) == f"The Hub sent more data than {FILE} should have."
    assert list(tmp_path.iterdir()) == []


def test_the_mismatch_message_shows_both_hashes(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    """The user sees the start of the published and the received sha256, and what was done."""
    hub.add_file(REPO, FILE, gguf_bytes, published_sha256="ab" * 32)
    with pytest.raises(ChecksumMismatchError) as err:
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert str(err.value) == (
        f"{FILE} failed verification: the downloaded data does not match what the Hub published "
        f"(sha256 {'ab' * 6}…, got {sha(gguf_bytes)[:12]}…). The damaged file was deleted; "
        "download it again."
    )


def test_the_callers_hash_checks_a_file_the_hub_gives_no_hash_for(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    """A small (non-LFS) file has no sha256 from the Hub: the caller's, in any letter case,
    decides; without one the file is accepted on its size."""
    hub.add_file(REPO, FILE, gguf_bytes, lfs=False)
    with pytest.raises(ChecksumMismatchError) as err:
        downloader().download([RemoteFile(REPO, FILE, sha256="CD" * 32)], tmp_path)
    assert err.value.expected == "cd" * 32 and err.value.actual == sha(gguf_bytes)
    assert list(tmp_path.iterdir()) == []

    [path] = downloader().download([RemoteFile(REPO, FILE, sha256=sha(gguf_bytes).upper())], tmp_path)
    assert path.read_bytes() == gguf_bytes
    path.unlink()
    [path] = downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert path.read_bytes() == gguf_bytes


# ---- a server that does not say the size or the commit ----------------------------------------


def test_a_file_of_unknown_size_downloads_and_verifies(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    """Without X-Linked-Size or Content-Length the file is read to the end, checked against
    its sha256, and progress says the total is unknown."""
    hub.add_file(REPO, FILE, gguf_bytes)
    hub.hide_sizes = True
    events: list[Progress] = []
    [path] = downloader(progress_interval=0).download(
        [RemoteFile(REPO, FILE)], tmp_path, progress=events.append
    )
    assert path.read_bytes() == gguf_bytes and len(cdn_gets(hub)) == 1
    assert {e.total for e in events} == {None}
    assert events[-1].phase == "done" and events[-1].done == len(gguf_bytes)


def test_the_listed_size_is_used_when_the_server_gives_none(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    """The caller's size stands in for the server's, in the sidecar and in progress."""
    hub.add_file(REPO, FILE, gguf_bytes)
    hub.hide_sizes = True
    control = DownloadControl()
    events: list[Progress] = []

    def pause(p: Progress) -> None:
        events.append(p)
        control.pause()

    rf = RemoteFile(REPO, FILE, size=len(gguf_bytes))
    with pytest.raises(dl.DownloadStopped):
        downloader(progress_interval=0).download([rf], tmp_path, progress=pause, control=control)
    saved = json.loads(sidecar_path(tmp_path / FILE).read_text("utf-8"))
    assert saved["size"] == len(gguf_bytes) and events[0].total == len(gguf_bytes)


def test_without_a_commit_the_download_stays_on_the_revision_asked(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    """When the Hub names no commit, the bytes come from the URL of the revision asked for."""
    hub.add_file(REPO, FILE, gguf_bytes)
    hub.omit_commit = True
    commit = hub.repos[REPO].commit
    [path] = downloader().download([RemoteFile(REPO, FILE, revision=commit)], tmp_path)
    assert path.read_bytes() == gguf_bytes
    resolve_gets = [r["path"] for r in hub.requests if r["method"] == "GET" and "/resolve/" in r["path"]]
    assert resolve_gets == [f"/{REPO}/resolve/{commit}/{FILE}"]


# ---- URLs and headers --------------------------------------------------------------------------


def test_the_revision_asked_for_is_the_one_probed(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    """A file of a given revision is looked up at that revision; an unknown one is an error."""
    hub.add_file(REPO, FILE, gguf_bytes)
    with pytest.raises(NotFoundError, match="that revision does not exist"):
        downloader().download([RemoteFile(REPO, FILE, revision="v9")], tmp_path)
    commit = hub.repos[REPO].commit
    [path] = downloader().download([RemoteFile(REPO, FILE, revision=commit)], tmp_path)
    assert path.read_bytes() == gguf_bytes
    heads = [r["path"] for r in hub.requests if r["method"] == "HEAD" and "/resolve/" in r["path"]]
    assert heads[-1] == f"/{REPO}/resolve/{commit}/{FILE}"


def test_files_in_subfolders_are_fetched_and_saved_by_name(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    """A path with folders (and a space) is quoted in the URL and saved under its file name."""
    path_in_repo = "Q8_0/Qwen3 0.6B-Q8_0.gguf"
    hub.add_file(REPO, path_in_repo, gguf_bytes)
    [path] = downloader().download([RemoteFile(REPO, path_in_repo)], tmp_path)
    assert path == tmp_path / "Qwen3 0.6B-Q8_0.gguf" and path.read_bytes() == gguf_bytes
    head = next(r["path"] for r in hub.requests if r["method"] == "HEAD")
    assert head == f"/{REPO}/resolve/main/Q8_0/Qwen3%200.6B-Q8_0.gguf"


def test_an_explicit_endpoint_wins_over_the_environment(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Downloader(endpoint=...)`` is where requests go, whatever HF_ENDPOINT says."""
    with LocalHub() as gone:
        nowhere = gone.endpoint
    monkeypatch.setenv("HF_ENDPOINT", nowhere)  # nothing listens there
    hub.add_file(REPO, FILE, gguf_bytes)
    [path] = downloader(endpoint=hub.endpoint).download([RemoteFile(REPO, FILE)], tmp_path)
    assert path.read_bytes() == gguf_bytes


def test_requests_carry_the_token_and_ask_for_the_raw_bytes(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    """The Hub sees the token and Ponder's user agent; every request asks for the bytes
    uncompressed, so sizes, ranges and hashes are those of the file itself."""
    hub.add_file(REPO, FILE, gguf_bytes)
    hub.drop_after(FILE, 300_000)
    downloader(token="hf_abc").download([RemoteFile(REPO, FILE)], tmp_path)
    resolve = [r for r in hub.requests if "/resolve/" in r["path"]]
    assert resolve and all(r["authorization"] == "Bearer hf_abc" for r in resolve)
    assert all("ponder" in (r["user-agent"] or "") for r in hub.requests)
    assert len(cdn_gets(hub)) == 2
    assert all((r["accept-encoding"] or "").lower() == "identity" for r in hub.requests)


# ---- progress ----------------------------------------------------------------------------------


def test_verifying_and_done_are_always_reported(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    """However long the progress interval, the user sees the check and the end."""
    hub.add_file(REPO, FILE, gguf_bytes)
    events: list[Progress] = []
    downloader(progress_interval=3600).download([RemoteFile(REPO, FILE)], tmp_path, progress=events.append)
    assert [e.phase for e in events if e.phase != "downloading"] == ["verifying", "done"]
    assert len(events) <= 3
    assert events[-2].done == events[-1].done == len(gguf_bytes)


def test_progress_is_throttled_to_the_default_interval(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    """By default progress comes at most five times a second, and again after a pause in
    the transfer."""
    hub.add_file(REPO, FILE, gguf_bytes)
    release = hub.stall_after(FILE, 300_000)
    resume = threading.Timer(0.5, release.set)
    resume.start()
    seen: list[float] = []

    def record(p: Progress) -> None:
        if p.phase == "downloading":
            seen.append(time.monotonic())

    retry = RetryPolicy(base_delay=0.01, max_delay=0.02)
    d = Downloader(token=False, chunk_size=CHUNK, retry=retry)
    [path] = d.download([RemoteFile(REPO, FILE)], tmp_path, progress=record)
    resume.join()
    assert path.read_bytes() == gguf_bytes
    assert len(seen) >= 2
    assert all(b - a >= 0.19 for a, b in itertools.pairwise(seen))


def test_an_empty_file_downloads_with_a_total_of_zero(
    hub: LocalHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zero-byte file needs no GET and no free space, and progress says 0 of 0."""
    hub.add_file(REPO, "empty.gguf", b"")
    monkeypatch.setattr(dl, "disk_free", lambda path: 0)
    events: list[Progress] = []
    [path] = downloader().download([RemoteFile(REPO, "empty.gguf")], tmp_path, progress=events.append)
    assert path.read_bytes() == b"" and cdn_gets(hub) == []
    assert events[-1].phase == "done" and (events[-1].done, events[-1].total) == (0, 0)


def test_a_file_already_there_of_unknown_size_has_an_unknown_total(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    """A file already in place is not fetched; when no size was listed, progress does not
    invent a total."""
    hub.add_file(REPO, FILE, gguf_bytes)
    (tmp_path / FILE).write_bytes(gguf_bytes)
    events: list[Progress] = []
    downloader().download([RemoteFile(REPO, FILE)], tmp_path, progress=events.append)
    assert hub.requests == []
    assert [(e.phase, e.done, e.total) for e in events] == [("done", len(gguf_bytes), None)]


# ---- files already there, folders, switches ----------------------------------------------------


def test_a_different_file_in_the_way_is_described(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    """The error names both sizes, so the user can see it is not the same file."""
    (tmp_path / FILE).write_bytes(b"other")
    with pytest.raises(HubError) as err:
        downloader().download([RemoteFile(REPO, FILE, size=len(gguf_bytes))], tmp_path)
    assert str(err.value) == (
        f"{tmp_path / FILE} already exists and is not the file on the Hub (5 bytes instead of "
        f"{human_size(len(gguf_bytes))}). Remove it to download it again."
    )


def test_missing_folders_are_created(hub: LocalHub, gguf_bytes: bytes, tmp_path: Path) -> None:
    """The destination may be several folders deep that do not exist yet."""
    hub.add_file(REPO, FILE, gguf_bytes)
    dest = tmp_path / "models" / "Qwen" / "Qwen3-0.6B-GGUF"
    [path] = downloader().download([RemoteFile(REPO, FILE)], dest)
    assert path == dest / FILE and path.read_bytes() == gguf_bytes


def test_a_folder_that_cannot_be_made_is_a_clear_error(hub: LocalHub, tmp_path: Path) -> None:
    """A destination under a file says which folder and why, before any request."""
    (tmp_path / "a-file").write_bytes(b"x")
    dest = tmp_path / "a-file" / "models"
    with pytest.raises(HubError) as err:
        downloader().download([RemoteFile(REPO, FILE)], dest)
    assert str(err.value) == f"Cannot create the folder {dest}: Not a directory."
    assert hub.requests == []


@pytest.mark.parametrize("value", ["1", "true", "TRUE", " yes ", "On"])
def test_hf_hub_offline_switches_downloads_off(
    hub: LocalHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """Each spelling huggingface_hub accepts for "on" stops a download before any request."""
    monkeypatch.setenv("HF_HUB_OFFLINE", value)
    with pytest.raises(NetworkError) as err:
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert str(err.value) == "Downloads are switched off (HF_HUB_OFFLINE is set)."
    assert hub.requests == []


@pytest.mark.parametrize("value", ["0", "false", ""])
def test_hf_hub_offline_off_lets_downloads_run(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", value)
    hub.add_file(REPO, FILE, gguf_bytes)
    [path] = downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert path.read_bytes() == gguf_bytes


# ---- free space --------------------------------------------------------------------------------


def test_exactly_enough_free_space_is_enough(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The download needs its bytes plus the margin; one byte less and it does not start."""
    hub.add_file(REPO, FILE, gguf_bytes)
    monkeypatch.setattr(dl, "disk_free", lambda path: len(gguf_bytes) + SPACE_MARGIN - 1)
    with pytest.raises(DiskFullError) as err:
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    free = len(gguf_bytes) + SPACE_MARGIN - 1
    assert str(err.value) == (
        f"Not enough disk space for {FILE}: it needs {human_size(len(gguf_bytes))} and {tmp_path} "
        f"has {human_size(free)} free."
    )
    monkeypatch.setattr(dl, "disk_free", lambda path: len(gguf_bytes) + SPACE_MARGIN)
    [path] = downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert path.read_bytes() == gguf_bytes


def test_only_the_bytes_still_missing_are_needed(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With part of the file on disk, the space check asks for the rest only."""
    hub.add_file(REPO, FILE, gguf_bytes)
    leave_partial(hub, tmp_path / FILE, gguf_bytes, gguf_bytes[:500_000])
    monkeypatch.setattr(dl, "disk_free", lambda path: 1000)
    with pytest.raises(DiskFullError) as err:
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert (err.value.needed, err.value.free) == (len(gguf_bytes) - 500_000, 1000)


def test_the_space_error_of_a_split_model_counts_its_files(
    hub: LocalHub, split_gguf: list[bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For several parts the message says how many files need the space, all together."""
    names = [f"Big-Q8_0-{i:05d}-of-00003.gguf" for i in (1, 2, 3)]
    for name, data in zip(names, split_gguf, strict=True):
        hub.add_file(REPO, name, data)
    monkeypatch.setattr(dl, "disk_free", lambda path: 1000)
    with pytest.raises(DiskFullError) as err:
        downloader().download([RemoteFile(REPO, n) for n in names], tmp_path)
    total = sum(len(d) for d in split_gguf)
    assert str(err.value).startswith(f"Not enough disk space for 3 files: it needs {human_size(total)} and")
    assert err.value.needed == total


def test_a_full_disk_before_the_first_byte_says_what_is_needed(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If even the sidecar cannot be written for lack of space, the error asks for the whole file."""
    hub.add_file(REPO, FILE, gguf_bytes)

    def full(path: Path, data: dict[str, Any]) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(dl, "write_sidecar_json", full)
    with pytest.raises(DiskFullError) as err:
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert err.value.needed == len(gguf_bytes) and "The disk is full: " in str(err.value)


def test_a_sidecar_that_cannot_be_written_is_a_clear_error(
    hub: LocalHub, gguf_bytes: bytes, tmp_path: Path
) -> None:
    """Any other write failure before the first byte names the file and the reason."""
    hub.add_file(REPO, FILE, gguf_bytes)
    sidecar_path(tmp_path / FILE).mkdir()  # something else sits where the sidecar goes
    with pytest.raises(HubError) as err:
        downloader().download([RemoteFile(REPO, FILE)], tmp_path)
    assert str(err.value) == f"Could not write {FILE} to {tmp_path}: Is a directory."
