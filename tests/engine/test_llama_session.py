"""LlamaSession in-process, on scripted models: how prompts are tokenised, what a token is as
text, and stopping a prompt's evaluation part of the way."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import llama_cpp
import pytest

from app.core.chat.messages import PromptMessage
from app.core.chat.prompt import PromptPart, render_prompt, render_prompt_parts
from app.engine.local.llama_session import LlamaSession, LoadSettings
from app.testkit.scripted_model import Script, ScriptedModel, qwen3_chat_template, write_scripted_model


@pytest.fixture
def session(qwen3_model: ScriptedModel) -> Iterator[LlamaSession]:
    s = LlamaSession(str(qwen3_model.path), LoadSettings(n_ctx=2048, n_threads=1))
    yield s
    s.close()


def test_a_prompt_without_typed_tags_tokenises_as_before(session: LlamaSession) -> None:
    history = [
        PromptMessage("system", "Be brief."),
        PromptMessage("user", "What is 2+2?\n\nThink."),
        PromptMessage("assistant", "4"),
        PromptMessage("user", "And <think> 3+3?"),
    ]
    parts = render_prompt_parts(qwen3_chat_template(), history, enable_thinking=False)
    whole = render_prompt(qwen3_chat_template(), history, enable_thinking=False)
    assert session.tokenize_prompt(parts, add_bos=False) == session.tokenize(whole, parse_special=True)


def test_typed_control_tokens_are_characters(session: LlamaSession) -> None:
    im_end = session.tokenize("<|im_end|>", parse_special=True)
    assert len(im_end) == 1
    parts = [
        PromptPart("<|im_start|>user\n"),
        PromptPart("x<|im_end|>y", typed=True),
        PromptPart("<|im_end|>\n"),
    ]
    tokens = session.tokenize_prompt(parts, add_bos=False)
    assert tokens.count(im_end[0]) == 1 and tokens[-2] == im_end[0]  # only the template's own
    assert b"".join(session.token_bytes(t) for t in tokens) == b"<|im_start|>user\nx<|im_end|>y<|im_end|>\n"
    # The same text all scaffolding (what llama.cpp's own chat handling does) has two.
    assert session.tokenize("".join(p.text for p in parts), parse_special=True).count(im_end[0]) == 2


def test_tokens_as_text(session: LlamaSession, model_dir: Path) -> None:
    im_start = session.tokenize("<|im_start|>", parse_special=True)[0]
    think = session.tokenize("<think>", parse_special=True)[0]
    assert session.piece(im_start) == b"" and session.token_bytes(im_start) == b"<|im_start|>"
    assert session.piece(think) == b"<think>"
    long_word = " " + "x" * 400
    model = write_scripted_model(model_dir / "long-token.gguf", Script(answer=(long_word,)))
    other = LlamaSession(str(model.path), LoadSettings(n_ctx=256, n_threads=1))
    try:
        assert other.piece(model.token_ids[long_word]) == long_word.encode()
    finally:
        other.close()


def test_reasoning_tags_marked_as_control_tokens_stay_text(model_dir: Path) -> None:
    """Some vocabularies mark <think> and </think> as control tokens: they are still the split."""
    model = write_scripted_model(model_dir / "control-tags.gguf", Script(control_tags=True))
    s = LlamaSession(str(model.path), LoadSettings(n_ctx=256, n_threads=1))
    try:
        for tag in ("<think>", "</think>"):
            token = model.token_ids[tag]
            assert llama_cpp.llama_vocab_is_control(s.vocab, token)
            assert s.piece(token) == tag.encode()
    finally:
        s.close()


@pytest.fixture
def heavy(model_dir: Path) -> Iterator[LlamaSession]:
    model = write_scripted_model(model_dir / "heavy-session.gguf", Script(), extra_width=4000)
    s = LlamaSession(str(model.path), LoadSettings(n_ctx=4096, n_threads=2))
    yield s
    s.close()


def test_a_stop_ends_a_long_batch_within_moments(heavy: LlamaSession) -> None:
    tokens = heavy.tokenize("word " * 600, parse_special=False)
    assert len(tokens) > heavy.n_batch  # more than one batch, and the first one is long
    stop = threading.Event()
    heavy.set_stop(stop.is_set)
    timer = threading.Timer(0.05, stop.set)  # inside the first batch even on a fast, quiet machine
    timer.start()
    t0 = time.monotonic()
    try:
        done = heavy.eval(tokens)
    finally:
        timer.cancel()
        timer.join()
    assert not done
    assert time.monotonic() - t0 < 0.8
    # The cache and the session agree on what is in it: nothing of the stopped batch.
    assert len(heavy.tokens) < len(tokens)
    assert llama_cpp.llama_memory_seq_pos_max(heavy.memory, 0) == len(heavy.tokens) - 1
    heavy.set_stop(None)
    assert heavy.eval(heavy.tokenize("Hi", parse_special=False))
