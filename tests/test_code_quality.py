"""The code stays ruff- and mypy-clean: checked with the suite, so CI keeps it so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff() -> None:
    out = run("ruff", "check", "app", "tests", "benchmarks", "scripts", "packaging/build.py")
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy() -> None:
    out = run("mypy", "--explicit-package-bases", "app", "tests")
    assert out.returncode == 0, out.stdout + out.stderr
