"""A model as llama.cpp loads it: one GGUF file, or every part of a split set.

:func:`read_model` takes any part of a split model, finds the whole set, checks that
every part is there and complete, and adds up their sizes and parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.core.gguf.header import GGUFHeader, IncompleteSplitError, check_complete, read_header
from app.core.gguf.split import parse_split_name, split_parts

__all__ = ["GGUFModel", "read_model"]


@dataclass(frozen=True)
class GGUFModel:
    """A model as llama.cpp loads it: one file, or every part of a split set."""

    path: Path  # the file to hand to llama.cpp (the first part)
    header: GGUFHeader  # the first part's header, which carries the metadata
    parts: tuple[GGUFHeader, ...] = field(default=())

    @property
    def part_paths(self) -> tuple[Path, ...]:
        return tuple(p.path for p in self.parts)

    @property
    def file_size(self) -> int:
        return sum(p.file_size for p in self.parts)

    @property
    def n_params(self) -> int:
        return sum(p.n_elements for p in self.parts)

    @property
    def expert_params(self) -> int:
        """Parameters in routed experts' tensors (MoE), of which a token uses a share."""
        return sum(p.expert_elements for p in self.parts)

    @property
    def is_split(self) -> bool:
        return len(self.parts) > 1


def read_model(path: Path | str, *, check: bool = True) -> GGUFModel:
    """Read a model that may be split into parts; ``path`` may be any part.

    Raises IncompleteSplitError when parts are missing and, with ``check``,
    TruncatedGGUFError when any part is cut short.
    """
    path = Path(path)
    split = parse_split_name(path.name)
    paths = split_parts(path)
    if split is not None:
        missing = tuple(p for p in paths if not p.is_file())
        if missing:
            names = ", ".join(p.name for p in missing[:3]) + (" ..." if len(missing) > 3 else "")
            raise IncompleteSplitError(
                f"{split.prefix} is split into {split.count} parts and {len(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} missing: {names}. "
                "Download the missing parts into the same folder.",
                paths[0],
                missing=missing,
            )
    read = check_complete if check else read_header
    headers = tuple(read(p) for p in paths)
    first = headers[0]
    if first.split_count > 1 and split is None:
        raise IncompleteSplitError(
            f"{path.name} is part {first.split_index + 1} of a model split into {first.split_count} "
            "files, but its name does not follow the NAME-00001-of-00003.gguf pattern llama.cpp needs.",
            path,
        )
    if split is not None and first.split_count not in (1, split.count):
        raise IncompleteSplitError(
            f"{path.name}: its name says {split.count} parts but the file says {first.split_count}.", path
        )
    return GGUFModel(path=paths[0], header=first, parts=headers)
