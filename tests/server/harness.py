"""Servers on real engines for the tests: a tap on the engine's events, a served model with
its clients, raw HTTP, and ``ponder serve`` as a process of its own."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPResponse
from typing import Any

import openai

from app.engine.local.engine import LocalEngine
from app.engine.protocol import Event
from app.server.app import ApiServer
from app.server.config import ServerConfig
from app.server.scheduler import FedEvents
from app.testkit.scripted_model import ScriptedModel

HELLO = [{"role": "user", "content": "Say hello."}]


@dataclass
class Tap:
    """Records the engine's events and hands them to the server being tested."""

    events: list[Event] = field(default_factory=list)
    feed: FedEvents | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, event: Event) -> None:
        with self.lock:
            self.events.append(event)
        if self.feed is not None:
            self.feed.put(event)

    def seen(self) -> list[Event]:
        with self.lock:
            return list(self.events)


@dataclass
class Served:
    server: ApiServer
    engine: LocalEngine
    model: ScriptedModel
    name: str

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, api_key: str = "unused", **kwargs: Any) -> openai.OpenAI:
        return openai.OpenAI(base_url=self.url, api_key=api_key, max_retries=0, timeout=60, **kwargs)

    def chat(self, client: openai.OpenAI, **kwargs: Any) -> Any:
        """``chat.completions.create`` for this model, saying hello unless told otherwise (untyped:
        the tests send fields, like ``extra_body`` budgets, that the client's stubs cannot check)."""
        kwargs.setdefault("model", self.name)
        kwargs.setdefault("messages", HELLO)
        return client.chat.completions.create(**kwargs)

    def http(self, method: str, path: str, body: bytes | str | None = None, **headers: str) -> HTTPResponse:
        """A raw request on a fresh connection; the response is read in full."""
        conn = HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        data = body.encode() if isinstance(body, str) else body
        conn.request(method, path, body=data, headers={"Content-Type": "application/json", **headers})
        response = conn.getresponse()
        response.body = response.read()  # type: ignore[attr-defined]
        conn.close()
        return response


def error_of(response: HTTPResponse) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(response.body)  # type: ignore[attr-defined]
    assert set(payload) == {"error"}
    assert set(payload["error"]) == {"message", "type", "param", "code"}
    return payload["error"]


@contextlib.contextmanager
def serving(
    engine: LocalEngine, model: ScriptedModel, tap: Tap | None = None, **config: Any
) -> Iterator[Served]:
    feed = FedEvents() if tap is not None else None
    if tap is not None:
        tap.feed = feed
    server = ApiServer(engine, ServerConfig(port=0, **config), model.path.stem, source=feed)
    server.start()
    try:
        yield Served(server, engine, model, model.path.stem)
    finally:
        server.close()
        if tap is not None:
            tap.feed = None


@dataclass
class Serving:
    name: str  # the model's name in the API
    url: str
    proc: subprocess.Popen[str]
    out: str = ""  # what it printed, once it stopped
    err: str = ""


@contextlib.contextmanager
def serve(*args: str, env: dict[str, str]) -> Iterator[Serving]:
    """``ponder serve ARGS --port 0``, stopped with Ctrl-C afterwards."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", *args, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"Serving (\S+) at (http://127\.0\.0\.1:\d+/v1)", line)
        assert found, line + (proc.stderr.read() if proc.stderr else "")
        serving = Serving(found.group(1), found.group(2), proc)
        yield serving
        proc.send_signal(signal.SIGINT)
        out, serving.err = proc.communicate(timeout=60)
        serving.out = line + out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
