"""RPC workers as ggml devices, inside the engine process: added by address, listed with the
local GPUs for llama.cpp's ``devices`` model parameter.

Every address is probed first (:func:`app.engine.local.rpc.probe_worker`, with timeouts):
ggml aborts the process when it cannot connect, and its connect has no timeout.
The workers are not registered in ggml's global device list, so a later load without them
does not reach for them.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

from app.engine.local.rpc import WorkerInfo, probe_worker

__all__ = ["Device", "OffloadDevices", "connect_workers"]

_TYPE_GPU, _TYPE_IGPU = 1, 2  # enum ggml_backend_dev_type


@dataclass(frozen=True, slots=True)
class Device:
    name: str  # ggml's device name: "RPC0", "CUDA0"
    endpoint: str | None  # host:port of an RPC worker; None for a device of this computer
    index: int  # the device's number on its worker (RPC buffers are named by it)
    free: int
    total: int
    handle: int  # ggml_backend_dev_t

    @property
    def buffer_prefix(self) -> str:
        """How llama.cpp names this device's buffers in its log ("RPC0[host:port]", "CUDA0")."""
        return f"RPC{self.index}[{self.endpoint}]" if self.endpoint else self.name


class OffloadDevices:
    """The devices layers may go to, in llama.cpp's own order (workers first, then local GPUs),
    as the NULL-terminated array ``llama_model_params.devices`` takes."""

    def __init__(self, devices: list[Device]) -> None:
        self.devices = tuple(devices)
        self._array = (ctypes.c_void_p * (len(devices) + 1))(*(d.handle for d in devices), None)

    @property
    def pointer(self) -> int:
        return ctypes.cast(self._array, ctypes.c_void_p).value or 0

    @property
    def endpoints(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(d.endpoint for d in self.devices if d.endpoint))


def connect_workers(ggml: ctypes.CDLL, endpoints: tuple[str, ...], timeout: float = 5.0) -> OffloadDevices:
    """Probe each worker (RpcError names the first that fails), then hand them to ggml
    (``ggml``: ggml's library as llama-cpp-python loaded it)."""
    infos = [probe_worker(e, timeout) for e in endpoints]
    lib = _prototypes(ggml)
    devices = [d for info in infos for d in _add_worker(lib, info)]
    return OffloadDevices(devices + _local_gpus(lib))


def _prototypes(lib: ctypes.CDLL) -> ctypes.CDLL:
    vp, sz = ctypes.c_void_p, ctypes.c_size_t
    for name, res, args in (
        ("ggml_backend_reg_by_name", vp, [ctypes.c_char_p]),
        ("ggml_backend_reg_get_proc_address", vp, [vp, ctypes.c_char_p]),
        ("ggml_backend_reg_dev_count", sz, [vp]),
        ("ggml_backend_reg_dev_get", vp, [vp, sz]),
        ("ggml_backend_dev_count", sz, []),
        ("ggml_backend_dev_get", vp, [sz]),
        ("ggml_backend_dev_type", ctypes.c_int, [vp]),
        ("ggml_backend_dev_name", ctypes.c_char_p, [vp]),
        ("ggml_backend_dev_memory", None, [vp, ctypes.POINTER(sz), ctypes.POINTER(sz)]),
    ):
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    return lib


def _memory(lib: ctypes.CDLL, dev: int) -> tuple[int, int]:
    free, total = ctypes.c_size_t(0), ctypes.c_size_t(0)
    lib.ggml_backend_dev_memory(dev, ctypes.byref(free), ctypes.byref(total))
    return int(free.value), int(total.value)


def _add_worker(lib: ctypes.CDLL, info: WorkerInfo) -> list[Device]:
    rpc = lib.ggml_backend_reg_by_name(b"RPC")
    address = lib.ggml_backend_reg_get_proc_address(rpc, b"ggml_backend_rpc_add_server") if rpc else None
    if not address:
        raise OSError("this llama.cpp build has no RPC backend (build it with -DGGML_RPC=ON)")
    add_server = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_char_p)(address)
    reg = add_server(info.endpoint.encode())
    found = []
    for i in range(lib.ggml_backend_reg_dev_count(reg) if reg else 0):
        dev = lib.ggml_backend_reg_dev_get(reg, i)
        # The probe's figures, not ggml's: asking ggml again would open another connection.
        remote = info.devices[i] if i < len(info.devices) else None
        free, total = (remote.free, remote.total) if remote else (0, 0)
        name = (lib.ggml_backend_dev_name(dev) or b"").decode()
        found.append(Device(name, info.endpoint, i, free, total, dev))
    return found


def _local_gpus(lib: ctypes.CDLL) -> list[Device]:
    """This computer's GPUs as llama.cpp would pick them (integrated ones only without others)."""
    by_type: dict[int, list[Device]] = {_TYPE_GPU: [], _TYPE_IGPU: []}
    for i in range(lib.ggml_backend_dev_count()):
        dev = lib.ggml_backend_dev_get(i)
        kind = lib.ggml_backend_dev_type(dev)
        if kind in by_type:
            name = (lib.ggml_backend_dev_name(dev) or b"").decode()
            by_type[kind].append(Device(name, None, 0, *_memory(lib, dev), dev))
    return by_type[_TYPE_GPU] or by_type[_TYPE_IGPU]
