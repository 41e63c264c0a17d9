"""Reaching a server has a short limit of its own; waiting for its data keeps the long one. On a
network that drops packets, a download says so within seconds instead of after the read timeout."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

import app.core.hub.http as hub_http
from app.core.hub.errors import NetworkError
from app.core.hub.http import HttpClient


@contextmanager
def server(answer_after: float | None) -> Iterator[int]:
    """A TCP server on loopback for one connection: it reads the request and answers 200 after
    ``answer_after`` seconds, or never says anything (None) -- a TLS handshake never completes."""
    listener = socket.create_server(("127.0.0.1", 0))
    done = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            if answer_after is None:
                done.wait(30)
                return
            conn.recv(65536)
            time.sleep(answer_after)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
            done.wait(5)

    thread = threading.Thread(target=serve, name="silent-server")
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        done.set()
        thread.join(10)
        listener.close()


def test_a_server_that_never_completes_the_connection_is_reported_within_the_connect_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hub_http, "CONNECT_TIMEOUT_S", 0.5)
    client = HttpClient({}, timeout=30.0)
    with server(answer_after=None) as port:
        t0 = time.monotonic()
        with pytest.raises(NetworkError, match="Check the internet connection"):
            client.open(f"https://127.0.0.1:{port}/model.gguf", "the model")
        assert time.monotonic() - t0 < 5.0  # not the 30 s read timeout


def test_once_connected_a_slow_answer_gets_the_whole_read_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hub_http, "CONNECT_TIMEOUT_S", 0.2)
    client = HttpClient({}, timeout=10.0)
    with server(answer_after=0.8) as port:
        resp, _url = client.open(f"http://127.0.0.1:{port}/model.gguf", "the model")
        with resp:
            assert resp.status == 200 and resp.read() == b"hello"
