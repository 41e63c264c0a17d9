"""Decode and prompt speed deep into a long context, Ponder's engine beside llama-bench.

On a model with Qwen3-0.6B's real shape and random Q8_0 weights (benchmarks/shaped_model.py),
for each depth D: Ponder's engine (the child process, the reply loop) fills the context with
D tokens, then reads 512 more (prompt speed) and, from D again, generates 128 (decode speed);
llama.cpp's own ``llama-bench -d D -p 512 -n 128`` does the same on the same file, threads,
KV cache type and flash-attention setting, in the same run. Contexts past 32K use a q8_0
cache (as Auto would).

First, for every context (cheap: a load and a short prompt, no fill), the engine process's
memory against the fit estimate (``app/core/models/fit.py``) for that context and cache type.

    python benchmarks/bench_long_context.py                       # 4K, 16K, 32K, 64K, 128K
    python benchmarks/bench_long_context.py --depths 4096,16384   # speed at fewer depths

Needs llama-bench: ``python3 scripts/bootstrap.py tools`` builds it (PONDER_LLAMA_TOOLS or the
cache folder is searched). Deep contexts take long on a CPU: filling 128K tokens of a 0.6B
model runs for tens of minutes on two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import string
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.shaped_model import QWEN3_0_6B, default_path, write_shaped_model

if TYPE_CHECKING:
    from app.core.chat.sampling import Sampling

PROMPT, GENERATE = 512, 128


@dataclass
class Figures:
    prompt_tok_s: float
    decode_tok_s: float


def find_llama_bench() -> Path:
    named = os.environ.get("PONDER_LLAMA_TOOLS")
    folders = [Path(named)] if named else []
    base = (
        os.environ.get("PONDER_BUILD_CACHE")
        or os.environ.get("XDG_CACHE_HOME")
        or str(Path.home() / ".cache")
    )
    folders += sorted((Path(base) / "ponder-build" / "tools").glob("*"))
    for folder in folders:
        exe = folder / ("llama-bench.exe" if os.name == "nt" else "llama-bench")
        if exe.exists():
            return exe
    raise SystemExit("llama-bench not found: run `python3 scripts/bootstrap.py tools` first")


def letters(rng: random.Random, n: int) -> str:
    """About ``n`` tokens of the shaped model's byte-level tokenizer ("t0" is its one merge)."""
    return "".join(rng.choice(string.ascii_lowercase.replace("t", "")) for _ in range(n))


def greedy() -> Sampling:
    from app.core.chat.sampling import Sampling

    return Sampling(temperature=0.0, top_p=1.0, top_k=0, min_p=0.0)


def kv_for(depth: int, chosen: str = "auto") -> str:
    """The cache type at ``depth``: the one chosen, or as Auto picks (q8_0 past 32K)."""
    if chosen != "auto":
        return chosen
    return "f16" if depth <= 32768 else "q8_0"


def engine_memory(path: Path, depth: int, threads: int, rng: random.Random, kv: str) -> tuple[int, int]:
    """The engine process's resident memory with a context for ``depth`` after a short prompt
    (the cache is allocated and cleared whole at load): (bytes, context size)."""
    import psutil

    from app.engine.local.engine import LocalEngine
    from app.engine.protocol import GenerateRequest, LoadRequest

    engine = LocalEngine()
    try:
        loaded = engine.load_sync(
            LoadRequest(
                str(path),
                n_ctx=depth + PROMPT + GENERATE + 64,
                kv_cache=kv,
                n_threads=threads,
            )
        )
        engine.generate_sync(
            GenerateRequest(
                (),
                raw_prompt=letters(rng, 700),
                max_tokens=4,
                ignore_eos=True,
                sampling=greedy(),
            )
        )
        assert engine.pid is not None
        return psutil.Process(engine.pid).memory_info().rss, int(loaded.info["n_ctx"])
    finally:
        engine.close()


def engine_run(path: Path, depth: int, kv: str, threads: int, rng: random.Random) -> Figures:
    """Ponder's engine: ``depth`` tokens in the context, then 512 more read (pp), then 128
    generated from ``depth`` (tg), as llama-bench measures them."""
    from app.engine.local.engine import LocalEngine
    from app.engine.protocol import GenerateRequest, LoadRequest, TextDelta

    sampling = greedy()
    engine = LocalEngine()
    try:
        engine.load_sync(
            LoadRequest(str(path), n_ctx=depth + PROMPT + GENERATE + 64, kv_cache=kv, n_threads=threads)
        )
        head = letters(rng, depth)
        engine.generate_sync(
            GenerateRequest((), raw_prompt=head, max_tokens=1, ignore_eos=True, sampling=sampling),
            timeout=7200,
        )
        first = 0.0

        def on_event(event: object) -> None:
            nonlocal first
            if isinstance(event, TextDelta) and not first:
                first = time.perf_counter()

        t0 = time.perf_counter()
        read = engine.generate_sync(
            GenerateRequest(
                (), raw_prompt=head + letters(rng, PROMPT), max_tokens=1, ignore_eos=True, sampling=sampling
            ),
            on_event=on_event,
        )
        evaluated = read.stats.prompt_tokens - read.stats.cached_tokens
        # Decoding from the same depth as llama-bench's tg (the context cut back to ``head``),
        # not 512 tokens deeper: with a quantised cache the attention's cost grows with depth.
        result = engine.generate_sync(
            GenerateRequest((), raw_prompt=head, max_tokens=GENERATE, ignore_eos=True, sampling=sampling)
        )
        return Figures(evaluated / (first - t0), result.stats.tokens_per_s)
    finally:
        engine.close()


def llama_bench(exe: Path, path: Path, depth: int, kv: str, threads: int) -> Figures:
    cmd = [
        str(exe), "-m", str(path), "-p", str(PROMPT), "-n", str(GENERATE), "-d", str(depth),
        "-t", str(threads), "-ctk", kv, "-ctv", kv, "-fa", "on" if kv != "f16" else "auto",
        "-ub", "512", "-b", "512", "-r", "1", "-o", "json",
    ]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=7200)
    rows = json.loads(out.stdout)
    pp = next(r["avg_ts"] for r in rows if r["n_prompt"] == PROMPT and r["n_gen"] == 0)
    tg = next(r["avg_ts"] for r in rows if r["n_gen"] == GENERATE and r["n_prompt"] == 0)
    return Figures(float(pp), float(tg))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    every = "4096,16384,32768,65536,131072"
    parser.add_argument("--depths", default=every, help="depths for the speed table")
    parser.add_argument("--memory-depths", default=every, help="depths for the memory table ('' for none)")
    parser.add_argument(
        "--kv", default="auto", choices=("auto", "f16", "q8_0", "q4_0"),
        help="KV cache type (auto: f16 to 32K, q8_0 beyond, as Auto chooses)",
    )  # fmt: skip
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each per depth, alternating (medians)")
    args = parser.parse_args()

    from app.core.models.fit import ModelShape, check_fit
    from app.core.models.hardware import detect_hardware

    path = write_shaped_model(default_path())
    shape = ModelShape(
        QWEN3_0_6B.n_layers, QWEN3_0_6B.n_head_kv, QWEN3_0_6B.head_dim, QWEN3_0_6B.n_embd, 0,
        context_length=QWEN3_0_6B.context_length,
    )  # fmt: skip
    hw = detect_hardware()
    rng = random.Random(1)
    print(f"model {path.name} ({path.stat().st_size / 1e6:.0f} MB), threads {args.threads}")
    memory_depths = [int(d) for d in args.memory_depths.split(",") if d]
    if memory_depths:
        print(f"{'context':>7} {'kv':>5} | {'memory':>8} {'estimate':>8} {'ratio':>6}")
    for depth in memory_depths:
        kv = kv_for(depth, args.kv)
        rss, n_ctx = engine_memory(path, depth, args.threads, rng, kv)
        estimate = check_fit(shape, path.stat().st_size, n_ctx, hw, kv_cache=kv).estimate.total
        print(
            f"{n_ctx:>7} {kv:>5} | {rss / 2**20:7.0f}M {estimate / 2**20:7.0f}M {rss / estimate:6.3f}",
            flush=True,
        )

    depths = [int(d) for d in args.depths.split(",") if d]
    if not depths:
        return
    exe = find_llama_bench()
    print(f"pp{PROMPT} and tg{GENERATE} at each depth, {args.repeat} alternating runs of each (medians)")
    print(f"{'depth':>7} {'kv':>5} | {'pp engine':>9} {'pp bench':>9} {'ratio':>6} | {'tg engine':>9} "
          f"{'tg bench':>9} {'ratio':>6}")  # fmt: skip
    for depth in depths:
        kv = kv_for(depth, args.kv)
        # Alternate the two, so that both see the same machine (it is shared and noisy).
        runs, refs = [], []
        for _ in range(args.repeat):
            runs.append(engine_run(path, depth, kv, args.threads, rng))
            refs.append(llama_bench(exe, path, depth, kv, args.threads))
        ours = Figures(
            statistics.median(r.prompt_tok_s for r in runs), statistics.median(r.decode_tok_s for r in runs)
        )
        ref = Figures(
            statistics.median(r.prompt_tok_s for r in refs), statistics.median(r.decode_tok_s for r in refs)
        )
        print(
            f"{depth:>7} {kv:>5} | {ours.prompt_tok_s:9.1f} {ref.prompt_tok_s:9.1f} "
            f"{ours.prompt_tok_s / ref.prompt_tok_s:6.3f} | {ours.decode_tok_s:9.2f} {ref.decode_tok_s:9.2f} "
            f"{ours.decode_tok_s / ref.decode_tok_s:6.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
