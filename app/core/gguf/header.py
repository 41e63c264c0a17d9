"""Read a GGUF file's header without loading the model.

A small reader of the GGUF v2/v3 layout: magic ``GGUF``, version, tensor and
key-value counts, the key-value metadata, then one info record per tensor (name,
shape, type, offset), then the tensor data aligned to ``general.alignment``.
Only the header is read. Big arrays (the vocabulary, the merges) are stepped
over without being built, so a 20 GB model is read in a few megabytes. The tensor
records say where the data must end, so a file cut short by a broken download is
caught here, with a message a person can act on, instead of inside llama.cpp.

Split models (``name-00001-of-00003.gguf``) are read as one by
:func:`app.core.gguf.model.read_model`.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from app.core.units import human_size

__all__ = [
    "GGUFError",
    "GGUFHeader",
    "IncompleteSplitError",
    "NotGGUFError",
    "SkippedArray",
    "TruncatedGGUFError",
    "UnsupportedGGUFError",
    "check_complete",
    "read_header",
]


class GGUFError(Exception):
    """A model file llama.cpp could not use; ``str()`` is a message for a person."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class NotGGUFError(GGUFError):
    """Not a GGUF file at all, or one whose header makes no sense."""


class UnsupportedGGUFError(GGUFError):
    """A GGUF version this reader (and llama.cpp) does not handle."""


class TruncatedGGUFError(GGUFError):
    """The file is shorter than its header says: usually an unfinished download."""

    def __init__(self, message: str, path: Path | None = None, *, expected: int = 0, actual: int = 0):
        super().__init__(message, path)
        self.expected = expected
        self.actual = actual


class IncompleteSplitError(GGUFError):
    """A split model with parts missing."""

    def __init__(self, message: str, path: Path | None = None, *, missing: tuple[Path, ...] = ()):
        super().__init__(message, path)
        self.missing = missing


@dataclass(frozen=True, slots=True)
class SkippedArray:
    """An array left unread (too big to be worth building): its item type and length."""

    item_type: int
    count: int


# The format's facts (value types, tensor types and their sizes, file types) come from the gguf
# package. It is imported where it is used, not with this module: with numpy it takes ~0.1 s, and
# the window imports this module as it starts.

# struct formats of the scalar metadata value types (gguf.GGUFValueType), by name.
_SCALAR_FORMATS = {
    "UINT8": "B", "INT8": "b", "UINT16": "H", "INT16": "h", "UINT32": "I", "INT32": "i",
    "FLOAT32": "f", "BOOL": "?", "UINT64": "Q", "INT64": "q", "FLOAT64": "d",
}  # fmt: skip

_MAGIC = b"GGUF"
_DEFAULT_ALIGNMENT = 32
_CHUNK = 1 << 20
# Arrays longer than these are skipped (the vocabulary has ~150k strings).
_KEEP_NUMBERS = 4096
_KEEP_STRINGS = 64
_MAX_DIMS = 8
_EXPERTS_TENSOR = "_exps."  # shared experts ("_shexp") run for every token, as dense layers do


class _EndOfFile(Exception):
    def __init__(self, needed: int) -> None:
        self.needed = needed


class _Corrupt(Exception):
    pass


class _Cursor:
    """Sequential reads over a file through a 1 MiB window; skips are free."""

    def __init__(self, f: BinaryIO, size: int, order: str) -> None:
        from gguf import GGUFValueType

        self._f = f
        self.size = size
        self.pos = 0
        self._buf = b""
        self._start = 0
        self._structs: dict[int, struct.Struct] = {
            GGUFValueType[k]: struct.Struct(order + v) for k, v in _SCALAR_FORMATS.items()
        }
        self._string = GGUFValueType.STRING
        self._array = GGUFValueType.ARRAY
        self.u32 = self._structs[GGUFValueType.UINT32]
        self.u64 = self._structs[GGUFValueType.UINT64]

    def _window(self, n: int) -> int:
        """Make [pos, pos+n) available; return its offset in the buffer."""
        if self.pos + n > self.size:
            raise _EndOfFile(self.pos + n)
        off = self.pos - self._start
        if off < 0 or off + n > len(self._buf):
            self._f.seek(self.pos)
            self._buf = self._f.read(max(n, _CHUNK))
            self._start = self.pos
            off = 0
            if len(self._buf) < n:
                raise _EndOfFile(self.pos + n)
        return off

    def unpack(self, s: struct.Struct) -> Any:
        off = self._window(s.size)
        self.pos += s.size
        return s.unpack_from(self._buf, off)[0]

    def read(self, n: int) -> bytes:
        off = self._window(n)
        self.pos += n
        return self._buf[off : off + n]

    def skip(self, n: int) -> None:
        if self.pos + n > self.size:
            raise _EndOfFile(self.pos + n)
        self.pos += n

    def string(self) -> str:
        n = self.unpack(self.u64)
        return self.read(n).decode("utf-8", errors="replace")

    def skip_strings(self, count: int) -> None:
        u64 = self.u64
        for _ in range(count):
            n = self.unpack(u64)
            self.skip(n)

    def value(self, vtype: int) -> Any:
        if vtype == self._string:
            return self.string()
        if vtype == self._array:
            return self.array()
        fmt = self._structs.get(vtype)
        if fmt is None:
            raise _Corrupt(f"unknown metadata value type {vtype} at byte {self.pos}")
        return self.unpack(fmt)

    def array(self) -> Any:
        item_type = self.unpack(self.u32)
        count = self.unpack(self.u64)
        if item_type in self._structs:
            item = self._structs[item_type]
            if count * item.size > self.size - self.pos:
                raise _EndOfFile(self.pos + count * item.size)
            if count > _KEEP_NUMBERS:
                self.skip(count * item.size)
                return SkippedArray(item_type, count)
            raw = self.read(count * item.size)
            return list(struct.unpack(f"{item.format[0]}{count}{item.format[1:]}", raw))
        if item_type == self._string:
            if count * 8 > self.size - self.pos:
                raise _EndOfFile(self.pos + count * 8)
            if count > _KEEP_STRINGS:
                self.skip_strings(count)
                return SkippedArray(item_type, count)
            return [self.string() for _ in range(count)]
        if item_type == self._array:
            items = [self.array() for _ in range(count)]
            return items if count <= _KEEP_STRINGS else SkippedArray(item_type, count)
        raise _Corrupt(f"unknown array item type {item_type} at byte {self.pos}")


@dataclass(frozen=True)
class GGUFHeader:
    """What one GGUF file says about itself. ``metadata`` holds every key."""

    path: Path
    version: int
    byte_order: str  # "<" little-endian (nearly all files) or ">" big-endian
    tensor_count: int
    metadata: Mapping[str, Any]
    n_elements: int  # parameters stored in this file (all parts: GGUFModel.n_params)
    data_offset: int
    data_end: int | None  # None when a tensor type is unknown to this reader
    file_size: int
    # Parameters in the routed experts' tensors (MoE "*_exps"), of which a token uses a share.
    expert_elements: int = 0

    def get(self, key: str, default: Any = None) -> Any:
        return self.metadata.get(key, default)

    def _arch(self, suffix: str) -> Any:
        arch = self.architecture
        return self.metadata.get(f"{arch}.{suffix}") if arch else None

    def _arch_int(self, suffix: str) -> int | None:
        value = self._arch(suffix)
        if isinstance(value, list):  # some architectures vary per layer: take the largest
            value = max(value, default=None)
        return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    @property
    def architecture(self) -> str | None:
        value = self.metadata.get("general.architecture")
        return value if isinstance(value, str) else None

    @property
    def name(self) -> str | None:
        value = self.metadata.get("general.name")
        return value if isinstance(value, str) else None

    @property
    def size_label(self) -> str | None:
        value = self.metadata.get("general.size_label")
        return value if isinstance(value, str) else None

    @property
    def file_type(self) -> int | None:
        from gguf import LlamaFileType

        value = self.metadata.get("general.file_type")
        return int(value) & ~LlamaFileType.GUESSED if isinstance(value, int) else None

    @property
    def quant(self) -> str | None:
        """The quantisation name (``Q4_K_M``), from ``general.file_type``."""
        from gguf import LlamaFileType

        ft = self.file_type
        if ft is None:
            return None
        try:
            return LlamaFileType(ft).name.removeprefix("MOSTLY_").removeprefix("ALL_")
        except ValueError:  # a file type newer than the gguf package
            return None

    @property
    def context_length(self) -> int | None:
        return self._arch_int("context_length")

    @property
    def block_count(self) -> int | None:
        return self._arch_int("block_count")

    @property
    def head_count(self) -> int | None:
        return self._arch_int("attention.head_count")

    @property
    def head_count_kv(self) -> int | None:
        return self._arch_int("attention.head_count_kv") or self.head_count

    @property
    def embedding_length(self) -> int | None:
        return self._arch_int("embedding_length")

    @property
    def feed_forward_length(self) -> int | None:
        return self._arch_int("feed_forward_length")

    @property
    def key_length(self) -> int | None:
        return self._arch_int("attention.key_length")

    @property
    def value_length(self) -> int | None:
        return self._arch_int("attention.value_length")

    @property
    def head_dim(self) -> int | None:
        if self.key_length:
            return self.key_length
        if self.embedding_length and self.head_count:
            return self.embedding_length // self.head_count
        return None

    @property
    def expert_count(self) -> int | None:
        return self._arch_int("expert_count")

    @property
    def expert_used_count(self) -> int | None:
        return self._arch_int("expert_used_count")

    @property
    def chat_template(self) -> str | None:
        value = self.metadata.get("tokenizer.chat_template")
        return value if isinstance(value, str) else None

    @property
    def vocab_size(self) -> int | None:
        tokens = self.metadata.get("tokenizer.ggml.tokens")
        if isinstance(tokens, SkippedArray):
            return tokens.count
        return len(tokens) if isinstance(tokens, list) else None

    @property
    def split_index(self) -> int:
        """0-based part number (``split.no``); 0 for a single file."""
        value = self.metadata.get("split.no")
        return int(value) if isinstance(value, int) else 0

    @property
    def split_count(self) -> int:
        value = self.metadata.get("split.count")
        return int(value) if isinstance(value, int) and value > 0 else 1

    @property
    def truncated(self) -> bool:
        return self.data_end is not None and self.file_size < self.data_end

    @property
    def missing_bytes(self) -> int:
        return max(0, (self.data_end or 0) - self.file_size)


def read_header(path: Path | str) -> GGUFHeader:
    """Read the header and metadata of one GGUF file.

    Raises NotGGUFError, UnsupportedGGUFError, or TruncatedGGUFError when the file
    ends inside its header. A file whose header is whole but whose tensor data is
    cut short is returned with ``truncated`` set (see :func:`check_complete`).
    """
    path = Path(path)
    if path.is_dir():
        raise NotGGUFError(f"{path} is a folder, not a GGUF model file.", path)
    try:
        f = path.open("rb")
    except FileNotFoundError as exc:
        raise GGUFError(f"{path} does not exist.", path) from exc
    except OSError as exc:
        raise GGUFError(f"{path} cannot be read: {exc.strerror or exc}.", path) from exc
    with f:
        size = path.stat().st_size
        magic = f.read(4)
        if len(magic) < 4 or magic != _MAGIC:
            if len(magic) < 4 and _MAGIC.startswith(magic) and magic:
                raise TruncatedGGUFError(
                    f"{path.name} is cut off after {size} bytes: the download did not finish.",
                    path, expected=24, actual=size,
                )  # fmt: skip
            what = "is empty" if size == 0 else "does not start with 'GGUF'"
            raise NotGGUFError(f"{path.name} is not a GGUF model file (it {what}).", path)
        return _parse(path, f, size)


def _parse(path: Path, f: BinaryIO, size: int) -> GGUFHeader:
    from gguf import GGML_QUANT_SIZES

    raw_version = f.read(4)
    if len(raw_version) < 4:
        raise TruncatedGGUFError(f"{path.name} is cut off inside its header.", path, actual=size)
    order = "<"
    version = struct.unpack("<I", raw_version)[0]
    if version not in (1, 2, 3) and struct.unpack(">I", raw_version)[0] in (2, 3):
        order, version = ">", struct.unpack(">I", raw_version)[0]
    if version == 1:
        raise UnsupportedGGUFError(
            f"{path.name} uses GGUF version 1 (2023), which llama.cpp no longer loads; "
            "download a newer conversion of this model.",
            path,
        )
    if version not in (2, 3):
        raise UnsupportedGGUFError(
            f"{path.name} uses GGUF version {version}, which this version of Ponder does not know.", path
        )
    cur = _Cursor(f, size, order)
    cur.pos = 8
    try:
        tensor_count = cur.unpack(cur.u64)
        kv_count = cur.unpack(cur.u64)
        # Each key-value pair takes at least 12 bytes, each tensor record at least 24.
        if kv_count * 12 > size or tensor_count * 24 > size:
            if kv_count > 1 << 24 or tensor_count > 1 << 24:
                raise _Corrupt(f"impossible counts ({kv_count} keys, {tensor_count} tensors)")
            raise _EndOfFile(kv_count * 12 + tensor_count * 24)
        metadata: dict[str, Any] = {}
        for _ in range(kv_count):
            key = cur.string()
            vtype = cur.unpack(cur.u32)
            metadata[key] = cur.value(vtype)
        n_elements = expert_elements = 0
        data_size: int | None = 0
        for _ in range(tensor_count):
            name = cur.string()
            n_dims = cur.unpack(cur.u32)
            if n_dims > _MAX_DIMS:
                raise _Corrupt(f"a tensor with {n_dims} dimensions at byte {cur.pos}")
            dims = [cur.unpack(cur.u64) for _ in range(n_dims)]
            ggml_type = cur.unpack(cur.u32)
            offset = cur.unpack(cur.u64)
            elements = 1
            for d in dims:
                elements *= d
            n_elements += elements
            if _EXPERTS_TENSOR in name:  # llama.cpp's names: ffn_gate_exps, ffn_up_exps, ffn_down_exps
                expert_elements += elements
            # (elements per block, bytes per block); None for a type this gguf does not know
            block = GGML_QUANT_SIZES.get(ggml_type)
            if block is None or data_size is None:
                data_size = None
            else:
                data_size = max(data_size, offset + elements // block[0] * block[1])
    except _EndOfFile as eof:
        raise TruncatedGGUFError(
            f"{path.name} is cut off inside its header (it has {human_size(size)}; the header alone needs "
            f"more than {human_size(eof.needed)}): the download did not finish or the file is damaged.",
            path,
            expected=eof.needed,
            actual=size,
        ) from None
    except _Corrupt as bad:
        raise NotGGUFError(f"{path.name} is not a valid GGUF model file: {bad}.", path) from None
    alignment = metadata.get("general.alignment", _DEFAULT_ALIGNMENT)
    if not isinstance(alignment, int) or alignment <= 0:
        alignment = _DEFAULT_ALIGNMENT
    data_offset = -(-cur.pos // alignment) * alignment
    return GGUFHeader(
        path=path,
        version=version,
        byte_order=order,
        tensor_count=tensor_count,
        metadata=metadata,
        n_elements=n_elements,
        data_offset=data_offset,
        data_end=None if data_size is None else data_offset + data_size,
        file_size=size,
        expert_elements=expert_elements,
    )


def check_complete(path: Path | str) -> GGUFHeader:
    """Read one file's header and raise TruncatedGGUFError if its tensor data is cut short."""
    header = read_header(path)
    if header.truncated:
        assert header.data_end is not None
        raise TruncatedGGUFError(
            f"{header.path.name} is incomplete: it has {human_size(header.file_size)} of "
            f"{human_size(header.data_end)} ({human_size(header.missing_bytes)} missing). "
            "The download did not finish; download it again.",
            header.path,
            expected=header.data_end,
            actual=header.file_size,
        )
    return header
