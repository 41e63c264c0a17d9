"""The cheap checks that run before a file is handed to llama.cpp."""

from __future__ import annotations

from pathlib import Path

GGUF_MAGIC = b"GGUF"


class GGUFCheckError(ValueError):
    """The file cannot be a usable model; the message says why, for a person."""


def check_gguf_file(path: Path) -> None:
    if not path.exists():
        raise GGUFCheckError(f"Model file not found: {path}")
    if path.is_dir():
        raise GGUFCheckError(f"{path} is a folder, not a model file.")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise GGUFCheckError(f"Cannot read {path}: {exc.strerror}") from exc
    if head[:4] != GGUF_MAGIC:
        raise GGUFCheckError(f"{path.name} is not a GGUF model file.")
    if len(head) < 8:
        raise GGUFCheckError(f"{path.name} is incomplete (truncated download?).")
