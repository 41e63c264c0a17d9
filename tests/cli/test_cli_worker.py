"""``ponder worker``: ggml's RPC server from Ponder's own libraries, on 127.0.0.1 unless told."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from app.engine.local.rpc import probe_worker
from app.engine.local.rpc_worker import ServedDevice, banner, resolve_host
from app.testkit.rpc_workers import RpcWorker

CPU = ServedDevice("CPU", "AMD EPYC", 8 * 10**9, 16 * 10**9)


def test_on_this_computer_only_there_is_nothing_to_warn_about() -> None:
    text = banner("127.0.0.1", 50052, [CPU])
    assert text.splitlines() == [
        "Ponder worker: sharing this computer at 127.0.0.1:50052",
        "  CPU (AMD EPYC): 16.0 GB",
        "Only programs on this computer can reach it (use --host to share it on a network).",
        "Press Ctrl+C to stop.",
    ]


def test_on_a_network_it_says_plainly_that_nothing_is_protected() -> None:
    text = banner("0.0.0.0", 50052, [CPU])
    assert "the RPC protocol has no authentication and no encryption" in text
    assert "Share it on a trusted network only." in text
    assert "On the other computer: ponder ask MODEL PROMPT --rpc " in text


def test_names_are_resolved_for_ggml() -> None:
    assert resolve_host("localhost") == "127.0.0.1"
    assert resolve_host("127.0.0.1") == "127.0.0.1"


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_the_worker_serves_until_stopped(stop: signal.Signals) -> None:
    worker = RpcWorker("ponder").start()
    try:
        info = probe_worker(worker.endpoint)
        assert info.version[0] == 7 and info.devices and info.devices[0].total > 0
        assert worker.process is not None
        worker.process.send_signal(stop)
        assert worker.process.wait(20) == 0
        out = worker.output()
        assert out.startswith(f"Ponder worker: sharing this computer at {worker.endpoint}\n")
        assert "Only programs on this computer can reach it" in out
        assert "Accepted client connection" in out  # ggml's own server answered the probe
        assert out.rstrip().endswith("Ponder worker stopped.")
    finally:
        worker.stop()


def test_a_port_in_use_is_one_line() -> None:
    with RpcWorker("ponder") as taken:
        done = subprocess.run(
            [sys.executable, "-m", "app", "worker", "--port", str(taken.port)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 1 and not done.stdout
    assert done.stderr == f"ponder: cannot listen on 127.0.0.1:{taken.port} (address already in use)\n"
