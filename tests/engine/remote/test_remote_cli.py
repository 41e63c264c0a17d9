"""``ponder ask --server`` and ``ponder models list --server`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

from app.testkit.llama_server import LlamaServer, free_port
from app.testkit.scripted_model import ScriptedModel
from tests.engine.remote.conftest import API_KEY


def ponder(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=120)


def test_ask_a_server(qwen3_server: LlamaServer, qwen3_model: ScriptedModel) -> None:
    out = ponder("ask", "--server", qwen3_server.url, "default", "Say hello", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    local = json.loads(ponder("ask", str(qwen3_model.path), "Say hello", "--json", "--ctx", "1024").stdout)
    # The same fields as a local reply (less where a local model's layers went).
    assert set(data) == set(local) - {"offload"}
    for key in ("thinking", "answer", "thinking_tokens", "budget_hit", "finish_reason", "thinking_support"):
        assert data[key] == local[key], key
    assert data["thinking"] == qwen3_model.script.thinking_text.strip()
    assert data["answer"] == qwen3_model.script.answer_text
    assert data["model"].endswith("qwen3-scripted.gguf")  # its id on the server
    cut = json.loads(
        ponder("ask", "--server", qwen3_server.url, "default", "hi", "--json", "--budget", "5").stdout
    )
    assert cut["budget_hit"] is True and cut["thinking_tokens"] <= 5
    assert cut["answer"] == qwen3_model.script.answer_text
    streamed = ponder("ask", "--server", qwen3_server.url, "default", "hi", "--no-think")
    assert streamed.returncode == 0 and streamed.stdout.strip() == qwen3_model.script.answer_text


def test_list_a_servers_models(qwen3_server: LlamaServer) -> None:
    out = ponder("models", "list", "--server", qwen3_server.url)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("llama.cpp server") and "qwen3-scripted.gguf" in out.stdout
    data = json.loads(ponder("models", "list", "--server", qwen3_server.url, "--json").stdout)
    assert data["server"]["kind"] == "llama-server"
    assert [m["id"].rsplit("/", 1)[-1] for m in data["models"]] == ["qwen3-scripted.gguf"]


def test_errors_are_one_line(keyed_server: LlamaServer) -> None:
    nobody = ponder("ask", "--server", f"http://127.0.0.1:{free_port()}", "default", "hi")
    refused = ponder("models", "list", "--server", keyed_server.url)
    unknown = ponder("ask", "--server", keyed_server.url, "--api-key", API_KEY, "qwen3-8b", "hi")
    for out, said in (
        (nobody, "Nothing is listening"),
        (refused, "needs an API key"),
        (unknown, "has no model 'qwen3-8b'"),
    ):
        assert out.returncode == 1 and out.stdout == ""
        assert out.stderr.startswith("ponder: ") and said in out.stderr, out.stderr
        assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    given = ponder(
        "ask", "--server", keyed_server.url, "--api-key", API_KEY, "default", "hi", "--budget", "3"
    )
    assert given.returncode == 0, given.stderr
    assert API_KEY not in given.stdout + given.stderr
