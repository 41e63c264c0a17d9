"""A real crash: a child process streams a reply into the store and is killed mid-stream."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from app.core.store import ChatStore

REPO = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import sys, time
    from app.core.chat.messages import Message
    from app.core.store import ReplyWriter, StoreWorker

    worker = StoreWorker(sys.argv[1])
    chat_id = worker.submit(lambda s: s.create_chat("crash test").id).result(10)
    for i in range(5):
        worker.submit(lambda s, i=i: s.add_message(chat_id, Message(role="user", content=f"question {i}")))
        worker.submit(lambda s, i=i: s.add_message(
            chat_id, Message(role="assistant", content=f"answer {i}", thinking=f"thought {i}",
                             finish_reason="stop")))
    writer = ReplyWriter.begin(worker.submit, chat_id, Message(role="assistant", model="scripted"),
                               interval=0.02)
    print("chat", chat_id, writer.message_id, flush=True)
    i = 0
    while True:
        writer.add(thinking=f"t{i} ", answer=f"a{i} ")
        i += 1
        if i % 10 == 0:
            writer.flush()
            worker.flush(10)
            print("saved", i, flush=True)
        time.sleep(0.001)
    """
)


def test_sigkill_mid_stream_loses_nothing_saved(tmp_path: Path) -> None:
    db_path = tmp_path / "ponder.db"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=env,
    )
    try:
        assert proc.stdout is not None
        header = proc.stdout.readline().split()
        assert header[:1] == ["chat"], proc.stderr.read() if proc.stderr else ""
        chat_id, reply_id = header[1], header[2]
        saved = 0
        while saved < 150:
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else "child exited"
            saved = int(line.split()[1])
        proc.kill()  # SIGKILL on POSIX: no cleanup, no atexit, mid-stream
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    if os.name == "posix":
        assert proc.returncode == -9

    with ChatStore(db_path) as store:
        assert store.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        messages = store.all_messages(chat_id)
        earlier = [(m.role, m.content) for m in messages[:-1]]
        expected = []
        for i in range(5):
            expected += [("user", f"question {i}"), ("assistant", f"answer {i}")]
        assert earlier == expected
        assert messages[3].thinking == "thought 1"

        partial = messages[-1]
        assert partial.id == reply_id and partial.finish_reason is None and store.is_streaming(reply_id)
        full_answer = "".join(f"a{i} " for i in range(100_000))
        full_thinking = "".join(f"t{i} " for i in range(100_000))
        # Everything confirmed saved is there, and nothing but a prefix of the stream.
        assert partial.content.startswith("".join(f"a{i} " for i in range(saved)))
        assert partial.thinking.startswith("".join(f"t{i} " for i in range(saved)))
        assert full_answer.startswith(partial.content) and full_thinking.startswith(partial.thinking)

        recovered = store.recover_interrupted()
        assert [m.id for m in recovered] == [reply_id]
        assert recovered[0].content == partial.content
        reloaded = store.get_message(reply_id)
        assert reloaded is not None and reloaded.finish_reason == "interrupted"
        assert reloaded.content == partial.content
        assert not store.is_streaming(reply_id)
