"""The partial file of an unfinished download and its sidecar.

``<name>.part`` holds the bytes received so far, always a true prefix of the file;
``<name>.part.json`` says which remote file they belong to (URL, size, sha256, ETag,
commit), so a later run -- in this process or after a restart -- can tell whether to
resume or start over.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any, BinaryIO

from app.core.hub.errors import DiskFullError, HubError
from app.core.units import human_size

__all__ = [
    "PartFile",
    "discard_partial",
    "disk_free",
    "fsync_file",
    "is_disk_full",
    "open_part",
    "part_path",
    "partial_bytes",
    "read_sidecar_json",
    "same_remote",
    "sidecar_path",
    "write_error",
    "write_sidecar_json",
]


def part_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part")


def sidecar_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part.json")


def partial_bytes(dest: Path) -> int:
    """Bytes already on disk for an unfinished download of ``dest``."""
    try:
        return part_path(dest).stat().st_size
    except OSError:
        return 0


def discard_partial(dest: Path) -> None:
    for p in (part_path(dest), sidecar_path(dest)):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def open_part(path: Path) -> BinaryIO:
    """Open the partial file for appending, unbuffered (what is written survives a crash)."""
    return open(path, "ab", buffering=0)


def disk_free(path: Path) -> int:
    return shutil.disk_usage(path).free


def is_disk_full(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def write_error(exc: OSError, dest: Path, needed: int) -> HubError:
    if is_disk_full(exc):
        free = disk_free(dest.parent)
        return DiskFullError(
            f"The disk is full: {dest.name} needs {human_size(needed)} more and {dest.parent} has "
            f"{human_size(free)} free. The partial download is kept; free some space and resume.",
            needed=needed,
            free=free,
        )
    return HubError(f"Could not write {dest.name} to {dest.parent}: {exc.strerror or exc}.")


class PartFile:
    """The ``.part`` file, its length and the running sha256 of its bytes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.hasher = hashlib.sha256()
        self.offset = 0
        self._f: BinaryIO | None = None

    def __enter__(self) -> PartFile:
        self._f = open_part(self.path)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None

    def restart(self) -> None:
        os.truncate(self.path, 0)
        self.hasher = hashlib.sha256()
        self.offset = 0

    def write(self, chunk: bytes) -> None:
        """Append ``chunk``; on a failed write (OSError) the file is cut back to the last
        whole chunk first, so the .part stays a true prefix of the file."""
        assert self._f is not None
        view = memoryview(chunk)
        try:
            while view:
                n = self._f.write(view)
                view = view[n or 0 :]
        except OSError:
            with contextlib.suppress(OSError):
                os.truncate(self.path, self.offset)
            raise
        self.hasher.update(chunk)
        self.offset += len(chunk)


def same_remote(old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    if not old:
        return False
    if old.get("size") != new.get("size"):
        return False
    if old.get("sha256") and new.get("sha256"):
        return bool(old["sha256"] == new["sha256"])
    return bool(old.get("etag") and old.get("etag") == new.get("etag"))


def read_sidecar_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_sidecar_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1), "utf-8")
    os.replace(tmp, path)


def fsync_file(path: Path) -> None:
    try:
        with open(path, "rb+") as f:
            os.fsync(f.fileno())
    except OSError:
        pass
