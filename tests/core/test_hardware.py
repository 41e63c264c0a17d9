"""Hardware probes: parsing tool output, tolerating their absence, and this machine."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.core.models.hardware import (
    GPUInfo,
    Hardware,
    amd_gpus_from_sysfs,
    apple_gpu,
    detect_hardware,
    parse_nvidia_smi,
)

MIB = 1024 * 1024
GB = 1000**3


def test_parse_nvidia_smi() -> None:
    text = "NVIDIA GeForce RTX 4090, 24564, 23012\nNVIDIA RTX A2000, 6138, [N/A]\n\ngarbage line\n"
    gpus = parse_nvidia_smi(text)
    assert gpus == [
        GPUInfo("NVIDIA GeForce RTX 4090", 24564 * MIB, 23012 * MIB, "cuda"),
        GPUInfo("NVIDIA RTX A2000", 6138 * MIB, None, "cuda"),
    ]
    assert gpus[1].usable == 6138 * MIB


def test_detect_with_nvidia() -> None:
    calls: list[list[str]] = []

    def run(cmd: Sequence[str]) -> str | None:
        calls.append(list(cmd))
        return "NVIDIA H100, 81559, 80000\n" if cmd[0] == "nvidia-smi" else None

    hw = detect_hardware(gpu_offload=True, run=run)
    assert calls[0][0] == "nvidia-smi" or hw.system == "Darwin"
    if hw.system != "Darwin":
        assert hw.best_gpu is not None and hw.best_gpu.name == "NVIDIA H100"
        assert hw.vram_free == 80000 * MIB
        assert "NVIDIA H100" in hw.describe()


def test_no_tools_no_gpu_no_error() -> None:
    def missing(cmd: Sequence[str]) -> str | None:
        return None

    def broken(cmd: Sequence[str]) -> str | None:
        raise OSError("sandboxed")

    for run in (missing, broken):
        hw = detect_hardware(gpu_offload=True, run=run)
        assert hw.ram_total and hw.ram_total > 0
        assert hw.cpu_logical and hw.cpu_logical >= 1


def test_offload_unsupported_means_no_vram() -> None:
    hw = Hardware(16 * GB, 12 * GB, 4, 8, (GPUInfo("GPU", 8 * GB, 8 * GB, "cuda"),), gpu_offload=False)
    assert hw.vram_free == 0
    assert "CPU only" in hw.describe()


def test_apple_unified_memory() -> None:
    def run(cmd: Sequence[str]) -> str | None:
        if cmd[-1] == "hw.memsize":
            return str(16 * GB)
        if cmd[-1] == "machdep.cpu.brand_string":
            return "Apple M2 Pro\n"
        return None

    gpu = apple_gpu(None, 12 * GB, run)
    assert gpu is not None and gpu.unified_memory and gpu.backend == "metal"
    assert gpu.name == "Apple M2 Pro GPU"
    assert gpu.vram_total == int(16 * GB * 2 / 3)  # Metal's working set on a 16 GB machine
    assert gpu.vram_free == int(16 * GB * 2 / 3)  # 10.7 GB < 12 GB available

    big = apple_gpu(64 * GB, 20 * GB, lambda cmd: None)
    assert big is not None and big.vram_total == int(64 * GB * 0.75) and big.vram_free == 20 * GB


def test_amd_sysfs(tmp_path: Path) -> None:
    for card, total, used in (("card0", 16 * 1024 * MIB, 1024 * MIB), ("card1", 512 * MIB, 0)):
        dev = tmp_path / card / "device"
        dev.mkdir(parents=True)
        (dev / "mem_info_vram_total").write_text(str(total))
        (dev / "mem_info_vram_used").write_text(str(used))
    (tmp_path / "card0" / "device" / "product_name").write_text("Radeon RX 7800 XT\n")
    (tmp_path / "card0-DP-1").mkdir()
    gpus = amd_gpus_from_sysfs(tmp_path)
    assert gpus == [GPUInfo("Radeon RX 7800 XT", 16 * 1024 * MIB, 15 * 1024 * MIB, "rocm")]
    assert amd_gpus_from_sysfs(tmp_path / "missing") == []


def test_this_machine() -> None:
    hw = detect_hardware()
    assert hw.ram_total and hw.ram_available and hw.ram_available <= hw.ram_total
    assert hw.cpu_logical and hw.cpu_logical >= (hw.cpu_physical or 1)
    assert hw.vram_free == 0  # offload not claimed
    assert "RAM" in hw.describe()
