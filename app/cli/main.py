"""The headless surface: ``ponder ask``, ``ponder bench``, ``ponder models``.

With no arguments (or a .gguf path) ``ponder`` opens the window instead.
Every failure a user can cause ends in one line on stderr and a non-zero exit.
Each command group lives in its own module and sets its handler with ``set_defaults(func=...)``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from collections.abc import Sequence
from typing import TextIO

from app.cli import ask, bench, fit, models, serve, worker
from app.cli.common import EXIT_FAILED, EXIT_INTERRUPTED, CliError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ponder", description="Chat with Qwen3 models, privately.")
    parser.add_argument("--self-test", nargs="?", const="", metavar="MODEL", help=argparse.SUPPRESS)
    parser.add_argument("--version", action="store_true", help="print the version and llama.cpp backends")
    sub = parser.add_subparsers(dest="command")
    ask.add_parser(sub)
    bench.add_parser(sub)
    fit.add_commands(models.add_parser(sub))
    serve.add_parser(sub)
    worker.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()
    _ensure_streams()
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args_list or (len(args_list) == 1 and args_list[0].lower().endswith(".gguf")):
        return _open_window(args_list)
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        if args.version:
            return _version(sys.stdout)
        if args.self_test is not None:
            from app.ui.selftest import run_self_test

            return run_self_test(args.self_test or None)
        if not hasattr(args, "func"):
            return _open_window([])
        code: int = args.func(args, sys.stdout)
        return code
    except CliError as exc:
        print(f"ponder: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("ponder: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _version(out: TextIO) -> int:
    from app import __version__
    from app.engine.local.capabilities import probe_capabilities

    caps = probe_capabilities()
    backends = ", ".join(caps.backends) or "unknown"
    gpu = {
        True: "GPU offload available",
        False: "CPU only (see README, GPU builds)",
        None: "GPU offload unknown (could not ask llama.cpp)",
    }[caps.gpu_offload]
    out.write(f"Ponder {__version__} · llama.cpp backends: {backends} · {gpu}\n")
    return 0


def _ensure_streams() -> None:
    """A windowed frozen app has no console: sys.stdout/stderr are None there."""
    import os

    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115


def _open_window(args: list[str]) -> int:
    try:
        from app.ui.main import run_app
    except ImportError as exc:
        print(f"ponder: the window cannot start: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
