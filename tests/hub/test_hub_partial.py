"""The partial file of a download and its sidecar: names, the resume decision, write errors.

Found by mutation testing (scripts/mutation.py partial): each test names a behaviour that a
surviving mutant changed without any test noticing.
"""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import psutil
import pytest

from app.core.hub.errors import DiskFullError, HubError
from app.core.hub.partial import (
    PartFile,
    discard_partial,
    disk_free,
    open_part,
    part_path,
    read_sidecar_json,
    same_remote,
    sidecar_path,
    write_error,
    write_sidecar_json,
)
from app.core.units import human_size

SHA_A, SHA_B = "a" * 64, "b" * 64


def test_the_partial_files_are_named_after_the_model(tmp_path: Path) -> None:
    dest = tmp_path / "Qwen3-8B-Q4_K_M.gguf"
    assert part_path(dest) == tmp_path / "Qwen3-8B-Q4_K_M.gguf.part"
    assert sidecar_path(dest) == tmp_path / "Qwen3-8B-Q4_K_M.gguf.part.json"


@pytest.mark.parametrize(
    ("old", "new", "same"),
    [
        (None, {"size": 10, "sha256": SHA_A}, False),  # no sidecar: start over
        ({"size": 10, "sha256": SHA_A}, {"size": 10, "sha256": SHA_A}, True),
        ({"size": 10, "sha256": SHA_A}, {"size": 10, "sha256": SHA_B}, False),  # a new version
        ({"size": 9, "sha256": SHA_A}, {"size": 10, "sha256": SHA_A}, False),
        # Without a hash on both sides the ETag decides, and only a present one.
        ({"size": 10, "etag": "e1"}, {"size": 10, "sha256": SHA_A, "etag": "e1"}, True),
        ({"size": 10, "sha256": SHA_A, "etag": "e1"}, {"size": 10, "etag": "e1"}, True),
        ({"size": 10, "etag": "e1"}, {"size": 10, "etag": "e2"}, False),
        ({"size": 10}, {"size": 10}, False),
        ({"size": 10, "etag": None}, {"size": 10, "etag": None}, False),
    ],
)
def test_a_partial_is_resumed_only_for_the_same_remote_file(
    old: dict[str, Any] | None, new: dict[str, Any], same: bool
) -> None:
    assert same_remote(old, new) is same


def test_a_sidecar_that_is_not_an_object_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "m.gguf.part.json"
    write_sidecar_json(path, {"size": 3, "etag": "e"})
    assert read_sidecar_json(path) == {"size": 3, "etag": "e"}
    path.write_text(json.dumps([1, 2]), "utf-8")
    assert read_sidecar_json(path) is None
    path.write_text("{not json", "utf-8")
    assert read_sidecar_json(path) is None
    assert read_sidecar_json(tmp_path / "missing.json") is None


def test_what_is_written_reaches_the_disk_at_once(tmp_path: Path) -> None:
    # Unbuffered: a crash (or a kill) right after a write keeps the bytes.
    path = tmp_path / "m.gguf.part"
    f = open_part(path)
    try:
        f.write(b"abc")
        assert path.stat().st_size == 3
    finally:
        f.close()


def test_a_part_file_is_closed_when_its_download_stops(tmp_path: Path) -> None:
    path = tmp_path / "m.gguf.part"
    with PartFile(path) as pf:
        pf.write(b"abc")
        assert str(path) in {f.path for f in psutil.Process().open_files()}
    assert str(path) not in {f.path for f in psutil.Process().open_files()}
    assert path.read_bytes() == b"abc" and pf.offset == 3


def test_discarding_what_is_not_there_is_fine(tmp_path: Path) -> None:
    discard_partial(tmp_path / "never.gguf")
    part_path(tmp_path / "m.gguf").write_bytes(b"x")
    discard_partial(tmp_path / "m.gguf")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_a_full_disk_or_quota_says_how_much_is_needed(tmp_path: Path, code: int) -> None:
    err = write_error(OSError(code, "full"), tmp_path / "m.gguf", 1_500_000)
    free = disk_free(tmp_path)
    assert isinstance(err, DiskFullError) and err.needed == 1_500_000 and abs(err.free - free) < 1 << 20
    assert f"m.gguf needs {human_size(1_500_000)} more" in str(err)
    assert f"{tmp_path} has {human_size(err.free)} free" in str(err)


def test_other_write_errors_say_what_failed(tmp_path: Path) -> None:
    err = write_error(OSError(errno.EACCES, "Permission denied"), tmp_path / "m.gguf", 10)
    assert type(err) is HubError and str(err) == f"Could not write m.gguf to {tmp_path}: Permission denied."
