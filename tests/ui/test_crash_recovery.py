"""The real app is killed with SIGKILL while a reply streams; nothing written before is lost.

A child process runs ``python -m app MODEL`` (the runaway scripted model, which reasons until
the context's answer reserve) on a PONDER_HOME that already holds a chat. The documented test hook
``PONDER_TEST_AUTOSEND`` makes it send a message in that chat as soon as the model loads.
The test watches the SQLite file with its own read connection until streamed reasoning is
on disk, kills the process, and opens a window on the same folder.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from app.core.chat.messages import Message
from app.core.store import ChatStore
from app.core.store.settings import ModelLoad, Settings
from app.testkit.scripted_model import ScriptedModel
from app.ui.common.prefs import Preferences
from app.ui.common.theme import ThemeManager
from app.ui.main import TEST_AUTOSEND, TEST_AUTOSEND_CHAT
from app.ui.main_window import MainWindow
from tests.ui.driver import replies, user_messages

ROOT = Path(__file__).resolve().parents[2]
STREAMED_CHARS = 40  # wait until at least this much reasoning is on disk


def _streamed(db: Path) -> tuple[str, int] | None:
    """The streaming reply's id and saved reasoning length, read as another process would."""
    if not db.exists():
        return None
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        row = conn.execute(
            "SELECT id, length(thinking) FROM messages WHERE streaming = 1 AND role = 'assistant'"
        ).fetchone()
    except sqlite3.OperationalError:  # the app is still creating the file
        return None
    finally:
        conn.close()
    return (str(row[0]), int(row[1])) if row else None


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_while_streaming_keeps_every_message_and_the_partial_reply(
    qtbot: Any, theme: ThemeManager, ponder_home: Path, runaway_model: ScriptedModel, tmp_path: Path
) -> None:
    db = Settings().database_path()
    with ChatStore(db) as store:
        chat = store.create_chat()
        earlier = [
            Message("user", "What is a volcano?"),
            Message("assistant", "A vent where magma escapes.", thinking="Geology.", finish_reason="stop"),
            Message("user", "And a geyser?"),
            Message("assistant", "Hot water that erupts.", thinking="Springs.", finish_reason="stop"),
        ]
        for message in earlier:
            store.add_message(chat.id, message)
    # Reasoning ends where the answer's reserve begins: at the model's own 4,096 tokens that is
    # half a second of this model, shorter than the store's half-second batches. A 16K context
    # (YaRN x4) keeps the reply streaming for seconds.
    setup = Preferences()
    setup.set_default_load(ModelLoad(n_ctx=16384, n_gpu_layers=0))
    assert setup.save() is None

    env = dict(os.environ)
    env.update(
        {
            "QT_QPA_PLATFORM": "offscreen",
            "PONDER_HOME": str(ponder_home),
            TEST_AUTOSEND: "Think about everything.",
            TEST_AUTOSEND_CHAT: chat.id,
            "PYTHONPATH": str(ROOT),
        }
    )
    log = (tmp_path / "app.log").open("wb")
    child = subprocess.Popen(
        [sys.executable, "-m", "app", str(runaway_model.path)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        seen = None
        while time.monotonic() < deadline and child.poll() is None:
            seen = _streamed(db)
            if seen is not None and seen[1] >= STREAMED_CHARS:
                break
            time.sleep(0.05)
        assert child.poll() is None, f"the app exited early: {(tmp_path / 'app.log').read_text()[-3000:]}"
        assert seen is not None and seen[1] >= STREAMED_CHARS, "no streamed text reached the database"
        os.killpg(child.pid, signal.SIGKILL)  # the app and its engine process, at once
        child.wait(10)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait(10)
        log.close()
    reply_id, saved = seen

    prefs = Preferences()
    window = MainWindow(theme, prefs)
    window.show()
    try:
        window.select_chat(chat.id)
        opened = window.controller.chat
        assert opened is not None and opened.id == chat.id
        assert [u.message.content for u in user_messages(window)] == [
            "What is a volcano?",
            "And a geyser?",
            "Think about everything.",
        ]
        views = replies(window)
        assert [v.answer.toPlainText() for v in views[:2]] == [
            "A vent where magma escapes.",
            "Hot water that erupts.",
        ]
        partial = views[2]
        assert partial.message is not None and partial.message.id == reply_id
        assert partial.message.finish_reason == "app_closed"
        assert len(partial.message.thinking) >= saved  # everything that was on disk
        assert partial.message.thinking.startswith(runaway_model.script.thinking_text.strip()[:30])
        assert partial.stats.text().startswith("Stopped — the app closed")
        assert not partial.thinking.isHidden()
        assert "being written when Ponder closed" in window.banner.text
    finally:
        window.shutdown()
        window.close()
        window.deleteLater()
