"""Every way a server can fail gives one line that says what to do, and loses nothing."""

from __future__ import annotations

import contextlib
import datetime
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core.chat.messages import PromptMessage
from app.engine.base import EngineFailure
from app.engine.protocol import EngineError, GenerateRequest, LoadRequest, ModelLoaded, TextDelta
from app.engine.remote.engine import RemoteEngine
from app.engine.remote.http import parse_address
from app.engine.remote.servers import ServerKeys, ServerList, parse_ref, remote_ref, server_id
from app.testkit.llama_server import LlamaServer, free_port
from app.testkit.scripted_model import ScriptedModel
from tests.engine.remote.conftest import API_KEY

HELLO = (PromptMessage("user", "Say hello."),)
Make = Callable[..., RemoteEngine]


def load_error(engine: RemoteEngine, model: str = "default") -> str:
    with pytest.raises(EngineFailure) as failure:
        engine.load_sync(LoadRequest(model), timeout=30)
    message = failure.value.error.message
    assert failure.value.error.kind == "load" and "\n" not in message
    return message


def test_nothing_listening(remote: Make) -> None:
    engine = remote(f"http://127.0.0.1:{free_port()}")
    assert "Nothing is listening at http://127.0.0.1:" in load_error(engine)
    assert not engine.alive
    engine.generate(GenerateRequest(HELLO))
    event = next(iter(engine.events(timeout=5)))
    assert isinstance(event, EngineError) and event.kind == "crash" and "Reload" in event.message


def test_an_unknown_model_names_the_ones_served(remote: Make, qwen3_server: LlamaServer) -> None:
    message = load_error(remote(qwen3_server.url), "qwen3-235b-a22b")
    assert "has no model 'qwen3-235b-a22b'" in message and "qwen3-scripted" in message


def test_an_api_key_required_and_given(
    remote: Make, keyed_server: LlamaServer, qwen3_model: ScriptedModel
) -> None:
    assert "needs an API key (401)" in load_error(remote(keyed_server.url))
    wrong = load_error(remote(keyed_server.url, "sk-wrong"))
    assert "refused the API key" in wrong and "sk-wrong" not in wrong
    engine = remote(keyed_server.url, API_KEY)
    engine.load_sync(LoadRequest("default"), timeout=30)
    result = engine.generate_sync(GenerateRequest(HELLO, thinking=True, budget=5), timeout=60)
    assert result.budget_hit and result.answer == qwen3_model.script.answer_text
    assert API_KEY not in repr(engine._client) and API_KEY not in repr(engine.describe())


def test_https_to_a_plain_http_server(remote: Make, qwen3_server: LlamaServer) -> None:
    message = load_error(remote(qwen3_server.url.replace("http://", "https://"), timeout=1.0))
    assert "https:// or plain http://" in message


@pytest.fixture
def self_signed(tmp_path: Path) -> Iterator[int]:
    """A TLS server with a certificate nobody trusts; its port."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)

    def serve() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        # The client refuses the certificate, as it should: the handshake fails here too.
        with conn, contextlib.suppress(ssl.SSLError, OSError):
            context.wrap_socket(conn, server_side=True).close()

    thread = threading.Thread(target=serve, name="tls-test-server")
    thread.start()
    yield listener.getsockname()[1]
    listener.close()
    thread.join(10)


def test_an_untrusted_certificate_is_refused(remote: Make, self_signed: int) -> None:
    message = load_error(remote(f"https://127.0.0.1:{self_signed}"))
    assert "TLS certificate of 127.0.0.1 could not be verified" in message
    assert "does not skip the check" in message


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A server that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    yield listener.getsockname()[1]
    listener.close()


def test_a_server_that_does_not_answer_times_out(remote: Make, silent_port: int) -> None:
    message = load_error(remote(f"http://127.0.0.1:{silent_port}", timeout=1.0))
    assert "did not answer within 1 s" in message


def test_the_server_killed_mid_reply_keeps_the_partial_reply(
    remote: Make, llama_server_bin: Path, runaway_model: ScriptedModel
) -> None:
    with LlamaServer(llama_server_bin, runaway_model.path, ctx=4096) as server:
        engine = remote(server.url)
        engine.load_sync(LoadRequest("default"), timeout=30)
        texts: list[str] = []
        killed = threading.Event()

        def on_event(event: object) -> None:
            if isinstance(event, TextDelta):
                texts.append(event.text)
                if len("".join(texts)) > 40 and not killed.is_set():
                    killed.set()
                    server.kill()

        with pytest.raises(EngineFailure) as failure:
            engine.generate_sync(GenerateRequest(HELLO, thinking=True, max_tokens=100_000), on_event=on_event)
        error = failure.value.error
        assert error.kind == "crash"  # the window marks the reply interrupted and offers to reload
        assert "stopped mid-reply" in error.message or "closed the connection" in error.message
        assert "\n" not in error.message
        assert len("".join(texts)) > 40  # what came before the end was delivered, and is kept
        assert not engine.alive
    # Reload with nothing there: one line, no traceback.
    assert "Nothing is listening" in load_error(engine)


def test_servers_and_keys_are_kept_apart(tmp_path: Path) -> None:
    keys = ServerKeys(use_keyring=False)
    servers = ServerList(tmp_path / "servers.json", keys)
    address = parse_address("http://gpu-box:8000/v1/")
    assert address.url == "http://gpu-box:8000" and address.unencrypted
    assert (
        not parse_address("https://gpu-box").unencrypted and not parse_address("localhost:8080").unencrypted
    )
    from app.engine.remote.servers import SavedServer

    sid = server_id(address)
    servers.put(SavedServer(sid, address.url, "vllm", ("Qwen/Qwen3-32B",)), "sk-secret")
    assert servers.load() == [SavedServer(sid, "http://gpu-box:8000", "vllm", ("Qwen/Qwen3-32B",))]
    assert "sk-secret" not in (tmp_path / "servers.json").read_text() and keys.get(sid) == "sk-secret"
    assert "sk-secret" not in repr(keys)
    ref = remote_ref(sid, "Qwen/Qwen3-32B")
    assert parse_ref(ref) == (sid, "Qwen/Qwen3-32B") and parse_ref("/models/a.gguf") is None
    servers.remove(sid)
    assert servers.load() == [] and keys.get(sid) is None


def test_loading_a_model_of_another_server_is_refused(remote: Make) -> None:
    engine = remote("http://127.0.0.1:9")
    engine.load(LoadRequest("remote:0000000000/qwen3"))
    event = next(iter(engine.events(timeout=5)))
    assert isinstance(event, EngineError) and "another server" in event.message
    assert not isinstance(event, ModelLoaded)
