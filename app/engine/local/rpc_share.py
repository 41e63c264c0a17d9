"""Sharing this computer from the window: ``ponder worker`` as a child process, started and
stopped on request, its output kept in a file for when it fails.

A process of its own because ggml's server never returns and serves one client at a time;
the window's process must stay free of it (and of llama.cpp).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from app.engine.local.rpc import DEFAULT_PORT, format_endpoint, lan_address

__all__ = ["ShareProcess", "worker_command"]


def worker_command(host: str, port: int) -> list[str]:
    """How to run ``ponder worker`` from this very installation (a bundle runs itself)."""
    args = ["worker", "--host", host, "--port", str(port)]
    if getattr(sys, "frozen", False):
        return [sys.executable, *args]
    return [sys.executable, "-m", "app", *args]


class ShareProcess:
    """One ``ponder worker`` at a time."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._log_path: str | None = None
        self.host = "127.0.0.1"
        self.port = DEFAULT_PORT

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def exit_code(self) -> int | None:
        return self._process.poll() if self._process is not None else None

    @property
    def address(self) -> str:
        """What to type on the other computer."""
        host = (lan_address() or self.host) if self.host == "0.0.0.0" else self.host
        return format_endpoint(host, self.port)

    def start(self, host: str, port: int) -> None:
        self.stop()
        self.host, self.port = host, port
        fd, self._log_path = tempfile.mkstemp(prefix="ponder-worker-", suffix=".log")
        with os.fdopen(fd, "wb") as log:
            self._process = subprocess.Popen(
                worker_command(host, port), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )

    def output(self, max_lines: int = 20) -> str:
        if not self._log_path:
            return ""
        try:
            lines = Path(self._log_path).read_text("utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-max_lines:])

    def failure(self) -> str:
        """Why the worker ended by itself, in one line ("" while it runs or when stopped)."""
        lines = [ln for ln in self.output().splitlines() if ln.startswith("ponder:")]
        return lines[-1].removeprefix("ponder:").strip() if lines else "the worker stopped"

    def stop(self, timeout: float = 3.0) -> None:
        """End the worker (it exits at once on SIGTERM) and forget its output."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        if self._log_path:
            with contextlib.suppress(OSError):
                os.unlink(self._log_path)
            self._log_path = None
