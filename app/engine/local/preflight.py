"""Checks before llama.cpp sees a model: is the file whole, does it fit, how many GPU layers.

Runs in the engine process (it asks llama.cpp whether this build can offload,
and hardware probes such as nvidia-smi must not block the GUI thread).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.models.fit import ModelShape, Verdict, check_fit
from app.core.gguf.header import GGUFError
from app.core.gguf.model import read_model
from app.core.models.hardware import detect_hardware
from app.engine.local.llama_session import gpu_offload_supported


class PreflightError(ValueError):
    """The model cannot be loaded here; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Preflight:
    path: str  # the file llama.cpp opens (the first part of a split model)
    gpu_layers: int
    fit_message: str


def preflight(path: str, n_ctx: int, gpu_layers: int | str, *, allow_oversize: bool = False) -> Preflight:
    try:
        model = read_model(path)
    except GGUFError as exc:
        raise PreflightError(str(exc)) from exc
    offload = gpu_offload_supported()
    try:
        shape = ModelShape.from_header(model)
    except ValueError:
        # An architecture whose header lacks the figures: no estimate, let llama.cpp decide.
        return Preflight(str(model.path), _layers(gpu_layers, -1 if offload else 0), "")
    context = n_ctx if n_ctx > 0 else (shape.context_length or 4096)
    fit = check_fit(shape, model.file_size, context, detect_hardware(gpu_offload=offload))
    if fit.verdict is Verdict.TOO_BIG and not allow_oversize:
        raise PreflightError(f"{fit.message} Choose a smaller quant or a shorter context.")
    return Preflight(str(model.path), _layers(gpu_layers, fit.gpu_layers if offload else 0), fit.message)


def _layers(requested: int | str, auto: int) -> int:
    return auto if requested == "auto" else int(requested)
