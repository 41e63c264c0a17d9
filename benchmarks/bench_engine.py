"""Engine speed against a bare llama.cpp loop, on the scripted model and on SmolLM2.

    python benchmarks/bench_engine.py [--tokens 256] [--repeat 5]

Runs ``ponder bench`` (see app/engine/bench.py for what the baseline is) on:
  * the scripted Qwen3 model at test size (1 layer, ~300 wide: ~0.1 ms a token, so any
    per-token overhead of the engine shows at its worst),
  * the scripted Qwen3 model at benchmark size (4 layers, 2,400 wide: about as much
    work per token as a 0.3B model),
  * SmolLM2-135M Q4_1 (a real model from the package index), when it is available.
Prints each run's figures and ratios; targets: generation ratio >= 0.97, TTFT ratio <= 1.05.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from app.testkit.scripted_model import Script, write_scripted_model


def smollm() -> Path | None:
    env = os.environ.get("PONDER_SMOLLM_GGUF")
    if env and Path(env).exists():
        return Path(env)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ponder-build" / "models"
    found = sorted(cache.glob("*.gguf"))
    return found[0] if found else None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--prompt-tokens", type=int, default=512)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ponder-bench-"))
    models = [
        ("scripted, test size", write_scripted_model(folder / "small.gguf", Script(runaway=True)).path),
        (
            "scripted, benchmark size",
            write_scripted_model(
                folder / "wide.gguf", Script(runaway=True), n_layers=4, extra_width=2048
            ).path,
        ),
    ]
    real = smollm()
    if real is not None:
        models.append(("SmolLM2-135M Q4_1", real))
    for label, path in models:
        print(f"== {label}", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "app",
                "bench",
                str(path),
                "--tokens",
                str(args.tokens),
                "--prompt-tokens",
                str(args.prompt_tokens),
                "--repeat",
                str(args.repeat),
                "--ctx",
                "2048",
            ],
            check=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
