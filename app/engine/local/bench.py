"""The engine's speed beside a bare llama.cpp loop, measured in one run (``ponder bench`` prints it).

The baseline is the least a program can do to generate text with llama.cpp:
decode the prompt, then per token a greedy sample, the token's bytes and one
decode, all in this process on the low-level API. The engine run does the same
work through the real path — child process, chat template, thinking parser,
pipe, event coalescing — with the same model, threads, context and greedy
sampling. Runs alternate so both see the same machine noise; medians are shown.
"""

from __future__ import annotations

import ctypes
import statistics
import time
from dataclasses import dataclass

import llama_cpp as L

from app.core.chat.messages import PromptMessage
from app.core.chat.prompt import render_prompt
from app.core.chat.sampling import Sampling
from app.engine.base import EngineFailure
from app.engine.local.engine import LocalEngine
from app.engine.local.llama_session import LoadSettings, _ensure_backend, default_threads
from app.engine.protocol import GenerateRequest, LoadRequest, ReplyFinished, TextDelta

GREEDY = Sampling(temperature=0.0, top_p=1.0, top_k=0, min_p=0.0)
_FILLER = (
    "Reasoning models think before they answer. A local app keeps every word on the user's machine, "
    "and llama.cpp runs the model on the CPU or the GPU. "
)


class BenchError(Exception):
    """The bench could not run; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class RunFigures:
    prompt_s: float  # prompt evaluation up to the first generated token
    gen_tok_s: float  # tokens per second after the first token


@dataclass(frozen=True, slots=True)
class BenchResult:
    """Medians over the measured runs (a warm-up of each is left out)."""

    threads: int
    prompt_tokens: int  # the prompt as the model saw it
    baseline: RunFigures
    engine: RunFigures


def _messages(run: int, words: int) -> tuple[PromptMessage, ...]:
    # A different first word each run, so the engine cannot reuse cached prompt tokens.
    text = f"Run {run}. " + (_FILLER * (words // 20 + 1))
    return (PromptMessage("user", " ".join(text.split()[:words])),)


def _words_for(baseline: Baseline, prompt_tokens: int) -> int:
    """How many filler words make a prompt of about ``prompt_tokens`` tokens with this tokenizer."""
    words = max(1, prompt_tokens)
    for _ in range(3):
        prompt = render_prompt(baseline.template, _messages(0, words), enable_thinking=False)
        got = len(baseline.tokenize(prompt))
        words = max(1, round(words * prompt_tokens / max(got, 1)))
    return words


class Baseline:
    """A minimal decode loop on llama.cpp's low-level API, in this process."""

    def __init__(self, path: str, settings: LoadSettings) -> None:
        _ensure_backend()
        mparams = L.llama_model_default_params()
        mparams.n_gpu_layers = settings.n_gpu_layers
        self.model = L.llama_model_load_from_file(path.encode(), mparams)
        if not self.model:
            raise BenchError("baseline could not load the model")
        cparams = L.llama_context_default_params()
        cparams.n_ctx = settings.n_ctx
        cparams.n_batch = cparams.n_ubatch = min(512, settings.n_ctx)
        cparams.n_threads = cparams.n_threads_batch = settings.n_threads or default_threads()
        cparams.no_perf = True
        self.ctx = L.llama_init_from_model(self.model, cparams)
        self.vocab = L.llama_model_get_vocab(self.model)
        self.n_batch = int(cparams.n_batch)
        sparams = L.llama_sampler_chain_default_params()
        self.sampler = L.llama_sampler_chain_init(sparams)
        L.llama_sampler_chain_add(self.sampler, L.llama_sampler_init_greedy())
        buf = ctypes.create_string_buffer(1 << 16)
        n = L.llama_model_meta_val_str(self.model, b"tokenizer.chat_template", buf, len(buf))
        self.template = buf.value.decode() if n >= 0 else None

    def tokenize(self, text: str) -> list[int]:
        data = text.encode()
        arr = (ctypes.c_int32 * (len(data) + 16))()
        n = L.llama_tokenize(self.vocab, data, len(data), arr, len(arr), False, True)
        return list(arr[:n])

    def run(self, prompt: str, n_tokens: int) -> RunFigures:
        L.llama_memory_clear(L.llama_get_memory(self.ctx), True)
        tokens = self.tokenize(prompt)
        piece = ctypes.create_string_buffer(256)
        one = (ctypes.c_int32 * 1)()
        t0 = time.perf_counter()
        for start in range(0, len(tokens), self.n_batch):
            chunk = tokens[start : start + self.n_batch]
            arr = (ctypes.c_int32 * len(chunk))(*chunk)
            L.llama_decode(self.ctx, L.llama_batch_get_one(arr, len(chunk)))
        tok = L.llama_sampler_sample(self.sampler, self.ctx, -1)
        L.llama_token_to_piece(self.vocab, tok, piece, 256, 0, True)
        t_first = time.perf_counter()
        for _ in range(n_tokens - 1):
            one[0] = tok
            L.llama_decode(self.ctx, L.llama_batch_get_one(one, 1))
            tok = L.llama_sampler_sample(self.sampler, self.ctx, -1)
            L.llama_token_to_piece(self.vocab, tok, piece, 256, 0, True)
        t_end = time.perf_counter()
        return RunFigures(t_first - t0, (n_tokens - 1) / (t_end - t_first))

    def close(self) -> None:
        L.llama_sampler_free(self.sampler)
        L.llama_free(self.ctx)
        L.llama_model_free(self.model)


def _engine_run(client: LocalEngine, messages: tuple[PromptMessage, ...], n_tokens: int) -> RunFigures:
    request = GenerateRequest(messages, thinking=False, sampling=GREEDY, max_tokens=n_tokens, ignore_eos=True)
    t0 = time.perf_counter()
    first = 0.0
    last = 0.0

    def on_event(event: object) -> None:
        nonlocal first, last
        if isinstance(event, TextDelta) and not first:
            first = time.perf_counter()
        elif isinstance(event, ReplyFinished):
            last = time.perf_counter()

    result = client.generate_sync(request, on_event=on_event)
    generated = result.stats.thinking_tokens + result.stats.answer_tokens
    if generated != n_tokens:
        raise BenchError(f"engine generated {generated} tokens, expected {n_tokens}")
    return RunFigures(first - t0, (n_tokens - 1) / (last - first))


def run_bench(
    path: str,
    *,
    n_ctx: int,
    gpu_layers: int,
    threads: int | None,
    tokens: int,
    prompt_tokens: int,
    repeat: int,
) -> BenchResult:
    """``repeat`` runs of the engine and the baseline, alternating, each generating ``tokens`` tokens
    after a prompt of about ``prompt_tokens``."""
    threads = threads or default_threads()
    settings = LoadSettings(n_ctx=n_ctx, n_gpu_layers=gpu_layers, n_threads=threads)
    client = LocalEngine()
    try:
        client.load_sync(LoadRequest(path, n_ctx=n_ctx, n_gpu_layers=gpu_layers, n_threads=threads))
    except EngineFailure as exc:
        client.close()
        raise BenchError(exc.error.message) from None
    baseline = Baseline(path, settings)
    base_runs: list[RunFigures] = []
    engine_runs: list[RunFigures] = []
    prompt_len = 0
    try:
        words = _words_for(baseline, prompt_tokens)
        # One warm-up of each, then alternate.
        for run in range(repeat + 1):
            messages = _messages(run, words)
            prompt = render_prompt(baseline.template, messages, enable_thinking=False)
            prompt_len = len(baseline.tokenize(prompt))
            if prompt_len + tokens + 8 > n_ctx:
                raise BenchError(f"--ctx {n_ctx} is too small for {prompt_len} prompt + {tokens} tokens")
            b = baseline.run(prompt, tokens)
            e = _engine_run(client, messages, tokens)
            if run:
                base_runs.append(b)
                engine_runs.append(e)
    finally:
        baseline.close()
        client.close()
    return BenchResult(threads, prompt_len, _median(base_runs), _median(engine_runs))


def _median(runs: list[RunFigures]) -> RunFigures:
    return RunFigures(
        statistics.median(r.prompt_s for r in runs), statistics.median(r.gen_tok_s for r in runs)
    )
