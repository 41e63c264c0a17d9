"""``ponder serve`` as the real ``openai`` client sees it, on real engines with scripted models."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import openai
import pytest

from app.core.chat.messages import PromptMessage
from app.engine.protocol import GenerateRequest, ReplyFinished, ReplyStarted
from app.server.requests import BUDGET_FIELDS, EFFORT_BUDGETS
from tests.server.harness import HELLO, Served, Tap

# What the runaway model's reasoning keeps under a budget of 10: its first sentence (6 tokens).
CUT_AT_10 = "Okay, the user wants a greeting."
WRAP_UP_WORDS = "Considering the limited time"


def stream_parts(stream: Any) -> tuple[list[tuple[str, str]], list[Any]]:
    """The streamed (kind, text) pieces in order, and every chunk."""
    parts: list[tuple[str, str]] = []
    chunks = list(stream)
    for chunk in chunks:
        if not chunk.choices:
            continue
        delta = chunk.choices[0].delta
        reasoning = getattr(delta, "reasoning_content", None)
        if reasoning:
            assert getattr(delta, "reasoning", None) == reasoning
            parts.append(("reasoning", reasoning))
        if delta.content:
            parts.append(("content", delta.content))
    return parts, chunks


def joined(parts: list[tuple[str, str]], kind: str) -> str:
    return "".join(text for k, text in parts if k == kind)


def test_models_list(qwen3_server: Served) -> None:
    with qwen3_server.client() as client:
        models = client.models.list()
        assert [m.id for m in models.data] == [qwen3_server.name]
        assert client.models.retrieve(qwen3_server.name).id == qwen3_server.name


def test_streams_the_reasoning_then_the_answer_exactly(qwen3_server: Served) -> None:
    script = qwen3_server.model.script
    with qwen3_server.client() as client:
        stream = qwen3_server.chat(client, stream=True, stream_options={"include_usage": True})
        parts, chunks = stream_parts(stream)
    kinds = [k for k, _ in parts]
    assert kinds == sorted(kinds, key=lambda k: k != "reasoning"), "reasoning comes first, then content"
    assert joined(parts, "reasoning") == script.thinking_text.strip()
    assert joined(parts, "content") == script.answer_text
    assert chunks[0].choices[0].delta.role == "assistant"
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]
    usage = chunks[-1].usage
    assert usage is not None and not chunks[-1].choices
    assert usage.completion_tokens_details.reasoning_tokens == len(script.thinking)
    assert usage.completion_tokens > len(script.thinking)


def test_a_whole_reply_with_usage(qwen3_server: Served) -> None:
    script = qwen3_server.model.script
    with qwen3_server.client() as client:
        reply = qwen3_server.chat(client)
    message = reply.choices[0].message
    assert message.content == script.answer_text
    assert getattr(message, "reasoning_content", None) == script.thinking_text.strip()
    assert getattr(message, "reasoning", None) == script.thinking_text.strip()
    assert reply.choices[0].finish_reason == "stop"
    assert reply.object == "chat.completion" and reply.model == qwen3_server.name
    usage = reply.usage
    assert usage is not None
    assert usage.prompt_tokens > 0
    assert usage.completion_tokens_details is not None
    assert usage.completion_tokens_details.reasoning_tokens == len(script.thinking)
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


@pytest.mark.parametrize(
    "how",
    [
        {"extra_body": {"chat_template_kwargs": {"enable_thinking": False}}},
        {"extra_body": {"enable_thinking": False}},
        {"reasoning_effort": "none"},
        {"messages": [{"role": "user", "content": "Say hello. /no_think"}]},
    ],
    ids=["chat_template_kwargs", "qwen_api", "effort_none", "no_think"],
)
def test_thinking_off(qwen3_server: Served, how: dict[str, Any]) -> None:
    script = qwen3_server.model.script
    kwargs = {"messages": HELLO, **how}
    with qwen3_server.client() as client:
        reply = qwen3_server.chat(client, **kwargs)
        parts, _ = stream_parts(qwen3_server.chat(client, stream=True, **kwargs))
    assert reply.choices[0].message.content == script.answer_text
    assert getattr(reply.choices[0].message, "reasoning_content", None) is None
    assert reply.usage is not None and reply.usage.completion_tokens_details is not None
    assert reply.usage.completion_tokens_details.reasoning_tokens == 0
    assert joined(parts, "content") == script.answer_text
    assert not joined(parts, "reasoning")


def test_think_in_the_message_turns_thinking_back_on(qwen3_server: Served) -> None:
    with qwen3_server.client() as client:
        reply = qwen3_server.chat(
            client,
            messages=[{"role": "user", "content": "Say hello. /think"}],
            extra_body={"chat_template_kwargs": {"enable_thinking": False}},
        )
    assert getattr(reply.choices[0].message, "reasoning_content", None) == (
        qwen3_server.model.script.thinking_text.strip()
    )


@pytest.mark.parametrize("name", BUDGET_FIELDS)
@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
def test_budgets_under_every_name_are_exact_and_clean(
    runaway_server: Served, name: str, stream: bool
) -> None:
    answer = runaway_server.model.script.answer_text
    with runaway_server.client() as client:
        response = runaway_server.chat(
            client,
            stream=stream,
            stream_options={"include_usage": True} if stream else None,
            extra_body={name: 10},
        )
        if stream:
            parts, chunks = stream_parts(response)
            reasoning, content, usage = joined(parts, "reasoning"), joined(parts, "content"), chunks[-1].usage
        else:
            message = response.choices[0].message
            reasoning, content, usage = message.reasoning_content, message.content, response.usage
    assert usage.completion_tokens_details.reasoning_tokens <= 10
    assert reasoning == CUT_AT_10  # what streamed is what the cut kept: nothing to take back
    assert content == answer
    for text in (reasoning, content):
        assert "</think>" not in text and "<think>" not in text and WRAP_UP_WORDS not in text


def test_reasoning_effort_is_a_budget(runaway_server: Served) -> None:
    limit = EFFORT_BUDGETS["minimal"]
    assert limit is not None
    with runaway_server.client() as client:
        reply = runaway_server.chat(client, reasoning_effort="minimal")
    assert reply.usage is not None and reply.usage.completion_tokens_details is not None
    assert 0 < reply.usage.completion_tokens_details.reasoning_tokens <= limit
    assert reply.choices[0].message.content == runaway_server.model.script.answer_text


def test_three_concurrent_requests_are_all_answered_in_full(qwen3_server: Served) -> None:
    script = qwen3_server.model.script
    results: dict[int, tuple[str, str]] = {}
    failures: list[BaseException] = []

    def ask(i: int) -> None:
        try:
            with qwen3_server.client() as client:
                parts, _ = stream_parts(qwen3_server.chat(client, stream=True))
            results[i] = (joined(parts, "reasoning"), joined(parts, "content"))
        except BaseException as exc:  # reported below, on the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not failures
    assert results == {i: (script.thinking_text.strip(), script.answer_text) for i in range(3)}


def test_a_client_that_hangs_up_cancels_its_reply_and_the_next_is_served(
    runaway_server: Served, runaway_tap: Tap
) -> None:
    with runaway_server.client() as client:
        stream = runaway_server.chat(client, stream=True)
        for chunk in stream:
            if chunk.choices and getattr(chunk.choices[0].delta, "reasoning_content", None):
                break
        stream.close()  # hangs up in the middle of a reply that would run for ~30,000 tokens
        rid = _started_reply(runaway_tap)
        finished = _finished(runaway_tap, rid)
        assert finished.finish_reason == "cancelled"
        assert finished.stats.thinking_tokens < 10_000
        reply = runaway_server.chat(client, extra_body={"thinking_budget": 10})
    assert reply.choices[0].message.content == runaway_server.model.script.answer_text


def test_a_full_queue_answers_429_with_retry_after(runaway_server: Served, runaway_tap: Tap) -> None:
    answer = runaway_server.model.script.answer_text
    second: list[str | None] = []
    with runaway_server.client() as client:
        long = runaway_server.chat(client, stream=True)
        next(iter(long))  # the long reply runs
        waiter = threading.Thread(
            target=lambda: second.append(
                runaway_server.chat(client, extra_body={"thinking_budget": 10}).choices[0].message.content
            )
        )
        waiter.start()
        _until(lambda: runaway_server.server.replies.waiting == 1)  # max_waiting is 1: the queue is full
        with pytest.raises(openai.RateLimitError) as refused:
            runaway_server.chat(client)
        assert int(refused.value.response.headers["Retry-After"]) >= 1
        assert refused.value.response.json()["error"]["code"] == "queue_full"
        long.close()
        waiter.join(60)
    assert second == [answer]


def test_a_window_reply_on_the_shared_engine_goes_first(runaway_server: Served, runaway_tap: Tap) -> None:
    """The window's reply holds the engine; the server's waits for it, then runs."""
    engine = runaway_server.engine
    window_rid = engine.generate(GenerateRequest((PromptMessage("user", "Hi"),), max_tokens=400))
    assert window_rid
    with runaway_server.client() as client:
        reply = runaway_server.chat(client, extra_body={"thinking_budget": 10})
    assert reply.choices[0].message.content == runaway_server.model.script.answer_text
    events = runaway_tap.seen()
    window_end = next(
        i for i, e in enumerate(events) if isinstance(e, ReplyFinished) and e.request_id == window_rid
    )
    later = [e for e in events[window_end:] if isinstance(e, ReplyStarted)]
    assert later, "the server's reply started after the window's ended"


def test_stop_sequences_end_the_answer(qwen3_server: Served) -> None:
    with qwen3_server.client() as client:
        whole = qwen3_server.chat(client, stop=[" How"])
        parts, _ = stream_parts(qwen3_server.chat(client, stop=" How", stream=True))
    assert whole.choices[0].message.content == "Hello!"
    assert whole.choices[0].finish_reason == "stop"
    assert joined(parts, "content") == "Hello!"
    assert joined(parts, "reasoning") == qwen3_server.model.script.thinking_text.strip()


def test_raw_completions_come_back_verbatim(qwen3_server: Served) -> None:
    script = qwen3_server.model.script
    prompt = "<|im_start|>user\nSay hello.<|im_end|>\n<|im_start|>assistant\n"
    expected = f"<think>{script.thinking_text}</think>\n\n{script.answer_text}"
    with qwen3_server.client() as client:
        whole = client.completions.create(model=qwen3_server.name, prompt=prompt)
        streamed = "".join(
            c.choices[0].text
            for c in client.completions.create(model=qwen3_server.name, prompt=prompt, stream=True)
            if c.choices
        )
    assert whole.object == "text_completion"
    assert whole.choices[0].text == expected
    assert whole.choices[0].finish_reason == "stop"
    assert whole.usage is not None and whole.usage.completion_tokens > 0
    assert streamed == expected


def _started_reply(tap: Tap, timeout: float = 30) -> int:
    """The request id of the latest reply the engine started."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = [e for e in tap.seen() if isinstance(e, ReplyStarted)]
        if started:
            return started[-1].request_id
        time.sleep(0.01)
    raise AssertionError("no reply started")


def _finished(tap: Tap, rid: int, timeout: float = 30) -> ReplyFinished:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event in tap.seen():
            if isinstance(event, ReplyFinished) and event.request_id == rid:
                return event
        time.sleep(0.01)
    raise AssertionError(f"reply {rid} did not finish within {timeout} s")


def test_a_waiting_client_that_hangs_up_leaves_the_queue(runaway_server: Served) -> None:
    replies = runaway_server.server.replies
    with runaway_server.client() as client:
        long = runaway_server.chat(client, stream=True)
        next(iter(long))  # the long reply runs
        body = json.dumps({"messages": HELLO}).encode()
        waiting = socket.create_connection(("127.0.0.1", runaway_server.server.port), timeout=10)
        head = f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n\r\n"
        waiting.sendall(head.encode() + body)
        _until(lambda: replies.waiting == 1)
        waiting.close()
        _until(lambda: replies.waiting == 0)
        long.close()
        reply = runaway_server.chat(client, extra_body={"thinking_budget": 10})
    assert reply.choices[0].message.content == runaway_server.model.script.answer_text


def _until(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)
