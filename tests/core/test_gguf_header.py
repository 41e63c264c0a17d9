"""The GGUF header reader, on real files written by the gguf package."""

from __future__ import annotations

import struct
from pathlib import Path

import gguf
import numpy as np
import pytest

from app.core.gguf.header import (
    GGUFHeader,
    IncompleteSplitError,
    NotGGUFError,
    SkippedArray,
    TruncatedGGUFError,
    UnsupportedGGUFError,
    check_complete,
    read_header,
)
from app.core.gguf.model import read_model
from app.core.gguf.split import logical_name, parse_split_name, split_part_names
from app.testkit.scripted_model import Script, ScriptedModel, qwen3_chat_template, write_scripted_model


def _write(path: Path, build: object = None, *, endianess: gguf.GGUFEndian = gguf.GGUFEndian.LITTLE) -> Path:
    writer = gguf.GGUFWriter(str(path), "qwen3", endianess=endianess)
    writer.add_name("tiny")
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q4_K_M)
    writer.add_context_length(512)
    writer.add_block_count(2)
    if callable(build):
        build(writer)
    writer.add_tensor("a", np.arange(64 * 32, dtype=np.float32).reshape(64, 32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def test_scripted_qwen3_header(qwen3_model: ScriptedModel) -> None:
    h = read_header(qwen3_model.path)
    assert h.version == 3 and h.byte_order == "<"
    assert h.architecture == "qwen3"
    assert h.name == "Ponder scripted qwen3"
    assert h.quant == "F32"
    assert h.context_length == 4096
    assert h.block_count == 1
    assert (h.head_count, h.head_count_kv, h.head_dim) == (4, 2, 32)
    assert h.embedding_length is not None and h.embedding_length >= qwen3_model.n_vocab
    assert h.expert_count is None
    assert h.vocab_size == qwen3_model.n_vocab
    assert h.chat_template == qwen3_chat_template()
    assert not h.truncated and h.data_end == h.file_size == qwen3_model.path.stat().st_size


def test_agrees_with_the_gguf_package_reader(qwen3_model: ScriptedModel) -> None:
    ours = read_header(qwen3_model.path)
    theirs = gguf.GGUFReader(qwen3_model.path)
    assert ours.tensor_count == len(theirs.tensors)
    assert ours.n_elements == sum(int(t.n_elements) for t in theirs.tensors)
    assert ours.data_offset == theirs.data_offset
    assert (
        ours.metadata["qwen3.attention.head_count"] == theirs.fields["qwen3.attention.head_count"].contents()
    )


def test_moe_expert_counts(qwen3moe_model: ScriptedModel) -> None:
    h = read_header(qwen3moe_model.path)
    assert h.architecture == "qwen3moe"
    assert (h.expert_count, h.expert_used_count) == (4, 2)


def test_big_arrays_are_skipped_small_ones_kept(tmp_path: Path) -> None:
    def build(w: gguf.GGUFWriter) -> None:
        w.add_token_list([f"t{i}" for i in range(100_000)])
        w.add_token_types([1] * 100_000)
        w.add_token_merges(["a b"])
        w.add_array("test.small", [1, 2, 3])

    h = read_header(_write(tmp_path / "v.gguf", build))
    assert h.vocab_size == 100_000
    assert isinstance(h.metadata["tokenizer.ggml.tokens"], SkippedArray)
    assert isinstance(h.metadata["tokenizer.ggml.token_type"], SkippedArray)
    assert h.metadata["tokenizer.ggml.merges"] == ["a b"]
    assert h.metadata["test.small"] == [1, 2, 3]
    assert h.quant == "Q4_K_M" and h.block_count == 2


def test_quantised_tensor_sizes_end_where_the_file_ends(tmp_path: Path) -> None:
    def build(w: gguf.GGUFWriter) -> None:
        data = np.random.default_rng(0).standard_normal((32, 512)).astype(np.float32)
        q8 = gguf.GGMLQuantizationType.Q8_0
        w.add_tensor("q8", gguf.quants.quantize(data, q8), raw_dtype=q8)
        # Q4_K blocks as raw bytes: 512 elements a row = 2 blocks of 144 bytes.
        w.add_tensor("q4k", np.zeros((32, 2 * 144), np.uint8), raw_dtype=gguf.GGMLQuantizationType.Q4_K)

    path = _write(tmp_path / "q.gguf", build)
    h = read_header(path)
    assert h.data_end == path.stat().st_size
    # 32 x 512 elements: Q8_0 = 512 blocks of 34 bytes, Q4_K = 64 blocks of 144 bytes, plus 64 x 32 f32.
    assert h.n_elements == 2 * 32 * 512 + 64 * 32


def test_big_endian_file(tmp_path: Path) -> None:
    h = read_header(_write(tmp_path / "be.gguf", endianess=gguf.GGUFEndian.BIG))
    assert h.byte_order == ">"
    assert h.context_length == 512 and h.name == "tiny"


@pytest.mark.parametrize("qtype", list(gguf.GGML_QUANT_SIZES), ids=lambda t: t.name)
def test_every_tensor_type_ends_where_the_file_ends(tmp_path: Path, qtype: gguf.GGMLQuantizationType) -> None:
    block, nbytes = gguf.GGML_QUANT_SIZES[qtype]
    path = tmp_path / "t.gguf"
    writer = gguf.GGUFWriter(str(path), "qwen3")
    # 32 rows of 3 blocks as raw bytes: a whole number of 32-byte alignment units, so no padding follows.
    writer.add_tensor("t", np.zeros((32, 3 * nbytes), np.uint8), raw_dtype=qtype)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    h = read_header(path)
    assert h.data_end == path.stat().st_size
    assert h.n_elements == 32 * 3 * block


def test_unknown_tensor_type_leaves_the_end_unknown(tmp_path: Path) -> None:
    def build(w: gguf.GGUFWriter) -> None:
        w.add_tensor("q8", np.zeros((32, 34), np.uint8), raw_dtype=gguf.GGMLQuantizationType.Q8_0)

    data = bytearray(_write(tmp_path / "u.gguf", build).read_bytes())
    at = data.index(b"q8") + 2 + 4 + 2 * 8  # the name, n_dims, two dims: then the type
    assert struct.unpack_from("<I", data, at)[0] == gguf.GGMLQuantizationType.Q8_0
    struct.pack_into("<I", data, at, 250)
    (tmp_path / "u.gguf").write_bytes(bytes(data))
    h = read_header(tmp_path / "u.gguf")
    assert h.data_end is None and not h.truncated and h.n_elements == 32 * 32 + 64 * 32


def test_file_types_are_named(tmp_path: Path) -> None:
    def named(ftype: int) -> GGUFHeader:
        path = tmp_path / f"{ftype}.gguf"
        writer = gguf.GGUFWriter(str(path), "qwen3")
        writer.add_file_type(ftype)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.close()
        return read_header(path)

    guessed = gguf.LlamaFileType.GUESSED
    for ftype in gguf.LlamaFileType:
        if ftype != guessed:
            h = named(ftype | guessed)  # the "guessed" flag does not change the name
            assert h.file_type == ftype
            assert h.quant == ftype.name.removeprefix("MOSTLY_").removeprefix("ALL_")
    assert [named(t).quant for t in (0, 1, 7, 15, 38)] == ["F32", "F16", "Q8_0", "Q4_K_M", "MXFP4_MOE"]
    assert named(999).quant is None  # a file type newer than the gguf package


def test_truncated_tensor_data(qwen3_model: ScriptedModel, tmp_path: Path) -> None:
    data = qwen3_model.path.read_bytes()
    cut = tmp_path / "Qwen3-cut.gguf"
    cut.write_bytes(data[: len(data) - 1000])
    h = read_header(cut)
    assert h.truncated and h.missing_bytes == 1000
    with pytest.raises(TruncatedGGUFError, match=r"Qwen3-cut\.gguf is incomplete") as info:
        check_complete(cut)
    assert info.value.expected == len(data) and info.value.actual == len(data) - 1000


@pytest.mark.parametrize("keep", [2, 7, 20, 1000, 9000])
def test_truncated_header(qwen3_model: ScriptedModel, tmp_path: Path, keep: int) -> None:
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(qwen3_model.path.read_bytes()[:keep])
    with pytest.raises(TruncatedGGUFError, match=r"cut\.gguf is cut off"):
        read_header(cut)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "is empty"), (b"<html>not a model</html>", "does not start with 'GGUF'"), (b"\x00" * 64, "GGUF")],
)
def test_not_gguf(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "weird.gguf"
    path.write_bytes(content)
    with pytest.raises(NotGGUFError, match=message):
        read_header(path)


def test_folder_is_not_gguf(tmp_path: Path) -> None:
    with pytest.raises(NotGGUFError, match="folder"):
        read_header(tmp_path)


def test_garbage_after_magic(tmp_path: Path) -> None:
    path = tmp_path / "bad.gguf"
    # Version 3, 0 tensors, 1 key "k" with value type 99.
    path.write_bytes(
        b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 1) + b"k" + struct.pack("<I", 99)
    )
    with pytest.raises(NotGGUFError, match="unknown metadata value type 99"):
        read_header(path)


def test_gguf_v1_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.gguf"
    path.write_bytes(b"GGUF" + struct.pack("<III", 1, 0, 0) + b"\x00" * 64)
    with pytest.raises(UnsupportedGGUFError, match="version 1"):
        read_header(path)


def test_split_names() -> None:
    s = parse_split_name("Q8_0/Qwen3-235B-A22B-Q8_0-00002-of-00006.gguf")
    assert s is not None and (s.prefix, s.index, s.count) == ("Q8_0/Qwen3-235B-A22B-Q8_0", 2, 6)
    assert s.first == "Q8_0/Qwen3-235B-A22B-Q8_0-00001-of-00006.gguf"
    assert parse_split_name("Qwen3-8B-Q4_K_M.gguf") is None
    assert parse_split_name("x-00004-of-00003.gguf") is None
    assert split_part_names("m", 2) == ["m-00001-of-00002.gguf", "m-00002-of-00002.gguf"]
    assert logical_name("Q8_0/Qwen3-235B-A22B-Q8_0-00001-of-00006.gguf") == "Qwen3-235B-A22B-Q8_0"
    assert logical_name("Qwen3-8B-Q4_K_M.gguf") == "Qwen3-8B-Q4_K_M"


def _split_files(folder: Path, parts: list[bytes]) -> list[Path]:
    paths = []
    for i, data in enumerate(parts, 1):
        p = folder / f"Big-Q8_0-{i:05d}-of-{len(parts):05d}.gguf"
        p.write_bytes(data)
        paths.append(p)
    return paths


def test_split_model_from_any_part(tmp_path: Path, split_gguf: list[bytes]) -> None:
    paths = _split_files(tmp_path, split_gguf)
    model = read_model(paths[1])
    assert model.path == paths[0] and model.part_paths == tuple(paths)
    assert model.is_split and model.header.name == "Split test"
    assert model.header.split_count == 3
    assert model.n_params == 5 * 64 * 256
    assert model.file_size == sum(len(d) for d in split_gguf)


def test_split_model_with_a_missing_part(tmp_path: Path, split_gguf: list[bytes]) -> None:
    paths = _split_files(tmp_path, split_gguf)
    paths[2].unlink()
    with pytest.raises(IncompleteSplitError, match=r"1 is missing: Big-Q8_0-00003-of-00003\.gguf") as info:
        read_model(paths[0])
    assert info.value.missing == (paths[2],)


def test_split_model_with_a_truncated_part(tmp_path: Path, split_gguf: list[bytes]) -> None:
    paths = _split_files(tmp_path, split_gguf)
    paths[1].write_bytes(split_gguf[1][:-100])
    with pytest.raises(TruncatedGGUFError, match=r"Big-Q8_0-00002-of-00003\.gguf is incomplete"):
        read_model(paths[0])
    assert read_model(paths[0], check=False).parts[1].truncated


def test_split_part_renamed_is_detected(tmp_path: Path, split_gguf: list[bytes]) -> None:
    lone = tmp_path / "renamed.gguf"
    lone.write_bytes(split_gguf[0])
    with pytest.raises(IncompleteSplitError, match="split into 3 files"):
        read_model(lone)


def test_scripted_model_written_by_the_testkit_reads_whole(tmp_path: Path) -> None:
    path = write_scripted_model(tmp_path / "m.gguf", Script(), arch="qwen3moe").path
    model = read_model(path)
    assert not model.is_split and model.header.architecture == "qwen3moe"
