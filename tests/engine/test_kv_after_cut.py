"""After a budget cut the KV cache holds the prompt, the kept reasoning and the wrap-up: nothing
of the reasoning given back.

The scripted models are bigram machines, so their output cannot show what the cache holds;
this test reads it instead, in-process: the session's token list and llama.cpp's own
sequence positions.
"""

from __future__ import annotations

from collections.abc import Iterator

import llama_cpp
import pytest

from app.core.chat.budget import WRAP_UP
from app.core.chat.messages import PromptMessage
from app.core.chat.prompt import thinking_support
from app.engine.local.generation import ReplyGenerator
from app.engine.local.llama_session import LlamaSession, LoadSettings
from app.engine.protocol import Event, GenerateRequest, ReplyFinished, ThinkingCut
from app.testkit.scripted_model import ScriptedModel

GENERATION_PROMPT = "<|im_start|>assistant\n"


@pytest.fixture
def session(qwen3_model: ScriptedModel) -> Iterator[LlamaSession]:
    s = LlamaSession(str(qwen3_model.path), LoadSettings(n_ctx=1024, n_threads=1))
    yield s
    s.close()


def generate(session: LlamaSession, budget: int | None) -> list[Event]:
    template = session.meta("tokenizer.chat_template")
    generator = ReplyGenerator(session, template, thinking_support(template))
    events: list[Event] = []
    request = GenerateRequest((PromptMessage("user", "Say hello."),), thinking=True, budget=budget, seed=1)
    generator.run(request, events.append, lambda: False)
    return events


def cached_text(session: LlamaSession) -> str:
    return b"".join(session.token_bytes(t) for t in session.tokens).decode("utf-8")


@pytest.mark.parametrize("budget", [3, 8, 13, 17])
def test_the_cache_after_a_cut_holds_only_what_the_answer_follows(
    session: LlamaSession, qwen3_model: ScriptedModel, budget: int
) -> None:
    events = generate(session, budget)
    (finished,) = [e for e in events if isinstance(e, ReplyFinished)]
    (cut,) = [e for e in events if isinstance(e, ThinkingCut)]
    assert finished.budget_hit and cut.thinking == finished.thinking
    full = qwen3_model.script.thinking_text
    kept = full[: full.index(finished.thinking) + len(finished.thinking)]  # as the model wrote it
    assert len(kept) < len(full.rstrip())  # some reasoning was given back

    text = cached_text(session)
    prompt, _, reply = text.rpartition(GENERATION_PROMPT)
    assert prompt.startswith("<|im_start|>user\nSay hello.")
    # The reply in the cache: the opening tag, the reasoning up to the cut, Qwen's wrap-up and
    # the answer (its final end-of-turn token is sampled, never evaluated).
    assert reply == "<think>" + kept + WRAP_UP + finished.answer
    assert finished.answer == qwen3_model.script.answer_text
    # llama.cpp agrees: one sequence, its positions exactly the tokens the session lists.
    assert llama_cpp.llama_memory_seq_pos_min(session.memory, 0) == 0
    assert llama_cpp.llama_memory_seq_pos_max(session.memory, 0) == len(session.tokens) - 1


def test_without_a_cut_the_cache_holds_the_whole_reasoning(
    session: LlamaSession, qwen3_model: ScriptedModel
) -> None:
    """The control: the same reading shows the full reasoning when nothing was cut."""
    events = generate(session, budget=None)
    (finished,) = [e for e in events if isinstance(e, ReplyFinished)]
    assert not finished.budget_hit
    reply = cached_text(session).rpartition(GENERATION_PROMPT)[2]
    script = qwen3_model.script
    assert reply.startswith("<think>" + script.thinking_text) and reply.endswith(script.answer_text)
    assert llama_cpp.llama_memory_seq_pos_max(session.memory, 0) == len(session.tokens) - 1
