"""``ponder serve`` against ``ponder ask``'s engine path, on the same engine in the same run.

    python benchmarks/bench_server.py [--budget 512] [--repeat 10]

For each model one engine loads once; each round asks the same question both ways, in turn:
  * ask: ``LocalEngine.generate`` and its events, read as ``ponder ask`` reads them;
  * server: the real ``openai`` client streaming from ``ponder serve``'s server on that engine.
Both are timed as their reader sees them: TTFT from the request to the first reasoning or
answer text, tokens/s from that first text to the end of the reply. Targets: tokens/s ratio
>= 0.97, TTFT within 10 ms of ask's.

On a busy machine the engine's own speed varies from one reply to the next far more than the
server could change it, so the run also prints what the server itself adds, measured against
the engine's events as they reach this process: the lag of the first text and of the end.

Models: the scripted Qwen3 model at test size (a runaway reasoning cut by the budget, so every
reply is budget + answer tokens; ~0.1 ms a token, so any per-token cost of the server shows at
its worst) and SmolLM2-135M Q4_1 when it is available (greedy, max_tokens = budget).
"""

from __future__ import annotations

import argparse
import os
import queue
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import openai

from app.core.chat.messages import PromptMessage
from app.core.chat.sampling import ModeSampling
from app.engine.local.engine import LocalEngine
from app.engine.protocol import Event, GenerateRequest, LoadRequest, ReplyFinished, TextDelta
from app.server.app import ApiServer
from app.server.config import ServerConfig
from app.server.scheduler import FedEvents
from app.testkit.scripted_model import Script, write_scripted_model

QUESTION = "Say hello."


@dataclass
class Tap:
    """The engine's events as they reach this process, timed; handed to the path being measured."""

    to_server: bool = False
    server: FedEvents = field(default_factory=FedEvents)
    ask: queue.SimpleQueue[Event] = field(default_factory=queue.SimpleQueue)
    first_text: float = 0.0
    finished: float = 0.0
    tokens: int = 0
    engine_tokens_per_s: float = 0.0  # the engine's own figure: its decode loop alone

    def __call__(self, event: Event) -> None:
        now = time.perf_counter()
        if isinstance(event, TextDelta) and event.text and not self.first_text:
            self.first_text = now
        if isinstance(event, ReplyFinished):
            self.finished = now
            self.tokens = event.stats.thinking_tokens + event.stats.answer_tokens
            self.engine_tokens_per_s = event.stats.tokens_per_s
        (self.server.put if self.to_server else self.ask.put)(event)

    def reset(self, to_server: bool) -> None:
        self.to_server, self.first_text, self.finished, self.tokens = to_server, 0.0, 0.0, 0


@dataclass
class Run:
    ttft_s: float
    tokens_per_s: float
    engine_tokens_per_s: float
    first_lag_s: float = 0.0  # first text: engine event here -> the client has it
    end_lag_s: float = 0.0  # the end: ReplyFinished here -> the client's stream has ended


def smollm() -> Path | None:
    env = os.environ.get("PONDER_SMOLLM_GGUF")
    if env and Path(env).exists():
        return Path(env)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ponder-build" / "models"
    found = sorted(cache.glob("*.gguf"))
    return found[0] if found else None


def via_ask(engine: LocalEngine, tap: Tap, request: GenerateRequest) -> Run:
    tap.reset(to_server=False)
    t0 = time.perf_counter()
    first = 0.0
    engine.generate(request)
    while not isinstance(event := tap.ask.get(), ReplyFinished):
        if isinstance(event, TextDelta) and event.text and not first:
            first = time.perf_counter()
    end = time.perf_counter()
    return Run(first - t0, tap.tokens / (end - first), tap.engine_tokens_per_s)


def via_server(client: openai.OpenAI, tap: Tap, model: str, budget: int, greedy: bool) -> Run:
    extra: dict[str, object] = {"thinking_budget": budget}
    if greedy:
        extra.update(temperature=0, max_tokens=budget)
    tap.reset(to_server=True)
    t0 = time.perf_counter()
    first = 0.0
    stream = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": QUESTION}], stream=True, extra_body=extra
    )
    for chunk in stream:
        if chunk.choices and not first:
            delta = chunk.choices[0].delta
            if delta.content or getattr(delta, "reasoning_content", None):
                first = time.perf_counter()
    end = time.perf_counter()
    tps = tap.tokens / (end - first)
    return Run(first - t0, tps, tap.engine_tokens_per_s, first - tap.first_text, end - tap.finished)


def bench(label: str, path: Path, budget: int, repeat: int, greedy: bool) -> None:
    print(f"== {label}", flush=True)
    tap = Tap()
    engine = LocalEngine(on_event=tap)
    engine.load(LoadRequest(str(path), n_ctx=4096, n_gpu_layers=0))
    while engine.loaded is None:
        if not engine.alive:
            raise SystemExit(f"{path} did not load")
        time.sleep(0.05)
    server = ApiServer(engine, ServerConfig(port=0), path.stem, source=tap.server)
    server.start()
    sampling = ModeSampling().with_overrides(temperature=0) if greedy else None
    request = GenerateRequest(
        (PromptMessage("user", QUESTION),),
        budget=budget,
        sampling=sampling,
        max_tokens=budget if greedy else None,
    )
    asks: list[Run] = []
    served: list[Run] = []
    try:
        with openai.OpenAI(base_url=server.url, api_key="unused", max_retries=0) as client:
            via_ask(engine, tap, request)  # warm-up: caches, first-call costs
            via_server(client, tap, path.stem, budget, greedy)
            for _ in range(repeat):
                asks.append(via_ask(engine, tap, request))
                served.append(via_server(client, tap, path.stem, budget, greedy))
    finally:
        server.close()
        engine.close()
    a_tps = statistics.median(r.tokens_per_s for r in asks)
    s_tps = statistics.median(r.tokens_per_s for r in served)
    a_ttft = statistics.median(r.ttft_s for r in asks) * 1e3
    s_ttft = statistics.median(r.ttft_s for r in served) * 1e3
    print(
        f"  tokens/s (median)  ask {a_tps:8.1f}   server {s_tps:8.1f}   ratio {s_tps / a_tps:.3f}  (>= 0.97)"
    )
    a_eng = statistics.median(r.engine_tokens_per_s for r in asks)
    s_eng = statistics.median(r.engine_tokens_per_s for r in served)
    print(f"  engine's own t/s   ask {a_eng:8.1f}   server {s_eng:8.1f}   ratio {s_eng / a_eng:.3f}")
    gap = s_ttft - a_ttft
    print(f"  TTFT (median)      ask {a_ttft:6.1f} ms  server {s_ttft:6.1f} ms  {gap:+.1f} ms  (<= 10)")
    first_lag = statistics.median(r.first_lag_s for r in served) * 1e3
    end_lag = statistics.median(r.end_lag_s for r in served) * 1e3
    print(
        f"  the server adds    {first_lag:.2f} ms to the first text, {end_lag:.2f} ms to the end", flush=True
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=int, default=512, help="reasoning tokens a reply")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ponder-bench-server-"))
    scripted = write_scripted_model(folder / "runaway.gguf", Script(runaway=True)).path
    bench("scripted, test size", scripted, args.budget, args.repeat, greedy=False)
    real = smollm()
    if real is not None:
        bench("SmolLM2-135M Q4_1", real, args.budget, args.repeat, greedy=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
