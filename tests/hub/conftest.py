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


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[LocalHub]:
    """A running local Hub; HF_ENDPOINT points at it and no real token leaks in."""
    with LocalHub() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
        monkeypatch.delenv("HF_TOKEN", raising=False)
        monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        yield server
