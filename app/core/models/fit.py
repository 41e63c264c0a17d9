"""Will this model run here? Memory estimates, GPU layer counts and a recommendation.

The estimate, in bytes, for a model file of ``W`` bytes at a context of ``n_ctx`` tokens:

* weights: ``W`` (llama.cpp maps the file as it is; the quant is already in the size);
* KV cache: ``2 * n_layers * n_kv_heads * head_dim * n_ctx * 2`` (keys and values, f16);
* runtime: ``100 MiB + 512 * n_embd * 4 * 12`` in RAM -- the engine process (Python,
  llama.cpp's libraries) and the f32 activations of one 512-token batch, the part of
  llama.cpp's compute buffer a CPU really writes. Measured on Qwen3-0.6B's shape
  (``benchmarks/bench_long_context.py``): 124 MiB beside weights and cache at 4K, 129 MiB
  at 128K, f16 and q8_0 alike -- flash attention keeps the attention's scratch off the
  context length, so no term grows with it;
* on a GPU, the whole compute buffer llama.cpp reserves for a 512-token batch instead:
  ``300 MiB`` (mostly the logits, 151,936 x 512 f32 for Qwen3's vocabulary) plus the same
  activations. A device allocates it whole; the CPU only touches the rows it computes.

Layers are offloaded to a GPU whole: one layer is about ``W / (n_layers + 1)`` (the
embeddings and output head count as one more layer) plus its share of the KV cache.
Only a share of the free memory is planned for (``HEADROOM``), so other programs, the
display and allocator slack have room.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from app.core.gguf.header import GGUFHeader
from app.core.gguf.model import GGUFModel
from app.core.models.catalog import Catalog, CatalogModel, QuantFiles, Thinking
from app.core.models.hardware import Hardware
from app.core.units import human_size

__all__ = [
    "DEVICE_COMPUTE",
    "HEADROOM",
    "RUNTIME",
    "Fit",
    "MemoryEstimate",
    "ModelShape",
    "Recommendation",
    "Verdict",
    "auto_gpu_layers",
    "check_fit",
    "compute_bytes",
    "estimate_memory",
    "kv_cache_bytes",
    "rank_catalog",
    "recommend",
]

MIB = 1024 * 1024
GIB = 1024 * MIB
RUNTIME = 100 * MIB  # the engine process: Python and llama.cpp's libraries
BATCH_ACTIVATION_BYTES = 512 * 4 * 12  # per embedding dim: a 512-token batch's f32 activations
DEVICE_COMPUTE = 300 * MIB  # a GPU's reserved compute buffer (logits for a whole batch)
KV_BYTES_F16 = 2
HEADROOM = 0.9  # plan for at most 90% of the free memory
# A recommended model leaves the rest of the machine usable: what it needs in RAM stays
# under this share of the total (a model that merely fits is still offered, not recommended).
RECOMMEND_RAM_SHARE = 0.7
# On the CPU, decoding reads the active weights once per token; above this many bytes
# (about 2-5 tokens/s on a desktop's memory bandwidth) a model is too slow to recommend.
CPU_ACTIVE_LIMIT = 4 * GIB
RECOMMEND_CONTEXT = 8192
GOOD_QUANT = "Q4_K_M"
# Below this a model's answers are much worse: a slow model is shown as slow, never degraded
# to a smaller file (Q2_K) to run faster.
LOWEST_SUGGESTED_QUANT = "Q3_K_M"


@dataclass(frozen=True, slots=True)
class ModelShape:
    """The architecture figures the estimate needs."""

    n_layers: int
    n_kv_heads: int
    head_dim: int
    n_embd: int
    n_params: int
    active_params: int | None = None  # MoE: parameters used per token
    context_length: int | None = None
    name: str = ""

    @property
    def active_fraction(self) -> float:
        if not self.active_params or not self.n_params:
            return 1.0
        return min(1.0, self.active_params / self.n_params)

    @classmethod
    def from_catalog(cls, model: CatalogModel) -> ModelShape:
        return cls(
            n_layers=model.n_layers,
            n_kv_heads=model.n_kv_heads,
            head_dim=model.head_dim,
            n_embd=model.n_embd,
            n_params=model.params,
            active_params=model.active_params,
            context_length=model.native_context,
            name=model.name,
        )

    @classmethod
    def from_header(cls, source: GGUFHeader | GGUFModel) -> ModelShape:
        """Figures from a GGUF file. Raises ValueError when the file lacks them."""
        header = source.header if isinstance(source, GGUFModel) else source
        n_params = source.n_params if isinstance(source, GGUFModel) else header.n_elements
        missing = [
            k
            for k, v in (
                ("block_count", header.block_count),
                ("head_count_kv", header.head_count_kv),
                ("embedding_length", header.embedding_length),
                ("head_dim", header.head_dim),
            )
            if not v
        ]
        if missing:
            raise ValueError(f"{header.path.name} does not say its {', '.join(missing)}")
        active = None
        count, used = header.expert_count, header.expert_used_count
        if count and used and n_params:
            experts = source.expert_params if isinstance(source, GGUFModel) else header.expert_elements
            # Attention, embeddings and the router run for every token, `used` of the experts;
            # with expert tensors under names this reader does not know, the plain share.
            active = n_params - experts + experts * used // count if experts else n_params * used // count
        return cls(
            n_layers=header.block_count or 0,
            n_kv_heads=header.head_count_kv or 0,
            head_dim=header.head_dim or 0,
            n_embd=header.embedding_length or 0,
            n_params=n_params,
            active_params=active,
            context_length=header.context_length,
            name=header.name or header.path.stem,
        )


@dataclass(frozen=True, slots=True)
class MemoryEstimate:
    weights: int
    kv_cache: int
    compute: int  # in RAM: the engine process and a batch's activations
    n_ctx: int
    n_layers: int
    device_compute: int = 0  # on a GPU: the compute buffer llama.cpp reserves there

    @property
    def total(self) -> int:
        """Bytes of RAM when the model runs on the CPU."""
        return self.weights + self.kv_cache + self.compute

    @property
    def device_total(self) -> int:
        """Bytes of GPU memory when the whole model is offloaded."""
        return self.weights + self.kv_cache + self.device_compute

    @property
    def layer_weights(self) -> int:
        """Weights of one offloadable layer (embeddings and output count as one more)."""
        return self.weights // (self.n_layers + 1)

    @property
    def layer_kv(self) -> int:
        return self.kv_cache // self.n_layers if self.n_layers else 0


# Bytes per cached key or value element for each KV cache type llama.cpp offers here:
# f16, and the 32-element blocks of q8_0 (32 bytes + an f16 scale) and q4_0 (16 + 2).
KV_CACHE_TYPES: dict[str, float] = {"f16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32}
KV_AUTO = "auto"


def kv_bytes_per_elem(kv_cache: str) -> float:
    try:
        return KV_CACHE_TYPES[kv_cache]
    except KeyError:
        raise ValueError(f"unknown KV cache type {kv_cache!r} (f16, q8_0 or q4_0)") from None


def kv_cache_bytes(shape: ModelShape, n_ctx: int, bytes_per_elem: float = KV_BYTES_F16) -> int:
    return int(2 * shape.n_layers * shape.n_kv_heads * shape.head_dim * n_ctx * bytes_per_elem)


def compute_bytes(shape: ModelShape) -> int:
    """RAM beside the weights and the cache: the process and one batch's activations."""
    return RUNTIME + shape.n_embd * BATCH_ACTIVATION_BYTES


def device_compute_bytes(shape: ModelShape) -> int:
    """GPU memory beside the offloaded weights and cache: llama.cpp's compute buffer."""
    return DEVICE_COMPUTE + shape.n_embd * BATCH_ACTIVATION_BYTES


def estimate_memory(
    shape: ModelShape, weights_bytes: int, n_ctx: int, *, kv_bytes_per_elem: float = KV_BYTES_F16
) -> MemoryEstimate:
    return MemoryEstimate(
        weights=weights_bytes,
        kv_cache=kv_cache_bytes(shape, n_ctx, kv_bytes_per_elem),
        compute=compute_bytes(shape),
        n_ctx=n_ctx,
        n_layers=shape.n_layers,
        device_compute=device_compute_bytes(shape),
    )


def auto_gpu_layers(
    free_vram: int, layer_bytes: int, kv_layer_bytes: int, overhead: int, *, n_layers: int | None = None
) -> int:
    """The most whole layers that fit in ``free_vram`` next to ``overhead`` (compute buffers)."""
    per_layer = layer_bytes + kv_layer_bytes
    room = free_vram - overhead
    if room <= 0 or per_layer <= 0:
        return 0
    count = room // per_layer
    return int(min(count, n_layers) if n_layers is not None else count)


class Verdict(StrEnum):
    GPU = "gpu"  # everything in GPU memory
    PARTIAL = "partial"  # some layers on the GPU, the rest in RAM
    CPU = "cpu"  # in RAM, on the CPU
    TOO_BIG = "too_big"


@dataclass(frozen=True, slots=True)
class Fit:
    verdict: Verdict
    estimate: MemoryEstimate
    gpu_layers: int  # for llama.cpp's n_gpu_layers: -1 all, 0 none
    message: str
    ram_needed: int
    vram_needed: int
    cpu_active_bytes: int  # weights the CPU reads per generated token
    remote: int = 0  # other computers (RPC workers) the offloaded layers are spread over

    @property
    def fits(self) -> bool:
        return self.verdict is not Verdict.TOO_BIG

    @property
    def badge(self) -> str:
        """A few words for a badge or a table cell: GPU, partial GPU with layers, CPU, too big."""
        if self.verdict is Verdict.GPU:
            return f"Spread over {self.remote + 1} computers" if self.remote else "GPU"
        if self.verdict is Verdict.PARTIAL:
            if self.remote:
                return f"{self.gpu_layers}/{self.estimate.n_layers} layers on {_computers(self.remote)}"
            return f"Partial GPU {self.gpu_layers}/{self.estimate.n_layers} layers"
        if self.verdict is Verdict.CPU:
            return "CPU, slow on this computer" if self.cpu_active_bytes > CPU_ACTIVE_LIMIT else "CPU"
        return "Too big"


_gb = functools.partial(human_size, unit="GB")  # one unit, so a message's figures compare at a glance


def check_fit(
    shape: ModelShape,
    weights_bytes: int,
    n_ctx: int,
    hardware: Hardware,
    *,
    headroom: float = HEADROOM,
    kv_cache: str = "f16",
) -> Fit:
    """Where a model file of ``weights_bytes`` with context ``n_ctx`` can run on ``hardware``."""
    est = estimate_memory(shape, weights_bytes, n_ctx, kv_bytes_per_elem=kv_bytes_per_elem(kv_cache))
    total = est.total
    ram = hardware.ram_available
    if ram is None:
        ram = int((hardware.ram_total or 0) * 0.75)
    ram_budget = int(ram * headroom)
    vram_budget = int(hardware.vram_free * headroom)
    frac = shape.active_fraction

    remote = hardware.remote_computers
    if vram_budget and est.device_total <= vram_budget:
        where = _offload_place(hardware)
        return Fit(
            Verdict.GPU, est, -1,
            f"Fits in {where}: needs {_gb(est.device_total)} of {_gb(hardware.vram_free)} free.",
            ram_needed=0, vram_needed=est.device_total, cpu_active_bytes=0, remote=remote,
        )  # fmt: skip
    if vram_budget and not hardware.unified_memory:
        layers = auto_gpu_layers(
            vram_budget, est.layer_weights, est.layer_kv, est.device_compute, n_layers=shape.n_layers
        )
        if layers > 0:
            on_gpu = layers * (est.layer_weights + est.layer_kv) + est.device_compute
            cpu_weights = est.weights - layers * est.layer_weights
            ram_needed = cpu_weights + (shape.n_layers - layers) * est.layer_kv + est.compute
            if ram_needed <= ram_budget:
                where = f"in {_offload_place(hardware)}" if remote else "on the GPU"
                return Fit(
                    Verdict.PARTIAL, est, layers,
                    f"Fits with {layers} of {shape.n_layers} layers {where} "
                    f"({_gb(on_gpu)}) and the rest in RAM ({_gb(ram_needed)}).",
                    ram_needed=ram_needed, vram_needed=on_gpu, cpu_active_bytes=int(cpu_weights * frac),
                    remote=remote,
                )  # fmt: skip
    if total <= ram_budget:
        return Fit(
            Verdict.CPU, est, 0,
            f"Runs on the CPU: needs {_gb(total)} of {_gb(ram)} free RAM.",
            ram_needed=total, vram_needed=0, cpu_active_bytes=int(est.weights * frac),
        )  # fmt: skip
    room = max(ram, hardware.vram_free)
    return Fit(
        Verdict.TOO_BIG, est, 0,
        f"Too big: needs about {_gb(total)} with a {n_ctx}-token context; "
        f"this machine has {_gb(room)} free.",
        ram_needed=total, vram_needed=0, cpu_active_bytes=int(est.weights * frac),
    )  # fmt: skip


def _computers(n: int) -> str:
    return "1 other computer" if n == 1 else f"{n} other computers"


def _offload_place(hardware: Hardware) -> str:
    """Where offloaded layers go, in words: "GPU memory", "2 other computers' memory"..."""
    if not hardware.remote:
        return "shared memory" if hardware.unified_memory else "GPU memory"
    n = hardware.remote_computers
    others = "1 other computer's" if n == 1 else f"{n} other computers'"
    return f"the GPU's and {others} memory" if hardware.local_vram_free else f"{others} memory"


@dataclass(frozen=True, slots=True)
class Recommendation:
    model: CatalogModel
    quant: QuantFiles
    fit: Fit

    @property
    def spec(self) -> str:
        return f"{self.model.id}:{self.quant.quant.lower()}"

    @property
    def reason(self) -> str:
        return f"{self.model.name} {self.quant.quant}: {self.fit.message}"


def _effective_params(model: CatalogModel) -> float:
    """Dense-equivalent size: an MoE counts as the geometric mean of its total and active
    parameters (a common rule of thumb: Qwen3-30B-A3B ~ a 10B dense model)."""
    if model.active_params:
        return math.sqrt(model.params * model.active_params)
    return float(model.params)


_TIER = {Verdict.GPU: 2, Verdict.PARTIAL: 1, Verdict.CPU: 0}


def rank_catalog(
    hardware: Hardware,
    catalog: Catalog,
    *,
    n_ctx: int = RECOMMEND_CONTEXT,
    thinking: Iterable[Thinking] = ("hybrid",),
) -> list[Recommendation]:
    """Every (model, quant) that runs acceptably here, best first.

    Best means: a quant of Q4_K_M or better, then the biggest model, then the most of
    it on the GPU, then the higher quant when it all sits on the GPU, or the lighter one
    (less for the CPU to read per token) when it does not. Anything that would leave the CPU reading more
    than ``CPU_ACTIVE_LIMIT`` bytes per token is left out as too slow, and so is any quant below
    ``LOWEST_SUGGESTED_QUANT``: a model too slow at Q3_K_M is not offered at Q2_K.
    """
    good = catalog.quant_rank(GOOD_QUANT)
    lowest = catalog.quant_rank(LOWEST_SUGGESTED_QUANT)
    scored = []
    for model in catalog.with_thinking(*thinking):
        shape = ModelShape.from_catalog(model)
        for files in model.quants.values():
            if catalog.quant_rank(files.quant) < lowest:
                continue
            fit = check_fit(shape, files.size, n_ctx, hardware)
            if not fit.fits or fit.cpu_active_bytes > CPU_ACTIVE_LIMIT:
                continue
            if hardware.ram_total and fit.ram_needed > hardware.ram_total * RECOMMEND_RAM_SHARE:
                continue
            rank = catalog.quant_rank(files.quant)
            # Wholly on the GPU, the better quant wins; otherwise the lighter one (speed).
            last = rank if fit.verdict is Verdict.GPU else -fit.cpu_active_bytes
            key = (rank >= good, _effective_params(model), _TIER[fit.verdict], last)
            scored.append((key, Recommendation(model, files, fit)))
    scored.sort(key=lambda item: item[0], reverse=True)
    return [rec for _, rec in scored]


def recommend(
    hardware: Hardware,
    catalog: Catalog,
    *,
    n_ctx: int = RECOMMEND_CONTEXT,
    thinking: Iterable[Thinking] = ("hybrid",),
) -> Recommendation | None:
    """The best hybrid-thinking Qwen3 model and quant for this machine, or None if none fits."""
    ranked = rank_catalog(hardware, catalog, n_ctx=n_ctx, thinking=thinking)
    return ranked[0] if ranked else None


# ---- the context a model is loaded with ------------------------------------------------------
# Qwen3 reasons for up to 32,768 tokens on hard questions: Auto aims for that much room.
REASONING_CONTEXT = 32768
AUTO_CONTEXT_FLOOR = 8192
# Static YaRN stretches a model's native context at most 4x (Qwen3: 32,768 -> 131,072).
YARN_MAX_FACTOR = 4
YARN_MAX_CONTEXT = 131072


@dataclass(frozen=True, slots=True)
class ContextChoice:
    """The context and KV cache type a model loads with, and how it fits."""

    n_ctx: int
    kv_cache: str
    fit: Fit


def max_context(native: int) -> int:
    """The longest context offered for a model: its native one, or up to 4x that with YaRN
    (capped at 131,072, Qwen's documented maximum; models natively longer keep their own)."""
    return max(native, min(native * YARN_MAX_FACTOR, YARN_MAX_CONTEXT))


def yarn_factor(n_ctx: int, native: int) -> float | None:
    """YaRN's scale factor for a context past the native one, else None."""
    return n_ctx / native if native and n_ctx > native else None


def _context_steps(native: int) -> list[int]:
    steps = [native]
    n = 1 << (max(native - 1, 1)).bit_length()  # the power of two at or above native
    while n > 2048:
        n //= 2
        if n < native:
            steps.append(n)
    return steps


def choose_context(
    shape: ModelShape,
    weights_bytes: int,
    hardware: Hardware,
    *,
    n_ctx: int = 0,
    kv_cache: str = KV_AUTO,
    headroom: float = HEADROOM,
) -> ContextChoice:
    """The context (``n_ctx`` 0: Auto) and KV cache type (``auto``: f16, else q8_0 when f16
    would not fit) a model loads with.

    Auto takes the largest context that fits beside the weights, from the model's native
    length down in powers of two: at least 32,768 (or the native length) whenever memory
    allows, never below 8,192 when that fits. It never goes past the native length: static
    YaRN slightly hurts short prompts, so only a context the user asks for turns it on.
    """
    native = shape.context_length or AUTO_CONTEXT_FLOOR
    kinds = ["f16", "q8_0"] if kv_cache == KV_AUTO else [kv_cache]
    steps = [n_ctx] if n_ctx > 0 else _context_steps(native)
    last: ContextChoice | None = None
    for size in steps:
        for kind in kinds:
            fit = check_fit(shape, weights_bytes, size, hardware, headroom=headroom, kv_cache=kind)
            last = ContextChoice(size, kind, fit)
            if fit.fits:
                return last
    assert last is not None
    return last  # nothing fits: the smallest try, whose verdict says so
