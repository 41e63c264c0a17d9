"""``ponder serve`` as a user runs it: a real process, stopped with Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import openai

from app.testkit.scripted_model import ScriptedModel


def test_serve_answers_and_stops_on_ctrl_c(qwen3_model: ScriptedModel) -> None:
    key = "cli-test-key"
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", str(qwen3_model.path), "--port", "0", "--ctx", "1024"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PONDER_API_KEY": key},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"Serving (\S+) at (http://127\.0\.0\.1:\d+/v1) \(API key required\)", line)
        assert found, line + (proc.stderr.read() if proc.stderr else "")
        name, url = found.groups()
        assert name == qwen3_model.path.stem
        with openai.OpenAI(base_url=url, api_key=key, max_retries=0, timeout=60) as client:
            reply = client.chat.completions.create(model=name, messages=[{"role": "user", "content": "Hi"}])
        assert reply.choices[0].message.content == qwen3_model.script.answer_text
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "Stopped." in out
    assert "POST /v1/chat/completions" in err and " 200 " in err  # a line per request
    assert key not in out + err


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
