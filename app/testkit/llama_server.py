"""llama.cpp's own ``llama-server``, started on loopback for tests and benchmarks.

The binary comes from ``scripts/bootstrap.py tools`` (built from the llama.cpp inside the
llama-cpp-python sdist and cached): ``$PONDER_LLAMA_TOOLS`` names its folder, else the build
cache is searched. A server is a context manager that always stops its process.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

__all__ = ["LlamaServer", "find_llama_server", "free_port"]


def _cache_dir() -> Path:
    base = (
        os.environ.get("PONDER_BUILD_CACHE")
        or os.environ.get("XDG_CACHE_HOME")
        or str(Path.home() / ".cache")
    )
    return Path(base) / "ponder-build"


def find_llama_server() -> Path | None:
    """The llama-server binary, or None when the tools were not built."""
    exe = "llama-server.exe" if os.name == "nt" else "llama-server"
    folder = os.environ.get("PONDER_LLAMA_TOOLS")
    candidates = [Path(folder) / exe] if folder else []
    candidates += sorted(
        (_cache_dir() / "tools").glob(f"*/{exe}"), key=lambda p: p.stat().st_mtime, reverse=True
    )
    return next((c for c in candidates if c.is_file() and os.access(c, os.X_OK)), None)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LlamaServer:
    """``llama-server -m MODEL`` on 127.0.0.1 and a free port, one slot, CPU only."""

    def __init__(
        self,
        binary: Path,
        model: Path,
        *,
        ctx: int = 2048,
        api_key: str | None = None,
        threads: int = 2,
        extra: tuple[str, ...] = (),
    ) -> None:
        self.binary = binary
        self.model = model
        self.port = free_port()
        self.api_key = api_key
        self.args = [
            str(binary),
            "-m",
            str(model),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "-c",
            str(ctx),
            "-np",
            "1",
            "-t",
            str(threads),
            "-ngl",
            "0",
            "--no-webui",
            *(["--api-key", api_key] if api_key else []),
            *extra,
        ]
        self.process: subprocess.Popen[bytes] | None = None
        self._log = tempfile.NamedTemporaryFile(prefix="llama-server-", suffix=".log", delete=False)  # noqa: SIM115

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> LlamaServer:
        self.process = subprocess.Popen(
            self.args, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama-server exited ({self.process.returncode}):\n{self.log_tail()}")
            if self._healthy():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"llama-server did not become ready in {timeout:.0f} s:\n{self.log_tail()}")

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/health", timeout=1) as response:
                return bool(json.loads(response.read()).get("status") == "ok")
        except (OSError, ValueError, urllib.error.URLError):
            return False

    def kill(self) -> None:
        """Kill the server at once, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._log.close()

    def log_tail(self, lines: int = 20) -> str:
        self._log.flush()
        try:
            text = Path(self._log.name).read_text("utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def close(self) -> None:
        self.stop()
        with contextlib.suppress(OSError):
            os.unlink(self._log.name)

    def __enter__(self) -> LlamaServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
