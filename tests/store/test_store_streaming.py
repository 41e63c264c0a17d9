from __future__ import annotations

import threading
from pathlib import Path

import pytest

from app.core.chat.messages import Message, ReplyStats
from app.core.store import ChatStore, ReplyWriter, StoreWorker


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_begin_append_finish(store: ChatStore) -> None:
    chat = store.create_chat()
    store.add_message(chat.id, Message(role="user", content="hi"))
    mid = store.begin_reply(chat.id, Message(role="assistant", model="m", think_mode=True, budget=64))
    assert store.is_streaming(mid)
    row = store.connection.execute(
        "SELECT finish_reason, streaming FROM messages WHERE id = ?", (mid,)
    ).fetchone()
    assert tuple(row) == (None, 1)
    store.append_reply(mid, "let me ", "")
    store.append_reply(mid, "think", "Hel")
    store.append_reply(mid, "", "lo")
    partial = store.get_message(mid)
    assert partial is not None and (partial.thinking, partial.content) == ("let me think", "Hello")
    assert (partial.model, partial.budget, partial.finish_reason) == ("m", 64, None)

    final = Message(
        id=mid,
        role="assistant",
        content="Hello!",
        thinking="let me think",
        model="m",
        finish_reason="stop",
        stats=ReplyStats(answer_tokens=2),
    )
    store.finish_reply(mid, final)
    assert not store.is_streaming(mid)
    got = store.get_message(mid)
    assert got is not None and got.content == "Hello!" and got.stats == ReplyStats(answer_tokens=2)
    assert store.recover_interrupted() == []


def test_recover_interrupted(db_path: Path) -> None:
    with ChatStore(db_path) as s:
        chat = s.create_chat()
        done = s.begin_reply(chat.id)
        s.finish_reply(done, Message(role="assistant", content="ok"))
        mid = s.begin_reply(chat.id)
        s.append_reply(mid, "half a thought", "half an ans")
    with ChatStore(db_path) as s:
        recovered = s.recover_interrupted()
        assert [(m.id, m.finish_reason, m.content) for m in recovered] == [
            (mid, "interrupted", "half an ans")
        ]
        assert s.get_message(mid).finish_reason == "interrupted"  # type: ignore[union-attr]
        assert s.get_message(done).finish_reason == "stop"  # type: ignore[union-attr]
        assert s.recover_interrupted() == []


def test_reply_writer_batches_on_interval(store: ChatStore) -> None:
    chat = store.create_chat()
    clock = FakeClock()
    writer = ReplyWriter.begin(store.run, chat.id, Message(role="assistant"), interval=0.5, clock=clock)
    mid = writer.message_id
    assert store.is_streaming(mid)
    assert not writer.add(thinking="a")
    clock.now += 0.2
    assert not writer.add(thinking="b", answer="")
    assert store.get_message(mid).thinking == ""  # type: ignore[union-attr]
    clock.now += 0.3
    assert writer.add(answer="X")  # 0.5 s since the start: one write with everything
    got = store.get_message(mid)
    assert got is not None and (got.thinking, got.content) == ("ab", "X")
    assert writer.flushes == 1 and not writer.pending
    writer.add(answer="Y")
    clock.now += 0.4
    assert not writer.tick()
    clock.now += 0.1
    assert writer.tick()
    assert store.get_message(mid).content == "XY"  # type: ignore[union-attr]
    writer.add(answer="Z")
    writer.finish(Message(id=mid, role="assistant", content="XYZ!", thinking="ab", finish_reason="stop"))
    assert store.get_message(mid).content == "XYZ!"  # type: ignore[union-attr]
    assert not store.is_streaming(mid)
    with pytest.raises(RuntimeError):
        writer.add(answer="late")


def test_reply_writer_rewrite_replaces_the_saved_text(store: ChatStore) -> None:
    chat = store.create_chat()
    clock = FakeClock()
    writer = ReplyWriter.begin(store.run, chat.id, Message(role="assistant"), interval=0.5, clock=clock)
    mid = writer.message_id
    writer.add(thinking="a long line of reasoning")
    clock.now += 1
    writer.tick()
    writer.add(thinking=" more")  # pending, then the budget cuts the reasoning
    writer.rewrite(Message(role="assistant", thinking="a long line\n</think>"))
    assert not writer.pending
    got = store.get_message(mid)
    assert got is not None and got.thinking == "a long line\n</think>" and store.is_streaming(mid)
    writer.add(answer="Yes")
    clock.now += 1
    writer.tick()
    assert store.get_message(mid).content == "Yes"  # type: ignore[union-attr]


def test_worker_runs_jobs_off_thread_in_order(db_path: Path) -> None:
    errors: list[BaseException] = []
    worker = StoreWorker(db_path, on_error=errors.append)
    threads: set[str] = set()
    chat_id = worker.submit(lambda s: s.create_chat("w").id).result(5)
    writer = ReplyWriter.begin(worker.submit, chat_id, Message(role="assistant"), interval=0.0)
    for i in range(200):
        writer.add(answer=f"{i} ")
    worker.submit(lambda s: threads.add(threading.current_thread().name))
    assert worker.flush(5)
    assert threads == {"ponder-store-writer"}

    bad = worker.submit(lambda s: s.rename_chat("missing", "x"))
    assert isinstance(bad.exception(5), KeyError)
    assert len(errors) == 1
    writer.finish(Message(role="assistant", content="done", finish_reason="stop"))
    assert worker.close(5) and not worker.alive
    with pytest.raises(RuntimeError):
        worker.submit(lambda s: None)

    with ChatStore(db_path) as s:
        messages = s.all_messages(chat_id)
        assert [m.content for m in messages] == ["done"]
        assert s.recover_interrupted() == []


def test_worker_reads_see_streamed_text_from_another_connection(db_path: Path) -> None:
    worker = StoreWorker(db_path)
    try:
        chat_id = worker.submit(lambda s: s.create_chat().id).result(5)
        writer = ReplyWriter.begin(worker.submit, chat_id, Message(role="assistant"), interval=0.0)
        writer.add(thinking="hmm", answer="partial")
        assert worker.flush(5)
        with ChatStore(db_path) as reader:  # e.g. the GUI thread's own connection
            got = reader.get_message(writer.message_id)
            assert got is not None and got.content == "partial" and got.thinking == "hmm"
    finally:
        worker.close(5)


def test_worker_with_unopenable_path_fails_jobs(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    errors: list[BaseException] = []
    worker = StoreWorker(blocker / "sub" / "db.sqlite", on_error=errors.append)
    future = worker.submit(lambda s: s.list_chats())
    assert isinstance(future.exception(5), RuntimeError)
    assert worker.close(5)
    assert errors
