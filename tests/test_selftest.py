"""``ponder --self-test``: the real window, offscreen, with the built-in scripted model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PONDER_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "app", "--self-test", *args],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )


def test_self_test_passes_with_the_built_in_model(tmp_path: Path) -> None:
    out = run(home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "self-test: OK" in out.stdout
    assert "Thought for" in out.stdout  # the thinking panel collapsed to its header
    assert "Hello! How can I help you today?" in out.stdout


def test_self_test_fails_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    out = run(str(bad), home=tmp_path)
    assert out.returncode == 1
    assert "self-test FAILED" in out.stderr and "Traceback" not in out.stderr
