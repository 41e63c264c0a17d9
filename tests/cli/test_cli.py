"""``ponder ask`` and ``ponder bench`` as a user runs them: a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.engine.local.llama_session import backend_names
from app.testkit.scripted_model import ScriptedModel


def ponder(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=timeout
    )


def test_ask_json(qwen3_model: ScriptedModel) -> None:
    out = ponder("ask", str(qwen3_model.path), "Say hello", "--json", "--ctx", "1024")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    for key in (
        "thinking",
        "answer",
        "thinking_tokens",
        "answer_tokens",
        "budget_hit",
        "ttft_s",
        "tokens_per_s",
        "finish_reason",
    ):
        assert key in data
    assert data["thinking"] == qwen3_model.script.thinking_text.strip()
    assert data["answer"] == qwen3_model.script.answer_text
    assert data["budget_hit"] is False and data["finish_reason"] == "stop"


def test_ask_json_with_budget_and_no_think(qwen3_model: ScriptedModel) -> None:
    cut = json.loads(ponder("ask", str(qwen3_model.path), "hi", "--json", "--budget", "5").stdout)
    assert cut["budget_hit"] is True and cut["thinking_tokens"] <= 5
    assert cut["answer"] == qwen3_model.script.answer_text
    off = json.loads(ponder("ask", str(qwen3_model.path), "hi", "--json", "--no-think").stdout)
    assert off["thinking"] == "" and off["thinking_tokens"] == 0


def test_ask_streams_thinking_then_answer(qwen3_model: ScriptedModel) -> None:
    out = ponder(
        "ask",
        str(qwen3_model.path),
        "hi",
        "--seed",
        "1",
        "--temperature",
        "0.6",
        "--top-k",
        "20",
        "--top-p",
        "0.9",
        "--max-tokens",
        "200",
        "--gpu-layers",
        "0",
        "--system",
        "Be nice.",
    )
    assert out.returncode == 0, out.stderr
    thinking = qwen3_model.script.thinking_text.strip()
    answer = qwen3_model.script.answer_text
    assert out.stdout.index(thinking) < out.stdout.index(answer)
    assert "\x1b[" not in out.stdout  # no colour codes when stdout is not a terminal


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: d / "missing.gguf", "not found"),
        (lambda d: (d / "text.gguf").write_text("plain text") and d / "text.gguf", "not a GGUF"),
        (lambda d: (d / "empty.gguf").write_bytes(b"GGUF") and d / "empty.gguf", "incomplete"),
    ],
)
def test_bad_model_is_one_line_error(tmp_path: Path, make, expected: str) -> None:  # type: ignore[no-untyped-def]
    out = ponder("ask", str(make(tmp_path)), "hi")
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ponder:") and expected in lines[0], out.stderr
    assert "Traceback" not in out.stderr


def test_truncated_model_is_one_line_error(tmp_path: Path, qwen3_model: ScriptedModel) -> None:
    data = qwen3_model.path.read_bytes()
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(data[: len(data) * 2 // 3])
    out = ponder("ask", str(cut), "hi")
    assert out.returncode != 0
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_context_too_small_is_one_line_error(qwen3_model: ScriptedModel) -> None:
    out = ponder("ask", str(qwen3_model.path), "word " * 300, "--ctx", "64")
    assert out.returncode != 0
    assert len(out.stderr.strip().splitlines()) == 1 and "context" in out.stderr


def test_bad_option_value(qwen3_model: ScriptedModel) -> None:
    out = ponder("ask", str(qwen3_model.path), "hi", "--gpu-layers", "lots")
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_bench_prints_figures_and_ratios(qwen3_model: ScriptedModel) -> None:
    out = ponder(
        "bench",
        str(qwen3_model.path),
        "--tokens",
        "64",
        "--prompt-tokens",
        "64",
        "--repeat",
        "1",
        "--ctx",
        "1024",
    )
    assert out.returncode == 0, out.stderr
    ratio_line = next(line for line in out.stdout.splitlines() if line.startswith("ratio"))
    numbers = [float(x) for x in ratio_line.split() if x.replace(".", "").isdigit()]
    assert len(numbers) == 2 and all(n >= 0 for n in numbers)


def test_version_names_the_backend() -> None:
    out = ponder("--version")
    assert out.returncode == 0
    assert out.stdout.startswith("Ponder ")
    assert f"llama.cpp backends: {', '.join(backend_names())} · " in out.stdout  # CPU or GPU builds


def test_ask_a_runaway_reasoning_still_answers_at_512_tokens(runaway_model: ScriptedModel) -> None:
    out = ponder("ask", str(runaway_model.path), "Say hello", "--think", "--ctx", "512", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["answer"] == runaway_model.script.answer_text
    assert data["finish_reason"] == "stop" and data["cut_reason"] == "context"
    assert data["n_ctx"] == 512 and data["kv_cache_type"] == "f16" and data["rope_scaling"] is None
    assert data["prompt_tokens"] + data["thinking_tokens"] + data["answer_tokens"] <= 512


def test_ask_context_options(tmp_path: Path) -> None:
    from app.testkit.scripted_model import Script, write_scripted_model

    model = write_scripted_model(tmp_path / "native-1k.gguf", Script(), context_length=1024)
    auto = json.loads(ponder("ask", str(model.path), "hi", "--json", "--budget", "3").stdout)
    assert auto["n_ctx"] == 1024 and auto["rope_scaling"] is None and auto["cut_reason"] == "budget"
    yarn = ponder("ask", str(model.path), "hi", "--json", "--ctx", "4096", "--kv-cache", "q8_0")
    assert yarn.returncode == 0, yarn.stderr
    data = json.loads(yarn.stdout)
    assert data["rope_scaling"] == {"type": "yarn", "factor": 4.0, "original_context": 1024}
    assert data["kv_cache_type"] == "q8_0" and data["n_ctx"] == 4096
    assert data["answer"] == model.script.answer_text
    bad = ponder("ask", str(model.path), "hi", "--ctx", "lots")
    assert bad.returncode == 2 and "--ctx" in bad.stderr
