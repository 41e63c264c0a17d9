"""``ponder ask --json`` says what the model's template allows and the sampling the engine
applied (issue #11): a real process on scripted models."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.testkit.scripted_model import Script, ScriptedModel, write_scripted_model


def ask_json(*args: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-m", "app", "ask", *args, "--json", "--ctx", "1024"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr
    data: dict[str, object] = json.loads(out.stdout)
    return data


def test_a_never_thinking_model_reports_the_answer_mode_sampling(model_dir: Path) -> None:
    instruct = write_scripted_model(
        model_dir / "cli-instruct-2507.gguf", Script(thinks=False, template="qwen3-2507-instruct")
    )
    data = ask_json(str(instruct.path), "Say hello", "--think", "--seed", "7")
    assert data["thinking_support"] == "never"
    assert data["sampling"] == {
        "temperature": 0.7,
        "top_p": 0.8,
        "top_k": 20,
        "min_p": 0.0,
        "presence_penalty": 0.0,
        "seed": 7,
    }
    assert data["answer"] == instruct.script.answer_text


def test_a_hybrid_model_reports_the_mode_it_ran_in(qwen3_model: ScriptedModel) -> None:
    thinking = ask_json(str(qwen3_model.path), "Say hello", "--presence-penalty", "1.5")
    assert thinking["thinking_support"] == "hybrid"
    assert thinking["sampling"] == {
        "temperature": 0.6,
        "top_p": 0.95,
        "top_k": 20,
        "min_p": 0.0,
        "presence_penalty": 1.5,
        "seed": None,
    }
    switched = ask_json(str(qwen3_model.path), "Say hello /no_think")
    assert switched["sampling"]["temperature"] == 0.7  # type: ignore[index]
