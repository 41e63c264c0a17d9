"""The HTTP side: routes, key and Host checks, bodies, JSON and Server-Sent Events.

Plain ``http.server`` (a thread per connection, HTTP/1.1 keep-alive, chunked streams): no
dependency, and the engine's speed, not the server's, sets the pace. A client that hangs up
is noticed at the next batch of events (its socket reads as closed, or a write fails) and its
reply is cancelled, so the next request starts.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import queue
import select
import socket
import sys
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from app import __version__
from app.engine.protocol import EngineError, Event, ReplyFinished
from app.server.config import is_loopback
from app.server.errors import ApiError, bad_request, engine_error
from app.server.replies import Piece, ReplyShapes, ReplyText
from app.server.requests import Job, parse_chat, parse_completion
from app.server.scheduler import QueueFull, Ticket

if TYPE_CHECKING:
    from app.server.app import ApiServer

__all__ = ["HttpServer"]

log = logging.getLogger("ponder.server")
access_log = logging.getLogger("ponder.server.access")  # `ponder serve` prints it; the app log skips it

_CHECK_S = 0.1  # while a reply waits or runs, look this often whether its client is still there


class _ClientGone(Exception):
    pass


class HttpServer(ThreadingHTTPServer):
    """Keeps its connections so that closing the server ends them (and their threads)."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, app: ApiServer) -> None:
        self.app = app
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        host = app.config.host.strip("[]")
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, app.config.port), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # a client that went away, or the server closing its connection
        log.exception("a request from %s failed", client_address[0])

    def close_connections(self) -> None:
        with self._open_lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = f"Ponder/{__version__}"
    sys_version = ""
    disable_nagle_algorithm = True  # each streamed chunk leaves at once
    timeout = 300  # an idle keep-alive connection is closed after this
    server: HttpServer

    # -- routing -------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_OPTIONS(self) -> None:
        cors = self.server.app.config.cors
        if cors is None:
            self._route("OPTIONS")
            return
        self._body_read = True
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", cors)
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _route(self, method: str) -> None:
        self._body_read = method == "GET"
        path = urlsplit(self.path).path.rstrip("/") or "/"
        app = self.server.app
        try:
            self._check_host()
            if path == "/health" and method == "GET":
                self._send_json(200, {"status": "ok"})
                return
            self._check_key()
            if path in ("/v1/models", "/models") and method == "GET":
                self._send_json(200, {"object": "list", "data": [app.model_object()]})
            elif path.startswith(("/v1/models/", "/models/")) and method == "GET":
                name = path.split("/models/", 1)[1]
                if name not in app.names:
                    raise ApiError(404, f"The model '{name}' does not exist.", code="model_not_found")
                self._send_json(200, app.model_object())
            elif path in ("/v1/chat/completions", "/chat/completions") and method == "POST":
                self._complete(parse_chat(self._json_body(), app.names, app.config.sampling), chat=True)
            elif path in ("/v1/completions", "/completions") and method == "POST":
                self._complete(
                    parse_completion(self._json_body(), app.names, app.config.sampling), chat=False
                )
            elif path in _ROUTES:
                raise ApiError(405, f"{method} is not allowed on {path}.", headers={"Allow": _ROUTES[path]})
            else:
                raise ApiError(404, f"Unknown path {path}.", code="unknown_url")
        except ApiError as exc:
            self._send_json(exc.status, exc.body(), exc.headers)

    # -- checks --------------------------------------------------------------------------
    def _check_host(self) -> None:
        """On loopback, a page in a browser must not reach the server through a DNS name of its
        own that resolves here (DNS rebinding): the Host header must name this machine."""
        if not is_loopback(self.server.app.config.host):
            return
        host = self.headers.get("Host")
        if host is None:
            return
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if not is_loopback(name):
            raise ApiError(403, "This server answers requests for localhost only.", code="forbidden_host")

    def _check_key(self) -> None:
        key = self.server.app.config.api_key
        if not key:
            return
        given = self.headers.get("Authorization", "")
        scheme, _, token = given.partition(" ")
        ok = scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), key.encode())
        if not ok:
            raise ApiError(
                401,
                "Incorrect or missing API key (send it as 'Authorization: Bearer KEY').",
                code="invalid_api_key",
                headers={"WWW-Authenticate": "Bearer"},
            )

    def _json_body(self) -> dict[str, Any]:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise ApiError(411, "Send the body with a Content-Length.", code="length_required")
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            raise bad_request("Content-Length is not a number.") from None
        limit = self.server.app.config.max_body
        if length > limit:
            raise ApiError(413, f"The request body is larger than {limit} bytes.", code="request_too_large")
        raw = self.rfile.read(length) if length > 0 else b""
        self._body_read = True
        if not raw:
            raise bad_request("The request has no body: send a JSON object.")
        try:
            body = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise bad_request(f"The body is not valid JSON: {exc}", code="invalid_json") from None
        if not isinstance(body, dict):
            raise bad_request("The body must be a JSON object.")
        return body

    # -- replies -------------------------------------------------------------------------
    def _complete(self, job: Job, *, chat: bool) -> None:
        replies = self.server.app.replies
        try:
            ticket = replies.submit(job.request)
        except QueueFull as full:
            raise ApiError(
                429,
                f"{replies.max_waiting} requests wait for the model already; try again shortly.",
                kind="rate_limit_error",
                code="queue_full",
                headers={"Retry-After": str(full.retry_after)},
            ) from None
        try:
            if job.stream:
                self._stream(ticket, job, chat)
            else:
                self._whole(ticket, job, chat)
        except _ClientGone:
            self.close_connection = True
        finally:
            replies.cancel(ticket)  # nothing happens to a reply that has finished

    def _events(self, ticket: Ticket) -> Iterator[list[Event]]:
        """The ticket's events in batches, up to its last; _ClientGone when the client left."""
        while True:
            try:
                batch = [ticket.events.get(timeout=_CHECK_S)]
            except queue.Empty:
                batch = []
            with contextlib.suppress(queue.Empty):
                while True:
                    batch.append(ticket.events.get_nowait())
            if self._client_gone():
                raise _ClientGone
            if batch:
                yield batch
                if isinstance(batch[-1], ReplyFinished | EngineError):
                    return

    def _client_gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def _whole(self, ticket: Ticket, job: Job, chat: bool) -> None:
        text = ReplyText(job.stops, job.request.max_tokens)
        for batch in self._events(ticket):
            for event in batch:
                if isinstance(event, EngineError):
                    raise engine_error(event.kind, event.message)
                text.feed(event)
            if text.stop.hit:
                self.server.app.replies.cancel(ticket)
        self._send_json(200, ReplyShapes(chat, job.model).whole(text))

    def _stream(self, ticket: Ticket, job: Job, chat: bool) -> None:
        text = ReplyText(job.stops, job.request.max_tokens)
        shapes = ReplyShapes(chat, job.model)
        started = False
        for batch in self._events(ticket):
            out: list[dict[str, Any]] = []
            for event in batch:
                if isinstance(event, EngineError):
                    if not started:  # nothing sent yet: a real status code
                        raise engine_error(event.kind, event.message)
                    out.append(engine_error(event.kind, event.message).body())
                    break
                if not started:
                    started = True
                    self._start_stream()
                    if chat:
                        out.append(shapes.chunk(role=True))
                out.extend(shapes.chunk(group) for group in _by_kind(text.feed(event)))
                if isinstance(event, ReplyFinished):
                    out.append(shapes.chunk(finish=text.finish_reason, cut=event.cut_reason))
                    if job.include_usage:
                        out.append(shapes.usage_chunk(event.stats))
            if text.stop.hit:
                self.server.app.replies.cancel(ticket)
            data = b"".join(b"data: " + json.dumps(o, ensure_ascii=False).encode() + b"\n\n" for o in out)
            if isinstance(batch[-1], ReplyFinished | EngineError):
                data += b"data: [DONE]\n\n"
            if data:
                self._write_chunk(data)
        self._write_chunk(b"")  # the end of the stream

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self._cors_header()
        try:
            self.end_headers()
        except OSError:
            raise _ClientGone from None

    def _write_chunk(self, data: bytes) -> None:
        """One HTTP chunk (an empty one ends the stream)."""
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        except OSError:
            raise _ClientGone from None

    # -- plain responses -----------------------------------------------------------------
    def _send_json(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self._cors_header()
            if not self._body_read:  # what the client still sends would read as the next request
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True

    def _cors_header(self) -> None:
        cors = self.server.app.config.cors
        if cors is not None:
            self.send_header("Access-Control-Allow-Origin", cors)

    def log_message(self, format: str, *args: Any) -> None:
        # The request line and status only: never headers (the key) or bodies.
        access_log.debug("%s %s", self.address_string(), format % args)


_ROUTES = {
    "/v1/models": "GET",
    "/models": "GET",
    "/v1/chat/completions": "POST",
    "/chat/completions": "POST",
    "/v1/completions": "POST",
    "/completions": "POST",
    "/health": "GET",
}


def _by_kind(pieces: Sequence[Piece]) -> list[list[Piece]]:
    """Runs of pieces of one kind: a chunk carries reasoning or content, never both."""
    groups: list[list[Piece]] = []
    for piece in pieces:
        if groups and groups[-1][0][0] == piece[0]:
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return groups
