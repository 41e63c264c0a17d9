"""What this llama.cpp build can do (GPU offload, compute backends), asked in a child process.

llama.cpp never loads into the app's own process (it can abort it, and loading it costs
time the window and ``ponder models`` need not pay), so the question goes to a spawned
child, which works the same from source and in a frozen bundle. The engine process asks
llama.cpp directly (see :mod:`app.engine.local.preflight`).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
from dataclasses import dataclass
from multiprocessing.connection import Connection

from app.core.models.hardware import Hardware

__all__ = ["README_GPU", "UNKNOWN", "Capabilities", "gpu_advice", "probe_capabilities"]

README_GPU = 'the README, section "GPU builds"'


@dataclass(frozen=True, slots=True)
class Capabilities:
    gpu_offload: bool | None  # None: llama.cpp could not be asked
    backends: tuple[str, ...]  # e.g. ("CUDA", "CPU"); empty when unknown


UNKNOWN = Capabilities(None, ())


def probe_capabilities(timeout: float = 30.0) -> Capabilities:
    """Ask a spawned child process; UNKNOWN when it fails or does not answer within ``timeout``."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_answer, args=(child,), name="ponder-probe", daemon=True)
    try:
        proc.start()
        child.close()  # so that a child that dies is seen as EOF
        answer = parent.recv() if parent.poll(timeout) else None
    except (OSError, EOFError):
        answer = None
    finally:
        child.close()
        parent.close()
        proc.join(1)
        if proc.is_alive():
            proc.kill()
            proc.join(1)
    return answer if isinstance(answer, Capabilities) else UNKNOWN


def _answer(conn: Connection) -> None:  # the child
    # The parent's stdout may carry JSON; whatever llama.cpp prints while loading stays out of it.
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
    try:
        from app.engine.local.llama_session import backend_names, gpu_offload_supported

        conn.send(Capabilities(gpu_offload_supported(), tuple(backend_names())))
    except Exception:  # a broken build: the parent reports "unknown"
        conn.send(UNKNOWN)
    finally:
        conn.close()


def gpu_advice(hw: Hardware, offload: bool | None) -> str | None:
    """How to get GPU offload when this build cannot do it (or could not be asked); None when it can."""
    if offload:
        return None
    unknown = "" if offload is False else "Could not ask llama.cpp whether it can use a GPU. "
    gpu = hw.best_gpu or (hw.gpus[0] if hw.gpus else None)
    if gpu is None:
        return (
            f"{unknown}This llama.cpp build runs on the CPU only (no GPU found). For a GPU build, "
            f"reinstall llama-cpp-python with CMAKE_ARGS; see {README_GPU}."
        )
    flag = {"cuda": "-DGGML_CUDA=on", "metal": "-DGGML_METAL=on"}.get(gpu.backend, "-DGGML_VULKAN=on")
    return (
        f"{unknown}This llama.cpp build cannot offload to the GPU ({gpu.name}), so models run on the CPU. "
        f'Rebuild it with CMAKE_ARGS="{flag}"; see {README_GPU}.'
    )
