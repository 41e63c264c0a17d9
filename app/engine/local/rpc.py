"""Other computers' memory through llama.cpp's RPC backend: addresses, and a probe that asks a
worker what it has, in Python, with a timeout on every step.

ggml's own client has no timeouts and aborts the whole process when a worker cannot be
reached, so nothing hands an address to ggml before this probe has talked to it. The probe
speaks the first messages of ggml's RPC protocol (version 7: HELLO, DEVICE_COUNT,
GET_DEVICE_MEMORY; each request is a command byte, a little-endian u64 size and the payload,
each answer a u64 size and the payload). A worker serves one client at a time, so a worker
that accepts the connection but does not answer is most likely serving another Ponder.
"""

from __future__ import annotations

import re
import socket
import struct
from dataclasses import dataclass

from app.core.models.hardware import GPUInfo

__all__ = [
    "DEFAULT_PORT",
    "PROTOCOL_MAJOR",
    "SECURITY_WARNING",
    "RemoteDevice",
    "RpcError",
    "WorkerInfo",
    "format_endpoint",
    "lan_address",
    "lost_message",
    "lost_workers",
    "parse_endpoint",
    "parse_endpoints",
    "probe_worker",
    "reachable",
    "remote_devices",
]

SECURITY_WARNING = (
    "Warning: the RPC protocol has no authentication and no encryption. Anyone who can reach "
    "{endpoint} can use this computer's memory and processors and see what they compute. "
    "Share it on a trusted network only."
)
DEFAULT_PORT = 50052  # llama.cpp's rpc-server's default
PROTOCOL_MAJOR = 7  # RPC_PROTO_MAJOR_VERSION of the ggml-rpc.h vendored with llama-cpp-python 0.3.36
_CMD_GET_DEVICE_MEMORY = 11
_CMD_HELLO = 14
_CMD_DEVICE_COUNT = 15
_CAPS_SIZE = 24  # RPC_CONN_CAPS_SIZE: transport capabilities; all zero asks for plain TCP


class RpcError(ConnectionError):
    """A worker could not be used; the message names it and says why, in one line."""

    def __init__(self, endpoint: str, message: str) -> None:
        super().__init__(message)
        self.endpoint = endpoint


@dataclass(frozen=True, slots=True)
class RemoteDevice:
    endpoint: str  # host:port
    index: int  # the device's number on that worker
    free: int  # bytes
    total: int


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    endpoint: str
    version: tuple[int, int, int]
    devices: tuple[RemoteDevice, ...]

    @property
    def free(self) -> int:
        return sum(d.free for d in self.devices)


def parse_endpoint(text: str) -> tuple[str, int]:
    """``host:port`` (or a bare host, on the default port); ValueError in words otherwise.

    ggml resolves names with IPv4 only, so an IPv6 literal is refused here."""
    value = text.strip()
    host, sep, port_text = value.rpartition(":")
    if not sep:
        host, port_text = value, str(DEFAULT_PORT)
    if not host or ":" in host or any(c.isspace() for c in host):
        raise ValueError(f"{value!r} is not an address of the form HOST:PORT")
    try:
        port = int(port_text)
    except ValueError:
        raise ValueError(f"{value!r}: the port must be a number") from None
    if not 0 < port < 65536:
        raise ValueError(f"{value!r}: the port must be between 1 and 65535")
    return host, port


def format_endpoint(host: str, port: int) -> str:
    return f"{host}:{port}"


def parse_endpoints(text: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Comma-separated addresses (or a list of them), normalised, duplicates dropped, in order."""
    items = text.split(",") if isinstance(text, str) else list(text)
    found: list[str] = []
    for item in items:
        if item.strip():
            endpoint = format_endpoint(*parse_endpoint(item))
            if endpoint not in found:
                found.append(endpoint)
    return tuple(found)


def reachable(endpoint: str, timeout: float = 2.0) -> bool:
    """Whether anything accepts a TCP connection there (a worker busy with another client still
    does: its listening socket queues the connection)."""
    host, port = parse_endpoint(endpoint)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def probe_worker(endpoint: str, timeout: float = 5.0) -> WorkerInfo:
    """Connect, check the protocol version and read every device's memory; RpcError otherwise.

    ``timeout`` bounds each step (the connection, then every answer)."""
    host, port = parse_endpoint(endpoint)
    where = format_endpoint(host, port)
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except TimeoutError:
        raise RpcError(where, f"The computer at {where} did not answer within {timeout:g} s.") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise RpcError(where, f"Cannot reach the computer at {where} ({reason.lower()}).") from None
    with sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            hello = _call(sock, _CMD_HELLO, bytes(_CAPS_SIZE), 4 + _CAPS_SIZE)
            version = (hello[0], hello[1], hello[2])
            if version[0] != PROTOCOL_MAJOR:
                raise RpcError(
                    where,
                    f"The worker at {where} speaks RPC protocol {version[0]}.{version[1]}, this Ponder "
                    f"speaks {PROTOCOL_MAJOR}.x: install the same Ponder version on both computers.",
                )
            (count,) = struct.unpack("<I", _call(sock, _CMD_DEVICE_COUNT, b"", 4))
            devices = []
            for index in range(count):
                answer = _call(sock, _CMD_GET_DEVICE_MEMORY, struct.pack("<I", index), 16)
                free, total = struct.unpack("<QQ", answer)
                devices.append(RemoteDevice(where, index, free, total))
        except TimeoutError:
            raise RpcError(
                where,
                f"The computer at {where} accepted the connection but did not answer within {timeout:g} s "
                "(it may be serving another Ponder).",
            ) from None
        except (OSError, _Malformed) as exc:
            raise RpcError(where, f"The computer at {where} is not a Ponder worker ({exc}).") from None
    return WorkerInfo(where, version, tuple(devices))


class _Malformed(Exception):
    pass


def _call(sock: socket.socket, command: int, payload: bytes, answer_size: int) -> bytes:
    sock.sendall(struct.pack("<BQ", command, len(payload)) + payload)
    (size,) = struct.unpack("<Q", _read(sock, 8))
    if size != answer_size:
        raise _Malformed(f"an answer of {size} bytes where {answer_size} were expected")
    return _read(sock, answer_size)


def _read(sock: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise _Malformed("the connection closed")
        data += chunk
    return bytes(data)


# ggml's CPU device reports all of the RAM as free (it cannot tell what other programs use);
# such a worker is counted with this share of it, as the fit does for unknown free RAM.
CPU_WORKER_SHARE = 0.75


def remote_devices(workers: list[WorkerInfo] | tuple[WorkerInfo, ...]) -> tuple[GPUInfo, ...]:
    """The workers' devices as the fit estimate counts them, each named by its worker."""
    found = []
    for worker in workers:
        for d in worker.devices:
            free = int(d.total * CPU_WORKER_SHARE) if d.free >= d.total else d.free
            found.append(GPUInfo(name=worker.endpoint, vram_total=d.total, vram_free=free, backend="rpc"))
    return tuple(found)


# What ggml and the guard (app.engine.local.rpc_guard) write when a worker goes away.
_RPC_LOG = re.compile(r"RPC server|ggml-rpc|ponder-rpc|Failed to connect to|handshake failed", re.IGNORECASE)


def lost_workers(log: str, endpoints: tuple[str, ...], timeout: float = 2.0) -> tuple[str, ...]:
    """The workers an engine crash is due to: those its log names, else those that no longer
    accept a connection; () when the crash does not look like a lost worker."""
    named = tuple(e for e in endpoints if e in log)
    if named:
        return named
    if not endpoints:
        return ()
    gone = tuple(e for e in endpoints if not reachable(e, timeout))
    if gone or not _RPC_LOG.search(log):
        return gone
    return endpoints  # ggml lost one and does not say which: every one is suspect


def lost_message(lost: tuple[str, ...]) -> str:
    if len(lost) == 1:
        return f"The computer at {lost[0]} stopped answering."
    return f"The computers at {', '.join(lost[:-1])} and {lost[-1]} stopped answering."


def lan_address() -> str | None:
    """This computer's address on its network (a UDP socket's route; nothing is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks the outgoing interface
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") else address
