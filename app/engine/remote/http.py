"""A small HTTP client for the servers: JSON requests, streamed responses, one-line errors.

Plain ``http.client`` (no dependency): one connection per request, so that closing a stream
from another thread ends exactly that reply (how a reply is cancelled). TLS certificates are
always verified. Every failure becomes a :class:`RemoteError` whose message is one line that
says what happened and what to do; the API key never appears in one.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import json
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from app import __version__

CONNECT_TIMEOUT_S = 10.0
# How long a stream may stay silent: a big model can read a long prompt for minutes.
READ_TIMEOUT_S = 600.0


class RemoteError(Exception):
    """A failure talking to a server. ``kind`` tells what to offer:

    "unreachable", "timeout", "tls", "auth", "not_found", "bad_request", "context_full",
    "server" (a 5xx), "protocol" (an answer that makes no sense), "interrupted" (the
    connection broke mid-reply).
    """

    def __init__(self, kind: str, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class Address:
    """A server's base URL, split once."""

    scheme: str
    host: str
    port: int
    path: str  # base path without a trailing slash ("" or e.g. "/compatible-mode")

    @property
    def url(self) -> str:
        default = 443 if self.scheme == "https" else 80
        port = "" if self.port == default else f":{self.port}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}{port}{self.path}"

    @property
    def loopback(self) -> bool:
        if self.host.lower() == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    @property
    def unencrypted(self) -> bool:
        """Plain http:// to another machine: the key and the chat travel readable."""
        return self.scheme == "http" and not self.loopback


def parse_address(url: str) -> Address:
    """``url`` checked and normalised; a trailing ``/v1`` is dropped (endpoints add it)."""
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise RemoteError("bad_request", f"'{url}' is not a server address ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(
            "bad_request", f"'{url}' is not a server address: use http://host:port or https://host."
        )
    path = parts.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[: -len("/v1")]
    return Address(scheme, parts.hostname, port or (443 if scheme == "https" else 80), path)


class Response:
    """One streamed response: its lines; :meth:`abort` from any thread ends them."""

    def __init__(self, conn: http.client.HTTPConnection, raw: http.client.HTTPResponse, where: str) -> None:
        self._conn = conn
        self._raw = raw
        self._where = where
        self.aborted = False

    def lines(self) -> Iterator[bytes]:
        """The body line by line (without line ends); raises RemoteError if the connection breaks."""
        while True:
            try:
                line = self._raw.readline()
            except (OSError, http.client.HTTPException, ValueError, AttributeError) as exc:
                # (http.client's reader can fail in odd ways once its socket is shut down)
                if self.aborted:
                    return
                if isinstance(exc, TimeoutError):
                    raise RemoteError(
                        "timeout",
                        f"The server at {self._where} went silent for {READ_TIMEOUT_S:.0f} s mid-reply. "
                        "What was written is kept; try again.",
                    ) from None
                raise _broken(self._where) from None
            if not line or self.aborted:
                return
            yield line.rstrip(b"\r\n")

    def abort(self) -> None:
        """End the response now, from any thread (a cancel): the reading thread sees its end.

        Only the socket is shut down here; the thread reading it closes the connection."""
        self.aborted = True
        sock = self._conn.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        """Release the connection (by the thread that reads the response)."""
        with contextlib.suppress(OSError):
            self._conn.close()


def _broken(where: str) -> RemoteError:
    return RemoteError(
        "interrupted",
        f"The server at {where} closed the connection mid-reply (it may have stopped or crashed). "
        "What was written is kept; reload the model to go on.",
    )


class HttpClient:
    """JSON over HTTP(S) to one server, with an optional API key."""

    def __init__(
        self, address: Address, api_key: str | None = None, *, timeout: float = CONNECT_TIMEOUT_S
    ) -> None:
        self.address = address
        self._api_key = api_key or None
        self.timeout = timeout

    def __repr__(self) -> str:  # never the key
        return f"HttpClient({self.address.url!r}, key={'set' if self._api_key else 'none'})"

    @property
    def has_key(self) -> bool:
        return self._api_key is not None

    def get_json(self, path: str) -> Any:
        return self._json(self.open("GET", path, None, stream=False))

    def post_json(self, path: str, body: dict[str, Any]) -> Any:
        return self._json(self.open("POST", path, body, stream=False))

    def stream(self, path: str, body: dict[str, Any]) -> Response:
        return self.open("POST", path, body, stream=True)

    def _json(self, response: Response) -> Any:
        try:
            data = b"".join(response.lines())
        finally:
            response.close()
        try:
            return json.loads(data or b"null")
        except ValueError:
            where = self.address.url
            raise RemoteError("protocol", f"The server at {where} did not answer with JSON.") from None

    def open(self, method: str, path: str, body: dict[str, Any] | None, *, stream: bool) -> Response:
        a = self.address
        where = a.url
        conn: http.client.HTTPConnection
        if a.scheme == "https":
            context = ssl.create_default_context()  # verifies the certificate and the host name
            conn = http.client.HTTPSConnection(a.host, a.port, timeout=self.timeout, context=context)
        else:
            conn = http.client.HTTPConnection(a.host, a.port, timeout=self.timeout)
        headers = {
            "User-Agent": f"Ponder/{__version__}",
            "Accept": "text/event-stream" if stream else "application/json",
        }
        payload = None
        if body is not None:
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        waited = self.timeout
        try:
            conn.connect()
            if stream and conn.sock is not None:
                waited = READ_TIMEOUT_S
                # A reply may wait its turn behind others, or for a long prompt to be read.
                conn.sock.settimeout(READ_TIMEOUT_S)
            conn.request(method, a.path + path, body=payload, headers=headers)
            raw = conn.getresponse()
        except ssl.SSLCertVerificationError as exc:
            conn.close()
            reason = exc.verify_message or exc.reason or "unknown reason"
            raise RemoteError(
                "tls",
                f"The TLS certificate of {a.host} could not be verified ({reason}). "
                "Give the server a certificate this computer trusts; Ponder does not skip the check.",
            ) from None
        except ssl.SSLError as exc:
            conn.close()
            raise RemoteError(
                "tls",
                f"A secure connection to {a.host} failed ({exc.reason or exc}). "
                "Check whether the server speaks https:// or plain http://.",
            ) from None
        except ConnectionRefusedError:
            conn.close()
            raise RemoteError(
                "unreachable",
                f"Nothing is listening at {where}. Check the address and that the server is running.",
            ) from None
        except socket.gaierror:
            conn.close()
            raise RemoteError("unreachable", f"The host {a.host} was not found. Check the address.") from None
        except TimeoutError:
            conn.close()
            # A plain-http server never finishes a TLS handshake: it waits for a request line.
            tls = " and whether the server speaks https:// or plain http://" if a.scheme == "https" else ""
            raise RemoteError(
                "timeout",
                f"The server at {where} did not answer within {waited:.0f} s. "
                f"Check the address, the network{tls}, or try again when the server is less busy.",
            ) from None
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise RemoteError(
                "unreachable",
                f"Could not talk to {where} ({_reason(exc)}). "
                "Check the address and that the server is running.",
            ) from None
        response = Response(conn, raw, where)
        if raw.status >= 400:
            try:
                text = b"".join(response.lines()).decode("utf-8", "replace")
            except RemoteError:
                text = ""
            finally:
                response.close()
            raise self._status_error(raw.status, text)
        return response

    def _status_error(self, status: int, text: str) -> RemoteError:
        where = self.address.url
        said = _server_message(text)
        if status == 401:
            if self.has_key:
                return RemoteError(
                    "auth", f"The server at {where} refused the API key (401). Check the key.", status
                )
            return RemoteError(
                "auth",
                f"The server at {where} needs an API key (401). "
                "Add it in Settings ▸ Engines, or pass --api-key.",
                status,
            )
        if status == 403:
            return RemoteError(
                "auth",
                f"The server at {where} refused access (403). Check the API key and its permissions.",
                status,
            )
        if status == 404:
            return RemoteError(
                "not_found", f"The server at {where} has no such endpoint or model (404){said}.", status
            )
        lowered = text.lower()
        if "context" in lowered and ("exceed" in lowered or "too long" in lowered or "maximum" in lowered):
            return RemoteError(
                "context_full",
                "The conversation does not fit the server's context. "
                "Start a new chat, delete old messages, or restart the server with a larger context.",
                status,
            )
        if status >= 500:
            return RemoteError("server", f"The server at {where} failed ({status}){said}. Try again.", status)
        return RemoteError(
            "bad_request", f"The server at {where} refused the request ({status}){said}.", status
        )


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _server_message(text: str) -> str:
    """``: <what the server said>`` from a JSON error body, kept short and on one line."""
    message = ""
    try:
        data = json.loads(text)
    except ValueError:
        message = text
    else:
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, dict):
            message = str(error.get("message") or "")
        elif isinstance(error, str):
            message = error
        elif isinstance(data, dict) and isinstance(data.get("detail"), str):
            message = data["detail"]
        elif isinstance(data, dict) and isinstance(data.get("message"), str):
            message = data["message"]
    message = " ".join(message.split())
    if len(message) > 200:
        message = message[:197] + "…"
    return f": {message}" if message else ""
