"""The store's writer thread and the reply batcher at their edges.

Found by mutation testing (scripts/mutation.py writer): each test names a behaviour that a
surviving mutant changed without any test noticing.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from app.core.chat.messages import Message
from app.core.store import ChatStore
from app.core.store.writer import ReplyWriter, StoreWorker


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_reply_is_saved_at_least_every_half_second(store: ChatStore) -> None:
    chat = store.create_chat()
    clock = Clock()
    writer = ReplyWriter.begin(store.run, chat.id, Message("assistant"), clock=clock)
    assert writer.interval == 0.5 and ReplyWriter(store.run, "x").interval == 0.5
    clock.now = 0.49
    assert not writer.add(answer="Hel")
    clock.now = 0.5
    assert writer.add(answer="lo", thinking="hmm")  # one batch: every delta, in order
    saved = store.get_message(writer.message_id)
    assert saved is not None and (saved.thinking, saved.content) == ("hmm", "Hello")
    assert writer.flush() is False  # nothing left to write
    writer.add(answer="!")
    assert writer.flush() is True and writer.flushes == 2


def test_a_finished_reply_takes_no_more_text(store: ChatStore) -> None:
    chat = store.create_chat()
    writer = ReplyWriter.begin(store.run, chat.id, Message("assistant"))
    writer.finish(Message("assistant", "done"))
    with pytest.raises(RuntimeError, match=r"^reply already finished$"):
        writer.add(answer="late")
    with pytest.raises(RuntimeError, match=r"^reply already finished$"):
        writer.rewrite(Message("assistant", "late"))


def test_a_failed_job_is_logged_and_rolled_back(db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    worker = StoreWorker(db_path)
    chat = worker.submit(lambda s: s.create_chat()).result(10)

    def half_done(store: ChatStore) -> None:
        store.connection.execute("BEGIN")
        store.connection.execute("UPDATE chats SET title = 'half' WHERE id = ?", (chat.id,))
        raise ValueError("boom")

    with caplog.at_level(logging.ERROR, logger="app.core.store.writer"):
        failed = worker.submit(half_done)
        with pytest.raises(ValueError, match="boom"):
            failed.result(10)
        title = worker.submit(lambda s: s.get_chat(chat.id).title).result(10)  # type: ignore[union-attr]
    assert title != "half"  # the half-done change was rolled back; the writer goes on
    assert [r.getMessage() for r in caplog.records] == ["store job failed: ValueError('boom')"]
    assert worker.close() is True and not worker.alive


def test_an_error_handler_gets_the_error_and_cannot_stop_the_writer(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[BaseException] = []

    def handler(exc: BaseException) -> None:
        seen.append(exc)
        raise RuntimeError("handler broke")

    worker = StoreWorker(db_path, on_error=handler)
    with caplog.at_level(logging.ERROR, logger="app.core.store.writer"):
        worker.submit(lambda s: 1 / 0).exception(10)
        assert worker.submit(lambda s: "still here").result(10) == "still here"
    assert [type(e) for e in seen] == [ZeroDivisionError]
    assert "store on_error handler failed" in caplog.text
    worker.close()


def test_a_cancelled_job_never_runs(db_path: Path) -> None:
    worker = StoreWorker(db_path)
    gate = threading.Event()
    ran: list[str] = []
    worker.submit(lambda s: gate.wait(10))
    later: Future[Any] = worker.submit(lambda s: ran.append("later"))
    assert later.cancel()
    gate.set()
    assert worker.flush(10) and ran == []
    worker.close()


def test_flush_and_close(db_path: Path) -> None:
    worker = StoreWorker(db_path)
    gate = threading.Event()
    worker.submit(lambda s: gate.wait(10))
    assert worker.flush(0.05) is False  # still busy
    inner = worker.submit(lambda s: worker.flush(1))
    gate.set()
    with pytest.raises(RuntimeError, match="would wait for itself"):
        inner.result(10)
    assert worker.flush(10) is True
    assert worker.close() is True
    assert worker.flush(1) is True  # closed and drained
    with pytest.raises(RuntimeError, match="StoreWorker is closed"):
        worker.submit(lambda s: None)
