"""Store timings on realistic sizes: 1,000 chats and one chat with 2,000 messages.

Run: python benchmarks/bench_store.py [--keep DIR]. Prints milliseconds; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.chat.messages import Message, ReplyStats
from app.core.store import ChatStore, search

VOCAB = (
    "the a of to and in is that for it with as on be this by are model token answer "
    "reason python function value result number because therefore first second next check "
    "prime memory cache layer thread window buffer stream parse budget think context "
    "quantum river mountain bread yeast oven temperature minute volcano magma planet "
    "orbit light"
)
WORDS = VOCAB.split()


def text(rng: random.Random, size: int) -> str:
    out: list[str] = []
    n = 0
    while n < size:
        w = rng.choice(WORDS)
        out.append(w)
        n += len(w) + 1
    return " ".join(out)


def fill(store: ChatStore, rng: random.Random, chats: int, big: int) -> str:
    with store.transaction():
        for c in range(chats):
            chat = store.create_chat(pinned=c % 100 == 0)
            for _ in range(rng.randint(1, 3)):
                store.add_message(chat.id, Message(role="user", content=text(rng, rng.randint(40, 300))))
                store.add_message(chat.id, reply(rng))
        big_chat = store.create_chat("Big chat")
        for i in range(big // 2):
            store.add_message(big_chat.id, Message(role="user", content=f"q{i} " + text(rng, 200)))
            store.add_message(big_chat.id, reply(rng))
    return big_chat.id


def reply(rng: random.Random) -> Message:
    return Message(
        role="assistant",
        content=text(rng, rng.randint(1000, 2000)),
        thinking=text(rng, 2000),
        think_mode=True,
        finish_reason="stop",
        model="qwen3-8b",
        stats=ReplyStats(prompt_tokens=500, thinking_tokens=450, answer_tokens=350, total_s=9.5),
    )


def timed(fn: Callable[[], object], repeat: int = 20) -> float:
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def streaming_writes(store: ChatStore, chat_id: str, rng: random.Random) -> None:
    """A long reasoning streams in: every half second about 1,000 more characters are appended
    to a reply that keeps growing. A write should cost the same however long the reply is
    (the search index takes the reply once, when it ends)."""
    delta = text(rng, 1000)
    costs: dict[int, float] = {}
    for size in (20_000, 50_000, 100_000, 200_000):
        mid = store.begin_reply(chat_id, Message(role="assistant", thinking=text(rng, size)))
        costs[size] = timed(partial(store.append_reply, mid, delta, ""))
        print(f"append 1,000 chars to a streaming reply of {size:>7,} chars {costs[size]:8.2f} ms")
        last = mid
    reply = store.get_message(last)
    assert reply is not None
    t0 = time.perf_counter()
    store.finish_reply(last, reply)
    finish_ms = (time.perf_counter() - t0) * 1000
    print(f"finish (index) a reply of {len(reply.thinking):,} chars      {finish_ms:8.2f} ms")
    print(f"append cost at 200,000 / at 20,000 chars: {costs[200_000] / costs[20_000]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--big", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="ponder-bench-"))
    path = folder / "bench.db"
    rng = random.Random(1)
    with ChatStore(path) as store:
        t0 = time.perf_counter()
        big_id = fill(store, rng, args.chats, args.big)
        build_s = time.perf_counter() - t0
        size_mb = path.stat().st_size / 1e6
        wal = Path(f"{path}-wal")
        size_mb += wal.stat().st_size / 1e6 if wal.exists() else 0
        print(f"built {args.chats} chats + a {args.big}-message chat in {build_s:.1f} s ({size_mb:.0f} MB)")

        def open_chat() -> None:
            store.count_messages(big_id)
            store.messages(big_id, limit=50)

        page = store.messages(big_id, limit=50)
        results = {
            "list chats (all)": timed(lambda: store.list_chats()),
            "list chats (first 100)": timed(lambda: store.list_chats(limit=100)),
            "newest page of 50 (2,000-msg chat)": timed(lambda: store.messages(big_id, limit=50)),
            "next older page of 50": timed(lambda: store.messages(big_id, limit=50, before=page[-1].id)),
            "open chat (count + page)": timed(open_chat),
            "search 'volcano magma'": timed(lambda: search(store, "volcano magma")),
            "search 'volcano magma' + thinking": timed(
                lambda: search(store, "volcano magma", include_thinking=True)
            ),
            "search rare word 'q123'": timed(lambda: search(store, "q123", prefix=False)),
        }
        hits = {q: len(search(store, q, prefix=False)) for q in ("volcano magma", "q123")}
        print(f"search hits (limit 50): {hits}")
        for name, ms in results.items():
            print(f"{name:38s} {ms:8.2f} ms")
        streaming_writes(store, big_id, rng)
    if not args.keep:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
