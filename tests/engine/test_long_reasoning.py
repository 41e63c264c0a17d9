"""Long reasoning always ends in an answer: the answer reserve, cut reasons, Answer now, the
context's size (Auto, YaRN, KV cache types) and continuing an answer the context end cut.

Real llama.cpp on scripted Qwen3 models (tests/conftest.py)."""

from __future__ import annotations

import threading

import pytest

from app.core.chat.budget import WRAP_UP, answer_reserve
from app.core.chat.messages import PromptMessage
from app.engine.base import EngineFailure
from app.engine.local.engine import LocalEngine
from app.engine.protocol import (
    GenerateRequest,
    LoadRequest,
    ReplyFinished,
    ReplyStarted,
    TextDelta,
    ThinkingCut,
)
from app.testkit.scripted_model import Script, ScriptedModel, write_scripted_model

HELLO = (PromptMessage("user", "Say hello."),)


@pytest.fixture(scope="module")
def runaway_2507(tmp_path_factory: pytest.TempPathFactory) -> ScriptedModel:
    """Never closes its reasoning, and its template opens <think> itself (2507 Thinking style)."""
    folder = tmp_path_factory.mktemp("runaway2507")
    return write_scripted_model(folder / "runaway-2507.gguf", Script(runaway=True, starts_in_thinking=True))


@pytest.mark.parametrize("n_ctx", [512, 1024])
@pytest.mark.parametrize("fixture", ["runaway_model", "runaway_2507"])
def test_a_reasoning_that_never_ends_still_gets_its_answer(
    engine: LocalEngine, fixture: str, n_ctx: int, request: pytest.FixtureRequest
) -> None:
    model: ScriptedModel = request.getfixturevalue(fixture)
    engine.load_sync(LoadRequest(str(model.path), n_ctx=n_ctx))
    events: list[object] = []
    result = engine.generate_sync(GenerateRequest(HELLO, thinking=True), on_event=events.append)
    assert result.answer == model.script.answer_text
    assert result.finish_reason == "stop"
    assert result.cut_reason == "context"
    assert result.budget_hit  # the reasoning was cut: "Continue thinking" is offered
    assert result.n_ctx == n_ctx
    stats = result.stats
    assert stats.prompt_tokens + stats.thinking_tokens + stats.answer_tokens <= n_ctx
    assert result.context_used <= n_ctx
    cut = [e for e in events if isinstance(e, ThinkingCut)]
    assert [c.reason for c in cut] == ["context"]
    started = next(e for e in events if isinstance(e, ReplyStarted))
    # The reasoning got what the prompt left, less the answer's reserve.
    assert started.answer_reserve == answer_reserve(n_ctx, n_ctx - started.prompt_tokens)
    assert stats.thinking_tokens <= n_ctx - started.prompt_tokens - started.answer_reserve
    assert stats.thinking_tokens > (n_ctx - started.prompt_tokens - started.answer_reserve) * 0.8
    assert WRAP_UP.strip() not in result.answer and "</think>" not in result.answer


def test_cut_reasons_budget_natural_end_and_none(
    engine: LocalEngine, qwen3_model: ScriptedModel, runaway_model: ScriptedModel
) -> None:
    engine.load_sync(LoadRequest(str(qwen3_model.path), n_ctx=2048))
    natural = engine.generate_sync(GenerateRequest(HELLO, thinking=True))
    assert natural.cut_reason is None and not natural.budget_hit
    no_think = engine.generate_sync(GenerateRequest(HELLO, thinking=False))
    assert no_think.cut_reason is None
    engine.load_sync(LoadRequest(str(runaway_model.path), n_ctx=2048))
    budget = engine.generate_sync(GenerateRequest(HELLO, thinking=True, budget=8))
    assert budget.cut_reason == "budget" and budget.stats.thinking_tokens <= 8
    assert budget.answer == runaway_model.script.answer_text


def test_answer_now_cuts_the_reasoning_mid_stream(engine: LocalEngine, runaway_model: ScriptedModel) -> None:
    engine.load_sync(LoadRequest(str(runaway_model.path), n_ctx=4096))
    asked = threading.Event()

    def on_event(event: object) -> None:
        if isinstance(event, TextDelta) and event.kind == "thinking" and not asked.is_set():
            asked.set()
            engine.answer_now()

    result = engine.generate_sync(GenerateRequest(HELLO, thinking=True), on_event=on_event)
    assert asked.is_set()
    assert result.cut_reason == "user"
    assert result.answer == runaway_model.script.answer_text
    assert result.finish_reason == "stop"
    # Cut at once, long before the context would have: the runaway script is far from its end.
    assert result.stats.thinking_tokens < 1000


def test_answer_now_before_the_reasoning_starts_still_cuts(
    engine: LocalEngine, runaway_model: ScriptedModel
) -> None:
    """Asked before the worker has read the prompt: the reasoning is cut as soon as it opens.

    The flag is set right after the request is sent, not from an event: an event reaches
    this process only after the worker has moved on, and on a loaded machine the scripted
    model writes dozens of tokens in that time."""
    engine.load_sync(LoadRequest(str(runaway_model.path), n_ctx=4096))
    rid = engine.generate(GenerateRequest(HELLO, thinking=True))
    engine.answer_now()
    result = next(e for e in engine.events(60.0) if isinstance(e, ReplyFinished) and e.request_id == rid)
    assert result.cut_reason == "user"
    assert result.stats.thinking_tokens <= 1
    assert result.answer == runaway_model.script.answer_text


def test_continue_thinking_after_a_context_cut(engine: LocalEngine, runaway_model: ScriptedModel) -> None:
    engine.load_sync(LoadRequest(str(runaway_model.path), n_ctx=1024))
    first = engine.generate_sync(GenerateRequest(HELLO, thinking=True, budget=40))
    assert first.cut_reason == "budget"
    more = engine.generate_sync(
        GenerateRequest(HELLO, thinking=True, budget=4000, resume_thinking=first.thinking)
    )
    assert more.thinking.startswith(first.thinking)
    assert more.cut_reason == "context"  # the new budget is more than the context holds
    assert more.answer == runaway_model.script.answer_text


def test_an_answer_cut_by_the_context_end_continues(engine: LocalEngine, qwen3_model: ScriptedModel) -> None:
    engine.load_sync(LoadRequest(str(qwen3_model.path), n_ctx=1024))
    full = engine.generate_sync(GenerateRequest(HELLO, thinking=False))
    half = max(1, full.stats.answer_tokens // 2)
    cut = engine.generate_sync(GenerateRequest(HELLO, thinking=False, max_tokens=half))
    assert cut.finish_reason == "length" and cut.answer and cut.answer != full.answer
    rest = engine.generate_sync(GenerateRequest(HELLO, thinking=False, resume_answer=cut.answer))
    assert rest.answer == full.answer
    assert rest.finish_reason == "stop"


def test_oldest_turns_leave_the_view_only_when_asked(engine: LocalEngine, qwen3_model: ScriptedModel) -> None:
    engine.load_sync(LoadRequest(str(qwen3_model.path), n_ctx=512))
    filler = "tell me more " * 40
    history = tuple(
        PromptMessage(role, filler if role == "user" else "ok")
        for _ in range(4)
        for role in ("user", "assistant")
    )
    messages = (PromptMessage("system", "Be brief."), *history, *HELLO)
    with pytest.raises(EngineFailure) as refused:
        engine.generate_sync(GenerateRequest(messages, thinking=False))
    assert refused.value.error.kind == "context_full"
    assert "does not fit the context of 512 tokens" in refused.value.error.message
    events: list[object] = []
    fitted = engine.generate_sync(
        GenerateRequest(messages, thinking=False, fit_context=True), on_event=events.append
    )
    started = next(e for e in events if isinstance(e, ReplyStarted))
    assert 0 < started.hidden < len(history) + 1
    assert fitted.answer == qwen3_model.script.answer_text
    assert fitted.context_used <= 512


@pytest.fixture(scope="module")
def short_native(tmp_path_factory: pytest.TempPathFactory) -> ScriptedModel:
    folder = tmp_path_factory.mktemp("native512")
    return write_scripted_model(folder / "native-512.gguf", Script(), context_length=512)


def test_yarn_turns_on_past_the_native_context(engine: LocalEngine, short_native: ScriptedModel) -> None:
    loaded = engine.load_sync(LoadRequest(str(short_native.path), n_ctx=2048))
    assert loaded.info["n_ctx"] == 2048
    assert loaded.info["rope_scaling"] == {"type": "yarn", "factor": 4.0, "original_context": 512}
    assert loaded.info["max_context"] == 2048
    # The model still says its script at 4x (the scripted model ignores positions).
    result = engine.generate_sync(GenerateRequest(HELLO, thinking=True))
    assert result.answer == short_native.script.answer_text


def test_no_rope_scaling_within_the_native_context(engine: LocalEngine, short_native: ScriptedModel) -> None:
    loaded = engine.load_sync(LoadRequest(str(short_native.path), n_ctx=512))
    assert loaded.info["rope_scaling"] is None
    assert loaded.info["n_ctx"] == 512


@pytest.mark.parametrize("kv", ["q8_0", "q4_0"])
def test_quantised_kv_caches_load_with_flash_attention(
    engine: LocalEngine, qwen3_model: ScriptedModel, kv: str
) -> None:
    model = qwen3_model  # head size 32: one quant block per head
    loaded = engine.load_sync(LoadRequest(str(model.path), n_ctx=1024, kv_cache=kv))
    assert loaded.info["kv_cache_type"] == kv
    assert loaded.info["flash_attn"] == "enabled"
    result = engine.generate_sync(GenerateRequest(HELLO, thinking=True))
    assert result.answer == model.script.answer_text


def test_auto_context_is_reported(engine: LocalEngine, qwen3_model: ScriptedModel) -> None:
    """Auto (n_ctx 0) gives the scripted model its native 4,096 here, with an f16 cache."""
    loaded = engine.load_sync(LoadRequest(str(qwen3_model.path), n_ctx=0))
    assert loaded.info["n_ctx"] == 4096
    assert loaded.info["kv_cache_type"] == "f16"
    assert loaded.info["rope_scaling"] is None
