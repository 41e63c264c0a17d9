"""A remote engine against llama-server's own figures, on a real llama-server.

    python benchmarks/bench_remote.py [--tokens 256] [--repeat 3] [--prompt-words 200] [--budget 32]

Serves a scripted Qwen3 model that never closes its reasoning, widened so that each token
costs real work (2 layers, 1,400 wide; the defaults keep the run under a minute on two busy
cores: raise them on a quiet machine), with llama-server (built by
``scripts/bootstrap.py tools``), then measures:

* **Streaming speed**: ``ponder ask --server URL default PROMPT --max-tokens N --json`` as a
  user runs it (a separate process); its ``tokens_per_s`` (tokens as Ponder received them) is
  set against llama-server's own generation speed for the same request (the change of its
  ``/metrics`` counters over that request). Target: ratio >= 0.97.
* **The two-phase budget cut**: a reply with a budget over a long prompt. The extra time to
  the first answer token after the cut (from the last reasoning token received to the first
  answer token) is set against a fresh evaluation of the same prompt, and the second
  request's ``cache_n`` must cover the prompt and the kept reasoning: only the wrap-up is read
  again. Target: the extra time is a cache lookup plus the wrap-up, far below re-reading the
  prompt.

Prints the figures; exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.chat.messages import PromptMessage
from app.engine.protocol import GenerateRequest, LoadRequest, TextDelta, ThinkingCut
from app.engine.remote.engine import RemoteEngine
from app.testkit.llama_server import LlamaServer, find_llama_server
from app.testkit.scripted_model import Script, write_scripted_model


def metrics(url: str) -> dict[str, float]:
    with urllib.request.urlopen(f"{url}/metrics", timeout=10) as response:
        text = response.read().decode()
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name.split("{")[0]] = float(value)
    return out


def streaming(url: str, tokens: int, repeat: int) -> float:
    ratios = []
    for _ in range(repeat):
        before = metrics(url)
        out = subprocess.run(
            [
                *(sys.executable, "-m", "app", "ask", "--server", url, "default", "Think about the sea."),
                *("--max-tokens", str(tokens), "--json", "--seed", "1"),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        after = metrics(url)
        ponder = float(json.loads(out.stdout)["tokens_per_s"])
        n = after["llamacpp:tokens_predicted_total"] - before["llamacpp:tokens_predicted_total"]
        s = (
            after["llamacpp:tokens_predicted_seconds_total"]
            - before["llamacpp:tokens_predicted_seconds_total"]
        )
        server = n / s
        ratios.append(ponder / server)
        print(
            f"  ponder ask --server: {ponder:8.1f} tok/s   llama-server: {server:8.1f} tok/s ({n:.0f} tokens)"
        )
    ratio = statistics.median(ratios)
    print(f"streaming ratio (median of {repeat}): {ratio:.3f}  (target >= 0.97)")
    return ratio


def two_phase(url: str, prompt_words: int, budget: int) -> bool:
    words = ("the river carries light and stone past the old mill " * (prompt_words // 10 + 1)).split()
    prompt = (PromptMessage("user", " ".join(words[:prompt_words])),)
    engine = RemoteEngine(url)
    try:
        engine.load_sync(LoadRequest("default"))
        marks: dict[str, float] = {}

        def on_event(event: object) -> None:
            now = time.perf_counter()
            if isinstance(event, TextDelta) and event.kind == "thinking":
                marks["last_thinking"] = now
            elif isinstance(event, ThinkingCut):
                marks["cut"] = now
            elif isinstance(event, TextDelta) and event.kind == "answer" and "answer" not in marks:
                marks["answer"] = now

        # A fresh prompt (the slot's cache holds something else): what reading it costs.
        cold = engine.generate_sync(GenerateRequest(prompt, thinking=True, max_tokens=1, seed=1))
        read_prompt_ms = engine.last_phases[0].prompt_ms or 0.0
        engine.generate_sync(GenerateRequest((PromptMessage("user", "Something else."),), max_tokens=1))
        result = engine.generate_sync(
            GenerateRequest(prompt, thinking=True, budget=budget, seed=1), on_event=on_event
        )
        first, second = engine.last_phases[:2]
    finally:
        engine.close()
    extra_ms = (marks["answer"] - marks["last_thinking"]) * 1000
    kept = result.stats.thinking_tokens
    assert second.cached_tokens is not None and second.prompt_tokens is not None
    reread = second.prompt_tokens - second.cached_tokens
    print(
        f"prompt: {cold.stats.prompt_tokens} tokens, read in {read_prompt_ms:.1f} ms when not cached\n"
        f"cut after {kept} of {budget} reasoning tokens; second request: cache_n {second.cached_tokens} "
        f"of {second.prompt_tokens} tokens (evaluated {reread}: the wrap-up), "
        f"prompt_ms {second.prompt_ms or 0:.1f}\n"
        f"extra time to the first answer token after the cut: {extra_ms:.1f} ms "
        f"(first request's prompt + reasoning: {first.prompt_tokens} + {kept})"
    )
    covered = second.cached_tokens >= (first.prompt_tokens or 0) + kept
    fast = extra_ms < read_prompt_ms
    print(
        f"cache covers prompt and kept reasoning: {covered}; extra time below re-reading the prompt: {fast}"
    )
    return covered and fast


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--prompt-words", type=int, default=200)
    parser.add_argument("--budget", type=int, default=32)
    args = parser.parse_args()
    binary = find_llama_server()
    if binary is None:
        print(
            "llama-server is not built: run `python3 scripts/bootstrap.py tools` (or set PONDER_LLAMA_TOOLS)"
        )
        return 2
    folder = Path(tempfile.mkdtemp(prefix="ponder-bench-remote-"))
    model = write_scripted_model(folder / "wide.gguf", Script(runaway=True), n_layers=2, extra_width=1024)
    with LlamaServer(binary, model.path, ctx=8192, extra=("--metrics",)) as server:
        print(f"llama-server {server.url}, model {model.path.name}")
        ratio = streaming(server.url, args.tokens, args.repeat)
        ok = two_phase(server.url, args.prompt_words, args.budget)
    return 0 if ratio >= 0.97 and ok else 1


if __name__ == "__main__":
    sys.exit(main())
