"""The chat store's lane as the GUI uses it: ordered writes, answers on the GUI thread, failures said."""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path
from typing import Any

from app.core.store import ChatStore
from app.ui.common.store_jobs import StoreJobs

WAIT_MS = 10_000


def test_writes_keep_their_order_and_a_job_answers_on_the_gui_thread(qtbot: Any, tmp_path: Path) -> None:
    with ChatStore(tmp_path / "chats.sqlite") as store:
        chat = store.create_chat("first")
    jobs = StoreJobs(tmp_path / "chats.sqlite")

    def rename(i: int, store: ChatStore) -> None:
        store.rename_chat(chat.id, f"title {i}")

    for i in range(30):
        jobs.write(partial(rename, i))
    answers: list[tuple[str | None, threading.Thread]] = []

    def title(store: ChatStore) -> str | None:
        row = store.get_chat(chat.id)
        return row.title if row else None

    jobs.run(title, lambda t: answers.append((t, threading.current_thread())))
    qtbot.waitUntil(lambda: bool(answers), timeout=WAIT_MS)
    assert answers == [("title 29", threading.main_thread())]
    assert jobs.close()


def test_a_failed_write_is_said_and_a_failed_job_goes_to_on_error(qtbot: Any, tmp_path: Path) -> None:
    jobs = StoreJobs(tmp_path / "chats.sqlite")
    said: list[str] = []
    jobs.failed.connect(said.append)
    jobs.write(lambda s: s.rename_chat("no-such-chat", "x"))
    qtbot.waitUntil(lambda: bool(said), timeout=WAIT_MS)
    assert said[0].startswith("A change to your chats could not be saved")

    errors: list[BaseException] = []
    jobs.run(lambda s: s.rename_chat("no-such-chat", "x"), on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert len(said) == 1  # errors of a job with on_error go there only
    assert jobs.close()
    closed: list[BaseException] = []
    jobs.run(lambda s: None, on_error=closed.append)
    assert [str(e) for e in closed] == ["the chat store is closed"]


def test_close_writes_what_is_queued(qtbot: Any, tmp_path: Path) -> None:
    db = tmp_path / "chats.sqlite"
    jobs = StoreJobs(db)

    def create(i: int, store: ChatStore) -> None:
        store.create_chat(f"chat {i}")

    for i in range(50):
        jobs.write(partial(create, i))
    assert jobs.close()
    with ChatStore(db) as store:
        assert store.count_chats() == 50
