"""The few HTTP requests a download makes, on the standard library.

Redirects are followed by hand so that the ``Authorization`` header never goes to
another host (the Hub sends large files to a CDN), and so that the Hub's own
``X-Linked-*`` headers on its redirect can be read. Statuses become our errors
(:mod:`app.core.hub.errors`), with messages a person can act on.

Reaching a server (TCP and TLS) has its own, shorter limit than waiting for its data: on a
network that silently drops packets, a connection that cannot be made is reported within
``CONNECT_TIMEOUT_S`` and retried, not after the whole read timeout (urllib has one timeout
for both).
"""

from __future__ import annotations

import http.client
import re
import socket
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urljoin, urlsplit

from app.core.hub.errors import AuthRequiredError, HubError, NetworkError, NotFoundError, ServerError

__all__ = ["HttpClient", "RangeNotSatisfiable", "RemoteInfo", "error_for_status"]

REDIRECTS = (301, 302, 303, 307, 308)
CONNECT_TIMEOUT_S = 5.0
MAX_REDIRECTS = 10
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class RangeNotSatisfiable(Exception):
    """416: the requested range starts at or past the end of the file."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _QuickConnect:
    """A connection that gives up connecting after ``CONNECT_TIMEOUT_S``, then waits its own
    ``timeout`` for each read."""

    timeout: Any
    sock: socket.socket | None

    def connect(self) -> None:
        reading = self.timeout
        if isinstance(reading, int | float):
            self.timeout = min(reading, CONNECT_TIMEOUT_S)
        try:
            super().connect()  # type: ignore[misc]
        finally:
            self.timeout = reading
        if self.sock is not None and isinstance(reading, int | float):
            self.sock.settimeout(reading)


class _HTTPConnection(_QuickConnect, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_QuickConnect, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        return super().do_open(_HTTPConnection, req, **kwargs)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        return super().do_open(_HTTPSConnection, req, **kwargs)


@dataclass(frozen=True, slots=True)
class RemoteInfo:
    """What a HEAD on a ``resolve`` URL said."""

    url: str  # the URL to GET (pinned to the commit when the Hub named it)
    size: int | None
    sha256: str | None  # the LFS object id, when the ETag is one
    etag: str | None
    commit: str | None


def _clean_etag(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("W/"):
        value = value[2:]
    return value.strip('"') or None


def error_for_status(status: int, headers: Mapping[str, str] | Message, what: str) -> HubError:
    code = headers.get("X-Error-Code") or ""
    if status in (401, 403):
        if code == "GatedRepo":
            return AuthRequiredError(
                f"{what} is in a gated repository: accept its terms on the Hugging Face website, "
                "then add a token from an account that has access."
            )
        return AuthRequiredError(
            f"The Hub refused access to {what} ({status}): the repository is private or gated, "
            "or the token is missing or invalid. Add a Hugging Face token that has access."
        )
    if status == 404:
        if code == "EntryNotFound":
            return NotFoundError(f"{what} does not exist in the repository (404).")
        if code == "RevisionNotFound":
            return NotFoundError(f"{what}: that revision does not exist (404).")
        return NotFoundError(f"{what} was not found on the Hugging Face Hub (404).")
    if status == 429:
        return ServerError(f"The Hub is rate-limiting downloads of {what} (429); try again in a while.")
    if status >= 500:
        return ServerError(f"The Hub had a problem sending {what} ({status}); try again later.")
    return ServerError(f"The Hub answered {status} for {what}.")


class HttpClient:
    def __init__(self, headers: Mapping[str, str], *, timeout: float = 30.0) -> None:
        self.headers = dict(headers)
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirect(), _HTTPHandler(), _HTTPSHandler())

    def _request(
        self, url: str, method: str, headers: Mapping[str, str], what: str
    ) -> tuple[int, Message, http.client.HTTPResponse | None]:
        req = urllib.request.Request(url, method=method, headers=dict(headers))
        try:
            resp = self._opener.open(req, timeout=self.timeout)
        except urllib.error.HTTPError as err:
            hdrs = err.headers
            err.close()
            return err.code, hdrs, None
        except urllib.error.URLError as err:
            raise NetworkError(
                f"Could not reach {urlsplit(url).netloc} to download {what}: {_reason(err.reason)}. "
                "Check the internet connection."
            ) from err
        except (OSError, http.client.HTTPException) as err:
            raise NetworkError(f"The connection failed while requesting {what}: {_reason(err)}.") from err
        return resp.status, resp.headers, resp

    def open(
        self, url: str, what: str, *, method: str = "GET", extra: Mapping[str, str] | None = None
    ) -> tuple[http.client.HTTPResponse, str]:
        """Follow redirects and return the final 2xx response and its URL; raise on errors.

        416 (range not satisfiable) is returned, not raised: the caller decides."""
        headers = {**self.headers, **(extra or {})}
        host = urlsplit(url).netloc
        for _ in range(MAX_REDIRECTS):
            status, hdrs, resp = self._request(url, method, headers, what)
            if resp is not None:
                return resp, url
            if status in REDIRECTS and hdrs.get("Location"):
                url = urljoin(url, hdrs["Location"])
                if urlsplit(url).netloc != host:
                    headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
                continue
            if status == 416:
                raise RangeNotSatisfiable()
            raise error_for_status(status, hdrs, what)
        raise ServerError(f"Too many redirects while requesting {what}.")

    def probe(self, url: str, what: str) -> RemoteInfo:
        """HEAD a Hub ``resolve`` URL: size, sha256, ETag and commit, following redirects
        only as far as needed to learn the size."""
        headers = {**self.headers, "Accept-Encoding": "identity"}
        commit = etag = None
        size: int | None = None
        current = url
        for _ in range(MAX_REDIRECTS):
            status, hdrs, resp = self._request(current, "HEAD", headers, what)
            if resp is not None:
                resp.close()
            elif status not in REDIRECTS:
                raise error_for_status(status, hdrs, what)
            commit = commit or hdrs.get("X-Repo-Commit")
            etag = etag or _clean_etag(hdrs.get("X-Linked-Etag") or hdrs.get("ETag"))
            linked = hdrs.get("X-Linked-Size") or (hdrs.get("Content-Length") if resp is not None else None)
            if linked and linked.isdigit():
                size = int(linked)
            if resp is not None or size is not None:
                break
            location = hdrs.get("Location")
            if not location:
                raise ServerError(f"The Hub sent a redirect without a location for {what}.")
            current = urljoin(current, location)
            if urlsplit(current).netloc != urlsplit(url).netloc:
                headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        sha = etag.lower() if etag and _SHA256_RE.match(etag.lower()) else None
        return RemoteInfo(url=url, size=size, sha256=sha, etag=etag, commit=commit)


def _reason(reason: object) -> str:
    if isinstance(reason, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "the host name could not be resolved"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__
