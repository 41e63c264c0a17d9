"""``--server URL`` for ``ponder ask`` and ``ponder models list``: a model on a llama.cpp,
vLLM, SGLang, Ollama, LM Studio or OpenAI-compatible server.

The API key is ``--api-key``, else the one stored for that server in Settings ▸ Engines
(the OS keyring). It is never printed.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, TextIO

from app.cli.common import CliError, emit_json, one_line, table

if TYPE_CHECKING:
    from app.engine.remote.engine import RemoteEngine

__all__ = ["add_server_options", "cmd_list_server", "remote_engine"]


def add_server_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--server", metavar="URL", default=None, help="use a model on this server (http[s]://host:port)"
    )
    p.add_argument(
        "--api-key", metavar="KEY", default=None, help="the server's API key (default: the stored one)"
    )


def _key(url: str, given: str | None) -> str | None:
    if given:
        return given
    from app.engine.remote.http import RemoteError, parse_address
    from app.engine.remote.servers import default_keys, server_id

    try:
        return default_keys().get(server_id(parse_address(url)))
    except RemoteError:
        return None


def remote_engine(url: str, api_key: str | None) -> RemoteEngine:
    from app.engine.remote.engine import RemoteEngine
    from app.engine.remote.http import RemoteError

    try:
        return RemoteEngine(url, _key(url, api_key))
    except RemoteError as exc:
        raise CliError(one_line(exc.message)) from None


def cmd_list_server(args: argparse.Namespace, out: TextIO) -> int:
    """The models a server serves, and what it is."""
    from app.engine.remote.engine import list_server
    from app.engine.remote.http import RemoteError, parse_address
    from app.engine.remote.shapes import KIND_NAMES

    try:
        address = parse_address(args.server)
        info = list_server(address.url, _key(address.url, args.api_key))
    except RemoteError as exc:
        raise CliError(one_line(exc.message)) from None
    server: dict[str, Any] = {
        "url": address.url,
        "kind": info.kind.value,
        "name": KIND_NAMES[info.kind],
        "version": info.version,
        "unencrypted": address.unencrypted,
    }
    if args.json:
        return emit_json(out, {"server": server, "models": [{"id": m} for m in info.models]})
    version = f" {info.version}" if info.version else ""
    out.write(f"{KIND_NAMES[info.kind]}{version} at {address.url}\n")
    if address.unencrypted:
        out.write("warning: plain http:// to another machine; the key and the chats travel unencrypted\n")
    if not info.models:
        out.write("It serves no model yet.\n")
        return 0
    out.write(table(["MODEL"], [[m] for m in info.models]) + "\n")
    return 0
