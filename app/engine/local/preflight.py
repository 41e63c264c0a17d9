"""Checks before llama.cpp sees a model: is the file whole, does it fit, how many GPU layers,
which context and KV cache type, and whether the context needs YaRN.

Runs in the engine process (it asks llama.cpp whether this build can offload,
and hardware probes such as nvidia-smi must not block the GUI thread).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.core.gguf.header import GGUFError, GGUFHeader
from app.core.gguf.model import read_model
from app.core.models.fit import (
    AUTO_CONTEXT_FLOOR,
    KV_AUTO,
    ModelShape,
    Verdict,
    choose_context,
    max_context,
    yarn_factor,
)
from app.core.models.hardware import Hardware, detect_hardware
from app.engine.local.llama_session import gpu_offload_supported
from app.engine.local.rpc import RpcError, probe_worker, remote_devices


class PreflightError(ValueError):
    """The model cannot be loaded here; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Preflight:
    path: str  # the file llama.cpp opens (the first part of a split model)
    gpu_layers: int
    fit_message: str
    n_ctx: int  # 0: llama.cpp's own default (no figures to choose from)
    kv_cache: str  # "f16", "q8_0" or "q4_0"
    native_context: int  # the length the model was trained for (0: unknown)
    max_context: int  # the longest context offered for this model (YaRN included)
    largest_fitting_context: int  # the longest that fits this machine (0: unknown)
    yarn_factor: float | None  # set when Ponder turns YaRN on; None: no scaling or the file's own


def preflight(
    path: str,
    n_ctx: int,
    gpu_layers: int | str,
    *,
    kv_cache: str = KV_AUTO,
    allow_oversize: bool = False,
    rpc_servers: tuple[str, ...] = (),
) -> Preflight:
    """``n_ctx`` 0 is Auto; ``kv_cache`` "auto" picks f16 or, when that would not fit, q8_0.
    ``rpc_servers``: workers whose memory counts too (each is asked; one that fails is named)."""
    try:
        model = read_model(path)
    except GGUFError as exc:
        raise PreflightError(str(exc)) from exc
    try:
        remote = remote_devices([probe_worker(e) for e in rpc_servers])
    except RpcError as exc:
        raise PreflightError(str(exc)) from exc  # the cause names the worker (EngineError.lost)
    local_gpu = gpu_offload_supported()
    offload = local_gpu or bool(remote)
    header = model.header
    native = header.context_length or 0
    try:
        shape = ModelShape.from_header(model)
    except ValueError:
        # An architecture whose header lacks the figures: no estimate, let llama.cpp decide.
        kv = "f16" if kv_cache == KV_AUTO else kv_cache
        size = n_ctx if n_ctx > 0 else min(native or AUTO_CONTEXT_FLOOR, AUTO_CONTEXT_FLOOR)
        return Preflight(
            str(model.path), _layers(gpu_layers, -1 if offload else 0), "", size, kv,
            native, max_context(native) if native else 0, 0, _yarn(header, size, native),
        )  # fmt: skip
    hardware = replace(detect_hardware(gpu_offload=local_gpu), remote=remote)
    choice = choose_context(shape, model.file_size, hardware, n_ctx=n_ctx, kv_cache=kv_cache)
    if choice.fit.verdict is Verdict.TOO_BIG and not allow_oversize:
        raise PreflightError(f"{choice.fit.message} Choose a smaller quant or a shorter context.")
    longest = max_context(native or choice.n_ctx)
    largest = choose_context(shape, model.file_size, hardware, n_ctx=longest, kv_cache="q4_0")
    fitting = longest if largest.fit.fits else _largest_fitting(shape, model.file_size, hardware, longest)
    return Preflight(
        str(model.path),
        _layers(gpu_layers, choice.fit.gpu_layers if offload else 0),
        choice.fit.message,
        choice.n_ctx,
        choice.kv_cache,
        native,
        longest,
        fitting,
        _yarn(header, choice.n_ctx, native),
    )


def _largest_fitting(shape: ModelShape, weights: int, hardware: Hardware, longest: int) -> int:
    """The longest power-of-two context (a q4_0 cache, the smallest) this machine holds."""
    size = 1 << (longest.bit_length() - 1)
    while size >= 2048:
        if choose_context(shape, weights, hardware, n_ctx=size, kv_cache="q4_0").fit.fits:
            return size
        size //= 2
    return 0


def _yarn(header: GGUFHeader, n_ctx: int, native: int) -> float | None:
    """Ponder turns YaRN on past the native length, unless the file brings its own scaling."""
    arch = header.architecture
    if arch and header.get(f"{arch}.rope.scaling.type") not in (None, "none"):
        return None
    return yarn_factor(n_ctx, native)


def _layers(requested: int | str, auto: int) -> int:
    return auto if requested == "auto" else int(requested)
