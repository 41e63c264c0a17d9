"""``ponder serve``: the model over an OpenAI-compatible API, until Ctrl-C.

The model runs here (a local file, the catalog or the library) or on a server (``--server``);
``--api-key`` is the key clients of this server send, ``--server-key`` the one for that server.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from app.cli.common import CliError, add_load_options, non_negative, one_line, resolve_model
from app.cli.remote import remote_engine

__all__ = ["add_parser", "cmd_serve"]

ENV_KEY = "PONDER_API_KEY"


def _port(value: str) -> int:
    n = non_negative(value)
    if n > 65535:
        raise argparse.ArgumentTypeError("a port is 0 to 65535")
    return n


def add_parser(sub: Any) -> None:
    from app.server.config import DEFAULT_PORT

    serve = sub.add_parser("serve", help="serve a model to other apps (OpenAI-compatible API)")
    serve.add_argument(
        "model", help="a .gguf file (or a downloaded model's name); with --server, its id there or 'default'"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}; 0: any free"
    )
    serve.add_argument(
        "--api-key", default=None, help=f"require this key (or set {ENV_KEY}); needed beyond localhost"
    )
    serve.add_argument(
        "--cors", metavar="ORIGIN", default=None, help="let web pages from ORIGIN call the API"
    )
    serve.add_argument("--alias", default=None, help="the model's name in the API (default: the file's name)")
    serve.add_argument(
        "--max-waiting", type=non_negative, default=16, help="requests that may wait their turn (default 16)"
    )
    serve.add_argument("--quiet", action="store_true", help="do not print a line per request")
    serve.add_argument("--server", metavar="URL", default=None, help="serve a model of this server instead")
    serve.add_argument(
        "--server-key", metavar="KEY", default=None, help="that server's API key (default: the stored one)"
    )
    add_load_options(serve, auto_context=True)
    serve.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    from app.engine.base import Engine, EngineFailure
    from app.engine.local.engine import LocalEngine
    from app.engine.protocol import LoadRequest
    from app.server.app import ApiServer
    from app.server.config import ServerConfig, ServerConfigError, check_bind

    config = ServerConfig(
        host=args.host,
        port=args.port,
        api_key=args.api_key or os.environ.get(ENV_KEY) or None,
        cors=args.cors,
        max_waiting=args.max_waiting,
    )
    try:
        check_bind(config)  # before the model loads: a refusal costs nothing
    except ServerConfigError as exc:
        raise CliError(str(exc)) from None
    engine: Engine
    if args.server:
        model, engine = args.model, remote_engine(args.server, args.server_key)
    else:
        path = resolve_model(args.model)
        model, engine = str(path), LocalEngine()
    if not args.quiet:
        _log_requests()
    try:
        loaded = engine.load_sync(
            LoadRequest(
                model, n_ctx=args.ctx, n_gpu_layers=args.gpu_layers, n_threads=args.threads,
                kv_cache=args.kv_cache,
            )
        )  # fmt: skip
        name, aliases = _names(args, Path(model), loaded.info.get("model") if args.server else None)
        server = ApiServer(engine, config, name, aliases=aliases)
        try:
            server.start()
        except OSError as exc:
            raise CliError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
        try:
            key_note = " (API key required)" if config.api_key else ""
            out.write(f"Serving {name} at {server.url}{key_note}. Ctrl-C stops.\n")
            out.flush()
            _wait_for_stop()
        finally:
            server.close()
    except EngineFailure as exc:
        raise CliError(one_line(exc.error.message)) from None
    finally:
        engine.close()
    out.write("Stopped.\n")
    return 0


def _names(args: argparse.Namespace, path: Path, remote_id: object) -> tuple[str, tuple[str, ...]]:
    """The model's name in the API (its file's name, the name typed, or its id on the server),
    and the other names requests may use for it."""
    if remote_id is not None:  # "default" resolved
        return args.alias or str(remote_id), (str(remote_id), args.model)
    typed_a_path = path == Path(args.model).expanduser()
    name = args.alias or (path.stem if typed_a_path else args.model)
    return name, (path.name, path.stem, args.model)


def _wait_for_stop() -> None:
    """Until Ctrl-C or SIGTERM (a service manager's stop)."""
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass


def _log_requests() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    access = logging.getLogger("ponder.server.access")
    access.addHandler(handler)
    access.setLevel(logging.DEBUG)
