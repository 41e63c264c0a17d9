"""The engine process: receives requests on a pipe, runs llama.cpp, sends events.

llama.cpp may abort this whole process (a malformed GGUF trips a GGML_ASSERT,
the OS kills it for memory). That is why it is a process of its own: the app
sees the pipe close and reports a crash, and nothing of the app is lost.
"""

from __future__ import annotations

import os
import sys
import time
from multiprocessing.connection import Connection
from typing import Any

from app.engine.protocol import (
    EngineError,
    Event,
    GenerateRequest,
    LoadProgress,
    LoadRequest,
    ModelLoaded,
    ShutdownRequest,
    TextDelta,
    Unloaded,
    UnloadRequest,
)

# The shared flag the app sets while a reply runs (0: carry on).
ANSWER_NOW = 2  # end the reasoning cleanly now and answer

# Deltas are sent at most this often (the window repaints every 40 ms anyway); everything
# else goes out at once. Each send wakes the app, which on a small CPU steals time from
# llama.cpp's threads: measured with benchmarks/bench_engine.py, 10 ms cost SmolLM2 ~3%.
_COALESCE_S = 0.03


class Emitter:
    """Sends events, merging text deltas of one kind that arrive within ``_COALESCE_S``."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._pending: TextDelta | None = None
        self._last_send = 0.0
        self._clock = time.perf_counter

    def __call__(self, event: Event) -> None:
        if isinstance(event, TextDelta):
            pending = self._pending
            if pending is not None and pending.kind == event.kind:
                self._pending = TextDelta(
                    event.kind, pending.text + event.text, event.thinking_tokens, event.request_id
                )
            else:
                self.flush()
                self._pending = event
                if not self._last_send:  # the very first token goes out at once (TTFT)
                    self.flush()
                    return
            if self._clock() - self._last_send >= _COALESCE_S:
                self.flush()
            return
        self.flush()
        self._conn.send(event)
        # Any other event starts a new phase (a reply, a cut): its first text goes out at once.
        self._last_send = 0.0

    def flush(self) -> None:
        if self._pending is not None:
            self._conn.send(self._pending)
            self._pending = None
            self._last_send = self._clock()


def _redirect_stderr(log_path: str | None) -> None:
    """Send native stderr (where GGML_ASSERT prints) to a file the app can read."""
    if not log_path:
        return
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115 - lives as long as the process


def main(
    conn: Connection, answer_flag: Any, stopped: Any, log_path: str | None = None, background: bool = False
) -> None:
    """Serve ``(number, request)`` pairs from ``conn``; a request is cancelled once
    ``stopped.value`` reaches its number, and ``answer_flag`` asks for the answer now.
    ``background``: below the window's CPU priority (see :mod:`app.core.priority`)."""
    # On an abort ggml would attach gdb to print a backtrace: slow, and nobody reads it.
    os.environ.setdefault("GGML_NO_BACKTRACE", "1")
    _redirect_stderr(log_path)
    if background:
        from app.core.priority import run_in_background

        run_in_background()
    from app.core.chat.prompt import thinking_support
    from app.engine.local.generation import ReplyGenerator
    from app.engine.local.llama_session import LlamaSession, LoadError, LoadSettings
    from app.engine.local.preflight import PreflightError, preflight
    from app.engine.local.rpc import RpcError
    from app.engine.local.rpc_guard import RpcGuard

    session: LlamaSession | None = None
    generator: ReplyGenerator | None = None
    emit = Emitter(conn)
    guard = RpcGuard()  # timeouts for the sockets to RPC workers, once there are any

    current = 0  # the number of the request being served

    def cancelled() -> bool:
        return bool(stopped.value >= current)

    def answer_now() -> bool:
        """True once after the app asked for the answer now (the flag is consumed)."""
        if answer_flag.value == ANSWER_NOW:
            answer_flag.value = 0
            return True
        return False

    while True:
        guard.busy = False
        try:
            current, request = conn.recv()
        except (EOFError, OSError):
            break
        guard.busy = True
        if isinstance(request, ShutdownRequest):
            break
        if isinstance(request, LoadRequest):
            if session is not None:
                session.close()
                session = generator = None
            last = [-1.0]

            def progress(fraction: float, last: list[float] = last) -> bool:
                if fraction - last[0] >= 0.02 or fraction >= 1.0:
                    last[0] = fraction
                    emit(LoadProgress(fraction))
                return not cancelled()

            t0 = time.perf_counter()
            try:
                checked = preflight(
                    request.path,
                    request.n_ctx,
                    request.n_gpu_layers,
                    kv_cache=request.kv_cache,
                    allow_oversize=request.allow_oversize,
                    rpc_servers=request.rpc_servers,
                )
                settings = LoadSettings(
                    n_ctx=checked.n_ctx,
                    n_gpu_layers=checked.gpu_layers,
                    n_threads=request.n_threads,
                    flash_attn=request.flash_attn,
                    use_mmap=request.use_mmap,
                    kv_cache=checked.kv_cache,
                    yarn_factor=checked.yarn_factor,
                    yarn_orig_ctx=checked.native_context,
                    rpc_servers=request.rpc_servers,
                )
                guard.watch(request.rpc_servers)
                session = LlamaSession(checked.path, settings, progress)
            except (LoadError, PreflightError) as exc:
                cause = exc.__cause__  # a worker that could not be used: the app offers to go on without it
                lost = (cause.endpoint,) if isinstance(cause, RpcError) else ()
                emit(EngineError("load", str(exc), lost=lost))
                continue
            except Exception as exc:  # a surprise: say what it was, and serve the next request
                emit(EngineError("load", f"Loading failed unexpectedly ({type(exc).__name__}: {exc})."))
                continue
            session.set_stop(cancelled)
            template = session.meta("tokenizer.chat_template")
            support = thinking_support(template)
            generator = ReplyGenerator(session, template, support)
            info = {
                **session.describe(),
                "fit": checked.fit_message,
                "native_context": checked.native_context,
                "max_context": checked.max_context,
                "largest_fitting_context": checked.largest_fitting_context,
                # What this engine can do mid-reply (a chat-only server can do neither).
                "can_continue": True,
                "can_answer_now": True,
            }
            emit(ModelLoaded(request.path, info, support.value, time.perf_counter() - t0))
        elif isinstance(request, GenerateRequest):
            if generator is None:
                emit(EngineError("generate", "No model is loaded.", request.request_id))
                continue
            try:
                generator.run(request, emit, cancelled, answer_now)
            except Exception as exc:  # report, keep the engine alive for the next request
                emit(EngineError("generate", f"Generation failed: {exc}", request.request_id))
            emit.flush()
        elif isinstance(request, UnloadRequest):
            if session is not None:
                session.close()
                session = generator = None
            emit(Unloaded())
    if session is not None:
        session.close()
    guard.stop()
