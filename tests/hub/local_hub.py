"""A small Hugging Face Hub on 127.0.0.1 for tests.

It speaks the endpoints Ponder uses, the way huggingface_hub 2.x and the Hub do:

* ``GET /api/models?search=&filter=gguf`` -- search;
* ``GET /api/models/{repo}`` and ``/api/models/{repo}/revision/{rev}`` -- model info;
  with ``blobs`` the siblings carry size, blob id and LFS sha256;
* ``GET /api/models/{repo}/tree/{rev}[/{path}]`` -- the repository tree;
* ``HEAD/GET /{repo}/resolve/{rev}/{path}`` -- LFS files answer 302 to ``/cdn/...`` with
  ``X-Repo-Commit``, ``X-Linked-Size`` and ``X-Linked-Etag`` (the sha256); small files
  answer 200 directly; errors carry ``X-Error-Code`` like the Hub's;
* ``GET/HEAD /cdn/{sha256}/{name}`` -- the bytes, with ETag and Range (206) support.

Faults can be injected per file: a status for the next N requests, a connection
dropped after N bytes, a stall after N bytes (until released). It counts the body
bytes it sends per file, so a test can prove that no byte was fetched twice.

Some servers are less helpful than the Hub, and a switch plays each of them: one that
never says how big a file is (``hide_sizes``), one that does not name the commit
(``omit_commit``), one that ignores ranges (``ignore_range``), one whose ranged answers
carry a wrong or missing ``Content-Range`` (``range_header``), and a file whose listed
size is not its real one (``published_size``).

Use it as a context manager; ``hub.endpoint`` goes into ``HF_ENDPOINT``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

__all__ = ["LocalHub", "RepoFileSpec"]

BODY_CHUNK = 16 * 1024


@dataclass
class RepoFileSpec:
    path: str
    data: bytes
    lfs: bool = True
    published_sha256: str | None = None  # what the Hub claims (to test a mismatch)
    published_size: int | None = None  # the X-Linked-Size it claims (to test a mismatch)

    @property
    def sha256(self) -> str:
        return self.published_sha256 or hashlib.sha256(self.data).hexdigest()

    @property
    def git_oid(self) -> str:
        return hashlib.sha1(b"blob %d\0" % len(self.data) + self.data).hexdigest()


@dataclass
class _Repo:
    files: dict[str, RepoFileSpec] = field(default_factory=dict)
    token: str | None = None  # required token (private or gated)
    gated: bool = False
    downloads: int = 0

    @property
    def commit(self) -> str:
        h = hashlib.sha1()
        for path in sorted(self.files):
            h.update(path.encode() + self.files[path].sha256.encode())
        return h.hexdigest()


@dataclass
class _Fault:
    status: int | None = None
    drop_after: int | None = None
    stall_after: int | None = None
    release: threading.Event | None = None
    times: int = 1
    methods: tuple[str, ...] = ("GET",)


class LocalHub:
    def __init__(self, *, cdn_host: str = "127.0.0.1") -> None:
        self.repos: dict[str, _Repo] = {}
        self.bytes_served: Counter[str] = Counter()
        self.requests: list[dict[str, Any]] = []
        self.cdn_host = cdn_host
        self.omit_sizes_in_info = False  # model info without sizes: clients must use the tree
        self.ignore_range = False  # answer 200 with the whole file to a Range request
        self.hide_sizes = False  # no X-Linked-Size, no Content-Length: bodies end when the connection closes
        self.omit_commit = False  # no X-Repo-Commit on resolve answers
        # The Content-Range of a 206 from (start, last byte, size); None: leave it out.
        self.range_header: Callable[[int, int, int], str | None] = lambda a, b, n: f"bytes {a}-{b}/{n}"
        self._faults: dict[str, list[_Fault]] = {}
        self._stalls: list[threading.Event] = []
        self._connections: set[socket.socket] = set()
        self._inflight = 0  # response bodies being sent
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- content -------------------------------------------------------------------
    def add_file(
        self,
        repo: str,
        path: str,
        data: bytes,
        *,
        lfs: bool = True,
        published_sha256: str | None = None,
        published_size: int | None = None,
    ) -> RepoFileSpec:
        spec = RepoFileSpec(path, data, lfs, published_sha256, published_size)
        self.repos.setdefault(repo, _Repo()).files[path] = spec
        return spec

    def protect(self, repo: str, token: str, *, gated: bool = False) -> None:
        """Make ``repo`` private (or gated): only requests with ``token`` get in."""
        r = self.repos.setdefault(repo, _Repo())
        r.token, r.gated = token, gated

    # ---- faults --------------------------------------------------------------------
    def fail(self, path: str, status: int, *, times: int = 1, methods: tuple[str, ...] = ("GET",)) -> None:
        self._add_fault(path, _Fault(status=status, times=times, methods=methods))

    def drop_after(self, path: str, nbytes: int, *, times: int = 1) -> None:
        self._add_fault(path, _Fault(drop_after=nbytes, times=times))

    def stall_after(self, path: str, nbytes: int) -> threading.Event:
        """Send ``nbytes`` of the next GET, then hang until the returned event is set."""
        release = threading.Event()
        self._stalls.append(release)
        self._add_fault(path, _Fault(stall_after=nbytes, release=release))
        return release

    def _add_fault(self, path: str, fault: _Fault) -> None:
        with self._lock:
            self._faults.setdefault(path, []).append(fault)

    def _take_fault(self, path: str, method: str, kind: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults.get(path, []):
                if method in fault.methods and getattr(fault, kind) is not None and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    # ---- lifecycle -----------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LocalHub:
        handler = type("Handler", (_Handler,), {"hub": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        # Handler threads are joined on close; keep-alive connections are shut first.
        self._server.daemon_threads = False
        self._server.block_on_close = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="local-hub", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        for release in self._stalls:
            release.set()
        if self._server is not None:
            self._server.shutdown()
            with self._lock:
                connections = list(self._connections)
            for conn in connections:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._server = self._thread = None

    def __enter__(self) -> LocalHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def served(self, path: str) -> int:
        """Body bytes sent for ``path`` so far, once the responses in progress are done."""
        self.settle()
        return self.bytes_served[path]

    def settle(self, timeout: float = 5.0) -> None:
        """Wait until no response body is being sent (a client that stopped reading
        leaves the server writing into the socket for a moment)."""
        with self._idle:
            self._idle.wait_for(lambda: self._inflight == 0, timeout)

    def find(self, sha: str, name: str) -> RepoFileSpec | None:
        for repo in self.repos.values():
            for spec in repo.files.values():
                if spec.sha256 == sha and PurePosixPath(spec.path).name == name:
                    return spec
        return None


class _Handler(BaseHTTPRequestHandler):
    hub: LocalHub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        with self.hub._lock:
            self.hub._connections.add(self.connection)

    def finish(self) -> None:
        with self.hub._lock:
            self.hub._connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    # ---- plumbing ------------------------------------------------------------------
    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, data: Any, status: int = 200) -> None:
        self._send(status, json.dumps(data).encode(), {"Content-Type": "application/json"})

    def _error(self, status: int, code: str, message: str) -> None:
        self._send(
            status,
            json.dumps({"error": message}).encode(),
            {"Content-Type": "application/json", "X-Error-Code": code, "X-Error-Message": message},
        )

    def _authorized(self, repo: _Repo, name: str) -> bool:
        if repo.token is None:
            return True
        if self.headers.get("Authorization") == f"Bearer {repo.token}":
            return True
        if repo.gated:
            self._error(401, "GatedRepo", f"Access to model {name} is restricted.")
        else:
            self._error(401, "RepoNotFound", "Repository not found")
        return False

    def _repo(self, name: str) -> _Repo | None:
        repo = self.hub.repos.get(name)
        if repo is None:
            self._error(404, "RepoNotFound", "Repository not found")
            return None
        return repo if self._authorized(repo, name) else None

    def _record(self) -> None:
        self.hub.requests.append(
            {
                "method": self.command,
                "path": self.path,
                "range": self.headers.get("Range"),
                "authorization": self.headers.get("Authorization"),
                "host": self.headers.get("Host"),
                "accept-encoding": self.headers.get("Accept-Encoding"),
                "user-agent": self.headers.get("User-Agent"),
                "time": time.monotonic(),
            }
        )

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_GET(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        self._record()
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        parts = [unquote(p) for p in url.path.strip("/").split("/")]
        if parts[:2] == ["api", "models"]:
            if len(parts) == 2:
                return self._search(query)
            if len(parts) >= 4:
                name = f"{parts[2]}/{parts[3]}"
                rest = parts[4:]
                if not rest or rest[0] == "revision":
                    return self._info(name, query, rest[1] if len(rest) > 1 else "main")
                if rest[0] == "tree" and len(rest) >= 2:
                    return self._tree(name, rest[1], "/".join(rest[2:]), query)
        if len(parts) >= 5 and parts[2] == "resolve":
            return self._resolve(f"{parts[0]}/{parts[1]}", parts[3], "/".join(parts[4:]))
        if len(parts) == 3 and parts[0] == "cdn":
            return self._cdn(parts[1], parts[2])
        self._error(404, "NotFound", "no such endpoint")

    # ---- API -----------------------------------------------------------------------
    def _search(self, query: dict[str, list[str]]) -> None:
        text = (query.get("search") or [""])[0].lower()
        filters = query.get("filter") or []
        results: list[dict[str, Any]] = []
        for name, repo in sorted(self.hub.repos.items()):
            has_gguf = any(p.endswith(".gguf") for p in repo.files)
            if text and text not in name.lower():
                continue
            if "gguf" in filters and not has_gguf:
                continue
            results.append(
                {
                    "id": name,
                    "modelId": name,
                    "downloads": repo.downloads,
                    "likes": 0,
                    "private": repo.token is not None and not repo.gated,
                    "gated": "auto" if repo.gated else False,
                    "tags": ["gguf"] if has_gguf else [],
                    "lastModified": "2025-05-01T00:00:00.000Z",
                    "createdAt": "2025-04-29T00:00:00.000Z",
                }
            )
        results.sort(key=lambda r: int(r["downloads"]), reverse=True)
        limit = int((query.get("limit") or ["1000"])[0])
        self._json(results[:limit])

    def _info(self, name: str, query: dict[str, list[str]], revision: str) -> None:
        repo = self._repo(name)
        if repo is None:
            return
        if revision not in ("main", repo.commit):
            return self._error(404, "RevisionNotFound", "Invalid rev id")
        blobs = "blobs" in query and not self.hub.omit_sizes_in_info
        siblings = []
        for spec in repo.files.values():
            entry: dict[str, Any] = {"rfilename": spec.path}
            if blobs:
                entry.update(size=len(spec.data), blobId=spec.git_oid)
                if spec.lfs:
                    entry["lfs"] = {"size": len(spec.data), "sha256": spec.sha256, "pointerSize": 134}
            siblings.append(entry)
        self._json(
            {
                "_id": "x",
                "id": name,
                "modelId": name,
                "author": name.split("/")[0],
                "sha": repo.commit,
                "private": repo.token is not None and not repo.gated,
                "gated": "auto" if repo.gated else False,
                "disabled": False,
                "downloads": repo.downloads,
                "likes": 0,
                "tags": ["gguf"],
                "library_name": "gguf",
                "lastModified": "2025-05-01T00:00:00.000Z",
                "createdAt": "2025-04-29T00:00:00.000Z",
                "siblings": siblings,
            }
        )

    def _tree(self, name: str, revision: str, folder: str, query: dict[str, list[str]]) -> None:
        repo = self._repo(name)
        if repo is None:
            return
        if revision not in ("main", repo.commit):
            return self._error(404, "RevisionNotFound", "Invalid rev id")
        recursive = (query.get("recursive") or ["false"])[0].lower() == "true"
        prefix = f"{folder}/" if folder else ""
        entries: dict[str, dict[str, Any]] = {}
        for spec in repo.files.values():
            if not spec.path.startswith(prefix):
                continue
            rest = spec.path[len(prefix) :].split("/")
            for depth in range(1, len(rest)):
                if not recursive and depth > 1:
                    break
                d = prefix + "/".join(rest[:depth])
                entries[d] = {
                    "type": "directory",
                    "oid": hashlib.sha1(d.encode()).hexdigest(),
                    "size": 0,
                    "path": d,
                }
            if recursive or len(rest) == 1:
                e: dict[str, Any] = {
                    "type": "file",
                    "oid": spec.git_oid,
                    "size": len(spec.data),
                    "path": spec.path,
                }
                if spec.lfs:
                    e["lfs"] = {"oid": spec.sha256, "size": len(spec.data), "pointerSize": 134}
                entries[spec.path] = e
        if folder and not entries:
            return self._error(404, "EntryNotFound", f"{folder} does not exist")
        self._json([entries[k] for k in sorted(entries)])

    # ---- files ---------------------------------------------------------------------
    def _resolve(self, name: str, revision: str, path: str) -> None:
        fault = self.hub._take_fault(path, self.command, "status")
        if fault is not None:
            return self._error(fault.status or 500, "Injected", "injected failure")
        repo = self._repo(name)
        if repo is None:
            return
        if revision not in ("main", repo.commit):
            return self._error(404, "RevisionNotFound", "Invalid rev id")
        spec = repo.files.get(path)
        if spec is None:
            return self._error(404, "EntryNotFound", f"{path} does not exist on main")
        headers = {"X-Repo-Commit": repo.commit, "Accept-Ranges": "bytes"}
        if self.hub.omit_commit:
            del headers["X-Repo-Commit"]
        if spec.lfs:
            location = (
                f"http://{self.hub.cdn_host}:{self.hub.port}/cdn/{spec.sha256}/"
                f"{quote(PurePosixPath(path).name)}"
            )
            headers.update(
                {
                    "Location": location,
                    "X-Linked-Size": str(
                        spec.published_size if spec.published_size is not None else len(spec.data)
                    ),
                    "X-Linked-Etag": f'"{spec.sha256}"',
                    "ETag": f'"{spec.git_oid}"',
                }
            )
            if self.hub.hide_sizes:
                del headers["X-Linked-Size"]
            return self._send(302, b"", headers)
        headers["ETag"] = f'"{spec.git_oid}"'
        self._body(spec, headers)

    def _cdn(self, sha: str, name: str) -> None:
        spec = self.hub.find(sha, name)
        if spec is None:
            return self._send(404, b"not found")
        self._body(spec, {"ETag": f'"{sha}"', "Accept-Ranges": "bytes"})

    def _body(self, spec: RepoFileSpec, headers: dict[str, str]) -> None:
        data, size = spec.data, len(spec.data)
        start, status = 0, 200
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes=") and not self.hub.ignore_range:
            first, _, last = rng[6:].partition("-")
            start = int(first or 0)
            end = int(last) if last else size - 1
            if start >= size:
                return self._send(416, b"", {"Content-Range": f"bytes */{size}"})
            data = spec.data[start : end + 1]
            status = 206
            content_range = self.hub.range_header(start, start + len(data) - 1, size)
            if content_range is not None:
                headers = {**headers, "Content-Range": content_range}
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if self.hub.hide_sizes:
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(data)))
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        if self.command == "HEAD":
            return
        drop = self.hub._take_fault(spec.path, "GET", "drop_after")
        stall = self.hub._take_fault(spec.path, "GET", "stall_after")
        limit = len(data)
        if drop is not None:
            limit = min(limit, drop.drop_after or 0)
        if stall is not None:
            limit = min(limit, stall.stall_after or 0)
        sent = 0
        with self.hub._lock:
            self.hub._inflight += 1
        try:
            while sent < limit:
                piece = data[sent : min(limit, sent + BODY_CHUNK)]
                self.wfile.write(piece)
                self.wfile.flush()
                sent += len(piece)
                with self.hub._lock:
                    self.hub.bytes_served[spec.path] += len(piece)
            if stall is not None and stall.release is not None:
                stall.release.wait(60)
        except OSError:
            pass
        finally:
            with self.hub._idle:
                self.hub._inflight -= 1
                self.hub._idle.notify_all()
        if sent < len(data):
            self.close_connection = True
