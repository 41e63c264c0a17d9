"""Opening a long stored chat, scrolling through it, and a long chat list, in the real window.

A fresh PONDER_HOME gets a database with one chat of 2,000 messages (thinking about 2 KB,
answers 1-2 KB of Markdown with lists, code and tables) and 1,000 shorter chats. Then the
real window opens on it and a 5 ms heartbeat on the GUI thread (benchmarks/gui_block.py)
measures, for each scenario, the longest time the window could not answer:

  * the idle window, as the noise floor of a shared machine;
  * opening the long chat;
  * PageUp from the newest message to the oldest (a held key, one press every 16 ms) and
    PageDown back; the same with the wheel (a fast spin: 10 notches every 16 ms). Each way
    stops after ``--cap`` seconds and says how far it got;
  * the cost of a page (GUI-thread CPU from one press of PageUp to the next) near message
    2,000 and near message 20, once a scroll has reached the oldest message (the whole chat
    is loaded then), in rounds that alternate between the two ends so that a machine that
    slows down or speeds up meanwhile weighs on both alike; and their ratio;
  * building the chat list of 1,001 chats, filtering it by title, and one full-text search.

Run: QT_QPA_PLATFORM=offscreen python benchmarks/bench_history.py [--only open,keys,wheel]
Targets: every "longest GUI block" line <= 16 ms; the page near message 2,000 within 1.2x of
the page near message 20. Prints the figures; no asserts.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.chat.messages import Message, ReplyStats
from app.core.store import ChatStore
from app.core.store.settings import Settings
from app.ui.chat.assistant_view import AssistantMessageView
from app.ui.chat.user_view import UserMessageView
from app.ui.common.collector import COLLECTOR
from app.ui.common.prefs import Preferences
from app.ui.common.qt import (
    QApplication,
    QEvent,
    QKeyEvent,
    QPoint,
    QPointF,
    Qt,
    QTimer,
    QWheelEvent,
    qInstallMessageHandler,
)
from app.ui.common.tasks import Tasks
from app.ui.common.theme import ThemeManager
from app.ui.common.warmup import settle_startup
from app.ui.main_window import MainWindow
from benchmarks.gui_block import Heartbeat, cores, later, run_for, run_until

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


class Scroller:
    """Presses a key (or turns the wheel) over the conversation at a steady rate, as a held
    key's auto-repeat does, until the chat's first (or last) message is in view."""

    def __init__(self, window: MainWindow, total: int) -> None:
        self.window = window
        self.total = total  # messages in the chat

    # -- where the view is -----------------------------------------------------------------
    def message_at(self, y: int) -> int | None:
        """The number (1 = oldest) of the message at height ``y`` of the viewport."""
        view = self.window.conversation
        viewport = view.viewport()
        chat = self.window.controller.chat
        if chat is None:
            return None
        width = viewport.width()
        for x in (width // 2, width - 40, 40):
            widget = viewport.childAt(x, y)
            while widget is not None and not isinstance(widget, UserMessageView | AssistantMessageView):
                widget = widget.parentWidget()
            message = widget.message if widget is not None else None
            if message is not None:
                entry = chat.entry_with(message.id)
                if entry is not None:
                    return self.total - len(chat.entries) + chat.index_of(entry) + 1
        return None

    def top_message(self) -> int | None:
        return self.message_at(8)

    def at_oldest(self) -> bool:
        bar = self.window.conversation.verticalScrollBar()
        return bar.value() == bar.minimum() and not self.window.presenter.has_earlier()

    def at_newest(self) -> bool:
        bar = self.window.conversation.verticalScrollBar()
        return bar.value() == bar.maximum()

    # -- input -----------------------------------------------------------------------------
    def key(self, key: Qt.Key) -> None:
        target = self.window.conversation
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier))

    def wheel(self, notches: int) -> None:
        """One wheel event of ``notches`` (positive: up, towards older messages)."""
        viewport = self.window.conversation.viewport()
        pos = QPointF(viewport.width() / 2, viewport.height() / 2)
        event = QWheelEvent(
            pos,
            QPointF(viewport.mapToGlobal(pos.toPoint())),
            QPoint(0, 0),
            QPoint(0, 120 * notches),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(viewport, event)

    def travel(
        self, step: Callable[[], None], arrived: Callable[[], bool], every_ms: int, cap_s: float
    ) -> int:
        """Call ``step`` every ``every_ms`` until ``arrived()`` or ``cap_s`` runs out; return the
        number of steps."""
        steps = 0
        end = time.monotonic() + cap_s
        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(every_ms)

        def tick() -> None:
            nonlocal steps
            if arrived() or time.monotonic() > end:
                timer.stop()
                return
            step()
            steps += 1

        timer.timeout.connect(tick)
        timer.start()
        run_until(lambda: not timer.isActive(), cap_s + 30)
        return steps

    def page_rounds(self, rounds: int, pages: int) -> tuple[list[float], list[float]]:
        """The cost of ``pages`` pages up near the newest message, then near the oldest (from
        a few pages above it, towards message 1), ``rounds`` times."""
        near_newest: list[float] = []
        near_oldest: list[float] = []
        for _ in range(rounds):
            self.key(Qt.Key.Key_End)
            run_for(500)
            near_newest += self.page_costs(Qt.Key.Key_PageUp, pages)
            self.key(Qt.Key.Key_Home)
            run_for(300)
            for _ in range(pages + 4):
                self.key(Qt.Key.Key_PageDown)
                run_for(50)
            run_for(500)
            near_oldest += self.page_costs(Qt.Key.Key_PageUp, pages)
        return near_newest, near_oldest

    def page_costs(self, key: Qt.Key, pages: int, every_ms: int = 150) -> list[float]:
        """GUI-thread CPU time (ms) spent from each of ``pages`` presses of ``key`` until the next."""
        costs: list[float] = []
        for _ in range(pages):
            t = time.thread_time()
            self.key(key)
            run_for(every_ms)
            costs.append((time.thread_time() - t) * 1000)
        return costs


class CpuSplit:
    """GUI-thread CPU spent in a few bound methods while it is installed (replaces them on
    their instances, puts them back with ``restore``)."""

    def __init__(self, methods: dict[str, Callable[..., object]]) -> None:
        self.spent = dict.fromkeys(methods, 0.0)
        self._saved: list[tuple[object, str]] = []
        for name, method in methods.items():
            owner, attr = method.__self__, method.__name__  # type: ignore[attr-defined]

            def timed(*args: object, _name: str = name, _method: Callable[..., object] = method) -> object:
                t = time.thread_time()
                try:
                    return _method(*args)
                finally:
                    self.spent[_name] += (time.thread_time() - t) * 1000

            setattr(owner, attr, timed)
            self._saved.append((owner, attr))

    def summary(self) -> str:
        return ", ".join(f"{name} {ms:.1f} ms" for name, ms in self.spent.items())

    def restore(self) -> None:
        for owner, attr in self._saved:
            delattr(owner, attr)


def quiet(kind: object, _context: object, message: str) -> None:
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


SCENARIOS = ("open", "keys", "wheel")
PAGE_ROUNDS, PAGES_PER_ROUND = 4, 4  # the page costs: 16 pages at each end


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--only", default=",".join(SCENARIOS), help="open, keys (PageUp/PageDown), wheel; comma-separated"
    )
    parser.add_argument("--cap", type=float, default=25.0, help="seconds at most for one way of a scroll")
    parser.add_argument("--key-ms", type=int, default=16, help="interval of the held key's repeat")
    parser.add_argument("--wheel-ms", type=int, default=16, help="interval of the wheel events")
    parser.add_argument("--notches", type=int, default=10, help="wheel notches per event (a fast spin)")
    args = parser.parse_args()
    only = set(args.only.split(","))
    qInstallMessageHandler(quiet)
    home = tempfile.mkdtemp(prefix="ponder-bench-history-")
    os.environ["PONDER_HOME"] = home
    rng = random.Random(args.seed)
    t = time.perf_counter()
    long_id = seed(Settings().database_path(), args.messages, args.chats, rng)
    size_mb = Settings().database_path().stat().st_size / 1e6
    print(
        f"seeded {args.messages:,} messages + {args.chats:,} chats in {time.perf_counter() - t:.1f} s "
        f"({size_mb:.1f} MB); {cores()} cores, load average {os.getloadavg()[0]:.1f}"
    )

    app = QApplication.instance() or QApplication([])
    COLLECTOR.install(app)  # as run_app does
    assert isinstance(app, QApplication)
    t = time.perf_counter()
    prefs = Preferences()
    prefs.remember_model(str(Path(home) / "some-model.gguf"))  # a returning user: no first-run welcome
    window = MainWindow(ThemeManager(app, "light"), prefs)
    window.resize(1280, 800)
    window.show()
    created = time.perf_counter() - t
    settle_startup(Tasks()).wait()
    run_for(1000)
    print(f"window with {len(window.repo.list_chats()):,} chats listed: built in {created * 1000:.0f} ms")

    beat = Heartbeat()
    beat.start()
    run_for(1500)
    beat.report("idle window (noise floor)")

    parts = CpuSplit({"the conversation": window.presenter.show, "the chat list": window.sidebar.set_chats})
    beat.mark()
    later(lambda: window.select_chat(long_id))
    run_for(2500)
    beat.report(f"open a {args.messages:,}-message chat")
    print(f"    of which (GUI-thread CPU): {parts.summary()}")
    parts.restore()
    chat = window.controller.chat
    assert chat is not None and chat.id == long_id
    scroll = Scroller(window, args.messages)
    reached_oldest = False

    def travel(name: str, step: Callable[[], None], back: Callable[[], None], every_ms: int) -> None:
        nonlocal reached_oldest
        window.conversation.scroll_to_end()  # start from the newest message
        run_until(scroll.at_newest, 5)
        run_for(500)
        beat.mark()
        t = time.monotonic()
        steps = scroll.travel(step, scroll.at_oldest, every_ms, args.cap)
        beat.report(f"{name} from the newest to the oldest")
        reached = scroll.top_message()
        print(
            f"    {steps:,} steps in {time.monotonic() - t:.1f} s; "
            f"{'reached the oldest message' if scroll.at_oldest() else f'stopped at message {reached}'}"
        )
        reached_oldest = reached_oldest or scroll.at_oldest()
        run_for(300)
        beat.mark()
        t = time.monotonic()
        steps = scroll.travel(back, scroll.at_newest, every_ms, args.cap)
        beat.report(f"{name} back to the newest")
        took = time.monotonic() - t
        print(f"    {steps:,} steps in {took:.1f} s; reached the newest: {scroll.at_newest()}")

    if "keys" in only:
        travel(
            "PageUp/PageDown",
            lambda: scroll.key(Qt.Key.Key_PageUp),
            lambda: scroll.key(Qt.Key.Key_PageDown),
            args.key_ms,
        )
    if "wheel" in only:
        notches = args.notches
        travel("wheel", lambda: scroll.wheel(notches), lambda: scroll.wheel(-notches), args.wheel_ms)
    beat.stop()

    if reached_oldest:
        near_newest, near_oldest = scroll.page_rounds(PAGE_ROUNDS, PAGES_PER_ROUND)
        newest, oldest = statistics.median(near_newest), statistics.median(near_oldest)
        pages = PAGE_ROUNDS * PAGES_PER_ROUND
        print(
            f"page cost near message {args.messages:,}: {newest:.1f} ms, near message 20: {oldest:.1f} ms "
            f"(GUI-thread CPU per page, median of {pages} in {PAGE_ROUNDS} alternating rounds); "
            f"ratio {newest / oldest:.2f} (near 20 / near {args.messages:,}: {oldest / newest:.2f})"
        )
    else:
        print("page cost: not measured (no scroll reached the oldest message)")

    if "open" in only:
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
        run_for(300)
        print(
            f"chat list of {window.sidebar.list.count():,}: refreshed in {t_list * 1000:.1f} ms, "
            f"title filter {t_filter * 1000:.1f} ms ({shown} shown), "
            f"full-text search {t_search * 1000:.1f} ms ({hits} hits)"
        )
    window.shutdown()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
