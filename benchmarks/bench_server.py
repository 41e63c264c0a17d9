"""``ponder serve`` against ``ponder ask``'s engine path, on the same engine in the same run.

    python benchmarks/bench_server.py [--budget 512] [--repeat 5]

For each model, one engine loads once; each round asks the same question both ways, in turn:
  * ask: ``LocalEngine.generate`` and its events, as ``ponder ask`` streams them;
  * server: the real ``openai`` client streaming from ``ponder serve``'s server on that engine.
Both are timed as their reader sees them: TTFT from the request to the first reasoning or
answer text, tokens/s over the reply from that first text to the end. Medians are printed with
the ratios; targets: tokens/s ratio >= 0.97, TTFT within 10 ms of ask's.

Models: the scripted Qwen3 model at test size (a runaway reasoning cut by the budget, so every
reply is budget + answer tokens; ~0.1 ms a token, so any per-token cost of the server shows at
its worst) and SmolLM2-135M Q4_1 when it is available (greedy, max_tokens = budget).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openai

from app.core.chat.messages import PromptMessage
from app.core.chat.sampling import ModeSampling
from app.engine.local.engine import LocalEngine
from app.engine.protocol import GenerateRequest, LoadRequest, ReplyFinished, TextDelta
from app.server.app import ApiServer
from app.server.config import ServerConfig
from app.testkit.scripted_model import Script, write_scripted_model

QUESTION = "Say hello."


@dataclass
class Run:
    ttft_s: float
    tokens: int
    decode_s: float

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.decode_s if self.decode_s > 0 else 0.0


def smollm() -> Path | None:
    env = os.environ.get("PONDER_SMOLLM_GGUF")
    if env and Path(env).exists():
        return Path(env)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ponder-build" / "models"
    found = sorted(cache.glob("*.gguf"))
    return found[0] if found else None


def via_ask(engine: LocalEngine, request: GenerateRequest) -> Run:
    t0 = time.perf_counter()
    first = 0.0

    def seen(event: object) -> None:
        nonlocal first
        if isinstance(event, TextDelta) and event.text and not first:
            first = time.perf_counter()

    result: ReplyFinished = engine.generate_sync(request, on_event=seen)
    end = time.perf_counter()
    tokens = result.stats.thinking_tokens + result.stats.answer_tokens
    return Run(first - t0, tokens, end - first)


def via_server(client: openai.OpenAI, model: str, budget: int, greedy: bool) -> Run:
    extra: dict[str, object] = {"thinking_budget": budget}
    if greedy:
        extra.update(temperature=0, max_tokens=budget)
    t0 = time.perf_counter()
    first = 0.0
    tokens = 0
    stream = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": QUESTION}],
        stream=True,
        stream_options={"include_usage": True},
        extra_body=extra,
    )
    for chunk in stream:
        if chunk.usage is not None:
            tokens = chunk.usage.completion_tokens
        if chunk.choices and not first:
            delta = chunk.choices[0].delta
            if delta.content or getattr(delta, "reasoning_content", None):
                first = time.perf_counter()
    end = time.perf_counter()
    return Run(first - t0, tokens, end - first)


def bench(label: str, path: Path, budget: int, repeat: int, greedy: bool) -> None:
    print(f"== {label}", flush=True)
    engine = LocalEngine()
    engine.load_sync(LoadRequest(str(path), n_ctx=4096, n_gpu_layers=0))
    server = ApiServer(engine, ServerConfig(port=0), path.stem)
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
            via_ask(engine, request)  # warm-up: caches, first-call costs
            via_server(client, path.stem, budget, greedy)
            for _ in range(repeat):
                asks.append(via_ask(engine, request))
                served.append(via_server(client, path.stem, budget, greedy))
    finally:
        server.close()
        engine.close()
    tokens = (statistics.median(r.tokens for r in asks), statistics.median(r.tokens for r in served))
    print(f"  tokens a reply   ask {tokens[0]:.0f}   server {tokens[1]:.0f}")
    report("tokens/s", [r.tokens_per_s for r in asks], [r.tokens_per_s for r in served], max, "ratio >= 0.97")
    report("TTFT ms", [r.ttft_s * 1e3 for r in asks], [r.ttft_s * 1e3 for r in served], min, "within 10 ms")


def report(
    what: str, ask: list[float], server: list[float], best: Callable[[list[float]], float], target: str
) -> None:
    """Medians and the best of each side (the best is what a busy machine disturbs least)."""
    for label, pick in (("median", statistics.median), ("best", best)):
        a, s = pick(ask), pick(server)
        print(
            f"  {what:9} {label:6}  ask {a:9.2f}   server {s:9.2f}   ratio {s / a:5.3f}   "
            f"difference {s - a:+8.2f}   (target: {target})",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=int, default=512, help="reasoning tokens per reply")
    parser.add_argument("--repeat", type=int, default=5)
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
