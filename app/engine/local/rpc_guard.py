"""Timeouts for ggml's RPC client, kept from inside the engine process.

ggml's sockets to the workers block without limit: a worker whose computer vanishes (cable,
sleep, power) would leave a reply waiting forever. A thread here finds those sockets among
the process's open files (a TCP peer that is a worker) and

* turns on TCP keepalive and a user timeout, so the kernel ends a connection to a computer
  that stopped answering within about ``KEEPALIVE_S`` + 3 probes, ggml's wait fails, ggml
  aborts, and the app reports which worker went away;
* on Linux, while a load or a reply runs, reads how long each socket has waited for an
  answer (``TCP_INFO``); past ``stall_s`` it writes which worker stopped answering to the
  log and aborts. This catches a worker process that hangs while its computer is up (its
  kernel still answers keepalives).

A socket waits when data went out after the last data came in; between requests the last
message to every worker is an answer, or a buffer clear: hence the ``busy`` flag.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import struct
import sys
import threading
from collections.abc import Callable

from app.engine.local.rpc import parse_endpoint

__all__ = ["KEEPALIVE_S", "STALL_S", "RpcGuard", "harden", "stall_message"]

KEEPALIVE_S = 10  # idle seconds before the first keepalive probe (then every 5 s, 3 probes)
USER_TIMEOUT_S = 30  # data unacknowledged this long ends the connection
# No answer for this long during a load or a reply means the worker is stuck. Generous: one
# batch of a long prompt on a slow worker's CPU can take tens of seconds.
STALL_S = 120.0
_TCP_INFO_SIZE = 104
_LAST_DATA_SENT, _LAST_DATA_RECV = 44, 52  # byte offsets in Linux's struct tcp_info (ms ago)


def stall_message(endpoint: str, seconds: float) -> str:
    """The line the engine log gets; the app finds the address in it (app.engine.local.rpc)."""
    return f"ponder-rpc error: no answer from {endpoint} for {seconds:.0f} s"


def harden(sock: socket.socket) -> None:
    """Keepalive and a user timeout on a connected TCP socket (the options this OS has)."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    idle = getattr(socket, "TCP_KEEPIDLE", None) or getattr(socket, "TCP_KEEPALIVE", None)
    for option, value in (
        (idle, KEEPALIVE_S),
        (getattr(socket, "TCP_KEEPINTVL", None), 5),
        (getattr(socket, "TCP_KEEPCNT", None), 3),
        (getattr(socket, "TCP_USER_TIMEOUT", None), USER_TIMEOUT_S * 1000),
    ):
        if option is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, option, value)


def _stall_from_env() -> float:
    try:
        return float(os.environ.get("PONDER_RPC_STALL_S") or STALL_S)
    except ValueError:
        return STALL_S


def _abort(endpoint: str, seconds: float) -> None:
    with contextlib.suppress(OSError):
        sys.stderr.write(stall_message(endpoint, seconds) + "\n")
        sys.stderr.flush()
    os.abort()


class RpcGuard:
    """Watches the sockets to ``watch()``-ed workers from a thread of its own."""

    def __init__(
        self,
        *,
        stall_s: float | None = None,  # None: $PONDER_RPC_STALL_S, else STALL_S
        interval: float = 0.5,
        on_stall: Callable[[str, float], None] = _abort,
    ) -> None:
        self.stall_s = stall_s if stall_s is not None else _stall_from_env()
        self.interval = interval
        self.on_stall = on_stall
        self._peers: dict[tuple[str, int], str] = {}
        self._hardened: set[tuple[int, int]] = set()  # (fd, inode): a reused fd is a new socket
        # Set while a load or a reply runs: only then does an unanswered request count.
        self.busy = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, endpoints: tuple[str, ...]) -> None:
        """Watch these workers (and keep watching earlier ones: their sockets may live on)."""
        for endpoint in endpoints:
            host, port = parse_endpoint(endpoint)
            with contextlib.suppress(OSError):
                self._peers[(socket.gethostbyname(host), port)] = endpoint
        if self._peers and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="rpc-guard", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
            self._thread = None

    def check_once(self) -> tuple[str, float] | None:
        """Harden new sockets; the worker that has not answered for ``stall_s``, if any."""
        stalled = None
        for fd in _socket_fds():
            try:
                sock = socket.socket(fileno=os.dup(fd))
            except OSError:
                continue
            with sock:
                try:
                    peer = sock.getpeername()
                except OSError:
                    continue
                endpoint = self._peers.get(peer[:2]) if isinstance(peer, tuple) else None
                if endpoint is None:
                    continue
                key = (fd, os.fstat(sock.fileno()).st_ino)
                if key not in self._hardened:
                    harden(sock)
                    self._hardened.add(key)
                waited = _waiting_s(sock)
                if self.busy and waited is not None and waited > self.stall_s:
                    stalled = (endpoint, waited)
        return stalled

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            stalled = self.check_once()
            if stalled is not None:
                self.on_stall(*stalled)


def _socket_fds() -> list[int]:
    for folder in ("/proc/self/fd", "/dev/fd"):
        with contextlib.suppress(OSError):
            fds = [int(name) for name in os.listdir(folder) if name.isdigit()]
            break
    else:
        fds = list(range(3, 1024))
    found = []
    for fd in fds:
        with contextlib.suppress(OSError):
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                found.append(fd)
    return found


def _waiting_s(sock: socket.socket) -> float | None:
    """Seconds since a request went out with no data back since; None when not waiting (or
    this OS does not say)."""
    option = getattr(socket, "TCP_INFO", None)
    if option is None or not sys.platform.startswith("linux"):
        return None
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, option, _TCP_INFO_SIZE)
    except OSError:
        return None
    if len(info) < _LAST_DATA_RECV + 4:
        return None
    (sent_ago,) = struct.unpack_from("I", info, _LAST_DATA_SENT)
    (recv_ago,) = struct.unpack_from("I", info, _LAST_DATA_RECV)
    return sent_ago / 1000 if recv_ago > sent_ago else None
