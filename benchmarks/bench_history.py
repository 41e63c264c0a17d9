"""Opening a long stored chat, and a long chat list, in the real window.

A fresh PONDER_HOME gets a database with one chat of 2,000 messages (thinking about 2 KB,
answers 1-2 KB of Markdown with lists, code and tables) and 1,000 shorter chats. Then the
real window opens on it, and this measures on the GUI thread:

  * opening the long chat: the wall time of ``select_chat`` plus the event processing until
    the conversation has painted and the event queue is idle (target: under 300 ms);
  * loading and showing one older page, as when the user scrolls to the top;
  * building the chat list of 1,001 chats, filtering it by title, and one full-text search.

Run: QT_QPA_PLATFORM=offscreen python benchmarks/bench_history.py [--messages 2000] [--chats 1000]
Prints the figures; no asserts.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.chat.messages import Message, ReplyStats
from app.core.store.settings import Settings
from app.core.store import ChatStore
from app.ui.main_window import MainWindow
from app.ui.common.prefs import Preferences
from app.ui.common.qt import QApplication, QEvent, QObject, qInstallMessageHandler
from app.ui.common.theme import ThemeManager
from app.ui.common.tasks import Tasks
from app.ui.common.warmup import settle_startup

WORDS = [
    "model",
    "cache",
    "token",
    "layer",
    "answer",
    "reason",
    "budget",
    "memory",
    "thread",
    "window",
    "render",
    "store",
    "page",
    "search",
    "index",
    "value",
    "key",
    "query",
    "vector",
    "matrix",
    "step",
    "loop",
    "branch",
    "result",
    "check",
    "proof",
    "idea",
]


def prose(rng: random.Random, chars: int) -> str:
    out: list[str] = []
    size = 0
    while size < chars:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 18))).capitalize() + ". "
        out.append(sentence)
        size += len(sentence)
    return "".join(out).strip()


def markdown_answer(rng: random.Random, chars: int) -> str:
    blocks = [f"## {prose(rng, 20).rstrip('.')}", prose(rng, chars // 3)]
    blocks.append("\n".join(f"- **{rng.choice(WORDS)}**: {prose(rng, 50)}" for _ in range(4)))
    kind = rng.randint(0, 2)
    if kind == 0:
        lines = [f"    x_{i} = step(x_{i - 1}, {rng.randint(1, 99)})" for i in range(1, 7)]
        blocks.append("```python\ndef run(x_0):\n" + "\n".join(lines) + "\n    return x_6\n```")
    elif kind == 1:
        rows = "\n".join(f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} |" for _ in range(5))
        blocks.append("| name | value |\n|---|---:|\n" + rows)
    text = "\n\n".join(blocks)
    while len(text) < chars:
        text += "\n\n" + prose(rng, 200)
    return text


def seed(path: Path, messages: int, chats: int, rng: random.Random) -> str:
    with ChatStore(path) as store:
        for i in range(chats):
            chat = store.create_chat(f"Chat number {i}: {rng.choice(WORDS)} {rng.choice(WORDS)}")
            store.add_message(chat.id, Message("user", prose(rng, 80)))
            store.add_message(
                chat.id, Message("assistant", prose(rng, 300), thinking=prose(rng, 300), finish_reason="stop")
            )
        long = store.create_chat("The long conversation")
        with store.transaction():
            for _ in range(messages // 2):
                store.add_message(long.id, Message("user", prose(rng, rng.randint(80, 400))))
                reply = Message(
                    "assistant",
                    markdown_answer(rng, rng.randint(1000, 2000)),
                    thinking=prose(rng, rng.randint(1800, 2300)),
                    think_mode=True,
                    finish_reason="stop",
                    stats=ReplyStats(thinking_tokens=450, answer_tokens=380, tokens_per_s=42.0, ttft_s=0.2),
                )
                store.add_message(long.id, reply)
        return long.id


class PaintWatch(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.painted_at: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.painted_at is None:
            self.painted_at = time.perf_counter()
        return False


def busy_until_idle(app: QApplication, idle_s: float = 0.3, limit_s: float = 10.0) -> float:
    """Process events until nothing has happened for ``idle_s``; return the time spent
    inside event processing (GUI-thread work), not the idle waiting."""
    spent = 0.0
    quiet_since = time.perf_counter()
    end = quiet_since + limit_s
    while time.perf_counter() < end:
        t = time.perf_counter()
        app.processEvents()
        dt = time.perf_counter() - t
        spent += dt
        if dt > 0.002:
            quiet_since = time.perf_counter()
        elif time.perf_counter() - quiet_since > idle_s:
            break
        time.sleep(0.001)
    return spent


def quiet(kind: object, _context: object, message: str) -> None:
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    qInstallMessageHandler(quiet)
    home = tempfile.mkdtemp(prefix="ponder-bench-history-")
    os.environ["PONDER_HOME"] = home
    rng = random.Random(args.seed)
    t = time.perf_counter()
    long_id = seed(Settings().database_path(), args.messages, args.chats, rng)
    size_mb = Settings().database_path().stat().st_size / 1e6
    print(
        f"seeded {args.messages:,} messages + {args.chats:,} chats in {time.perf_counter() - t:.1f} s "
        f"({size_mb:.1f} MB)"
    )

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    t = time.perf_counter()
    prefs = Preferences()
    prefs.remember_model(str(Path(home) / "some-model.gguf"))  # a returning user: no first-run welcome
    window = MainWindow(ThemeManager(app, "light"), prefs)
    window.resize(1280, 800)
    window.show()
    created = time.perf_counter() - t
    settle_startup(Tasks()).wait()
    busy_until_idle(app)
    print(f"window with {len(window.repo.list_chats()):,} chats listed: built in {created * 1000:.0f} ms")

    watch = PaintWatch()
    viewport = window.conversation.viewport()
    assert viewport is not None
    viewport.installEventFilter(watch)
    t0 = time.perf_counter()
    window.select_chat(long_id)
    t_select = time.perf_counter() - t0
    spent = 0.0
    while watch.painted_at is None and time.perf_counter() - t0 < 10:
        t = time.perf_counter()
        app.processEvents()
        spent += time.perf_counter() - t
    first_paint = (watch.painted_at or time.perf_counter()) - t0
    settle = busy_until_idle(app)
    chat = window.controller.chat
    assert chat is not None
    print(
        f"open a {args.messages:,}-message chat: select_chat {t_select * 1000:.0f} ms, "
        f"first paint after {first_paint * 1000:.0f} ms, GUI thread until idle "
        f"{(t_select + spent + settle) * 1000:.0f} ms "
        f"({len(chat.entries)} entries loaded, {len(window.presenter._shown)} built)"
    )

    for step in (1, 2, 3):  # later steps read older pages from the database
        t = time.perf_counter()
        built = window.presenter.show_earlier()
        t_earlier = time.perf_counter() - t
        settle = busy_until_idle(app)
        print(
            f"scroll to the top ({step}): {built} older entries in {t_earlier * 1000:.0f} ms "
            f"+ {settle * 1000:.0f} ms layout and paint ({len(chat.entries)} entries loaded)"
        )

    t = time.perf_counter()
    window._refresh_sidebar()
    t_list = time.perf_counter() - t
    t = time.perf_counter()
    window.sidebar.search.setText("number 99")  # matches titles only
    t_filter = time.perf_counter() - t
    shown = sum(not window.sidebar.list.item(i).isHidden() for i in range(window.sidebar.list.count()))
    window.sidebar.search.setText("matrix proof")
    t = time.perf_counter()
    window.sidebar.run_search()
    t_search = time.perf_counter() - t
    hits = window.sidebar.results.count()
    window.sidebar.search.clear()
    busy_until_idle(app)
    print(
        f"chat list of {window.sidebar.list.count():,}: rebuilt in {t_list * 1000:.1f} ms, "
        f"title filter {t_filter * 1000:.1f} ms ({shown} shown), "
        f"full-text search {t_search * 1000:.1f} ms ({hits} hits)"
    )
    window.shutdown()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
