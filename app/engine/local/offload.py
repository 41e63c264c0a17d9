"""Where a loaded model went: layers and memory per device, read back from llama.cpp's log.

llama.cpp decides the split (by each device's free memory) and logs it while loading:
``layer N assigned to device X`` for every layer (the output layer counts as one more), then
one ``model buffer size``, ``KV buffer size`` and ``compute buffer size`` line per buffer.
A worker's buffers are named ``RPC<its device number>[host:port]``; everything not on a
device is in this computer's memory ("CPU").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.core.units import human_size
from app.engine.local.rpc_devices import Device

__all__ = ["describe_offload", "offload_report", "spread_note"]

_LAYER = re.compile(r"layer\s+\d+ assigned to device (\S+?),")
_BUFFER = re.compile(r":\s+(\S+) (model|KV|compute) buffer size =\s*([\d.]+) MiB")
_FIELDS = {"model": "weights_mib", "KV": "kv_mib", "compute": "compute_mib"}
CPU = "CPU"
_MIB = 1024 * 1024


def offload_report(lines: Iterable[str], devices: Sequence[Device] = ()) -> list[dict[str, Any]]:
    """One entry per device that holds anything, the workers and GPUs first, this computer's
    memory last: ``device``, ``endpoint`` (None for this computer), ``layers``, and MiB of
    weights, KV cache and compute buffers."""
    text = list(lines)
    names = [d.name for d in devices]
    for line in text:
        if (found := _LAYER.search(line)) and found.group(1) not in names:
            names.append(found.group(1))
    if CPU in names:  # this computer's memory goes last
        names.remove(CPU)
    names.append(CPU)
    endpoints = {d.name: d.endpoint for d in devices}
    entries: dict[str, dict[str, Any]] = {
        name: {"device": name, "endpoint": endpoints.get(name), "layers": 0}
        | dict.fromkeys(_FIELDS.values(), 0.0)
        for name in names
    }
    for line in text:
        if found := _LAYER.search(line):
            entries[found.group(1)]["layers"] += 1
        elif found := _BUFFER.search(line):
            entry = entries[_owner(found.group(1), devices, names)]
            key = _FIELDS[found.group(2)]
            entry[key] = round(entry[key] + float(found.group(3)), 2)
    return [e for e in entries.values() if e["layers"] or e["weights_mib"] or e["device"] == CPU]


def _owner(buffer: str, devices: Sequence[Device], names: Sequence[str]) -> str:
    """The device a buffer is on: a worker's by its prefix, a GPU by its name; anything else
    (CPU, CPU_Mapped, CPU_REPACK, CUDA_Host...) is this computer's memory."""
    for device in devices:
        if device.endpoint and buffer.startswith(device.buffer_prefix):
            return device.name
    return buffer if buffer in names else CPU


def describe_offload(report: Sequence[dict[str, Any]]) -> str:
    """One line for people: "3 layers on 192.168.1.7:50052 (1.2 GB), 2 layers here (0.8 GB)"."""
    parts = []
    for e in report:
        where = (
            f"on {e['endpoint']}"
            if e["endpoint"]
            else ("here" if e["device"] == CPU else f"on {e['device']}")
        )
        layers = "1 layer" if e["layers"] == 1 else f"{e['layers']} layers"
        parts.append(f"{layers} {where} ({human_size((e['weights_mib'] + e['kv_mib']) * _MIB)})")
    return ", ".join(parts)


def spread_note(info: Mapping[str, Any]) -> str:
    """A sentence for a load that went over other computers; "" for one that did not."""
    report = info.get("offload")
    if not isinstance(report, list) or not any(e.get("endpoint") for e in report):
        return ""
    return f"The model is spread over other computers: {describe_offload(report)}."
