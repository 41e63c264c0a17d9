"""One window per user: a second launch hands over to the first."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from app.testkit.scripted_model import ScriptedModel
from app.ui.common.single_instance import SingleInstance, server_name


def test_a_second_instance_forwards_its_arguments(qtbot: Any) -> None:
    name = f"ponder-test-{uuid.uuid4().hex[:8]}"
    first = SingleInstance(name)
    assert first.listen()
    with qtbot.waitSignal(first.activated, timeout=5000) as signal:
        assert SingleInstance(name).forward(["/models/x.gguf"])
    assert signal.args == [["/models/x.gguf"]]
    first.close()
    assert not SingleInstance(name).forward([])  # nobody listens any more


def test_the_name_depends_on_the_data_folder(monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setenv("PONDER_HOME", str(tmp_path / "a"))
    a = server_name()
    monkeypatch.setenv("PONDER_HOME", str(tmp_path / "b"))
    assert server_name() != a


def test_second_launch_focuses_the_first_window(tmp_path: Path, qwen3_model: ScriptedModel) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PONDER_HOME": str(tmp_path)}
    log = tmp_path / "logs" / "ponder.log"
    first = subprocess.Popen(
        [sys.executable, "-m", "app", str(qwen3_model.path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not (log.exists() and "starting Ponder" in log.read_text()):
            assert time.monotonic() < deadline and first.poll() is None, "the first window did not start"
            time.sleep(0.1)
        time.sleep(0.5)  # let it start listening
        second = subprocess.run(
            [sys.executable, "-m", "app", str(qwen3_model.path)],
            env=env,
            timeout=60,
            capture_output=True,
            text=True,
        )
        assert second.returncode == 0, second.stderr
        while "activated by another launch" not in log.read_text():
            assert time.monotonic() < deadline, "the first window was not activated"
            time.sleep(0.1)
        assert log.read_text().count("starting Ponder") == 1
    finally:
        first.terminate()
        first.wait(30)
