"""``ponder worker``: this computer's memory and processors for other Ponders, served by ggml's
RPC server from the llama.cpp libraries Ponder bundles (no separate llama.cpp to install).

The server takes the GPUs when the build has any, else the CPU, as llama.cpp's rpc-server
does. It serves one client at a time, forever, inside a C call; the call runs on a thread
of its own so that Ctrl+C and SIGTERM can end the process.
"""

from __future__ import annotations

import contextlib
import ctypes
import ipaddress
import os
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from app.core.units import human_size
from app.engine.local.llama_session import _ggml, default_threads
from app.engine.local.rpc import SECURITY_WARNING, lan_address

__all__ = ["ServedDevice", "WorkerError", "banner", "serve"]

_TYPE_CPU, _TYPE_ACCEL = 0, 3  # enum ggml_backend_dev_type


class WorkerError(RuntimeError):
    """The worker cannot start; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class ServedDevice:
    name: str
    description: str
    free: int
    total: int


def resolve_host(host: str) -> str:
    """ggml binds an IPv4 address given as digits: names are resolved here."""
    try:
        return str(ipaddress.IPv4Address(host))
    except ValueError:
        pass
    try:
        return socket.gethostbyname(host)
    except OSError:
        raise WorkerError(f"{host!r} is not an IPv4 address or a name of this computer") from None


def check_port(host: str, port: int) -> None:
    """Fail in words before ggml would, silently, when the address cannot be listened on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as ggml does
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise WorkerError(
                f"cannot listen on {host}:{port} ({(exc.strerror or str(exc)).lower()})"
            ) from None


def _devices(lib: ctypes.CDLL) -> list[tuple[int, ServedDevice]]:
    """The GPUs, or the CPU when there is none (llama.cpp's rpc-server's choice)."""
    vp, sz = ctypes.c_void_p, ctypes.c_size_t
    lib.ggml_backend_dev_name.restype = ctypes.c_char_p
    lib.ggml_backend_dev_name.argtypes = [vp]
    lib.ggml_backend_dev_description.restype = ctypes.c_char_p
    lib.ggml_backend_dev_description.argtypes = [vp]
    lib.ggml_backend_dev_memory.restype = None
    lib.ggml_backend_dev_memory.argtypes = [vp, ctypes.POINTER(sz), ctypes.POINTER(sz)]
    every = [lib.ggml_backend_dev_get(i) for i in range(lib.ggml_backend_dev_count())]
    chosen = [d for d in every if lib.ggml_backend_dev_type(d) not in (_TYPE_CPU, _TYPE_ACCEL)]
    chosen = chosen or [d for d in every if lib.ggml_backend_dev_type(d) == _TYPE_CPU][:1]
    found = []
    for dev in chosen:
        free, total = ctypes.c_size_t(0), ctypes.c_size_t(0)
        lib.ggml_backend_dev_memory(dev, ctypes.byref(free), ctypes.byref(total))
        name = (lib.ggml_backend_dev_name(dev) or b"").decode()
        description = (lib.ggml_backend_dev_description(dev) or b"").decode(errors="replace")
        found.append((dev, ServedDevice(name, description, int(free.value), int(total.value))))
    return found


def _start_server(lib: ctypes.CDLL) -> Callable[..., None]:
    vp = ctypes.c_void_p
    lib.ggml_backend_reg_by_name.restype = vp
    lib.ggml_backend_reg_by_name.argtypes = [ctypes.c_char_p]
    lib.ggml_backend_reg_get_proc_address.restype = vp
    lib.ggml_backend_reg_get_proc_address.argtypes = [vp, ctypes.c_char_p]
    reg = lib.ggml_backend_reg_by_name(b"RPC")
    address = lib.ggml_backend_reg_get_proc_address(reg, b"ggml_backend_rpc_start_server") if reg else None
    if not address:
        raise WorkerError("this llama.cpp build has no RPC backend (build it with -DGGML_RPC=ON)")
    # void ggml_backend_rpc_start_server(endpoint, cache_dir, n_threads, n_devices, devices)
    prototype = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.POINTER(vp)
    )
    function: Callable[..., None] = prototype(address)
    return function


def serve(
    host: str, port: int, out: TextIO, *, threads: int | None = None, cache_dir: str | None = None
) -> int:
    """Serve until Ctrl+C or SIGTERM. Raises WorkerError before serving; once serving, ends
    the process itself (the server's thread cannot be stopped, only left)."""
    address = resolve_host(host)
    check_port(address, port)
    lib = _ggml()
    start = _start_server(lib)
    devices = _devices(lib)
    if not devices:
        raise WorkerError("ggml found no device to serve")
    endpoint = f"{address}:{port}"
    out.write(banner(address, port, [d for _, d in devices]))
    out.flush()
    handles = (ctypes.c_void_p * len(devices))(*(dev for dev, _ in devices))
    cache = cache_dir.encode() if cache_dir else None
    n_threads = threads or default_threads()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    server = threading.Thread(
        target=start, args=(endpoint.encode(), cache, n_threads, len(devices), handles), daemon=True
    )
    server.start()
    while not stop.wait(0.2) and server.is_alive():
        pass
    code = 0 if stop.is_set() else 1  # the server returned by itself: it could not listen
    out.write("Ponder worker stopped.\n" if code == 0 else f"ponder: the worker could not serve {endpoint}\n")
    with contextlib.suppress(OSError, ValueError):
        out.flush()
    os._exit(code)


def banner(address: str, port: int, devices: list[ServedDevice]) -> str:
    """What ``ponder worker`` says when it starts: where, what, and a plain warning when other
    computers can reach it."""
    endpoint = f"{address}:{port}"
    lines = [f"Ponder worker: sharing this computer at {endpoint}"]
    lines += [f"  {d.name} ({d.description}): {human_size(d.total, unit='GB')}" for d in devices]
    if ipaddress.IPv4Address(address).is_loopback:
        lines.append("Only programs on this computer can reach it (use --host to share it on a network).")
    else:
        lines.append(SECURITY_WARNING.format(endpoint=endpoint))
        lines.append(
            f"On the other computer: ponder ask MODEL PROMPT --rpc {_reachable_address(address)}:{port}"
        )
    lines.append("Press Ctrl+C to stop.")
    return "\n".join(lines) + "\n"


def _reachable_address(bound: str) -> str:
    """The address other computers type: this computer's on the network when bound to all."""
    if bound != "0.0.0.0":
        return bound
    return lan_address() or "THIS-COMPUTER"
