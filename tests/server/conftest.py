"""Servers on real engines with scripted models.

The engines load once per test module (and stop after it: the window tests that may follow in
the same run want no engine process of anybody else's); each test starts the servers it needs
(milliseconds) and closes them before the guards look for leftover threads. The qwen3 engine
is read through its own queue, as ``ponder serve`` does; the runaway engine through a callback
that records every event and hands it over, as the window does.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.engine.local.engine import LocalEngine
from app.engine.protocol import EngineError, LoadRequest
from app.testkit.scripted_model import Script, ScriptedModel, write_scripted_model
from tests.server.harness import Served, Tap, serving

LONG_CTX = 32768  # a runaway reply that runs for seconds unless it is cancelled


@pytest.fixture(scope="module")
def qwen3_engine(qwen3_model: ScriptedModel) -> Iterator[LocalEngine]:
    engine = LocalEngine()
    engine.load_sync(LoadRequest(str(qwen3_model.path), n_ctx=2048))
    yield engine
    engine.close()


@pytest.fixture
def qwen3_server(qwen3_engine: LocalEngine, qwen3_model: ScriptedModel) -> Iterator[Served]:
    with serving(qwen3_engine, qwen3_model) as served:
        yield served


@pytest.fixture(scope="session")
def long_runaway_model(model_dir: Path) -> ScriptedModel:
    return write_scripted_model(
        model_dir / "qwen3-runaway-long.gguf", Script(runaway=True), context_length=LONG_CTX
    )


@pytest.fixture(scope="module")
def runaway_tap() -> Tap:
    return Tap()


@pytest.fixture(scope="module")
def runaway_engine(long_runaway_model: ScriptedModel, runaway_tap: Tap) -> Iterator[LocalEngine]:
    engine = LocalEngine(on_event=runaway_tap)
    engine.load(LoadRequest(str(long_runaway_model.path), n_ctx=LONG_CTX))
    deadline = time.monotonic() + 300
    while engine.loaded is None:
        failed = [e for e in runaway_tap.seen() if isinstance(e, EngineError)]
        assert not failed, failed
        assert time.monotonic() < deadline, "the model did not load"
        time.sleep(0.05)
    yield engine
    engine.close()


@pytest.fixture
def runaway_server(
    runaway_engine: LocalEngine, long_runaway_model: ScriptedModel, runaway_tap: Tap
) -> Iterator[Served]:
    with serving(runaway_engine, long_runaway_model, runaway_tap, max_waiting=1) as served:
        yield served
