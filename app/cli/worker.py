"""``ponder worker``: lend this computer's memory to Ponder on other computers (llama.cpp RPC)."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from app.cli.common import CliError, non_negative
from app.engine.local.rpc import DEFAULT_PORT

__all__ = ["add_parser", "cmd_worker"]


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a port number") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError("a port is between 1 and 65535")
    return port


def add_parser(sub: Any) -> None:
    worker = sub.add_parser(
        "worker",
        help="share this computer's memory with Ponder on other computers",
        description="Serve this computer's memory and processors (its GPU in a GPU build) to Ponder "
        "on other computers, which spread a model's layers over it: `ponder ask MODEL PROMPT "
        "--rpc HOST:PORT`, or Settings > Engines > Other computers. The RPC protocol has no "
        "authentication and no encryption: share on a trusted network only.",
    )
    worker.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer only; "
        "0.0.0.0: every network)",
    )  # fmt: skip
    worker.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    worker.add_argument(
        "--threads", type=non_negative, default=None, help="CPU threads (default: physical cores)"
    )
    worker.add_argument(
        "--cache", metavar="DIR", default=None,
        help="keep received weights in DIR, so loading the same model again sends only their hashes",
    )  # fmt: skip
    worker.set_defaults(func=cmd_worker)


def cmd_worker(args: argparse.Namespace, out: TextIO) -> int:
    from app.engine.local.rpc_worker import WorkerError, serve

    try:
        return serve(args.host, args.port, out, threads=args.threads or None, cache_dir=args.cache)
    except WorkerError as exc:
        raise CliError(str(exc)) from None
