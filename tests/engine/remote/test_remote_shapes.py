"""What Ponder sends to servers that cannot run here (vLLM, SGLang, Ollama, LM Studio, Qwen's
hosted API) and how it reads their streams, checked against their documented parameters.

Sources: vLLM's OpenAI-compatible server ("Extra Parameters": top_k, min_p, ignore_eos,
skip_special_tokens; chat_template_kwargs; thinking_token_budget with --reasoning-config),
SGLang's thinking-budget page (chat_template_kwargs, separate_reasoning,
custom_params.thinking_budget), Ollama's API (/api/generate with raw and options.num_predict,
/api/chat with think; durations in nanoseconds), Qwen's API (enable_thinking, thinking_budget).
None of these ran against the real server.
"""

from __future__ import annotations

import json

import pytest

from app.core.chat.messages import PromptMessage
from app.core.chat.prompt import ThinkingSupport, render_prompt
from app.core.chat.sampling import THINKING_DEFAULTS
from app.engine.remote.detect import ServerInfo
from app.engine.remote.engine import target_for
from app.engine.remote.http import HttpClient, parse_address
from app.engine.remote.shapes import (
    EXACT,
    NONE,
    ROUGH,
    Kind,
    chat_request,
    parse_chunk,
    prompt_value,
    raw_request,
    stream_payloads,
)

HELLO = (PromptMessage("system", "Be brief."), PromptMessage("user", "Say hello."))
CLIENT = HttpClient(parse_address("http://127.0.0.1:9"))


def test_vllm_raw_completion_keeps_the_think_tags_and_fills_the_context() -> None:
    e = raw_request(
        Kind.VLLM,
        "Qwen/Qwen3-32B",
        ["<|im_start|>user\nhi", "<|im_end|>"],
        n_predict=None,
        sampling=THINKING_DEFAULTS,
        seed=7,
    )
    assert e.path == "/v1/completions" and e.framing == "sse"
    assert e.body["prompt"] == "<|im_start|>user\nhi<|im_end|>"
    assert e.body["max_tokens"] is None  # vLLM: up to the end of the context
    assert e.body["skip_special_tokens"] is False
    assert e.body["stream_options"] == {"include_usage": True}
    assert (e.body["temperature"], e.body["top_p"], e.body["top_k"], e.body["min_p"]) == (0.6, 0.95, 20, 0.0)
    assert e.body["seed"] == 7
    json.dumps(e.body)  # plain JSON
    with pytest.raises(ValueError):  # token ids are for llama-server only
        raw_request(Kind.VLLM, "m", ["a", 5], n_predict=3, sampling=THINKING_DEFAULTS)


def test_sglang_raw_completion_always_gives_a_token_limit() -> None:
    e = raw_request(Kind.SGLANG, "Qwen/Qwen3-8B", ["p"], n_predict=None, sampling=THINKING_DEFAULTS)
    assert e.path == "/v1/completions"
    assert isinstance(e.body["max_tokens"], int) and e.body["max_tokens"] > 100_000  # SGLang clips it
    assert (
        raw_request(Kind.SGLANG, "m", ["p"], n_predict=12, sampling=THINKING_DEFAULTS).body["max_tokens"]
        == 12
    )


def test_ollama_raw_generate() -> None:
    e = raw_request(
        Kind.OLLAMA, "qwen3:8b", ["<|im_start|>", "user"], n_predict=5, sampling=THINKING_DEFAULTS, seed=3
    )
    assert (e.path, e.framing) == ("/api/generate", "ndjson")
    assert e.body["raw"] is True and e.body["stream"] is True and e.body["prompt"] == "<|im_start|>user"
    assert e.body["options"] == {
        "temperature": 0.6,
        "top_p": 0.95,
        "presence_penalty": 0.0,
        "top_k": 20,
        "min_p": 0.0,
        "seed": 3,
        "num_predict": 5,
    }
    assert "think" not in e.body  # raw: Ponder renders the template, thinking included


def test_llama_server_prompt_mixes_text_and_token_ids() -> None:
    assert prompt_value(["a", "b", "", "c"]) == "abc"  # strings alone: one prompt, not several
    assert prompt_value(["<p>", 11, 12, "x", "y"]) == ["<p>", 11, 12, "xy"]
    e = raw_request(Kind.LLAMA, "m", ["<p>", 11], n_predict=None, sampling=THINKING_DEFAULTS)
    assert e.path == "/completion" and e.body["n_predict"] == -1 and e.body["cache_prompt"] is True


@pytest.mark.parametrize(
    ("kind", "toggle", "budget"),
    [
        (Kind.VLLM, {"chat_template_kwargs": {"enable_thinking": True}}, {"thinking_token_budget": 64}),
        (
            Kind.SGLANG,
            {"chat_template_kwargs": {"enable_thinking": True}, "separate_reasoning": True},
            {"custom_params": {"thinking_budget": 64}},
        ),
        (Kind.QWEN_API, {"enable_thinking": True}, {"thinking_budget": 64}),
        (Kind.PONDER, {"chat_template_kwargs": {"enable_thinking": True}}, {"thinking_budget": 64}),
        (Kind.LMSTUDIO, {}, {}),
        (Kind.OPENAI, {}, {}),
    ],
)
def test_chat_requests_use_each_servers_own_switch_and_budget(
    kind: Kind, toggle: dict[str, object], budget: dict[str, object]
) -> None:
    e = chat_request(
        kind, "Qwen3-32B", HELLO, thinking=True, budget=64, max_tokens=256, sampling=THINKING_DEFAULTS
    )
    assert (e.path, e.framing, e.reader) == ("/v1/chat/completions", "sse", "chat")
    assert e.body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Say hello."},
    ]
    assert e.body["max_tokens"] == 256 and e.body["stream"] is True
    for key, value in {**toggle, **budget}.items():
        assert e.body[key] == value
    if kind in (Kind.QWEN_API, Kind.OPENAI):  # plain OpenAI parameters only
        assert "top_k" not in e.body and "min_p" not in e.body
    off = chat_request(
        kind, "m", HELLO, thinking=False, budget=64, max_tokens=None, sampling=THINKING_DEFAULTS
    )
    for key in budget:
        assert key not in off.body  # no budget when the reply does not reason


def test_ollama_chat_switches_thinking_with_think() -> None:
    e = chat_request(
        Kind.OLLAMA,
        "qwen3:8b",
        HELLO,
        thinking=False,
        budget=None,
        max_tokens=None,
        sampling=THINKING_DEFAULTS,
    )
    assert (e.path, e.framing) == ("/api/chat", "ndjson")
    assert e.body["think"] is False and e.body["options"]["num_predict"] == -1


def test_soft_switch_for_servers_without_a_thinking_parameter() -> None:
    e = chat_request(
        Kind.OPENAI,
        "qwen3",
        HELLO,
        thinking=False,
        budget=None,
        max_tokens=None,
        sampling=THINKING_DEFAULTS,
        soft_switch=True,
    )
    assert e.body["messages"][-1]["content"] == "Say hello. /no_think"
    assert e.body["messages"][0]["content"] == "Be brief."


@pytest.mark.parametrize(
    ("kind", "model", "raw", "support", "cut"),
    [
        (Kind.VLLM, "Qwen/Qwen3-32B", True, ThinkingSupport.HYBRID, EXACT),
        (Kind.SGLANG, "Qwen/Qwen3-235B-A22B-Thinking-2507", True, ThinkingSupport.ALWAYS, EXACT),
        (Kind.OLLAMA, "qwen3:30b-a3b", True, ThinkingSupport.HYBRID, EXACT),
        (Kind.VLLM, "Qwen/Qwen3-30B-A3B-Instruct-2507", False, ThinkingSupport.NEVER, ROUGH),
        (Kind.VLLM, "deepseek-ai/DeepSeek-R1", False, ThinkingSupport.HYBRID, ROUGH),
        (Kind.OLLAMA, "gpt-oss:20b", False, ThinkingSupport.HYBRID, NONE),
        (Kind.LMSTUDIO, "qwen3-8b", False, ThinkingSupport.HYBRID, NONE),
        (Kind.QWEN_API, "qwen-plus", False, ThinkingSupport.HYBRID, ROUGH),
        (Kind.PONDER, "qwen3-scripted", False, ThinkingSupport.HYBRID, EXACT),  # the server cuts
    ],
)
def test_which_servers_get_the_exact_budget(
    kind: Kind, model: str, raw: bool, support: ThinkingSupport, cut: str
) -> None:
    target = target_for(CLIENT, ServerInfo(kind, models=(model,)), model)
    assert (target.raw, target.support, target.budget_cut) == (raw, support, cut)
    if raw:  # the catalog's Qwen3 template, rendered by Ponder
        prompt = render_prompt(target.template, HELLO[1:], enable_thinking=True)
        assert prompt.startswith("<|im_start|>user\nSay hello.<|im_end|>\n<|im_start|>assistant\n")
        assert prompt.endswith("<think>\n") == (support is ThinkingSupport.ALWAYS)
    assert target.soft_switch == (kind is Kind.LMSTUDIO)


def sse(*objects: object) -> list[bytes]:
    lines: list[bytes] = [b": ping"]
    for obj in objects:
        lines += [b"data: " + json.dumps(obj).encode(), b""]
    return [*lines, b"data: [DONE]"]


def test_reading_a_vllm_completion_stream() -> None:
    chunks = [
        parse_chunk("completions", obj)
        for obj in stream_payloads(
            sse(
                {
                    "object": "text_completion",
                    "choices": [{"index": 0, "text": "<think>", "finish_reason": None}],
                },
                {"choices": [{"index": 0, "text": "\nHm", "finish_reason": "length", "stop_reason": None}]},
                {
                    "choices": [],
                    "usage": {
                        "prompt_tokens": 9,
                        "completion_tokens": 2,
                        "prompt_tokens_details": {"cached_tokens": 8},
                    },
                },
            ),
            "sse",
        )
    ]
    assert [c.text for c in chunks] == ["<think>", "\nHm", ""]
    assert chunks[1].finish == "length"
    usage = chunks[2].usage
    assert usage is not None and (usage.prompt_tokens, usage.cached_tokens, usage.completion_tokens) == (
        9,
        8,
        2,
    )


def test_reading_reasoning_from_chat_streams() -> None:
    vllm = parse_chunk(
        "chat", {"choices": [{"delta": {"reasoning_content": "Let me see"}, "finish_reason": None}]}
    )
    newer = parse_chunk("chat", {"choices": [{"delta": {"reasoning": "so"}, "finish_reason": None}]})
    answer = parse_chunk("chat", {"choices": [{"delta": {"content": "Hi"}, "finish_reason": "stop"}]})
    assert (vllm.reasoning, newer.reasoning, answer.text, answer.finish) == ("Let me see", "so", "Hi", "stop")
    usage = parse_chunk(
        "chat",
        {
            "choices": [],
            "usage": {"completion_tokens": 30, "completion_tokens_details": {"reasoning_tokens": 21}},
        },
    ).usage
    assert usage is not None and usage.reasoning_tokens == 21


def test_reading_ollama_streams() -> None:
    lines = [
        json.dumps({"model": "qwen3", "response": "<think>", "done": False}).encode(),
        json.dumps(
            {
                "model": "qwen3",
                "message": {"role": "assistant", "content": "", "thinking": "Hm"},
                "done": False,
            }
        ).encode(),
        json.dumps(
            {
                "model": "qwen3",
                "response": "",
                "done": True,
                "done_reason": "length",
                "prompt_eval_count": 11,
                "prompt_eval_duration": 13074791,
                "eval_count": 18,
                "eval_duration": 52479709,
            }
        ).encode(),
    ]
    first, second, last = (parse_chunk("ollama", o) for o in stream_payloads(lines, "ndjson"))
    assert first.text == "<think>" and second.reasoning == "Hm"
    assert last.finish == "length" and last.usage is not None
    assert last.usage.completion_tokens == 18 and last.usage.prompt_tokens == 11
    assert last.usage.predicted_per_s == pytest.approx(18 / 0.052479709)


def test_an_error_inside_a_stream_is_reported() -> None:
    from app.engine.remote.shapes import StreamError

    with pytest.raises(StreamError, match="exceeds the available context"):
        for obj in stream_payloads(
            sse({"error": {"code": 400, "message": "request exceeds the available context size"}}), "sse"
        ):
            parse_chunk("llama", obj)
