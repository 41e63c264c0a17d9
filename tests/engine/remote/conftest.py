"""Real llama-server processes (built by ``scripts/bootstrap.py tools``) serving the scripted
models on 127.0.0.1, and remote engines talking to them; all stopped after use."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.engine.remote.engine import RemoteEngine
from app.testkit.llama_server import LlamaServer, find_llama_server
from app.testkit.scripted_model import ScriptedModel

API_KEY = "sk-ponder-test-7f3a"


@pytest.fixture(scope="session")
def llama_server_bin() -> Path:
    found = find_llama_server()
    if found is None:
        pytest.skip(
            "llama-server is not built: run `python3 scripts/bootstrap.py tools` (or set PONDER_LLAMA_TOOLS)"
        )
    return found


def _serve(binary: Path, model: ScriptedModel, **kwargs: object) -> Iterator[LlamaServer]:
    server = LlamaServer(binary, model.path, **kwargs)  # type: ignore[arg-type]
    with server:
        yield server


@pytest.fixture(scope="session")
def qwen3_server(llama_server_bin: Path, qwen3_model: ScriptedModel) -> Iterator[LlamaServer]:
    yield from _serve(llama_server_bin, qwen3_model)


@pytest.fixture(scope="session")
def runaway_server(llama_server_bin: Path, runaway_model: ScriptedModel) -> Iterator[LlamaServer]:
    yield from _serve(llama_server_bin, runaway_model, ctx=4096)


@pytest.fixture(scope="session")
def plain_server(llama_server_bin: Path, plain_model: ScriptedModel) -> Iterator[LlamaServer]:
    yield from _serve(llama_server_bin, plain_model)


@pytest.fixture(scope="session")
def keyed_server(llama_server_bin: Path, qwen3_model: ScriptedModel) -> Iterator[LlamaServer]:
    yield from _serve(llama_server_bin, qwen3_model, api_key=API_KEY)


@pytest.fixture
def remote() -> Iterator[Callable[..., RemoteEngine]]:
    """Remote engines for the test; each is closed (its worker thread joined) afterwards."""
    made: list[RemoteEngine] = []

    def make(url: str, api_key: str | None = None, **kwargs: object) -> RemoteEngine:
        engine = RemoteEngine(url, api_key, **kwargs)  # type: ignore[arg-type]
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.close()
        assert not engine.alive
