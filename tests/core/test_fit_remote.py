"""The fit counts other computers' memory (RPC workers) as room for offloaded layers."""

from __future__ import annotations

from app.core.models.catalog import load_catalog
from app.core.models.fit import ModelShape, Verdict, check_fit
from app.core.models.hardware import GPUInfo, Hardware

GIB = 1024**3


def laptop(ram_gib: float, *workers: tuple[str, float], gpu_gib: float = 0) -> Hardware:
    ram = int(ram_gib * GIB)
    gpus = (GPUInfo("GPU", int(gpu_gib * GIB), int(gpu_gib * GIB), "cuda"),) if gpu_gib else ()
    remote = tuple(GPUInfo(name, int(free * GIB), int(free * GIB), "rpc") for name, free in workers)
    return Hardware(ram, ram, 8, 16, gpus, gpu_offload=bool(gpu_gib), remote=remote)


def qwen3_32b() -> tuple[ModelShape, int]:
    model = load_catalog().get("qwen3-32b")
    return ModelShape.from_catalog(model), model.quant("Q4_K_M").size  # 19.8 GB, 64 layers


def test_a_model_too_big_for_one_laptop_fits_over_three() -> None:
    shape, weights = qwen3_32b()
    alone = check_fit(shape, weights, 8192, laptop(16))
    assert alone.verdict is Verdict.TOO_BIG

    spread = check_fit(shape, weights, 8192, laptop(16, ("10.0.0.2:50052", 14), ("10.0.0.3:50052", 14)))
    assert spread.verdict is Verdict.GPU and spread.gpu_layers == -1
    assert spread.remote == 2
    assert spread.badge == "Spread over 3 computers"
    assert spread.message.startswith("Fits in 2 other computers' memory: needs 22.")


def test_part_of_a_model_on_another_computer_is_a_partial_fit() -> None:
    shape, weights = qwen3_32b()
    fit = check_fit(shape, weights, 8192, laptop(16, ("10.0.0.2:50052", 8)))
    assert fit.verdict is Verdict.PARTIAL
    assert 0 < fit.gpu_layers < shape.n_layers
    assert fit.badge == f"{fit.gpu_layers}/64 layers on 1 other computer"
    assert f"{fit.gpu_layers} of 64 layers in 1 other computer's memory" in fit.message


def test_a_gpu_and_other_computers_add_up() -> None:
    shape, weights = qwen3_32b()
    hw = laptop(16, ("10.0.0.2:50052", 6), ("10.0.0.2:50052", 6), gpu_gib=12)  # one worker, two GPUs
    assert hw.vram_free == 24 * GIB and hw.local_vram_free == 12 * GIB
    assert hw.remote_computers == 1
    fit = check_fit(shape, weights, 8192, hw)
    assert fit.verdict is Verdict.GPU
    assert fit.message.startswith("Fits in the GPU's and 1 other computer's memory")
    assert "other computer 10.0.0.2:50052" in hw.describe()


def test_without_other_computers_nothing_changes() -> None:
    shape, weights = qwen3_32b()
    fit = check_fit(shape, weights, 8192, laptop(16, gpu_gib=24))
    assert fit.remote == 0 and fit.badge == "GPU" and fit.message.startswith("Fits in GPU memory")
