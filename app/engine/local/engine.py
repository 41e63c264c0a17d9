"""The local engine: llama.cpp in a child process of its own.

Starts the process, sends requests, and turns everything that comes back —
including the process dying — into events (see :class:`app.engine.base.Engine`).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from app.core.gguf.check import GGUFCheckError, check_gguf_file
from app.engine.base import Engine, EngineFailure, EngineInfo
from app.engine.local import worker
from app.engine.local.rpc import lost_message, lost_workers
from app.engine.protocol import (
    EngineError,
    Event,
    GenerateRequest,
    LoadRequest,
    ShutdownRequest,
    UnloadRequest,
)

__all__ = ["EngineFailure", "LocalEngine"]


class LocalEngine(Engine):
    """llama.cpp in a spawned child process; a crash of the child becomes an event."""

    def __init__(self, on_event: Callable[[Event], None] | None = None, *, background: bool = False) -> None:
        """``background``: run llama.cpp below the caller's CPU priority, so that a window in
        front of it stays smooth while it uses every core."""
        super().__init__(on_event)
        self.background = background
        self._ctx = mp.get_context("spawn")
        self._process: mp.process.BaseProcess | None = None
        self._conn: mp.connection.Connection | None = None
        self._reader: threading.Thread | None = None
        # Stop: every request numbered up to this one is cancelled (requests are numbered as
        # they are sent). A number, not an on/off flag, so that nothing sent later (a load
        # right after Stop) can undo a Stop, and a Stop can never reach a later request.
        self._stopped = self._ctx.Value("q", 0, lock=False)
        self._sent = 0
        self._answer_flag = self._ctx.Value("b", 0, lock=False)  # Answer now, for the reply running
        self._log_path: str | None = None
        self._send_lock = threading.Lock()
        self._closing = False
        self._next_request = 0
        self._rpc_servers: tuple[str, ...] = ()  # the workers of the last load

    # -- lifecycle --------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        if self.alive:
            return
        fd, self._log_path = tempfile.mkstemp(prefix="ponder-engine-", suffix=".log")
        os.close(fd)
        parent, child = self._ctx.Pipe(duplex=True)
        self._answer_flag.value = 0
        self._process = self._ctx.Process(
            target=worker.main,
            args=(child, self._answer_flag, self._stopped, self._log_path, self.background),
            name="ponder-engine",
            daemon=True,
        )
        self._process.start()
        child.close()  # so that recv() sees EOF when the process dies
        self._conn = parent
        self._closing = False
        self.busy = False
        self.loaded = None
        self._reader = threading.Thread(target=self._read_loop, name="engine-reader", daemon=True)
        self._reader.start()

    def close(self, timeout: float = 5.0) -> None:
        """Stop the engine process; safe to call twice and after a crash."""
        self._closing = True
        self.cancel()
        if self._process is not None and self._process.is_alive():
            with contextlib.suppress(OSError, ValueError):
                self._send(ShutdownRequest())
            self._process.join(timeout)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(timeout)
        if self._reader is not None:
            self._reader.join(timeout)
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = self._reader = None
        if self._log_path:
            with contextlib.suppress(OSError):
                os.unlink(self._log_path)
            self._log_path = None

    def restart(self) -> None:
        self.close()
        self.start()

    def kill(self) -> None:
        """Hard-kill the process (tests and "force stop")."""
        if self._process is not None and self._process.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._process.pid, signal.SIGKILL)

    # -- requests ---------------------------------------------------------
    def load(self, request: LoadRequest) -> None:
        """Ask for a model; a file that is plainly not a model fails here, at once."""
        try:
            check_gguf_file(Path(request.path))
        except GGUFCheckError as exc:
            self._dispatch(EngineError("load", str(exc)))
            return
        if self.busy:
            self.cancel()  # a new model ends the reply that runs (the window's model switch)
        self.start()
        self.loaded = None
        self._rpc_servers = request.rpc_servers
        self._send(request)

    def generate(self, request: GenerateRequest) -> int:
        """Start a reply; returns its request id (events carry it)."""
        if not self.alive:
            self._dispatch(EngineError("crash", "The engine is not running. Reload the model.", 0))
            return 0
        if self.busy:
            self._dispatch(EngineError("busy", "A reply is still being generated.", request.request_id))
            return 0
        self._next_request += 1
        rid = self._next_request
        self._answer_flag.value = 0
        self.busy = True
        self._send(replace(request, request_id=rid), rid)
        return rid

    def answer_now(self) -> None:
        # A Stop asked for as well wins: the worker looks at Stop first.
        self._answer_flag.value = worker.ANSWER_NOW

    def cancel(self) -> None:
        """Stop the current reply (or load) after the token being computed; a prompt being
        evaluated stops within a step of llama.cpp's work."""
        self._stopped.value = self._sent

    def unload(self) -> None:
        if self.alive:
            self._send(UnloadRequest())

    def describe(self) -> EngineInfo:
        loaded = self.loaded
        if loaded is None:
            return EngineInfo("local")
        info = loaded.info
        backends = info.get("backends") or ()
        return EngineInfo(
            "local",
            backends=tuple(str(b) for b in backends) if isinstance(backends, list | tuple) else (),
            gpu_offload=bool(info.get("gpu_offload_supported")),
            model=loaded.path,
            thinking_support=loaded.thinking_support,
            details=dict(info),
        )

    def _send(self, request: object, request_id: int = 0) -> None:
        """Send a request, numbered; a process that died unseen becomes a crash event."""
        if self._conn is None:
            raise RuntimeError("engine not started")
        with self._send_lock:
            self._sent += 1
            try:
                self._conn.send((self._sent, request))
            except (OSError, ValueError):  # the child is gone, the reader has not told yet
                if not self._closing:
                    self._dispatch(
                        EngineError("crash", "The engine is not running. Reload the model.", request_id)
                    )

    # -- events -----------------------------------------------------------
    def _read_loop(self) -> None:
        conn, process = self._conn, self._process
        assert conn is not None and process is not None
        while True:
            try:
                event = conn.recv()
            except (EOFError, OSError):
                break
            self._dispatch(event)
        process.join(2.0)
        if not self._closing:
            self.loaded = None
            self._dispatch(self._crash(process.exitcode))

    def _crash(self, exitcode: int | None) -> EngineError:
        """The crash in words; a worker that went away is named (ggml aborts when one does)."""
        tail = self._log_tail()
        lost = lost_workers(self._log_tail(40, errors_only=False), self._rpc_servers)
        message = lost_message(lost) if lost else _crash_message(exitcode)
        return EngineError("crash", message, detail=tail, lost=lost)

    def _log_tail(self, max_lines: int = 8, *, errors_only: bool = True) -> str:
        if not self._log_path:
            return ""
        try:
            lines = Path(self._log_path).read_text("utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        if not errors_only:
            return "\n".join(lines[-max_lines:])
        picked = [ln for ln in lines if "GGML_ASSERT" in ln or "error" in ln.lower() or "abort" in ln.lower()]
        return "\n".join((picked or lines)[-max_lines:])


def _crash_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if name == "SIGKILL":
            return "The engine was killed (out of memory, or stopped by the system)."
        if name == "SIGABRT":
            return "The engine aborted inside llama.cpp (the model file may be damaged or unsupported)."
        return f"The engine crashed ({name})."
    return f"The engine stopped unexpectedly (exit code {exitcode})."
