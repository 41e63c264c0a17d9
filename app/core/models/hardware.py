"""What this machine has: memory, CPU cores, GPUs and their memory.

Every probe is best effort: a missing tool, a sandbox, or odd output gives "unknown"
(None or no GPU), never an exception. GPU memory comes from ``nvidia-smi`` for NVIDIA,
from sysfs for AMD on Linux (``mem_info_vram_*``) and from ``sysctl`` on Apple
Silicon, whose GPU shares the system memory. Whether the llama.cpp build can offload
to a GPU is the engine's to say; it is passed in.
"""

from __future__ import annotations

import contextlib
import functools
import os
import platform
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from app.core.units import human_size

__all__ = [
    "GPUInfo",
    "Hardware",
    "amd_gpus_from_sysfs",
    "apple_gpu",
    "detect_hardware",
    "parse_nvidia_smi",
]

GPUBackend = Literal["cuda", "metal", "rocm", "vulkan", "rpc", "unknown"]
MIB = 1024 * 1024

# Runs a command and returns its stdout, or None when it cannot run.
Runner = Callable[[Sequence[str]], str | None]


@dataclass(frozen=True, slots=True)
class GPUInfo:
    name: str
    vram_total: int | None  # bytes
    vram_free: int | None  # bytes; None when unknown
    backend: GPUBackend = "unknown"
    unified_memory: bool = False  # Apple Silicon: the GPU uses system RAM

    @property
    def usable(self) -> int | None:
        """Bytes a model may take on this GPU now (free memory, else total)."""
        return self.vram_free if self.vram_free is not None else self.vram_total


@dataclass(frozen=True)
class Hardware:
    ram_total: int | None  # bytes
    ram_available: int | None
    cpu_physical: int | None
    cpu_logical: int | None
    gpus: tuple[GPUInfo, ...] = field(default=())
    gpu_offload: bool = False  # the llama.cpp build can put layers on a GPU
    system: str = ""
    machine: str = ""
    # Other computers' devices lent through llama.cpp's RPC backend (``ponder worker``), named
    # by the worker's host:port; llama.cpp spreads offloaded layers over them and the GPU.
    remote: tuple[GPUInfo, ...] = ()

    @property
    def best_gpu(self) -> GPUInfo | None:
        """The GPU with the most usable memory (llama.cpp puts a model on one device by default)."""
        known = [g for g in self.gpus if g.usable]
        return max(known, key=lambda g: g.usable or 0) if known else None

    @property
    def local_vram_free(self) -> int:
        """Usable memory of this computer's GPU: 0 without a GPU or without an offloading build."""
        gpu = self.best_gpu
        if not self.gpu_offload or gpu is None:
            return 0
        return gpu.usable or 0

    @property
    def vram_free(self) -> int:
        """Memory for offloaded layers: this computer's GPU and the other computers'."""
        return self.local_vram_free + sum(r.usable or 0 for r in self.remote)

    @property
    def remote_computers(self) -> int:
        return len({r.name for r in self.remote})

    @property
    def unified_memory(self) -> bool:
        gpu = self.best_gpu
        return bool(gpu and gpu.unified_memory)

    def describe(self) -> str:
        gb = functools.partial(human_size, unit="GB")

        parts = [f"RAM {gb(self.ram_available)} free of {gb(self.ram_total)}"]
        parts.append(f"CPU {self.cpu_physical or '?'} cores / {self.cpu_logical or '?'} threads")
        for g in self.gpus:
            mem = "shared memory" if g.unified_memory else f"{gb(g.vram_free)} free of {gb(g.vram_total)}"
            parts.append(f"GPU {g.name} ({g.backend}, {mem})")
        if self.gpus and not self.gpu_offload:
            parts.append("this llama.cpp build runs on the CPU only")
        for r in self.remote:
            parts.append(f"other computer {r.name} ({gb(r.vram_free)} free of {gb(r.vram_total)})")
        return "; ".join(parts)


def _run(cmd: Sequence[str]) -> str | None:
    try:
        done = subprocess.run(
            list(cmd), capture_output=True, text=True, timeout=5, check=False, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return done.stdout if done.returncode == 0 else None


def parse_nvidia_smi(text: str) -> list[GPUInfo]:
    """Parse ``nvidia-smi --query-gpu=name,memory.total,memory.free --format=csv,noheader,nounits``
    (one GPU a line, memory in MiB)."""
    gpus = []
    for line in text.splitlines():
        fields = [f.strip() for f in line.rsplit(",", 2)]
        if len(fields) != 3 or not fields[0]:
            continue
        try:
            total = int(float(fields[1]) * MIB)
        except ValueError:
            continue
        try:
            free: int | None = int(float(fields[2]) * MIB)
        except ValueError:
            free = None
        gpus.append(GPUInfo(name=fields[0], vram_total=total, vram_free=free, backend="cuda"))
    return gpus


def _nvidia(run: Runner) -> list[GPUInfo]:
    out = run(["nvidia-smi", "--query-gpu=name,memory.total,memory.free", "--format=csv,noheader,nounits"])
    return parse_nvidia_smi(out) if out else []


def apple_gpu(ram_total: int | None, ram_available: int | None, run: Runner) -> GPUInfo | None:
    """Apple Silicon's GPU. Metal lets one process use about 2/3 of the memory on machines
    with up to 36 GB and about 3/4 above (``recommendedMaxWorkingSetSize``)."""
    total = ram_total
    out = run(["sysctl", "-n", "hw.memsize"])
    if out and out.strip().isdigit():
        total = int(out.strip())
    if not total:
        return None
    brand = (run(["sysctl", "-n", "machdep.cpu.brand_string"]) or "Apple Silicon").strip()
    working_set = int(total * (0.75 if total > 36 * 1000**3 else 2 / 3))
    free = min(working_set, ram_available) if ram_available is not None else working_set
    return GPUInfo(
        name=f"{brand} GPU", vram_total=working_set, vram_free=free, backend="metal", unified_memory=True
    )


def amd_gpus_from_sysfs(root: Path = Path("/sys/class/drm")) -> list[GPUInfo]:
    """AMD GPUs on Linux, from the amdgpu driver's ``mem_info_vram_total``/``_used`` files."""
    gpus = []
    try:
        cards = sorted(p for p in root.glob("card*") if p.name[4:].isdigit())
    except OSError:
        return []
    for card in cards:
        dev = card / "device"
        try:
            total = int((dev / "mem_info_vram_total").read_text().strip())
            used = int((dev / "mem_info_vram_used").read_text().strip())
        except (OSError, ValueError):
            continue
        name = "AMD GPU"
        with contextlib.suppress(OSError):
            name = (dev / "product_name").read_text().strip() or name
        # Integrated GPUs report a small carve-out; skip those under 1 GiB.
        if total >= 1024 * MIB:
            gpus.append(GPUInfo(name=name, vram_total=total, vram_free=max(0, total - used), backend="rocm"))
    return gpus


def _memory() -> tuple[int | None, int | None]:
    try:
        import psutil

        vm = psutil.virtual_memory()
        return int(vm.total), int(vm.available)
    except Exception:  # psutil missing or failing in a sandbox: unknown
        return None, None


def _cpus() -> tuple[int | None, int | None]:
    logical = os.cpu_count()
    try:
        import psutil

        physical = psutil.cpu_count(logical=False)
        logical = psutil.cpu_count(logical=True) or logical
    except Exception:
        physical = None
    return physical, logical


def detect_hardware(*, gpu_offload: bool = False, run: Runner | None = None) -> Hardware:
    """Probe the machine. ``gpu_offload`` is whether the llama.cpp build can use a GPU
    (``app.engine.local.llama_session.gpu_offload_supported()``); ``run`` replaces the command
    runner (tests)."""
    run = run or _run
    ram_total, ram_available = _memory()
    physical, logical = _cpus()
    system, machine = platform.system(), platform.machine()
    gpus: list[GPUInfo] = []
    try:
        if system == "Darwin" and machine == "arm64":
            gpu = apple_gpu(ram_total, ram_available, run)
            gpus = [gpu] if gpu else []
        else:
            gpus = _nvidia(run)
            if not gpus and system == "Linux":
                gpus = amd_gpus_from_sysfs()
    except Exception:  # a probe must never break the app
        gpus = []
    return Hardware(
        ram_total=ram_total,
        ram_available=ram_available,
        cpu_physical=physical,
        cpu_logical=logical,
        gpus=tuple(gpus),
        gpu_offload=gpu_offload,
        system=system,
        machine=machine,
    )
