"""Memory estimates, GPU layer counts and recommendations, against figures worked out by hand."""

from __future__ import annotations

from app.core.gguf.model import read_model
from app.core.models.catalog import load_catalog
from app.core.models.fit import (
    ModelShape,
    Verdict,
    auto_gpu_layers,
    check_fit,
    estimate_memory,
    rank_catalog,
    recommend,
)
from app.core.models.hardware import GPUInfo, Hardware
from app.testkit.scripted_model import ScriptedModel

MIB = 1024 * 1024
GIB = 1024 * MIB


def machine(ram_gib: float, vram_gib: float = 0, *, offload: bool = True, unified: bool = False) -> Hardware:
    gpus: tuple[GPUInfo, ...] = ()
    if vram_gib:
        vram = int(vram_gib * GIB)
        gpus = (GPUInfo("GPU", vram, vram, "metal" if unified else "cuda", unified),)
    ram = int(ram_gib * GIB)
    return Hardware(ram, ram, 8, 16, gpus, gpu_offload=offload)


def test_qwen3_8b_q4_k_m_by_hand() -> None:
    model = load_catalog().get("qwen3-8b")
    weights = model.quant("Q4_K_M").size
    assert weights == 5_030_000_000  # catalog figure (5.03 GB)
    shape = ModelShape.from_catalog(model)

    est = estimate_memory(shape, weights, 8192)
    # KV: 2 (K and V) * 36 layers * 8 KV heads * 128 head dim * 8192 tokens * 2 bytes (f16)
    #   = 2 * 36 = 72; * 8 = 576; * 128 = 73,728; * 8192 = 603,979,776; * 2 = 1,207,959,552
    assert est.kv_cache == 1_207_959_552
    # Runtime: 100 MiB (104,857,600) + 4096 * 512 * 4 * 12 (100,663,296) = 205,520,896
    assert est.compute == 205_520_896
    # Total: 5,030,000,000 + 1,207,959,552 + 205,520,896 = 6,443,480,448
    assert est.total == 6_443_480_448
    # On a GPU: 300 MiB (314,572,800) + 100,663,296 = 415,236,096 of compute buffer,
    # 5,030,000,000 + 1,207,959,552 + 415,236,096 = 6,653,195,648
    assert (est.device_compute, est.device_total) == (415_236_096, 6_653_195_648)

    est = estimate_memory(shape, weights, 32768)
    # KV at 32k is 4 times the 8k figure: 4 * 1,207,959,552 = 4,831,838,208
    assert est.kv_cache == 4_831_838_208
    # Runtime does not grow with the context (flash attention): still 205,520,896
    assert est.compute == 205_520_896
    # Total: 5,030,000,000 + 4,831,838,208 + 205,520,896 = 10,067,359,104
    assert est.total == 10_067_359_104


def test_qwen3_30b_a3b_q4_k_m_by_hand() -> None:
    model = load_catalog().get("qwen3-30b-a3b")
    weights = model.quant("Q4_K_M").size
    assert weights == 18_600_000_000  # 18.6 GB
    shape = ModelShape.from_catalog(model)

    est = estimate_memory(shape, weights, 8192)
    # KV: 2 * 48 layers * 4 KV heads * 128 * 8192 * 2
    #   = 96; * 4 = 384; * 128 = 49,152; * 8192 = 402,653,184; * 2 = 805,306,368
    assert est.kv_cache == 805_306_368
    # Runtime: 104,857,600 + 2048 * 512 * 4 * 12 (50,331,648) = 155,189,248
    assert est.compute == 155_189_248
    # Total: 18,600,000,000 + 805,306,368 + 155,189,248 = 19,560,495,616
    assert est.total == 19_560_495_616

    est = estimate_memory(shape, weights, 32768)
    # KV: 4 * 805,306,368 = 3,221,225,472; runtime unchanged: 155,189,248
    assert (est.kv_cache, est.compute) == (3_221_225_472, 155_189_248)
    # Total: 18,600,000,000 + 3,221,225,472 + 155,189,248 = 21,976,414,720
    assert est.total == 21_976_414_720
    # Per token the MoE reads about 3.3B of its 30.53B parameters.
    assert abs(shape.active_fraction - 3.3 / 30.53) < 1e-9


def test_auto_gpu_layers_by_hand() -> None:
    # Qwen3-8B Q4_K_M at 8k: one layer = 5,030,000,000 // 37 = 135,945,945 bytes of weights
    # (36 layers + embeddings/output as one more), KV per layer = 1,207,959,552 / 36 = 33,554,432,
    # so a layer costs 169,500,377; the GPU's compute buffer is 415,236,096.
    layer, kv, overhead = 135_945_945, 33_554_432, 415_236_096
    est = estimate_memory(ModelShape.from_catalog(load_catalog().get("qwen3-8b")), 5_030_000_000, 8192)
    assert (est.layer_weights, est.layer_kv, est.device_compute) == (layer, kv, overhead)
    # 6 GiB = 6,442,450,944; minus overhead = 6,027,214,848; / 169,500,377 = 35.56 -> 35
    assert auto_gpu_layers(6 * GIB, layer, kv, overhead) == 35
    # 4 GiB = 4,294,967,296; minus overhead = 3,879,731,200; / 169,500,377 = 22.89 -> 22
    assert auto_gpu_layers(4 * GIB, layer, kv, overhead) == 22
    # 24 GiB holds more than the 36 layers there are.
    assert auto_gpu_layers(24 * GIB, layer, kv, overhead, n_layers=36) == 36
    # Less free memory than the overhead: nothing on the GPU.
    assert auto_gpu_layers(400 * MIB, layer, kv, overhead) == 0
    assert auto_gpu_layers(0, layer, kv, overhead) == 0


def test_verdicts_for_qwen3_8b() -> None:
    model = load_catalog().get("qwen3-8b")
    shape, weights = ModelShape.from_catalog(model), model.quant("Q4_K_M").size

    fit = check_fit(shape, weights, 8192, machine(32, 8))  # 6.65 GB on the GPU <= 0.9 * 8 GiB = 7.73 GB
    assert fit.verdict is Verdict.GPU and fit.gpu_layers == -1 and fit.cpu_active_bytes == 0
    assert "Fits in GPU memory" in fit.message

    fit = check_fit(shape, weights, 8192, machine(32, 6))  # 0.9 * 6 GiB = 5,798,205,849 planned
    # (5,798,205,849 - 415,236,096) // 169,500,377 = 31.76 -> 31 layers
    assert fit.verdict is Verdict.PARTIAL and fit.gpu_layers == 31
    assert "31 of 36 layers" in fit.message
    assert fit.cpu_active_bytes == 5_030_000_000 - 31 * 135_945_945

    fit = check_fit(shape, weights, 8192, machine(16))
    assert fit.verdict is Verdict.CPU and fit.gpu_layers == 0 and "CPU" in fit.message

    fit = check_fit(shape, weights, 8192, machine(32, 8, offload=False))
    assert fit.verdict is Verdict.CPU  # a CPU-only llama.cpp build cannot use the GPU

    fit = check_fit(shape, weights, 8192, machine(4))
    assert fit.verdict is Verdict.TOO_BIG and not fit.fits
    assert "needs about 6.4 GB" in fit.message  # 6,443,480,448 bytes in RAM


def test_unified_memory_is_all_or_nothing() -> None:
    model = load_catalog().get("qwen3-8b")
    shape, weights = ModelShape.from_catalog(model), model.quant("Q4_K_M").size
    assert check_fit(shape, weights, 8192, machine(16, 10.6, unified=True)).verdict is Verdict.GPU
    fit = check_fit(shape, weights, 32768, machine(16, 10.6, unified=True))  # 10.28 GB > 10.24
    assert fit.verdict is Verdict.CPU


def test_shape_from_a_gguf_header(qwen3moe_model: ScriptedModel) -> None:
    model = read_model(qwen3moe_model.path)
    shape = ModelShape.from_header(model)
    assert (shape.n_layers, shape.n_kv_heads, shape.head_dim) == (1, 2, 32)
    assert shape.n_params == model.n_params
    # 2 of its 4 experts run per token; the rest of the model runs whole (issue #11).
    assert shape.active_params == model.n_params - model.expert_params + model.expert_params // 2
    est = estimate_memory(shape, model.file_size, 4096)
    # KV: 2 * 1 layer * 2 KV heads * 32 * 4096 tokens * 2 bytes = 1,048,576
    assert est.kv_cache == 1_048_576


def test_recommendations() -> None:
    catalog = load_catalog()
    cases = {
        (4, 0): "qwen3-1.7b:q4_k_m",  # small laptop: 1.7B
        (16, 0): "qwen3-4b:q4_k_m",  # CPU only: dense 8B would read 5 GB a token; 4B it is
        # 24 GB, CPU only: the MoE at Q4_K_M (~19 GB with context) fits but would leave the
        # machine no room, so it is not the recommendation.
        (24, 0): "qwen3-4b:q4_k_m",
        (64, 0): "qwen3-30b-a3b:q4_k_m",  # CPU with lots of RAM: the MoE reads only 3.3B a token
        (32, 12): "qwen3-14b:q4_k_m",  # 12 GB GPU: 14B entirely on the GPU
        (64, 24): "qwen3-32b:q4_k_m",  # 24 GB GPU: 32B at Q4_K_M
        (64, 48): "qwen3-32b:q8_0",  # 48 GB: the same model at a better quant
    }
    for (ram, vram), expected in cases.items():
        rec = recommend(machine(ram, vram), catalog)
        assert rec is not None and rec.spec == expected, (ram, vram, rec and rec.reason)
        assert rec.model.thinking == "hybrid"
    assert recommend(machine(0.5), catalog) is None
    ranked = rank_catalog(machine(64, 24), catalog, thinking=("always",))
    assert ranked and all(r.model.thinking == "always" for r in ranked)


def test_no_suggestion_below_q3_k_m_a_slow_model_is_badged_slow() -> None:
    """A 2-core laptop with 16 GB: the 8B is offered at Q3_K_M at the lowest, never Q2_K; a
    quant that reads too much per token says it is slow here (issue #11)."""
    catalog = load_catalog()
    laptop = Hardware(ram_total=32 * 10**9, ram_available=16 * 10**9, cpu_physical=2, cpu_logical=2)
    ranked = rank_catalog(laptop, catalog, thinking=("hybrid", "always", "never"))
    lowest = catalog.quant_rank("Q3_K_M")
    assert ranked and all(catalog.quant_rank(r.quant.quant) >= lowest for r in ranked)
    best: dict[str, str] = {}
    for rec in ranked:
        best.setdefault(rec.model.id, rec.quant.quant)
    assert best["qwen3-8b"] == "Q3_K_M"
    eight = catalog.get("qwen3-8b")
    slow = check_fit(ModelShape.from_catalog(eight), eight.quant("Q4_K_M").size, 8192, laptop)
    assert slow.verdict is Verdict.CPU and slow.badge == "CPU, slow on this computer"


def test_the_runtime_part_does_not_grow_with_the_context_and_a_gpu_reserves_more() -> None:
    """Flash attention keeps llama.cpp's scratch off the context length (measured: 124 MiB at 4K,
    129 MiB at 128K beside weights and cache on Qwen3-0.6B's shape); the cache alone grows."""
    shape = ModelShape.from_catalog(load_catalog().get("qwen3-0.6b"))
    short, long = estimate_memory(shape, 600 * MIB, 4096), estimate_memory(shape, 600 * MIB, 131072)
    assert short.compute == long.compute == 100 * MIB + 1024 * 512 * 4 * 12  # 124 MiB
    assert long.kv_cache == 32 * short.kv_cache
    # A GPU holds llama.cpp's whole compute buffer (300 MiB, mostly a batch's logits) in place of
    # the process's 100 MiB.
    assert long.device_compute - long.compute == 200 * MIB
    assert long.device_total - long.total == 200 * MIB
