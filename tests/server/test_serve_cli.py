"""``ponder serve`` as a user runs it: a real process, stopped with Ctrl-C."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openai

from app.testkit.scripted_model import ScriptedModel
from tests.server.harness import HELLO, Served, serve


def test_serve_answers_and_stops_on_ctrl_c(qwen3_model: ScriptedModel, tmp_path: Path) -> None:
    key = "cli-test-key"
    env = {"PONDER_API_KEY": key, "PONDER_HOME": str(tmp_path)}
    with serve(str(qwen3_model.path), "--ctx", "1024", env=env) as served:
        assert served.name == qwen3_model.path.stem
        with openai.OpenAI(base_url=served.url, api_key=key, max_retries=0, timeout=60) as client:
            reply = client.chat.completions.create(model=served.name, messages=HELLO)  # type: ignore[arg-type]
        assert reply.choices[0].message.content == qwen3_model.script.answer_text
    assert served.proc.returncode == 0, served.err
    assert "(API key required)" in served.out and "Stopped." in served.out
    assert "POST /v1/chat/completions" in served.err and " 200 " in served.err  # a line per request
    assert key not in served.out + served.err


def test_serve_a_model_of_another_server(qwen3_server: Served, tmp_path: Path) -> None:
    """Ponder in front of a server (here another Ponder): the same thinking split comes out."""
    upstream = qwen3_server.url.removesuffix("/v1")
    with serve("default", "--server", upstream, env={"PONDER_HOME": str(tmp_path)}) as served:
        assert served.name == qwen3_server.name  # the model's id there
        with openai.OpenAI(base_url=served.url, api_key="unused", max_retries=0, timeout=60) as client:
            reply = client.chat.completions.create(model=served.name, messages=HELLO)  # type: ignore[arg-type]
    script = qwen3_server.model.script
    assert reply.choices[0].message.content == script.answer_text
    assert getattr(reply.choices[0].message, "reasoning_content", None) == script.thinking_text.strip()
    assert served.proc.returncode == 0, served.err


def test_serve_refuses_a_public_address_without_a_key(qwen3_model: ScriptedModel) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PONDER_API_KEY"}
    out = subprocess.run(
        [sys.executable, "-m", "app", "serve", str(qwen3_model.path), "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert out.returncode == 1
    assert "API key" in out.stderr and out.stderr.count("\n") == 1
