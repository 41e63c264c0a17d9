"""Fixtures for the Hub tests: a local Hub on 127.0.0.1 and scripted Qwen3 GGUF files."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so that `tests.hub.local_hub` imports however pytest is run
    sys.path.insert(0, str(ROOT))

from app.testkit.scripted_model import Script, write_scripted_model  # noqa: E402
from tests.hub.local_hub import LocalHub  # noqa: E402


@pytest.fixture(scope="session")
def gguf_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real, tiny Qwen3 GGUF (about 1.5 MB)."""
    path = tmp_path_factory.mktemp("gguf") / "qwen3.gguf"
    write_scripted_model(path, Script())
    return path.read_bytes()


@pytest.fixture(scope="session")
def split_gguf(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """A real GGUF split into 3 parts by gguf's writer (metadata in the first)."""
    import gguf
    import numpy as np

    folder = tmp_path_factory.mktemp("split")
    writer = gguf.GGUFWriter(str(folder / "m.gguf"), "qwen3moe", split_max_tensors=2)
    writer.add_name("Split test")
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_context_length(2048)
    writer.add_block_count(2)
    writer.add_embedding_length(64)
    writer.add_head_count(4)
    writer.add_head_count_kv(2)
    for i in range(5):
        writer.add_tensor(f"t{i}", np.full((64, 256), i, np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file(progress=False)
    writer.close()
    return [(folder / f"m-{i:05d}-of-00003.gguf").read_bytes() for i in (1, 2, 3)]


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[LocalHub]:
    """A running local Hub; HF_ENDPOINT points at it and no real token leaks in."""
    with LocalHub() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
        monkeypatch.delenv("HF_TOKEN", raising=False)
        monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        yield server
