"""A real llama-server serving the scripted Qwen3 models, driven through the remote engine:
the same thinking features, events and figures as the local engine."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from app.core.chat.budget import WRAP_UP
from app.core.chat.messages import PromptMessage
from app.engine.base import EngineFailure
from app.engine.protocol import (
    EngineError,
    GenerateRequest,
    LoadRequest,
    PromptProgress,
    ReplyFinished,
    ReplyStarted,
    TextDelta,
    ThinkingCut,
)
from app.engine.remote.engine import RemoteEngine
from app.engine.remote.http import HttpClient, parse_address
from app.testkit.llama_server import LlamaServer
from app.testkit.scripted_model import ScriptedModel

HELLO = (PromptMessage("user", "Say hello."),)
Make = Callable[..., RemoteEngine]


def ask(engine: RemoteEngine, **kwargs: object) -> tuple[ReplyFinished, list[object]]:
    events: list[object] = []
    result = engine.generate_sync(GenerateRequest(HELLO, **kwargs), on_event=events.append, timeout=60)  # type: ignore[arg-type]
    return result, events


def streamed(events: list[object], kind: str) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta) and e.kind == kind)


def connect(remote: Make, server: LlamaServer, **kwargs: object) -> RemoteEngine:
    engine = remote(server.url, **kwargs)
    engine.load_sync(LoadRequest("default"), timeout=30)
    return engine


def test_load_finds_the_server_and_its_model(remote: Make, qwen3_server: LlamaServer) -> None:
    engine = remote(qwen3_server.url)
    loaded = engine.load_sync(LoadRequest("default"), timeout=30)
    assert loaded.thinking_support == "hybrid"
    assert loaded.info["server"] == "llama-server" and loaded.info["budget_cut"] == "exact"
    assert loaded.info["can_continue"] is True and loaded.info["can_answer_now"] is True
    assert loaded.path == f"remote:{engine.server_id}/{loaded.info['model']}"
    info = engine.describe()
    assert info.kind == "remote" and info.model == loaded.path and info.thinking_support == "hybrid"
    assert info.details["budget_cut"] == "exact" and not info.details["unencrypted"]  # loopback
    # The same model asked for by its id, and by its reference.
    assert engine.load_sync(LoadRequest(str(loaded.info["model"])), timeout=30).path == loaded.path
    assert engine.load_sync(LoadRequest(loaded.path), timeout=30).path == loaded.path


def test_thinking_on_gives_the_scripted_reasoning_and_answer(
    remote: Make, qwen3_server: LlamaServer, qwen3_model: ScriptedModel
) -> None:
    engine = connect(remote, qwen3_server)
    result, events = ask(engine, thinking=True)
    assert result.thinking == qwen3_model.script.thinking_text.strip()
    assert result.answer == qwen3_model.script.answer_text
    assert result.finish_reason == "stop" and not result.budget_hit and result.thinking_used
    assert streamed(events, "thinking") == result.thinking
    assert streamed(events, "answer") == result.answer
    started = next(e for e in events if isinstance(e, ReplyStarted))
    assert started.thinking and started.budget is None
    progress = [e for e in events if isinstance(e, PromptProgress)]
    assert len(progress) == 1 and progress[0].prompt_tokens == result.stats.prompt_tokens > 0
    assert result.stats.thinking_tokens == len(qwen3_model.script.thinking)
    assert result.stats.answer_tokens >= len(qwen3_model.script.answer)
    assert 0 < result.stats.ttft_s < result.stats.total_s
    assert result.stats.tokens_per_s > 0


def test_thinking_off_and_soft_switches(
    remote: Make, qwen3_server: LlamaServer, qwen3_model: ScriptedModel
) -> None:
    engine = connect(remote, qwen3_server)
    result, events = ask(engine, thinking=False)
    assert result.thinking == "" and result.answer == qwen3_model.script.answer_text
    assert not result.thinking_used and result.stats.thinking_tokens == 0
    assert streamed(events, "thinking") == ""
    off = engine.generate_sync(GenerateRequest((PromptMessage("user", "Hi /no_think"),), thinking=True))
    assert off.thinking == "" and off.answer == qwen3_model.script.answer_text
    on = engine.generate_sync(GenerateRequest((PromptMessage("user", "Hi /think"),), thinking=False))
    assert on.thinking == qwen3_model.script.thinking_text.strip()


@pytest.mark.parametrize("budget", [1, 3, 7, 12, 13, 14, 19])
def test_budget_cuts_cleanly_then_answers(
    remote: Make, qwen3_server: LlamaServer, qwen3_model: ScriptedModel, budget: int
) -> None:
    engine = connect(remote, qwen3_server)
    result, events = ask(engine, thinking=True, budget=budget)
    assert result.budget_hit
    assert result.stats.thinking_tokens <= budget
    full = qwen3_model.script.thinking_text.strip()
    assert full.startswith(result.thinking) and len(result.thinking) < len(full)
    assert "\ufffd" not in result.thinking  # the script spells "é" as two byte tokens
    if result.thinking:  # a word boundary: what follows in the full text is no letter
        assert not full[len(result.thinking) : len(result.thinking) + 1].isalnum()
    # Then the answer, without Qwen's wrap-up or the closing tag.
    assert result.answer == qwen3_model.script.answer_text
    assert "Considering the limited time" not in result.answer and "</think>" not in result.answer
    assert "Considering the limited time" not in result.thinking
    cuts = [e for e in events if isinstance(e, ThinkingCut)]
    assert len(cuts) == 1 and cuts[0].thinking == result.thinking and cuts[0].reason == "budget"
    started = next(e for e in events if isinstance(e, ReplyStarted))
    assert started.budget == budget


def test_budget_prefers_a_sentence_end(remote: Make, qwen3_server: LlamaServer) -> None:
    engine = connect(remote, qwen3_server)
    result, _ = ask(engine, thinking=True, budget=8)
    assert result.thinking == "Okay, the user wants a greeting."
    assert result.stats.thinking_tokens == 6


def test_the_second_phase_reuses_the_servers_cache(remote: Make, qwen3_server: LlamaServer) -> None:
    """After the cut only the wrap-up is evaluated: the prompt and the kept reasoning come
    from llama-server's prefix cache (its cache_n)."""
    engine = connect(remote, qwen3_server)
    result, _ = ask(engine, thinking=True, budget=7)
    first, second = engine.last_phases
    assert first.prompt_tokens == result.stats.prompt_tokens
    assert second.cached_tokens is not None and second.prompt_tokens is not None
    kept = result.stats.thinking_tokens + 1  # and the opening tag
    assert second.cached_tokens >= first.prompt_tokens + kept - 1
    evaluated = second.prompt_tokens - second.cached_tokens
    wrap_up = HttpClient(parse_address(qwen3_server.url)).post_json("/tokenize", {"content": WRAP_UP})[
        "tokens"
    ]
    assert 0 < evaluated <= len(wrap_up) + 1  # the wrap-up (and at most the last kept token), nothing before


def test_runaway_reasoning_is_stopped_by_the_budget(
    remote: Make, runaway_server: LlamaServer, runaway_model: ScriptedModel
) -> None:
    engine = connect(remote, runaway_server)
    result, _ = ask(engine, thinking=True, budget=50)
    assert result.budget_hit and result.stats.thinking_tokens <= 50
    assert result.answer == runaway_model.script.answer_text
    assert result.finish_reason == "stop"


def test_a_reasoning_that_fills_the_context_still_ends_in_an_answer(
    remote: Make, runaway_server: LlamaServer, runaway_model: ScriptedModel
) -> None:
    """No budget, a model that never stops reasoning: the cut comes where the context keeps
    room for the answer (llama-server says its context in /props)."""
    engine = connect(remote, runaway_server)
    result, events = ask(engine, thinking=True)
    cut = next(e for e in events if isinstance(e, ThinkingCut))
    assert cut.reason == "context" and result.budget_hit
    assert result.answer == runaway_model.script.answer_text and result.finish_reason == "stop"
    n_ctx = engine.describe().details["n_ctx"]
    assert (
        isinstance(n_ctx, int)
        and n_ctx - 1024 - 64 <= result.stats.prompt_tokens + result.stats.thinking_tokens
    )


def test_continue_thinking_resumes_the_cut_reasoning(
    remote: Make, runaway_server: LlamaServer, runaway_model: ScriptedModel
) -> None:
    engine = connect(remote, runaway_server)
    first, _ = ask(engine, thinking=True, budget=30)
    assert first.budget_hit
    more = engine.generate_sync(
        GenerateRequest(HELLO, thinking=True, budget=25, resume_thinking=first.thinking)
    )
    assert more.thinking.startswith(first.thinking) and len(more.thinking) > len(first.thinking)
    assert "Considering the limited time" not in more.thinking
    assert first.stats.thinking_tokens < more.stats.thinking_tokens <= first.stats.thinking_tokens + 25
    assert more.budget_hit and more.answer == runaway_model.script.answer_text
    # The resumed request started from the server's cache: prompt and reasoning were not read again.
    resumed = engine.last_phases[0]
    assert resumed.cached_tokens is not None and resumed.cached_tokens >= first.stats.prompt_tokens


def test_continue_thinking_from_text_alone(
    remote: Make, runaway_server: LlamaServer, runaway_model: ScriptedModel
) -> None:
    """Another engine (the app restarted): the reasoning is rebuilt from its text."""
    first, _ = ask(connect(remote, runaway_server), thinking=True, budget=12)
    engine = connect(remote, runaway_server)
    more = engine.generate_sync(
        GenerateRequest(HELLO, thinking=True, budget=10, resume_thinking=first.thinking)
    )
    assert more.thinking.startswith(first.thinking) and len(more.thinking) > len(first.thinking)
    assert more.answer == runaway_model.script.answer_text


def test_continue_an_answer_and_a_raw_completion(
    remote: Make, qwen3_server: LlamaServer, qwen3_model: ScriptedModel
) -> None:
    engine = connect(remote, qwen3_server)
    short, _ = ask(engine, thinking=False, max_tokens=3)
    assert short.finish_reason == "length" and qwen3_model.script.answer_text.startswith(short.answer)
    more = engine.generate_sync(GenerateRequest(HELLO, thinking=False, resume_answer=short.answer))
    assert more.answer == qwen3_model.script.answer_text and more.thinking == ""
    raw = engine.generate_sync(
        GenerateRequest(
            (), raw_prompt="<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", max_tokens=4
        )
    )
    assert raw.answer == "<think>\nOkay, the user" and raw.thinking == ""  # verbatim, tags included


def test_cancel_keeps_what_was_written(remote: Make, runaway_server: LlamaServer) -> None:
    engine = connect(remote, runaway_server)
    seen = threading.Event()
    texts: list[str] = []

    def on_event(event: object) -> None:
        if isinstance(event, TextDelta):
            texts.append(event.text)
            if len("".join(texts)) > 40:
                seen.set()
                engine.cancel()

    result = engine.generate_sync(GenerateRequest(HELLO, thinking=True, max_tokens=3000), on_event=on_event)
    assert seen.is_set()
    assert result.finish_reason == "cancelled"
    assert len(result.thinking) > 40 and result.answer == ""
    assert engine.alive  # a cancel is no failure: the next reply goes out as usual
    again, _ = ask(engine, thinking=True, budget=5)
    assert again.budget_hit


def test_answer_now_cuts_the_reasoning_and_answers(
    remote: Make, runaway_server: LlamaServer, runaway_model: ScriptedModel
) -> None:
    engine = connect(remote, runaway_server)
    events: list[object] = []

    def on_event(event: object) -> None:
        events.append(event)
        if isinstance(event, TextDelta) and event.kind == "thinking" and event.thinking_tokens >= 20:
            engine.answer_now()

    result = engine.generate_sync(GenerateRequest(HELLO, thinking=True, max_tokens=3000), on_event=on_event)
    assert result.budget_hit and result.answer == runaway_model.script.answer_text
    cut = next(e for e in events if isinstance(e, ThinkingCut))
    assert cut.reason == "user" and result.thinking == cut.thinking
    assert "Considering the limited time" not in result.answer


def test_a_model_that_never_thinks(
    remote: Make, plain_server: LlamaServer, plain_model: ScriptedModel
) -> None:
    engine = remote(plain_server.url)
    loaded = engine.load_sync(LoadRequest("default"), timeout=30)
    assert loaded.thinking_support == "never"
    result, _ = ask(engine, thinking=True, budget=5)
    assert result.thinking == "" and not result.thinking_used and not result.budget_hit
    assert result.answer == plain_model.script.answer_text


def test_the_servers_own_budget_is_the_rough_fallback(
    remote: Make, qwen3_server: LlamaServer, qwen3_model: ScriptedModel
) -> None:
    """The chat endpoint (for servers without a raw one): llama-server's reasoning budget,
    which cuts where its count ends; the window is told the cut is rough."""
    engine = remote(qwen3_server.url, prefer_raw=False)
    loaded = engine.load_sync(LoadRequest("default"), timeout=30)
    assert loaded.info["budget_cut"] == "rough"
    assert loaded.info["can_continue"] is False and loaded.info["can_answer_now"] is False
    full, events = ask(engine, thinking=True)
    assert full.thinking == qwen3_model.script.thinking_text.strip()
    assert full.answer == qwen3_model.script.answer_text
    assert streamed(events, "answer") == full.answer
    cut, _ = ask(engine, thinking=True, budget=5)
    assert cut.budget_hit and len(cut.thinking) < len(full.thinking)
    assert "Considering the limited time" not in cut.thinking
    assert cut.answer.endswith(qwen3_model.script.answer_text)
    off, _ = ask(engine, thinking=False)
    assert off.thinking == "" and off.answer == qwen3_model.script.answer_text
    with pytest.raises(EngineFailure, match="cannot continue a reply"):
        engine.generate_sync(GenerateRequest(HELLO, thinking=True, budget=5, resume_thinking=cut.thinking))


def test_a_busy_engine_refuses_a_second_reply(remote: Make, runaway_server: LlamaServer) -> None:
    engine = connect(remote, runaway_server)
    rid = engine.generate(GenerateRequest(HELLO, thinking=True, max_tokens=200))
    assert engine.generate(GenerateRequest(HELLO)) == 0
    kinds = []
    for event in engine.events(timeout=60):
        if isinstance(event, EngineError):
            kinds.append(event.kind)
        if isinstance(event, ReplyFinished) and event.request_id == rid:
            break
    assert kinds == ["busy"]
