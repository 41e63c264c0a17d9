"""Broken files end in a clear error, never a hang or a dead app."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from app.engine.local.engine import EngineFailure, LocalEngine
from app.engine.protocol import LoadRequest
from app.testkit.scripted_model import ScriptedModel


def load_error(engine: LocalEngine, path: Path) -> str:
    with pytest.raises(EngineFailure) as info:
        engine.load_sync(LoadRequest(str(path), n_ctx=512), timeout=120)
    message = info.value.error.message
    assert message and "Traceback" not in message
    return message


def test_missing_file(engine: LocalEngine, tmp_path: Path) -> None:
    assert "not found" in load_error(engine, tmp_path / "nope.gguf")


def test_not_a_gguf(engine: LocalEngine, tmp_path: Path) -> None:
    bad = tmp_path / "notes.gguf"
    bad.write_text("hello, I am a text file")
    assert "not a GGUF" in load_error(engine, bad)


def test_truncated_gguf(engine: LocalEngine, tmp_path: Path, qwen3_model: ScriptedModel) -> None:
    data = qwen3_model.path.read_bytes()
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(data[: len(data) // 2])
    message = load_error(engine, cut)
    assert "incomplete" in message or "damaged" in message or "could not load" in message


def test_unknown_architecture(engine: LocalEngine, tmp_path: Path, qwen3_model: ScriptedModel) -> None:
    data = qwen3_model.path.read_bytes()
    # Same length, so the header stays valid: "qwen3" -> "qwen9" in general.architecture.
    key = b"general.architecture"
    i = data.index(key) + len(key)
    (n,) = struct.unpack_from("<Q", data, i + 4)  # value type (u32), then string length
    start = i + 12
    assert data[start : start + n] == b"qwen3"
    odd = tmp_path / "odd.gguf"
    odd.write_bytes(data[:start] + b"qwen9" + data[start + n :])
    assert "qwen9" in load_error(engine, odd)


def _rewrite(src: Path, dst: Path, edit: dict[str, object]) -> None:
    """Copy a GGUF, replacing some metadata values."""
    import gguf
    import numpy as np

    reader = gguf.GGUFReader(str(src))
    w = gguf.GGUFWriter(str(dst), "qwen3")
    for field in reader.fields.values():
        if field.name.startswith("GGUF.") or field.name == "general.architecture":
            continue
        value = field.contents()
        if field.name in edit:
            change = edit[field.name]
            value = change(value) if callable(change) else change
        vtype = field.types[0]
        sub = field.types[-1] if vtype == gguf.GGUFValueType.ARRAY else None
        w.add_key_value(field.name, value, vtype, sub_type=sub)
    for tensor in reader.tensors:
        w.add_tensor(tensor.name, np.array(tensor.data), raw_shape=list(reversed(tensor.shape.tolist())))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def test_shapes_that_do_not_match_the_metadata(
    engine: LocalEngine, tmp_path: Path, qwen3_model: ScriptedModel
) -> None:
    broken = tmp_path / "shapes.gguf"
    _rewrite(qwen3_model.path, broken, {"qwen3.embedding_length": lambda v: int(v) * 2})
    message = load_error(engine, broken)
    assert "could not load" in message or "damaged" in message


def test_an_abort_inside_llama_cpp_kills_only_the_engine(
    engine: LocalEngine, tmp_path: Path, qwen3_model: ScriptedModel
) -> None:
    """Two tokens with the same text trip a GGML_ASSERT that aborts the process."""
    broken = tmp_path / "dup-vocab.gguf"
    _rewrite(qwen3_model.path, broken, {"tokenizer.ggml.tokens": lambda v: [*v[:-1], v[-2]]})
    with pytest.raises(EngineFailure) as info:
        engine.load_sync(LoadRequest(str(broken), n_ctx=512), timeout=120)
    error = info.value.error
    assert error.kind == "crash"
    assert "aborted" in error.message
    assert "GGML_ASSERT" in error.detail
    assert not engine.alive
    # A fresh engine still loads a good model.
    assert engine.load_sync(LoadRequest(str(qwen3_model.path), n_ctx=512)).info["architecture"] == "qwen3"


def _declared_giant(path: Path) -> Path:
    """A well-formed GGUF that declares ~160 GB of weights, stored as a sparse file."""
    import os

    import gguf
    import numpy as np

    from app.core.gguf.header import read_header

    w = gguf.GGUFWriter(str(path), "qwen3")
    w.add_block_count(64)
    w.add_context_length(32768)
    w.add_embedding_length(5120)
    w.add_feed_forward_length(25600)
    w.add_head_count(64)
    w.add_head_count_kv(8)
    w.add_key_length(128)
    w.add_value_length(128)
    rows = 8_000_000
    w.add_tensor_info("token_embd.weight", (rows, 5120), np.dtype(np.float32), rows * 5120 * 4)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()
    w.close()
    end = read_header(path).data_end
    assert end is not None and end > 100 * 10**9
    os.truncate(path, end)  # sparse: no disk space used
    return path


def test_model_too_big_for_this_machine_is_refused_before_loading(
    engine: LocalEngine, tmp_path: Path
) -> None:
    message = load_error(engine, _declared_giant(tmp_path / "giant.gguf"))
    assert "Too big" in message and "smaller quant" in message
    assert engine.alive  # refused by the pre-flight check, not by a crash
