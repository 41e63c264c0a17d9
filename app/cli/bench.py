"""``ponder bench``: the engine's generation speed beside a bare llama.cpp loop (measured in
:mod:`app.engine.local.bench`, printed here)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from app.cli.common import CliError, add_load_options, non_negative, resolve_model

__all__ = ["add_parser", "cmd_bench"]


def add_parser(sub: Any) -> None:
    bench = sub.add_parser("bench", help="measure generation speed against a bare llama.cpp loop")
    bench.add_argument("model")
    bench.add_argument("--tokens", type=non_negative, default=256)
    bench.add_argument("--prompt-tokens", type=non_negative, default=512)
    bench.add_argument("--repeat", type=non_negative, default=3)
    add_load_options(bench)
    bench.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace, out: TextIO) -> int:
    from app.engine.local.bench import BenchError, run_bench

    path = str(resolve_model(args.model))
    if not Path(path).exists():
        raise CliError(f"Model file not found: {path}")
    gpu = 0 if args.gpu_layers == "auto" else int(args.gpu_layers)
    n_tokens = max(2, args.tokens)
    try:
        result = run_bench(
            path,
            n_ctx=args.ctx,
            gpu_layers=gpu,
            threads=args.threads,
            tokens=n_tokens,
            prompt_tokens=args.prompt_tokens,
            repeat=args.repeat,
        )
    except BenchError as exc:
        raise CliError(str(exc)) from None
    base, engine = result.baseline, result.engine
    out.write(
        f"model         {Path(path).name}\n"
        f"setup         threads={result.threads} ctx={args.ctx} gpu_layers={gpu} "
        f"prompt={result.prompt_tokens} tokens generate={n_tokens} tokens runs={args.repeat} (medians)\n"
        f"baseline      generation {base.gen_tok_s:10.1f} tok/s   "
        f"prompt+first token {base.prompt_s * 1000:8.2f} ms\n"
        f"engine        generation {engine.gen_tok_s:10.1f} tok/s   "
        f"time to first token {engine.prompt_s * 1000:8.2f} ms\n"
        f"ratio         generation {engine.gen_tok_s / base.gen_tok_s:10.3f}         "
        f"ttft/baseline {engine.prompt_s / base.prompt_s:10.3f}\n"
    )
    out.flush()
    return 0
