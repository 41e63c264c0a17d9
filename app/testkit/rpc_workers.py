"""RPC workers on 127.0.0.1 for tests and benchmarks: ``ponder worker`` and llama.cpp's own
``rpc-server`` (built from the vendored sources by ``scripts/bootstrap.py tools``).

A worker is ready when its port is in the LISTEN state (read from the OS): connecting to
find out would count as a client in the worker's own log.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from app.testkit.llama_server import _cache_dir, free_port

__all__ = ["RpcWorker", "find_rpc_server", "free_port"]

TOOLS_ENV = "PONDER_LLAMA_TOOLS"
ACCEPTED = "Accepted client connection"  # what ggml's server prints for every client


def find_rpc_server() -> Path | None:
    """llama.cpp's rpc-server: in $PONDER_LLAMA_TOOLS, else in the build cache (newest first)."""
    exe = "rpc-server.exe" if os.name == "nt" else "rpc-server"
    folder = os.environ.get(TOOLS_ENV)
    candidates = [Path(folder) / exe] if folder else []
    candidates += sorted(
        (_cache_dir() / "tools").glob(f"*/{exe}"), key=lambda p: p.stat().st_mtime, reverse=True
    )
    return next((c for c in candidates if c.is_file() and os.access(c, os.X_OK)), None)


class RpcWorker:
    """One worker process on 127.0.0.1; ``kind`` "ponder" or "rpc-server"."""

    def __init__(self, kind: str = "ponder", *, port: int | None = None, threads: int = 1) -> None:
        self.kind = kind
        self.port = port or free_port()
        self.threads = threads
        self.process: subprocess.Popen[bytes] | None = None
        fd, name = tempfile.mkstemp(prefix=f"ponder-{kind}-", suffix=".log")
        os.close(fd)
        self.log_path = Path(name)

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        port, threads = str(self.port), str(self.threads)
        if self.kind == "ponder":
            return [sys.executable, "-m", "app", "worker", "--port", port, "--threads", threads]
        binary = find_rpc_server()
        if binary is None:
            raise FileNotFoundError("llama.cpp's rpc-server is not built (scripts/bootstrap.py tools)")
        return [str(binary), "--host", "127.0.0.1", "--port", port, "--threads", threads]

    def start(self, timeout: float = 90.0) -> RpcWorker:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while not self.listening():
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} ended: {self.output()}")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"{self.kind} did not listen on {self.endpoint}")
            time.sleep(0.05)
        return self

    def listening(self) -> bool:
        if self.process is None:
            return False
        with contextlib.suppress(psutil.Error):
            for conn in psutil.Process(self.process.pid).net_connections(kind="tcp"):
                if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == self.port:
                    return True
        return False

    def output(self) -> str:
        try:
            return self.log_path.read_text("utf-8", errors="replace")
        except OSError:
            return ""

    @property
    def clients(self) -> int:
        """How many connections the worker accepted so far."""
        return self.output().count(ACCEPTED)

    def pause(self) -> None:
        """Stop the process without closing its sockets: a worker that hangs."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # SIGKILL also ends a paused process
            self.process.wait(10)
        with contextlib.suppress(OSError):
            self.log_path.unlink()

    def __enter__(self) -> RpcWorker:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
