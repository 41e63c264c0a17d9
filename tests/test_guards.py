"""The guards in tests/conftest.py fail what they claim to, for every test in the suite.

A small suite is run by its own pytest, with this project's conftest: a test that leaves a
child process running, one that leaves a thread, and one outside tests/ui that makes Qt
warn must each fail; a test of the core must not have Qt loaded for it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]

LEAKY = """
import subprocess, sys, threading


def test_leaves_a_child_process():
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def test_leaves_a_thread():
    threading.Thread(target=__import__("time").sleep, args=(30,), name="forgotten", daemon=True).start()


def test_clean():
    pass
"""

QT_WARNING = """
from app.ui.common.qt import QFont


def test_makes_qt_warn(qapp):
    QFont().setPointSize(-1)  # Qt warns: "Point size <= 0"


def test_quiet(qapp):
    QFont().setPointSize(12)
"""

CORE_ONLY = """
import sys


def test_core_runs_without_qt():
    from app.core.chat.thinking import split_complete_text

    assert split_complete_text("<think>a</think>b") == ("a", "b")
    assert "PySide6" not in sys.modules
"""


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text("utf-8"))
    return pytester


def test_leftovers_and_qt_warnings_fail_any_test(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_leaky=LEAKY)
    inner.mkpydir("render")
    (inner.path / "render" / "test_warns.py").write_text(QT_WARNING, "utf-8")
    result = inner.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5, errors=3)
    result.stdout.fnmatch_lines_random(
        [
            "ERROR test_leaky.py::test_leaves_a_child_process - *",
            "ERROR test_leaky.py::test_leaves_a_thread - *",
            "ERROR render/test_warns.py::test_makes_qt_warn - *",
            "E * processes left running: *time.sleep(60)*",
            "E * threads left running: *forgotten*",
            "E * Qt warnings: *Point size <= 0*",
        ]
    )


def test_the_guards_do_not_load_qt_for_core_tests(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_core=CORE_ONLY)
    inner.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:pytest-qt").assert_outcomes(passed=1)
