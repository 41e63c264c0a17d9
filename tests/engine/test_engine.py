"""The engine process with real llama.cpp and scripted Qwen3 models."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from app.core.chat.messages import PromptMessage
from app.core.chat.sampling import Sampling
from app.engine.local.engine import EngineFailure, LocalEngine
from app.engine.protocol import (
    EngineError,
    GenerateRequest,
    LoadProgress,
    LoadRequest,
    ModelLoaded,
    PromptProgress,
    ReplyFinished,
    TextDelta,
    ThinkingCut,
    Unloaded,
    UnloadRequest,
)
from app.testkit.scripted_model import ScriptedModel

HELLO = (PromptMessage("user", "Say hello."),)


def ask(engine: LocalEngine, **kwargs: object) -> tuple[ReplyFinished, list[object]]:
    events: list[object] = []
    result = engine.generate_sync(GenerateRequest(HELLO, **kwargs), on_event=events.append)  # type: ignore[arg-type]
    return result, events


def streamed(events: list[object], kind: str) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta) and e.kind == kind)


@pytest.mark.parametrize("fixture", ["qwen3_model", "qwen3moe_model"])
def test_thinking_on_gives_the_scripted_reasoning_and_answer(
    engine: LocalEngine, fixture: str, request: pytest.FixtureRequest
) -> None:
    model: ScriptedModel = request.getfixturevalue(fixture)
    loaded = engine.load_sync(LoadRequest(str(model.path), n_ctx=1024))
    assert loaded.info["architecture"] == model.arch
    assert loaded.thinking_support == "hybrid"
    result, events = ask(engine, thinking=True)
    assert result.thinking == model.script.thinking_text.strip()
    assert result.answer == model.script.answer_text
    assert result.finish_reason == "stop"
    assert not result.budget_hit
    assert result.thinking_used
    # What streamed is what was finally stored.
    assert streamed(events, "thinking") == result.thinking
    assert streamed(events, "answer") == result.answer
    assert result.stats.thinking_tokens == len(model.script.thinking)
    assert result.stats.answer_tokens >= len(model.script.answer)
    assert result.stats.prompt_tokens > 0
    assert 0 < result.stats.ttft_s < result.stats.total_s
    assert result.stats.tokens_per_s > 0


def test_thinking_off_gives_only_the_answer(engine: LocalEngine, qwen3_model: ScriptedModel) -> None:
    engine.load_sync(LoadRequest(str(qwen3_model.path), n_ctx=1024))
    result, events = ask(engine, thinking=False)
    assert result.thinking == ""
    assert result.answer == qwen3_model.script.answer_text
    assert not result.thinking_used
    assert streamed(events, "thinking") == ""
    assert result.stats.thinking_tokens == 0


def test_soft_switch_in_the_message_wins_over_the_toggle(
    engine: LocalEngine, qwen3_model: ScriptedModel
) -> None:
    engine.load_sync(LoadRequest(str(qwen3_model.path), n_ctx=1024))
    off = engine.generate_sync(GenerateRequest((PromptMessage("user", "Hi /no_think"),), thinking=True))
    assert off.thinking == "" and off.answer == qwen3_model.script.answer_text
    on = engine.generate_sync(GenerateRequest((PromptMessage("user", "Hi /think"),), thinking=False))
    assert on.thinking == qwen3_model.script.thinking_text.strip()


def test_budget_zero_with_thinking_on_means_thinking_off(
    engine: LocalEngine, qwen3_model: ScriptedModel
) -> None:
    engine.load_sync(LoadRequest(str(qwen3_model.path), n_ctx=1024))
    result, _ = ask(engine, thinking=True, budget=0)
    assert result.thinking == "" and result.answer == qwen3_model.script.answer_text
    assert not result.budget_hit


@pytest.mark.parametrize("budget", [1, 3, 7, 12, 13, 14, 19])
def test_budget_cuts_cleanly_then_answers(
    engine: LocalEngine, qwen3_model: ScriptedModel, budget: int
) -> None:
    engine.load_sync(LoadRequest(str(qwen3_model.path), n_ctx=1024))
    result, events = ask(engine, thinking=True, budget=budget)
    assert result.budget_hit
    assert result.stats.thinking_tokens <= budget
    full = qwen3_model.script.thinking_text.strip()
    assert full.startswith(result.thinking)
    assert len(result.thinking) < len(full)
    # Never inside a character: the script spells "é" as two byte tokens.
    assert "\ufffd" not in result.thinking
    # At a word boundary: the next character of the full text is not a letter.
    if result.thinking:
        nxt = full[len(result.thinking) : len(result.thinking) + 1]
        assert not nxt.isalnum(), (result.thinking, nxt)
    assert result.answer == qwen3_model.script.answer_text
    cuts = [e for e in events if isinstance(e, ThinkingCut)]
    assert len(cuts) == 1 and cuts[0].thinking == result.thinking


def test_budget_prefers_a_sentence_end(engine: LocalEngine, qwen3_model: ScriptedModel) -> None:
    engine.load_sync(LoadRequest(str(qwen3_model.path), n_ctx=1024))
    # 8 tokens reach "... a greeting. Let me"; the cut gives back "Let me" to end the sentence.
    result, _ = ask(engine, thinking=True, budget=8)
    assert result.thinking == "Okay, the user wants a greeting."
    assert result.stats.thinking_tokens == 6


def test_budget_reuses_the_kv_cache(engine: LocalEngine, qwen3_model: ScriptedModel) -> None:
    """The wrap-up is appended in place: the prompt is not evaluated again."""
    engine.load_sync(LoadRequest(str(qwen3_model.path), n_ctx=1024))
    result, events = ask(engine, thinking=True, budget=5)
    progress = [e for e in events if isinstance(e, PromptProgress)]
    assert len(progress) == 1  # one prompt evaluation for the whole reply
    assert result.budget_hit and result.answer == qwen3_model.script.answer_text


def test_runaway_reasoning_is_stopped_by_the_budget(
    engine: LocalEngine, runaway_model: ScriptedModel
) -> None:
    engine.load_sync(LoadRequest(str(runaway_model.path), n_ctx=2048))
    result, _ = ask(engine, thinking=True, budget=50)
    assert result.budget_hit
    assert result.stats.thinking_tokens <= 50
    assert result.answer == runaway_model.script.answer_text
    assert result.finish_reason == "stop"


def test_continue_thinking_resumes_the_cut_reasoning(
    engine: LocalEngine, runaway_model: ScriptedModel
) -> None:
    engine.load_sync(LoadRequest(str(runaway_model.path), n_ctx=2048))
    first, _ = ask(engine, thinking=True, budget=30)
    assert first.budget_hit
    more = engine.generate_sync(
        GenerateRequest(HELLO, thinking=True, budget=25, resume_thinking=first.thinking)
    )
    assert more.thinking.startswith(first.thinking)
    assert len(more.thinking) > len(first.thinking)
    assert "Considering the limited time" not in more.thinking  # the wrap-up left the context
    assert first.stats.thinking_tokens < more.stats.thinking_tokens <= first.stats.thinking_tokens + 25
    assert more.budget_hit and more.answer == runaway_model.script.answer_text
    # The resumed reply reused the cached prompt and reasoning.
    assert more.stats.cached_tokens >= first.stats.prompt_tokens


def test_continue_thinking_after_an_engine_restart(engine: LocalEngine, qwen3_model: ScriptedModel) -> None:
    """Without the cut state the reasoning is rebuilt from its text."""
    engine.load_sync(LoadRequest(str(qwen3_model.path), n_ctx=1024))
    first, _ = ask(engine, thinking=True, budget=7)
    engine.restart()
    engine.load_sync(LoadRequest(str(qwen3_model.path), n_ctx=1024))
    more = engine.generate_sync(
        GenerateRequest(HELLO, thinking=True, budget=100, resume_thinking=first.thinking)
    )
    assert more.thinking.startswith(first.thinking) and len(more.thinking) > len(first.thinking)
    assert more.answer == qwen3_model.script.answer_text


def test_model_that_never_thinks(engine: LocalEngine, plain_model: ScriptedModel) -> None:
    loaded = engine.load_sync(LoadRequest(str(plain_model.path), n_ctx=1024))
    assert loaded.thinking_support == "never"
    result, _ = ask(engine, thinking=True, budget=5)
    assert result.thinking == "" and not result.thinking_used and not result.budget_hit
    assert result.answer == plain_model.script.answer_text


def test_model_without_template_falls_back_to_chatml(engine: LocalEngine, model_dir: Path) -> None:
    from app.testkit.scripted_model import Script, write_scripted_model

    model = write_scripted_model(model_dir / "notemplate.gguf", Script(thinks=False, template=None))
    loaded = engine.load_sync(LoadRequest(str(model.path), n_ctx=1024))
    assert loaded.thinking_support == "never"
    result, _ = ask(engine)
    assert result.answer == model.script.answer_text


def test_output_that_starts_inside_thinking(engine: LocalEngine, model_dir: Path) -> None:
    from app.testkit.scripted_model import Script, write_scripted_model

    model = write_scripted_model(model_dir / "thinkonly.gguf", Script(starts_in_thinking=True))
    engine.load_sync(LoadRequest(str(model.path), n_ctx=1024))
    result, _ = ask(engine, thinking=True)
    assert result.thinking == model.script.thinking_text.strip()
    assert result.answer == model.script.answer_text


def test_load_reports_progress(engine: LocalEngine, qwen3_model: ScriptedModel) -> None:
    engine.load(LoadRequest(str(qwen3_model.path), n_ctx=512))
    seen: list[object] = []
    for event in engine.events(timeout=60):
        seen.append(event)
        if isinstance(event, (ModelLoaded, EngineError)):
            break
    fractions = [e.fraction for e in seen if isinstance(e, LoadProgress)]
    assert fractions and fractions[-1] == pytest.approx(1.0)
    assert fractions == sorted(fractions)
    assert isinstance(seen[-1], ModelLoaded)


def test_unload(engine: LocalEngine, qwen3_model: ScriptedModel) -> None:
    engine.load_sync(LoadRequest(str(qwen3_model.path), n_ctx=512))
    engine.unload()
    event = next(iter(engine.events(timeout=30)))
    assert isinstance(event, Unloaded)
    assert engine.loaded is None
    engine.generate(GenerateRequest(HELLO))
    err = next(iter(engine.events(timeout=30)))
    assert isinstance(err, EngineError) and "No model" in err.message
    assert isinstance(UnloadRequest(), UnloadRequest)


def test_sampling_seed_is_reproducible(engine: LocalEngine, smollm_path: Path) -> None:
    engine.load_sync(LoadRequest(str(smollm_path), n_ctx=1024))
    hot = Sampling(temperature=1.2, top_p=0.95, top_k=40, min_p=0.0)
    req = GenerateRequest(
        (PromptMessage("user", "Write one sentence about the sea."),),
        thinking=False,
        sampling=hot,
        seed=1234,
        max_tokens=24,
    )
    a = engine.generate_sync(req)
    b = engine.generate_sync(req)
    c = engine.generate_sync(
        GenerateRequest(req.messages, thinking=False, sampling=hot, seed=99, max_tokens=24)
    )
    assert a.answer == b.answer
    assert a.answer != c.answer


def test_real_text_from_smollm2(engine: LocalEngine, smollm_path: Path) -> None:
    """A model nobody here wrote: real tokenizer, real template (ChatML), real sampling."""
    loaded = engine.load_sync(LoadRequest(str(smollm_path), n_ctx=1024))
    assert loaded.info["architecture"] == "llama"
    assert loaded.thinking_support == "never"
    events: list[object] = []
    question = (PromptMessage("user", "What is the capital of France? Answer in one sentence."),)
    result = engine.generate_sync(
        GenerateRequest(question, thinking=True, budget=64, max_tokens=40, seed=2), on_event=events.append
    )
    assert result.thinking == "" and not result.budget_hit
    words = result.answer.lower()
    assert "france" in words or "paris" in words, result.answer
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == result.answer
    assert 0 < result.stats.answer_tokens <= 40 and result.stats.tokens_per_s > 0


def test_cancel_stops_mid_stream(engine: LocalEngine, runaway_model: ScriptedModel) -> None:
    engine.load_sync(LoadRequest(str(runaway_model.path), n_ctx=4096))
    engine.generate(GenerateRequest(HELLO, thinking=True, max_tokens=4000))
    received = 0
    finished: ReplyFinished | None = None
    for event in engine.events(timeout=60):
        if isinstance(event, TextDelta):
            received += 1
            if received == 3:
                engine.cancel()
        if isinstance(event, ReplyFinished):
            finished = event
            break
    assert finished is not None and finished.finish_reason == "cancelled"
    assert finished.stats.thinking_tokens < 3990
    # The engine is fine afterwards.
    again, _ = ask(engine, thinking=True, budget=10)
    assert again.budget_hit


def test_engine_killed_mid_stream_reports_a_crash_and_a_new_engine_works(
    engine: LocalEngine, runaway_model: ScriptedModel
) -> None:
    engine.load_sync(LoadRequest(str(runaway_model.path), n_ctx=4096))
    engine.generate(GenerateRequest(HELLO, thinking=True, max_tokens=4000))
    error: EngineError | None = None
    deadline = time.monotonic() + 60
    for event in engine.events(timeout=60):
        if isinstance(event, TextDelta) and engine.pid:
            os.kill(engine.pid, signal.SIGKILL)
        if isinstance(event, EngineError):
            error = event
            break
        if isinstance(event, ReplyFinished):
            pytest.fail("the reply finished although the engine was killed")
        assert time.monotonic() < deadline
    assert error is not None and error.kind == "crash"
    assert "killed" in error.message
    assert not engine.alive and not engine.busy
    engine.load_sync(LoadRequest(str(runaway_model.path), n_ctx=1024))
    result, _ = ask(engine, thinking=True, budget=10)
    assert result.budget_hit


def test_generate_while_busy_is_refused(engine: LocalEngine, runaway_model: ScriptedModel) -> None:
    engine.load_sync(LoadRequest(str(runaway_model.path), n_ctx=4096))
    engine.generate(GenerateRequest(HELLO, thinking=True, max_tokens=3000))
    assert engine.generate(GenerateRequest(HELLO)) == 0
    kinds = []
    for event in engine.events(timeout=60):
        if isinstance(event, EngineError):
            kinds.append(event.kind)
            engine.cancel()
        if isinstance(event, ReplyFinished):
            break
    assert kinds == ["busy"]


def test_context_too_small_for_the_prompt(engine: LocalEngine, qwen3_model: ScriptedModel) -> None:
    engine.load_sync(LoadRequest(str(qwen3_model.path), n_ctx=64))
    long = (PromptMessage("user", "word " * 200),)
    with pytest.raises(EngineFailure) as info:
        engine.generate_sync(GenerateRequest(long))
    assert info.value.error.kind == "context_full"
    assert "context" in str(info.value)
    # Still usable with a short prompt.
    assert engine.generate_sync(GenerateRequest((PromptMessage("user", "hi"),), thinking=False)).answer


def test_sampling_follows_the_mode_the_reply_runs_in(engine: LocalEngine, smollm_path: Path) -> None:
    """Per-mode sampling is chosen by the engine: a never-thinking model uses the no-think one."""
    from app.core.chat.sampling import ModeSampling

    engine.load_sync(LoadRequest(str(smollm_path), n_ctx=1024))
    greedy = Sampling(temperature=0.0, top_p=1.0, top_k=0, min_p=0.0)
    hot = Sampling(temperature=1.5, top_p=1.0, top_k=0, min_p=0.0)
    question = (PromptMessage("user", "Write one sentence about the sea."),)
    plain = engine.generate_sync(GenerateRequest(question, thinking=False, sampling=greedy, max_tokens=24))
    # The toggle asks for thinking, but SmolLM2 never thinks: the no-think sampling applies.
    toggled = engine.generate_sync(
        GenerateRequest(question, thinking=True, sampling=ModeSampling(hot, greedy), seed=7, max_tokens=24)
    )
    assert toggled.answer == plain.answer
    swapped = engine.generate_sync(
        GenerateRequest(question, thinking=True, sampling=ModeSampling(greedy, hot), seed=7, max_tokens=24)
    )
    assert swapped.answer != plain.answer
