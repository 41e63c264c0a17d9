"""One model over several computers (llama.cpp's RPC backend), with real workers on
127.0.0.1: Ponder's own ``ponder worker`` and llama.cpp's ``rpc-server`` built from the
vendored sources, so both ends are checked against the reference."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.core.chat.messages import PromptMessage
from app.engine.base import EngineFailure
from app.engine.local.engine import LocalEngine
from app.engine.protocol import Event, GenerateRequest, LoadRequest, TextDelta
from app.testkit.rpc_workers import RpcWorker, find_rpc_server, free_port
from app.testkit.scripted_model import Script, ScriptedModel, write_scripted_model

HELLO = (PromptMessage("user", "Say hello."),)
LAYERS = 4  # and the output layer: five to spread


@pytest.fixture(scope="module")
def layered(model_dir: Path) -> ScriptedModel:
    return write_scripted_model(model_dir / "qwen3-4-layers.gguf", Script(), n_layers=LAYERS)


@pytest.fixture(scope="module")
def layered_runaway(model_dir: Path) -> ScriptedModel:
    return write_scripted_model(
        model_dir / "qwen3-4-layers-runaway.gguf", Script(runaway=True), n_layers=LAYERS
    )


@pytest.fixture
def workers() -> Iterator[tuple[RpcWorker, RpcWorker]]:
    """``ponder worker`` and llama.cpp's rpc-server, both stopped afterwards."""
    if find_rpc_server() is None:
        pytest.skip(
            "rpc-server is not built: run `python3 scripts/bootstrap.py tools` (or set PONDER_LLAMA_TOOLS)"
        )
    with RpcWorker("ponder") as ours, RpcWorker("rpc-server") as reference:
        yield ours, reference


def split(model: ScriptedModel, *endpoints: str) -> LoadRequest:
    return LoadRequest(str(model.path), n_ctx=2048, n_gpu_layers=-1, n_threads=1, rpc_servers=endpoints)


def test_a_model_split_over_two_workers_answers_as_it_does_here(
    engine: LocalEngine, layered: ScriptedModel, workers: tuple[RpcWorker, RpcWorker]
) -> None:
    ours, reference = workers
    local = engine.load_sync(LoadRequest(str(layered.path), n_ctx=2048, n_gpu_layers=0, n_threads=1))
    assert [e["endpoint"] for e in local.info["offload"]] == [None]
    here = engine.generate_sync(GenerateRequest(HELLO, seed=11))

    loaded = engine.load_sync(split(layered, ours.endpoint, reference.endpoint))
    there = engine.generate_sync(GenerateRequest(HELLO, seed=11))

    assert (there.thinking, there.answer) == (here.thinking, here.answer)
    script = layered.script
    assert (there.thinking, there.answer) == (script.thinking_text.strip(), script.answer_text)
    offload = loaded.info["offload"]
    remote = {e["endpoint"]: e for e in offload if e["endpoint"]}
    assert set(remote) == {ours.endpoint, reference.endpoint}
    assert all(e["layers"] >= 1 and e["weights_mib"] > 0 and e["kv_mib"] > 0 for e in remote.values())
    assert sum(e["layers"] for e in offload) == LAYERS + 1  # every layer somewhere, once
    assert offload[-1]["device"] == "CPU" and offload[-1]["layers"] == 0  # the input embeddings only
    assert ours.clients >= 1 and reference.clients >= 1


@pytest.mark.parametrize("victim", ["ponder", "rpc-server"])
def test_a_worker_killed_mid_reply_is_named_and_the_model_reloads_without_it(
    engine: LocalEngine, layered_runaway: ScriptedModel, workers: tuple[RpcWorker, RpcWorker], victim: str
) -> None:
    dead, alive = workers if victim == "ponder" else workers[::-1]
    engine.load_sync(split(layered_runaway, dead.endpoint, alive.endpoint))
    written: list[str] = []

    def on_event(event: Event) -> None:
        if isinstance(event, TextDelta):
            written.append(event.text)
            if len("".join(written)) > 30 and dead.process is not None and dead.process.poll() is None:
                dead.kill()

    started = time.monotonic()
    with pytest.raises(EngineFailure) as caught:
        engine.generate_sync(GenerateRequest(HELLO, max_tokens=100_000), on_event=on_event, timeout=120)
    error = caught.value.error
    assert time.monotonic() - started < 60
    assert error.kind == "crash"
    assert error.message == f"The computer at {dead.endpoint} stopped answering."
    assert error.lost == (dead.endpoint,)
    assert len("".join(written)) > 30  # what was written before stays with the app

    again = engine.load_sync(
        split(layered_runaway, *(e for e in (dead.endpoint, alive.endpoint) if e not in error.lost))
    )
    assert [e["endpoint"] for e in again.info["offload"] if e["endpoint"]] == [alive.endpoint]
    result = engine.generate_sync(GenerateRequest(HELLO, max_tokens=12))
    assert result.thinking_used and result.stats.thinking_tokens > 0


def test_a_worker_that_hangs_is_named_after_the_stall_timeout(
    engine: LocalEngine,
    layered_runaway: ScriptedModel,
    workers: tuple[RpcWorker, RpcWorker],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A stopped process keeps its sockets open and its kernel answers keepalives: only the
    engine's own watch on unanswered requests ends the wait."""
    monkeypatch.setenv("PONDER_RPC_STALL_S", "3")  # read by the engine process it starts
    ours, reference = workers
    engine.load_sync(split(layered_runaway, ours.endpoint, reference.endpoint))
    written: list[str] = []

    def on_event(event: Event) -> None:
        if isinstance(event, TextDelta):
            written.append(event.text)
            if len(written) == 3:
                ours.pause()

    started = time.monotonic()
    with pytest.raises(EngineFailure) as caught:
        engine.generate_sync(GenerateRequest(HELLO, max_tokens=100_000), on_event=on_event, timeout=120)
    assert 3 <= time.monotonic() - started < 30
    assert caught.value.error.message == f"The computer at {ours.endpoint} stopped answering."
    assert caught.value.error.lost == (ours.endpoint,)


def test_an_address_with_nothing_listening_fails_the_load_in_one_line(
    engine: LocalEngine, layered: ScriptedModel
) -> None:
    nobody = f"127.0.0.1:{free_port()}"
    with pytest.raises(EngineFailure) as caught:
        engine.load_sync(split(layered, nobody))
    error = caught.value.error
    assert error.kind == "load"
    assert error.message == f"Cannot reach the computer at {nobody} (connection refused)."
    assert error.lost == (nobody,)  # the window offers to load without it
    assert engine.loaded is None and engine.alive  # nothing loaded; the engine carries on
    loaded = engine.load_sync(replace(split(layered), n_gpu_layers=0))
    assert loaded.info["offload"][0]["layers"] == LAYERS + 1


def _ask(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "ask", *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_ponder_ask_over_workers_reports_the_offload(
    layered: ScriptedModel, workers: tuple[RpcWorker, RpcWorker]
) -> None:
    ours, reference = workers
    rpc = f"{ours.endpoint},{reference.endpoint}"
    done = _ask(
        str(layered.path), "Say hello.", "--json", "--rpc", rpc, "--gpu-layers", "all", "--threads", "1"
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["answer"] == layered.script.answer_text
    layers = {e["endpoint"]: e["layers"] for e in payload["offload"]}
    assert layers[ours.endpoint] >= 1 and layers[reference.endpoint] >= 1
    assert sum(layers.values()) == LAYERS + 1


def test_ponder_ask_names_an_unreachable_worker_in_one_line(layered: ScriptedModel) -> None:
    nobody = f"127.0.0.1:{free_port()}"
    done = _ask(str(layered.path), "Say hello.", "--rpc", nobody, "--threads", "1")
    assert done.returncode == 1 and not done.stdout
    assert done.stderr == f"ponder: Cannot reach the computer at {nobody} (connection refused).\n"
