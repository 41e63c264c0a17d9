"""``ponder serve`` as a user runs it: a real process, stopped with Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import openai

from app.testkit.scripted_model import ScriptedModel
from tests.server.harness import HELLO, Served


@dataclass
class Serving:
    name: str  # the model's name in the API
    url: str
    proc: subprocess.Popen[str]
    out: str = ""  # what it printed, once it stopped
    err: str = ""


@contextmanager
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
