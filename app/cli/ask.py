"""``ponder ask``: one prompt answered in the terminal, streamed or as one JSON object."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from app.cli.common import CliError, add_load_options, non_negative, resolve_model
from app.cli.remote import add_server_options, remote_engine

__all__ = ["add_parser", "cmd_ask"]


def add_parser(sub: Any) -> None:
    ask = sub.add_parser("ask", help="answer one prompt in the terminal")
    ask.add_argument(
        "model", help="a .gguf file (or a downloaded model's name); with --server, its id there or 'default'"
    )
    ask.add_argument("prompt")
    mode = ask.add_mutually_exclusive_group()
    mode.add_argument(
        "--think", dest="think", action="store_true", default=True, help="reason first (default)"
    )
    mode.add_argument("--no-think", dest="think", action="store_false", help="answer directly")
    ask.add_argument("--budget", type=non_negative, default=None, help="cap the reasoning at N tokens")
    ask.add_argument("--max-tokens", type=non_negative, default=None)
    ask.add_argument("--temperature", type=float, default=None)
    ask.add_argument("--top-p", type=float, default=None)
    ask.add_argument("--top-k", type=non_negative, default=None)
    ask.add_argument("--min-p", type=float, default=None)
    ask.add_argument("--presence-penalty", type=float, default=None)
    ask.add_argument("--seed", type=int, default=None)
    ask.add_argument("--system", default=None, help="system prompt")
    ask.add_argument("--json", action="store_true", help="print one JSON object instead of streaming")
    ask.add_argument(
        "--answer-reserve", type=non_negative, default=None, metavar="N",
        help="context tokens kept for the answer while the model reasons "
        "(default: the larger of 1024 and 15%% of the context)",
    )  # fmt: skip
    add_load_options(ask, auto_context=True)
    add_server_options(ask)
    ask.add_argument(
        "--rpc", type=_endpoints, default=(), metavar="HOST:PORT[,HOST:PORT...]",
        help="spread the model over these computers running `ponder worker` (or llama.cpp's rpc-server)",
    )  # fmt: skip
    ask.set_defaults(func=cmd_ask)


def _endpoints(value: str) -> tuple[str, ...]:
    from app.engine.local.rpc import parse_endpoints

    try:
        return parse_endpoints(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_ask(args: argparse.Namespace, out: TextIO) -> int:
    from app.core.chat.messages import PromptMessage
    from app.core.chat.sampling import ModeSampling
    from app.engine.base import Engine, EngineFailure
    from app.engine.local.engine import LocalEngine
    from app.engine.protocol import GenerateRequest, LoadRequest, ReplyStarted, TextDelta, ThinkingCut

    client: Engine
    if args.server and args.rpc:
        raise CliError("--rpc spreads a model of this computer over others; it does not go with --server")
    if args.server:
        path, client = args.model, remote_engine(args.server, args.api_key)
    else:
        path, client = str(resolve_model(args.model)), LocalEngine()
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
    stream = _TerminalStream(out) if not args.json else None
    try:
        loaded = client.load_sync(
            LoadRequest(
                str(path), n_ctx=args.ctx, n_gpu_layers=args.gpu_layers, n_threads=args.threads,
                kv_cache=args.kv_cache,
                rpc_servers=args.rpc,
            )
        )  # fmt: skip
        if args.server:  # the model's id on the server ("default" resolved)
            path = str(loaded.info["model"])
        request = GenerateRequest(
            tuple(messages),
            thinking=args.think,
            budget=args.budget,
            sampling=sampling,
            max_tokens=args.max_tokens,
            seed=args.seed,
            answer_reserve=args.answer_reserve,
        )

        started: list[ReplyStarted] = []  # how the engine runs the reply: mode, sampling

        def on_event(event: object) -> None:
            if isinstance(event, ReplyStarted):
                started.append(event)
            if stream is None:
                return
            if isinstance(event, TextDelta):
                stream.write(event.kind, event.text)
            elif isinstance(event, ThinkingCut):
                stream.cut(event.reason)

        result = client.generate_sync(request, on_event=on_event)
    except EngineFailure as exc:
        raise CliError(_failure_line(exc.error.message, exc.error.detail)) from None
    finally:
        client.close()
    if stream is not None:
        stream.end()
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
        "cut_reason": result.cut_reason,
        "model": str(path),
        "n_ctx": result.n_ctx or loaded.info.get("n_ctx"),
        "rope_scaling": loaded.info.get("rope_scaling"),
        "kv_cache_type": loaded.info.get("kv_cache_type"),
        # What the model's template allows, and the sampling the engine applied for the mode the
        # reply ran in (a never-thinking model gets the answer mode's settings).
        "thinking_support": loaded.thinking_support,
        "sampling": {**started[0].sampling.to_dict(), "seed": request.seed} if started else None,
    }
    if "offload" in loaded.info:  # where the layers went: per device, workers by host:port
        payload["offload"] = loaded.info["offload"]
    out.write(json.dumps(payload, ensure_ascii=False) + "\n")
    out.flush()
    return 0


def _failure_line(message: str, detail: str = "") -> str:
    """The engine's message, with the last line of its detail when that adds something."""
    text = message.strip().replace("\n", " ")
    if detail:
        last = detail.strip().splitlines()[-1].strip()
        if last and last not in text:
            text += f" ({last})"
    return text


# What the terminal says where Ponder cut the reasoning, by the cut's reason.
_CUT_NOTES = {"budget": "thinking budget reached", "context": "context limit reached, answering"}


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

    def cut(self, reason: str) -> None:
        self.out.write(f" [{_CUT_NOTES.get(reason, 'answering now')}]")

    def end(self) -> None:
        if self.kind == "thinking" and self.color:
            self.out.write(self.RESET)
        self.out.write("\n")
        self.out.flush()
