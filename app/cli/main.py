"""The headless surface: ``ponder ask``, ``ponder bench``, ``ponder models``.

With no arguments (or a .gguf path) ``ponder`` opens the window instead.
Every failure a user can cause ends in one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

EXIT_USAGE = 2
EXIT_FAILED = 1


class CliError(Exception):
    """A failure to report in one line."""


def _gpu_layers(value: str) -> int | str:
    if value == "auto":
        return "auto"
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a number or 'auto'") from None


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return n


def _add_load_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ctx", type=_positive, default=4096, help="context size in tokens (default 4096)")
    p.add_argument("--gpu-layers", type=_gpu_layers, default="auto", help="layers to offload: N or auto")
    p.add_argument("--threads", type=_positive, default=None, help="CPU threads (default: physical cores)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ponder", description="Chat with Qwen3 models, privately.")
    parser.add_argument("--self-test", nargs="?", const="", metavar="MODEL", help=argparse.SUPPRESS)
    parser.add_argument("--version", action="store_true", help="print the version and llama.cpp backends")
    sub = parser.add_subparsers(dest="command")

    ask = sub.add_parser("ask", help="answer one prompt in the terminal")
    ask.add_argument("model", help="a .gguf file (or a downloaded model's name)")
    ask.add_argument("prompt")
    mode = ask.add_mutually_exclusive_group()
    mode.add_argument(
        "--think", dest="think", action="store_true", default=True, help="reason first (default)"
    )
    mode.add_argument("--no-think", dest="think", action="store_false", help="answer directly")
    ask.add_argument("--budget", type=_positive, default=None, help="cap the reasoning at N tokens")
    ask.add_argument("--max-tokens", type=_positive, default=None)
    ask.add_argument("--temperature", type=float, default=None)
    ask.add_argument("--top-p", type=float, default=None)
    ask.add_argument("--top-k", type=_positive, default=None)
    ask.add_argument("--min-p", type=float, default=None)
    ask.add_argument("--presence-penalty", type=float, default=None)
    ask.add_argument("--seed", type=int, default=None)
    ask.add_argument("--system", default=None, help="system prompt")
    ask.add_argument("--json", action="store_true", help="print one JSON object instead of streaming")
    _add_load_options(ask)

    bench = sub.add_parser("bench", help="measure generation speed against a bare llama.cpp loop")
    bench.add_argument("model")
    bench.add_argument("--tokens", type=_positive, default=256)
    bench.add_argument("--prompt-tokens", type=_positive, default=512)
    bench.add_argument("--repeat", type=_positive, default=3)
    _add_load_options(bench)

    from app.cli.models import add_parser as add_models_parser

    add_models_parser(sub)
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
        if args.command == "ask":
            return _ask(args, sys.stdout)
        if args.command == "bench":
            from app.engine.local.bench import run_bench

            return run_bench(args, sys.stdout)
        if args.command == "models":
            from app.cli.models import run as run_models

            return run_models(args, sys.stdout)
        return _open_window([])
    except CliError as exc:
        print(f"ponder: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("ponder: interrupted", file=sys.stderr)
        return 130


def _version(out: TextIO) -> int:
    from app import __version__
    from app.engine.local.llama_session import backend_names, gpu_offload_supported

    gpu = "GPU offload available" if gpu_offload_supported() else "CPU only (see README, GPU builds)"
    out.write(f"Ponder {__version__} · llama.cpp backends: {', '.join(backend_names())} · {gpu}\n")
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


def resolve_model(name: str) -> Path:
    """A path to a model file (a path, a catalog name or a downloaded model's name), or a one-line error."""
    path = Path(name).expanduser()
    if path.exists() or path.suffix.lower() == ".gguf" or "/" in name or "\\" in name:
        return path
    from app.core.hub.library import ModelLibrary, ModelNotFoundError

    try:
        return ModelLibrary().resolve(name)
    except ModelNotFoundError as exc:
        raise CliError(str(exc).replace("`", "'")) from None


def _ask(args: argparse.Namespace, out: TextIO) -> int:
    from app.core.chat.messages import PromptMessage
    from app.core.chat.sampling import ModeSampling
    from app.engine.local.engine import LocalEngine, EngineFailure
    from app.engine.protocol import GenerateRequest, LoadRequest, TextDelta, ThinkingCut

    path = resolve_model(args.model)
    messages = []
    if args.system:
        messages.append(PromptMessage("system", args.system))
    messages.append(PromptMessage("user", args.prompt))
    sampling = ModeSampling().with_overrides(
        temperature=args.temperature,
        top_p=args.top_p,
        top_k=args.top_k,
        min_p=args.min_p,
        presence_penalty=args.presence_penalty,
    )
    client = LocalEngine()
    stream = _TerminalStream(out) if not args.json else None
    try:
        client.load_sync(
            LoadRequest(str(path), n_ctx=args.ctx, n_gpu_layers=args.gpu_layers, n_threads=args.threads)
        )
        request = GenerateRequest(
            tuple(messages),
            thinking=args.think,
            budget=args.budget,
            sampling=sampling,
            max_tokens=args.max_tokens,
            seed=args.seed,
        )

        def on_event(event: object) -> None:
            if stream is None:
                return
            if isinstance(event, TextDelta):
                stream.write(event.kind, event.text)
            elif isinstance(event, ThinkingCut):
                stream.cut()

        result = client.generate_sync(request, on_event=on_event)
    except EngineFailure as exc:
        raise CliError(_one_line(exc.error.message, exc.error.detail)) from None
    finally:
        client.close()
    if stream is not None:
        stream.end(result.budget_hit)
        return 0
    payload: dict[str, Any] = {
        "thinking": result.thinking,
        "answer": result.answer,
        "thinking_tokens": result.stats.thinking_tokens,
        "answer_tokens": result.stats.answer_tokens,
        "prompt_tokens": result.stats.prompt_tokens,
        "budget_hit": result.budget_hit,
        "thinking_used": result.thinking_used,
        "ttft_s": round(result.stats.ttft_s, 6),
        "thinking_s": round(result.stats.thinking_s, 6),
        "total_s": round(result.stats.total_s, 6),
        "tokens_per_s": round(result.stats.tokens_per_s, 3),
        "finish_reason": result.finish_reason,
        "model": str(path),
    }
    out.write(json.dumps(payload, ensure_ascii=False) + "\n")
    out.flush()
    return 0


def _one_line(message: str, detail: str = "") -> str:
    text = message.strip().replace("\n", " ")
    if detail:
        last = detail.strip().splitlines()[-1].strip()
        if last and last not in text:
            text += f" ({last})"
    return text


class _TerminalStream:
    """Thinking dimmed, then the answer, as the tokens arrive."""

    DIM, RESET = "\x1b[2m", "\x1b[0m"

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.color = out.isatty()
        self.kind: str | None = None

    def write(self, kind: str, text: str) -> None:
        if kind != self.kind:
            if self.kind == "thinking":
                self.out.write((self.RESET if self.color else "") + "\n\n")
            if kind == "thinking" and self.color:
                self.out.write(self.DIM)
            self.kind = kind
        self.out.write(text)
        self.out.flush()

    def cut(self) -> None:
        self.out.write(" [thinking budget reached]")

    def end(self, budget_hit: bool) -> None:
        if self.kind == "thinking" and self.color:
            self.out.write(self.RESET)
        self.out.write("\n")
        self.out.flush()


if __name__ == "__main__":
    sys.exit(main())
