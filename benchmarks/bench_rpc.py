"""A model split over two RPC workers on this computer against the same model local, in one run.

    python benchmarks/bench_rpc.py [--tokens 128] [--repeat 3]

Two scripted Qwen3 models (4 layers; they never close their reasoning): "tiny", whose tokens
cost next to nothing, so that its split run shows the overhead alone, and "wide" (2,400 wide:
about as much work per token as a 0.3B model). Each is loaded by two engines side by side,
one on this computer alone and one spread over ``ponder worker`` and llama.cpp's
``rpc-server`` (built by ``scripts/bootstrap.py tools``; a second ``ponder worker`` stands in
without it) on 127.0.0.1, and their replies are taken in turns. Every process gets one thread,
so the split run does the same work as the local one and the difference is Ponder's and
ggml's: serialising graphs, round trips, the hidden state and the logits through loopback.

Loopback has no bandwidth limit: the bytes and answers each worker sent per token (the
kernel's counters, read with ``ss``; Linux) give the estimate for a 1 Gb/s link.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.chat.messages import PromptMessage
from app.engine.local.engine import LocalEngine
from app.engine.protocol import GenerateRequest, LoadRequest
from app.testkit.rpc_workers import RpcWorker, find_rpc_server
from app.testkit.scripted_model import Script, write_scripted_model

LINK_BYTES_PER_S = 1e9 / 8  # 1 Gb/s
LAN_ROUND_TRIP_S = 0.3e-3  # a switched home or lab network; loopback's is ~0.02 ms


def traffic(port: int) -> tuple[int, int]:
    """Bytes a worker sent and received on its connections, and the data segments it sent (its
    answers), as ``ss`` reads them from the kernel (Linux; (0, 0) elsewhere)."""
    try:
        out = subprocess.run(
            ["ss", "-tinH", "state", "established", f"( sport = :{port} )"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except OSError:
        return 0, 0
    found = dict.fromkeys(("bytes_sent", "bytes_received", "data_segs_out"), 0)
    for field in out.split():
        name, _, value = field.partition(":")
        if name in found and value.isdigit():
            found[name] += int(value)
    return found["bytes_sent"] + found["bytes_received"], found["data_segs_out"]


def reply(
    engine: LocalEngine, tokens: int, workers: list[RpcWorker]
) -> tuple[float, list[tuple[float, float]]]:
    """One reply: tokens/s, and per worker the bytes and answers per token."""
    prompt = (PromptMessage("user", "Think about the sea."),)
    before = [traffic(w.port) for w in workers]
    result = engine.generate_sync(GenerateRequest(prompt, max_tokens=tokens, seed=1))
    after = [traffic(w.port) for w in workers]
    n = max(result.stats.thinking_tokens + result.stats.answer_tokens, 1)
    return result.stats.tokens_per_s, [
        ((b[0] - a[0]) / n, (b[1] - a[1]) / n) for a, b in zip(before, after, strict=True)
    ]


def compare(path: Path, workers: list[RpcWorker], tokens: int, repeat: int) -> dict[str, Any]:
    """The model local and split over ``workers``, loaded side by side, replies taken in turns
    (a busy machine slows both alike)."""
    local, split = LocalEngine(), LocalEngine()
    speeds: dict[str, list[float]] = {"local": [], "split": []}
    moved: list[list[tuple[float, float]]] = []
    try:
        request = LoadRequest(str(path), n_ctx=4096, n_gpu_layers=0, n_threads=1)
        local_load = local.load_sync(request).load_s
        endpoints = tuple(w.endpoint for w in workers)
        loaded = split.load_sync(replace(request, n_gpu_layers=-1, rpc_servers=endpoints))
        for _ in range(repeat):
            speeds["local"].append(reply(local, tokens, [])[0])
            tok_s, per_worker = reply(split, tokens, workers)
            speeds["split"].append(tok_s)
            moved.append(per_worker)
    finally:
        local.close()
        split.close()  # before the workers stop: the engine frees its buffers on them
    return {
        "size": path.stat().st_size,
        "layers": {e["endpoint"] or "here": e["layers"] for e in loaded.info["offload"]},
        "load": (local_load, loaded.load_s),
        "tok_s": (statistics.median(speeds["local"]), statistics.median(speeds["split"])),
        "per_worker": [
            (statistics.median(b for b, _ in runs), statistics.median(a for _, a in runs))
            for runs in zip(*moved, strict=True)
        ],
    }


def report(name: str, r: dict[str, Any]) -> None:
    (local_load, split_load), (local_s, split_s) = r["load"], r["tok_s"]
    overhead_ms = (1 / split_s - 1 / local_s) * 1000
    total = sum(b for b, _ in r["per_worker"])
    answers = sum(a for _, a in r["per_worker"])
    # Each answer a worker sends is a request the engine waited for: a round trip on the link.
    link_s = total / LINK_BYTES_PER_S + answers * LAN_ROUND_TRIP_S
    print(f"{name}: {r['size'] / 1e6:.0f} MB, layers {r['layers']}")
    print(f"  load      local {local_load:6.2f} s     split {split_load:6.2f} s")
    print(
        f"  tokens/s  local {local_s:8.1f}   split {split_s:8.1f}   "
        f"(split/local {split_s / local_s:.2f}; {overhead_ms:+.2f} ms per token)"
    )
    print(
        "  per token, each worker: "
        + "; ".join(f"{b / 1024:.1f} KiB, {a:.1f} answers" for b, a in r["per_worker"])
    )
    print(
        f"  1 Gb/s estimate: +{link_s * 1000:.2f} ms per token ({total / 1024:.0f} KiB at 125 MB/s, "
        f"{answers:.1f} round trips of {LAN_ROUND_TRIP_S * 1000:.1f} ms) -> {1 / (1 / split_s + link_s):.1f} "
        f"tokens/s; the weights cross once at load: {r['size'] / LINK_BYTES_PER_S:.1f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="ponder-bench-rpc-"))
    script = Script(runaway=True)
    models = {
        "tiny (the overhead alone)": write_scripted_model(folder / "tiny.gguf", script, n_layers=4),
        "wide (~0.3B of work per token)": write_scripted_model(
            folder / "wide.gguf", script, n_layers=4, extra_width=2048
        ),
    }
    second = "rpc-server" if find_rpc_server() is not None else "ponder"
    print(f"workers: ponder worker + {second} on 127.0.0.1; every process one thread")
    try:
        with RpcWorker("ponder") as ours, RpcWorker(second) as other:
            for name, model in models.items():
                report(name, compare(model.path, [ours, other], args.tokens, args.repeat))
    finally:
        for model in models.values():
            model.path.unlink(missing_ok=True)
        folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
