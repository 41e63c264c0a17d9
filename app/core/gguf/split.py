"""Names of split GGUF models (``name-00001-of-00003.gguf``).

llama.cpp's ``gguf-split`` writes a large model as numbered parts; the model is
loaded by passing the first part, and every part must sit next to it. This module
only knows the naming rule; reading and checking the parts is ``gguf_header``'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

__all__ = ["SplitName", "logical_name", "parse_split_name", "split_part_names", "split_parts"]

_SPLIT_RE = re.compile(r"^(?P<prefix>.+)-(?P<no>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SplitName:
    """One part's place in its set: ``index`` counts from 1, like the file names."""

    prefix: str
    index: int
    count: int

    def part_name(self, index: int) -> str:
        return f"{self.prefix}-{index:05d}-of-{self.count:05d}.gguf"

    @property
    def first(self) -> str:
        return self.part_name(1)


def parse_split_name(name: str | Path) -> SplitName | None:
    """The split numbering of a file name, or None for a single-file model.

    ``name`` may be a bare file name or a path (the folder part is kept in the
    prefix, so ``Q8_0/x-00001-of-00002.gguf`` has the prefix ``Q8_0/x``).
    """
    text = name.as_posix() if isinstance(name, Path) else str(name)
    match = _SPLIT_RE.match(text)
    if not match:
        return None
    index, count = int(match["no"]), int(match["count"])
    if count < 1 or not 1 <= index <= count:
        return None
    return SplitName(match["prefix"], index, count)


def split_part_names(prefix: str, count: int) -> list[str]:
    """All part names of a set, first to last."""
    return [SplitName(prefix, 1, count).part_name(i) for i in range(1, count + 1)]


def split_parts(path: Path) -> list[Path]:
    """Every part a model file needs (just ``[path]`` when it is not split)."""
    split = parse_split_name(path.name)
    if split is None:
        return [path]
    return [path.with_name(n) for n in split_part_names(split.prefix, split.count)]


def logical_name(name: str) -> str:
    """A model's name without folders, split numbering or ``.gguf``.

    ``Q8_0/Qwen3-235B-A22B-Q8_0-00001-of-00006.gguf`` -> ``Qwen3-235B-A22B-Q8_0``.
    """
    base = PurePosixPath(name.replace("\\", "/")).name
    split = parse_split_name(base)
    if split is not None:
        return split.prefix
    return base[:-5] if base.lower().endswith(".gguf") else base
