"""Shared fixtures: scripted Qwen3 models written once per session; for every test, a check
that it leaves no thread or child process running and, where Qt is loaded, emits no Qt warning."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.testkit.scripted_model import Script, ScriptedModel, write_scripted_model


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def qwen3_model(model_dir: Path) -> ScriptedModel:
    """Dense qwen3 that thinks, then answers."""
    return write_scripted_model(model_dir / "qwen3-scripted.gguf", Script())


@pytest.fixture(scope="session")
def qwen3moe_model(model_dir: Path) -> ScriptedModel:
    return write_scripted_model(model_dir / "qwen3moe-scripted.gguf", Script(), arch="qwen3moe")


@pytest.fixture(scope="session")
def runaway_model(model_dir: Path) -> ScriptedModel:
    """Never closes its reasoning."""
    return write_scripted_model(model_dir / "qwen3-runaway.gguf", Script(runaway=True))


@pytest.fixture(scope="session")
def plain_model(model_dir: Path) -> ScriptedModel:
    """An instruct model that never thinks (plain ChatML template)."""
    return write_scripted_model(model_dir / "plain.gguf", Script(thinks=False, template="chatml"))


@pytest.fixture(scope="session")
def smollm_path() -> Path:
    found = os.environ.get("PONDER_SMOLLM_GGUF")
    if not found:
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ponder-build" / "models"
        candidates = sorted(cache.glob("*.gguf"))
        found = str(candidates[0]) if candidates else ""
    if not found or not Path(found).exists():
        pytest.skip("SmolLM2 not available (run the tests through scripts/bootstrap.py test)")
    return Path(found)


@pytest.fixture(scope="session")
def split_gguf(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """A real GGUF split into 3 parts by gguf's writer (metadata in the first)."""
    import gguf
    import numpy as np

    folder = tmp_path_factory.mktemp("split")
    writer = gguf.GGUFWriter(str(folder / "m.gguf"), "qwen3moe", split_max_tensors=2)
    writer.add_name("Split test")
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_context_length(2048)
    writer.add_block_count(2)
    writer.add_embedding_length(64)
    writer.add_head_count(4)
    writer.add_head_count_kv(2)
    for i in range(5):
        writer.add_tensor(f"t{i}", np.full((64, 256), i, np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file(progress=False)
    writer.close()
    return [(folder / f"m-{i:05d}-of-00003.gguf").read_bytes() for i in (1, 2, 3)]


@pytest.fixture(autouse=True)
def no_leftover_threads() -> Iterator[None]:
    """Fail a test that leaves a thread running behind it."""
    before = set(threading.enumerate())
    yield
    leftover = [
        t
        for t in threading.enumerate()
        if t not in before and t.is_alive() and not t.name.startswith(("pydevd", "QDBus"))
    ]
    for t in leftover:
        t.join(timeout=5)
    still = [t.name for t in leftover if t.is_alive()]
    assert not still, f"threads left running: {still}"


def _running_children() -> dict[int, str]:
    """This process's descendants that still run (zombies are gone, only not yet reaped),
    less the helpers multiprocessing keeps for the whole session."""
    helpers = {_multiprocessing_helper("resource_tracker", "_resource_tracker", "_pid")}
    helpers.add(_multiprocessing_helper("forkserver", "_forkserver", "_forkserver_pid"))
    found: dict[int, str] = {}
    for child in psutil.Process().children(recursive=True):
        try:
            if child.pid in helpers or child.status() == psutil.STATUS_ZOMBIE:
                continue
            found[child.pid] = " ".join(child.cmdline())[:200] or child.name()
        except psutil.Error:  # it ended while we looked
            continue
    return found


def _multiprocessing_helper(module: str, instance: str, attribute: str) -> int | None:
    loaded = sys.modules.get(f"multiprocessing.{module}")
    return getattr(getattr(loaded, instance, None), attribute, None)


@pytest.fixture(autouse=True)
def no_leftover_processes() -> Iterator[None]:
    """Fail a test that leaves any child process running behind it (an engine, a server, a
    subprocess it forgot), then end the leftovers so that the next test starts clean."""
    before = set(_running_children())
    yield
    deadline = time.monotonic() + 5  # a child asked to stop may need a moment to exit
    leftover = {pid: cmd for pid, cmd in _running_children().items() if pid not in before}
    while leftover and time.monotonic() < deadline:
        time.sleep(0.05)
        leftover = {pid: cmd for pid, cmd in _running_children().items() if pid not in before}
    for pid in leftover:
        with contextlib.suppress(psutil.Error):
            psutil.Process(pid).kill()
    assert not leftover, f"processes left running: {sorted(leftover.values())}"


# The offscreen platform cannot resize windows to size hints; real platforms can. This is the
# one message tolerated, and only verbatim.
TOLERATED_QT_MESSAGES = ("This plugin does not support propagateSizeHints()",)


@pytest.fixture(autouse=True)
def qt_warnings_fail() -> Iterator[list[str]]:
    """Collect Qt warnings, criticals and fatals during the test; any of them fails it.

    Only where Qt is already loaded: a test of the Qt-free core never imports it."""
    caught: list[str] = []
    if "PySide6.QtCore" not in sys.modules:
        yield caught
        return
    from app.ui.common.qt import QtMsgType, qInstallMessageHandler

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        serious = kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
        if serious and message not in TOLERATED_QT_MESSAGES:
            caught.append(message)

    previous = qInstallMessageHandler(handler)
    yield caught
    qInstallMessageHandler(previous)
    assert not caught, f"Qt warnings: {caught}"


@pytest.fixture
def memory_keyring() -> Iterator[dict[tuple[str, str], str]]:
    """The keyring in memory for one test (the OS credential store cannot run here); yields what
    it holds, by (service, name)."""
    import keyring
    from keyring.backend import KeyringBackend

    stored: dict[tuple[str, str], str] = {}

    class MemoryKeyring(KeyringBackend):
        priority = 1

        def get_password(self, service: str, username: str) -> str | None:
            return stored.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            stored[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            stored.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield stored
    keyring.set_keyring(previous)
