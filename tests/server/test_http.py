"""Raw HTTP against ``ponder serve``: malformed requests, the key, the Host check, CORS, binding."""

from __future__ import annotations

import json
import logging
import socket

import openai
import pytest

from app.engine.local.engine import LocalEngine
from app.server.app import ApiServer
from app.server.config import ServerConfig, ServerConfigError
from app.testkit.scripted_model import ScriptedModel
from tests.server.harness import HELLO, Served, error_of, serving

CHAT = "/v1/chat/completions"


def chat_body(**fields: object) -> str:
    return json.dumps({"messages": HELLO, **fields})


@pytest.mark.parametrize(
    ("body", "status", "param", "code"),
    [
        ("{not json", 400, None, "invalid_json"),
        ("[1, 2]", 400, None, None),
        ("", 400, None, None),
        (chat_body(temperature="hot"), 400, "temperature", None),
        (chat_body(temperature=9), 400, "temperature", None),
        (chat_body(max_tokens=1.5), 400, "max_tokens", None),
        (chat_body(stream="yes"), 400, "stream", None),
        (chat_body(thinking_budget="ten"), 400, "thinking_budget", None),
        (chat_body(thinking_budget=True), 400, "thinking_budget", None),
        (chat_body(reasoning_effort="extreme"), 400, "reasoning_effort", None),
        (
            chat_body(chat_template_kwargs={"enable_thinking": "no"}),
            400,
            "chat_template_kwargs.enable_thinking",
            None,
        ),
        (chat_body(frobnicate=1), 400, "frobnicate", "unknown_parameter"),
        (chat_body(n=2), 400, "n", "unsupported_parameter"),
        (
            chat_body(tools=[{"type": "function", "function": {"name": "f"}}]),
            400,
            "tools",
            "unsupported_parameter",
        ),
        (json.dumps({"messages": []}), 400, "messages", None),
        (json.dumps({"messages": "hi"}), 400, "messages", None),
        (json.dumps({"messages": [{"role": "wizard", "content": "hi"}]}), 400, "messages[0].role", None),
        (json.dumps({"messages": [{"role": "user", "content": 5}]}), 400, "messages[0].content", None),
        (chat_body(model="gpt-4o"), 404, "model", "model_not_found"),
    ],
)
def test_malformed_requests_get_a_clear_4xx_and_the_server_stays_up(
    qwen3_server: Served, body: str, status: int, param: str | None, code: str | None
) -> None:
    response = qwen3_server.http("POST", CHAT, body)
    assert response.status == status
    error = error_of(response)
    assert error["message"] and error["type"] == "invalid_request_error"
    assert error["param"] == param
    if code is not None:
        assert error["code"] == code
    ok = qwen3_server.http("POST", CHAT, chat_body())
    assert ok.status == 200
    assert json.loads(ok.body)["choices"][0]["message"]["content"] == qwen3_server.model.script.answer_text  # type: ignore[attr-defined]


def test_unknown_paths_and_methods(qwen3_server: Served) -> None:
    assert qwen3_server.http("GET", "/v1/nothing").status == 404
    wrong = qwen3_server.http("GET", CHAT)
    assert wrong.status == 405 and wrong.getheader("Allow") == "POST"
    assert error_of(wrong)["message"]
    assert qwen3_server.http("GET", "/v1/models/other").status == 404
    assert qwen3_server.http("GET", "/health").status == 200


def test_a_huge_body_is_refused_with_413_before_it_is_read(
    qwen3_engine: LocalEngine, qwen3_model: ScriptedModel
) -> None:
    with serving(qwen3_engine, qwen3_model, max_body=4096) as served:
        big = chat_body(messages=[{"role": "user", "content": "x" * 10_000}])
        response = served.http("POST", CHAT, big)
        assert response.status == 413
        assert error_of(response)["code"] == "request_too_large"
        assert response.getheader("Connection") == "close"
        assert served.http("POST", CHAT, chat_body()).status == 200


def test_the_api_key(
    qwen3_engine: LocalEngine, qwen3_model: ScriptedModel, caplog: pytest.LogCaptureFixture
) -> None:
    key = "s3cret-key-for-the-test"
    caplog.set_level(logging.DEBUG, logger="ponder.server")
    with serving(qwen3_engine, qwen3_model, api_key=key) as served:
        with served.client(api_key="wrong") as client, pytest.raises(openai.AuthenticationError):
            client.models.list()
        with served.client(api_key=key) as client:
            assert served.chat(client).choices[0].message.content == qwen3_model.script.answer_text
        bare = served.http("POST", CHAT, chat_body())
        assert bare.status == 401
        assert bare.getheader("WWW-Authenticate") == "Bearer"
        assert error_of(bare)["code"] == "invalid_api_key"
        assert served.http("GET", "/v1/models", Authorization=f"Basic {key}").status == 401
        assert served.http("GET", "/health").status == 200  # says nothing but "up"
    assert caplog.records, "requests are logged"
    assert key not in caplog.text


def test_requests_for_another_host_name_are_refused_on_loopback(qwen3_server: Served) -> None:
    """A web page that rebinds its own DNS name to 127.0.0.1 must not reach the model."""
    rebound = qwen3_server.http("POST", CHAT, chat_body(), Host=f"evil.example:{qwen3_server.server.port}")
    assert rebound.status == 403
    assert error_of(rebound)["code"] == "forbidden_host"
    for host in ("localhost", "127.0.0.1", "[::1]"):
        assert qwen3_server.http("GET", "/v1/models", Host=f"{host}:{qwen3_server.server.port}").status == 200


def test_no_cors_headers_unless_asked(
    qwen3_engine: LocalEngine, qwen3_model: ScriptedModel, qwen3_server: Served
) -> None:
    plain = qwen3_server.http("GET", "/v1/models", Origin="https://app.example")
    assert plain.getheader("Access-Control-Allow-Origin") is None
    assert qwen3_server.http("OPTIONS", CHAT).status == 405
    with serving(qwen3_engine, qwen3_model, cors="https://app.example") as served:
        preflight = served.http("OPTIONS", CHAT, Origin="https://app.example")
        assert preflight.status == 204
        assert preflight.getheader("Access-Control-Allow-Origin") == "https://app.example"
        assert "Authorization" in (preflight.getheader("Access-Control-Allow-Headers") or "")
        got = served.http("POST", CHAT, chat_body())
        assert got.getheader("Access-Control-Allow-Origin") == "https://app.example"


def test_a_non_loopback_bind_needs_a_key(qwen3_engine: LocalEngine, qwen3_model: ScriptedModel) -> None:
    for host in ("0.0.0.0", "192.168.1.20", "::", "example.org"):
        with pytest.raises(ServerConfigError, match="API key"):
            ApiServer(qwen3_engine, ServerConfig(host=host, port=0), "m")
    with serving(qwen3_engine, qwen3_model, host="0.0.0.0", api_key="k") as served:
        with socket.create_connection(("127.0.0.1", served.server.port), timeout=10):
            pass
        assert served.http("GET", "/v1/models", Authorization="Bearer k").status == 200


def test_a_stream_that_fails_before_it_starts_gets_a_status(qwen3_server: Served) -> None:
    """A prompt larger than the context: 400 context_length_exceeded, not a broken stream."""
    huge = "word " * 5000
    response = qwen3_server.http(
        "POST", CHAT, chat_body(messages=[{"role": "user", "content": huge}], stream=True)
    )
    assert response.status == 400
    assert error_of(response)["code"] == "context_length_exceeded"
