"""The parts of the RPC support that need no model: addresses, the probe's failures, naming
a lost worker, the socket guard's timeouts and the offload report, on real loopback sockets."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest

from app.engine.local.offload import describe_offload, offload_report, spread_note
from app.engine.local.rpc import (
    RemoteDevice,
    RpcError,
    WorkerInfo,
    lost_message,
    lost_workers,
    parse_endpoint,
    parse_endpoints,
    probe_worker,
    remote_devices,
)
from app.engine.local.rpc_devices import Device
from app.engine.local.rpc_guard import KEEPALIVE_S, RpcGuard, harden, stall_message
from app.testkit.rpc_workers import free_port

GIB = 1024**3


@pytest.fixture
def silent() -> Iterator[socket.socket]:
    """A listening socket that accepts (through its backlog) and never answers."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server


def endpoint_of(server: socket.socket) -> str:
    return f"127.0.0.1:{server.getsockname()[1]}"


def test_addresses_are_normalised_and_bad_ones_refused_in_words() -> None:
    assert parse_endpoints(" 10.0.0.2:50052, gpu-box , 10.0.0.2:50052") == ("10.0.0.2:50052", "gpu-box:50052")
    assert parse_endpoints(["a:1", "b:2"]) == ("a:1", "b:2")
    assert parse_endpoint("host:7") == ("host", 7)
    for bad, words in (
        ("::1:50052", "HOST:PORT"),
        ("host:port", "must be a number"),
        ("host:70000", "between 1 and 65535"),
        (":50052", "HOST:PORT"),
    ):
        with pytest.raises(ValueError, match=words):
            parse_endpoints(bad)


def test_nothing_listening_is_named() -> None:
    nobody = f"127.0.0.1:{free_port()}"
    with pytest.raises(RpcError) as caught:
        probe_worker(nobody, timeout=2)
    assert str(caught.value) == f"Cannot reach the computer at {nobody} (connection refused)."
    assert caught.value.endpoint == nobody


def test_a_worker_that_does_not_answer_times_out(silent: socket.socket) -> None:
    where = endpoint_of(silent)
    started = time.monotonic()
    with pytest.raises(RpcError, match=r"accepted the connection but did not answer within 0\.5 s"):
        probe_worker(where, timeout=0.5)
    assert time.monotonic() - started < 3


def test_a_worker_of_another_protocol_version_is_refused_in_words(silent: socket.socket) -> None:
    """An older Ponder's worker (protocol 6) answers HELLO with its version; no double of the
    version can be run here, so a socket answers as one would."""

    def answer() -> None:
        conn, _ = silent.accept()
        with conn:
            conn.recv(1 + 8 + 24)
            conn.sendall(struct.pack("<Q", 28) + bytes([6, 1, 0, 0]) + bytes(24))
            conn.recv(1)

    thread = threading.Thread(target=answer)
    thread.start()
    with pytest.raises(RpcError, match=r"speaks RPC protocol 6\.1, this Ponder speaks 7\.x"):
        probe_worker(endpoint_of(silent), timeout=5)
    thread.join(5)


def test_a_cpu_worker_lends_three_quarters_of_its_ram() -> None:
    """ggml's CPU device says all of the RAM is free; the fit counts a share of it."""
    cpu = WorkerInfo("a:1", (7, 0, 0), (RemoteDevice("a:1", 0, 16 * GIB, 16 * GIB),))
    gpu = WorkerInfo("b:1", (7, 0, 0), (RemoteDevice("b:1", 0, 10 * GIB, 24 * GIB),))
    first, second = remote_devices([cpu, gpu])
    assert (first.name, first.vram_free, first.vram_total, first.backend) == (
        "a:1",
        12 * GIB,
        16 * GIB,
        "rpc",
    )
    assert (second.vram_free, second.vram_total) == (10 * GIB, 24 * GIB)


def test_the_lost_worker_is_the_one_the_log_names_or_the_one_that_is_gone(silent: socket.socket) -> None:
    alive, gone = endpoint_of(silent), f"127.0.0.1:{free_port()}"
    named = stall_message(alive, 12)
    assert lost_workers(named, (alive, gone)) == (alive,)
    abort = "ggml-rpc.cpp:566: Remote RPC server crashed or returned malformed response"
    assert lost_workers(abort, (alive, gone)) == (gone,)
    assert lost_workers(abort, (alive,)) == (alive,)  # ggml lost one and does not say which
    assert lost_workers("GGML_ASSERT(n_tokens > 0) failed", (alive,)) == ()  # not a worker's doing
    assert lost_workers(abort, ()) == ()
    assert lost_message((alive,)) == f"The computer at {alive} stopped answering."
    assert lost_message(("a:1", "b:2", "c:3")) == "The computers at a:1, b:2 and c:3 stopped answering."


def test_harden_sets_keepalive_and_a_user_timeout(silent: socket.socket) -> None:
    with socket.create_connection(silent.getsockname()) as sock:
        harden(sock)
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        if hasattr(socket, "TCP_KEEPIDLE"):
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == KEEPALIVE_S
        if hasattr(socket, "TCP_USER_TIMEOUT"):
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT) == 30_000


@pytest.mark.skipif(not hasattr(socket, "TCP_INFO"), reason="the stall watch reads Linux's TCP_INFO")
def test_the_guard_finds_a_request_left_unanswered(silent: socket.socket) -> None:
    stalls: list[tuple[str, float]] = []
    guard = RpcGuard(stall_s=0.3, interval=0.05, on_stall=lambda e, s: stalls.append((e, s)))
    where = endpoint_of(silent)
    guard.watch((where,))
    try:
        with socket.create_connection(silent.getsockname()) as sock:
            peer, _ = silent.accept()
            with peer:
                sock.sendall(b"hello")  # a first exchange, answered, as HELLO is
                peer.recv(64)
                peer.sendall(b"hello")
                sock.recv(64)
                time.sleep(0.05)
                guard.busy = True
                sock.sendall(b"request")
                time.sleep(0.6)
                found = guard.check_once()
                assert found is not None and found[0] == where and found[1] >= 0.3
                assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1  # hardened too
                guard.busy = False  # between requests a wait does not count
                assert guard.check_once() is None
                guard.busy = True
                peer.recv(64)
                peer.sendall(b"answer")
                sock.recv(64)
                assert guard.check_once() is None  # answered: nothing waits
    finally:
        guard.stop()
    assert stalls and stalls[0][0] == where  # the guard's own thread saw it too


def test_the_offload_report_reads_llama_cpps_lines() -> None:
    devices = [
        Device("RPC0", "10.0.0.2:50052", 0, 0, 0, 1),
        Device("RPC1", "10.0.0.3:50052", 0, 0, 0, 2),
    ]
    lines = [
        "load_tensors: layer   0 assigned to device CPU, is_swa = 0",
        "load_tensors: layer   1 assigned to device RPC0, is_swa = 0",
        "load_tensors: layer   2 assigned to device RPC1, is_swa = 0",
        "load_tensors: layer   3 assigned to device RPC1, is_swa = 0",
        "load_tensors:   CPU_Mapped model buffer size =   100.50 MiB",
        "load_tensors: RPC0[10.0.0.2:50052] model buffer size =   900.00 MiB",
        "load_tensors: RPC0[10.0.0.3:50052] model buffer size =  1800.00 MiB",
        "llama_kv_cache: RPC0[10.0.0.2:50052] KV buffer size =    64.00 MiB",
        "llama_kv_cache: RPC0[10.0.0.3:50052] KV buffer size =   128.00 MiB",
        "sched_reserve:        CPU compute buffer size =    12.00 MiB",
    ]
    report = offload_report(lines, devices)
    assert [(e["device"], e["endpoint"], e["layers"]) for e in report] == [
        ("RPC0", "10.0.0.2:50052", 1),
        ("RPC1", "10.0.0.3:50052", 2),
        ("CPU", None, 1),
    ]
    assert (report[1]["weights_mib"], report[1]["kv_mib"]) == (1800.0, 128.0)
    assert (report[2]["weights_mib"], report[2]["compute_mib"]) == (100.5, 12.0)
    assert describe_offload(report).startswith("1 layer on 10.0.0.2:50052 (1.0 GB), 2 layers on 10.0.0.3")
    assert spread_note({"offload": report}).startswith("The model is spread over other computers: ")
    assert spread_note({"offload": offload_report(lines[:1])}) == ""  # all here: nothing to say


def test_the_offload_report_knows_a_local_gpu_without_workers() -> None:
    lines = [
        "load_tensors: layer   0 assigned to device CUDA0, is_swa = 0",
        "load_tensors: layer   1 assigned to device CUDA0, is_swa = 0",
        "load_tensors:        CUDA0 model buffer size =   500.00 MiB",
        "load_tensors:   CPU_Mapped model buffer size =    50.00 MiB",
        "llama_kv_cache:      CUDA0 KV buffer size =    32.00 MiB",
    ]
    report = offload_report(lines)
    assert [(e["device"], e["layers"], e["weights_mib"]) for e in report] == [
        ("CUDA0", 2, 500.0),
        ("CPU", 0, 50.0),
    ]
