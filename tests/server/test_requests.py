"""Request bodies -> engine requests, and engine events -> what a client sees (no engine)."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.chat.messages import PromptMessage, ReplyStats
from app.core.chat.sampling import NO_THINKING_DEFAULTS, THINKING_DEFAULTS, ModeSampling
from app.engine.protocol import ReplyFinished, ReplyStarted, TextDelta, ThinkingCut
from app.server.errors import ApiError
from app.server.replies import ReplyText, StopMatcher
from app.server.requests import BUDGET_FIELDS, EFFORT_BUDGETS, parse_chat, parse_completion

MODELS = ("qwen3", "qwen3.gguf")
HELLO = [{"role": "user", "content": "Hi"}]


def chat(**body: Any) -> Any:
    return parse_chat({"messages": HELLO, **body}, MODELS, ModeSampling())


def refused(**body: Any) -> ApiError:
    with pytest.raises(ApiError) as caught:
        chat(**body)
    return caught.value


@pytest.mark.parametrize("name", BUDGET_FIELDS)
def test_every_budget_name(name: str) -> None:
    request = chat(**{name: 300}).request
    assert (request.thinking, request.budget) == (True, 300)
    assert chat(**{name: 0}).request.thinking is False
    assert chat(**{name: -1}).request.budget is None  # llama-server's "unlimited"


def test_budgets_that_disagree_are_refused() -> None:
    assert refused(thinking_budget=10, reasoning_budget_tokens=20).status == 400
    assert chat(thinking_budget=10, reasoning_budget_tokens=10).request.budget == 10


@pytest.mark.parametrize(("effort", "budget"), EFFORT_BUDGETS.items())
def test_reasoning_effort(effort: str, budget: int | None) -> None:
    request = chat(reasoning_effort=effort).request
    assert request.budget == budget
    assert request.thinking is (budget != 0)


def test_a_numeric_budget_wins_over_the_effort() -> None:
    assert chat(reasoning_effort="high", thinking_budget=50).request.budget == 50


def test_enable_thinking_in_either_place() -> None:
    assert chat(chat_template_kwargs={"enable_thinking": False}).request.thinking is False
    assert chat(enable_thinking=False).request.thinking is False
    assert chat().request.thinking is True
    assert refused(enable_thinking=True, chat_template_kwargs={"enable_thinking": False}).status == 400


def test_sampling_overrides_keep_each_modes_defaults() -> None:
    sampling = chat(top_k=5, min_p=0.1).request.sampling
    assert isinstance(sampling, ModeSampling)
    assert sampling.thinking == THINKING_DEFAULTS.with_overrides(top_k=5, min_p=0.1)
    assert sampling.no_thinking == NO_THINKING_DEFAULTS.with_overrides(top_k=5, min_p=0.1)
    assert chat().request.sampling == ModeSampling()


def test_messages() -> None:
    request = chat(
        messages=[
            {"role": "developer", "content": "Be brief."},
            {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
            {"role": "assistant", "content": "ok", "reasoning_content": "never sent back"},
            {"role": "user", "content": "again /no_think", "name": "me"},
        ]
    ).request
    assert request.messages == (
        PromptMessage("system", "Be brief."),
        PromptMessage("user", "a\nb"),
        PromptMessage("assistant", "ok"),
        PromptMessage("user", "again /no_think"),  # the engine applies the switch
    )
    image = [{"type": "image_url", "image_url": {"url": "data:,"}}]
    assert refused(messages=[{"role": "user", "content": image}]).param == "messages[0].content"


def test_lengths_models_and_stops() -> None:
    assert chat(max_completion_tokens=7, max_tokens=9).request.max_tokens == 7
    assert chat(max_tokens=9.0).request.max_tokens == 9
    assert refused(max_tokens=0).param == "max_tokens"
    job = chat(model="qwen3.gguf", stop="\n\n", stream=True, stream_options={"include_usage": True})
    assert (job.model, job.stops, job.stream, job.include_usage) == ("qwen3.gguf", ("\n\n",), True, True)
    assert chat().model == "qwen3"
    assert refused(model="llama").status == 404
    assert refused(stop=["a", "b", "c", "d", "e"]).param == "stop"
    assert refused(stop=[""]).param == "stop"


def test_hints_are_accepted_and_requests_for_what_cannot_be_done_are_not() -> None:
    chat(
        user="u1",
        metadata={"a": "b"},
        store=False,
        n=1,
        logprobs=False,
        tools=[],
        response_format={"type": "text"},
    )
    assert refused(logprobs=True).code == "unsupported_parameter"
    assert refused(response_format={"type": "json_object"}).param == "response_format"
    assert refused(frequency_penalty=0.5).param == "frequency_penalty"
    assert refused(seed=True).param == "seed"


def test_completions_take_the_prompt_raw() -> None:
    request = parse_completion({"prompt": ["Once upon"], "max_tokens": 5}, MODELS, ModeSampling()).request
    assert (request.raw_prompt, request.max_tokens, request.messages) == ("Once upon", 5, ())
    for prompt in ("", [1, 2, 3], ["a", "b"], None):
        with pytest.raises(ApiError):
            parse_completion({"prompt": prompt}, MODELS, ModeSampling())
    with pytest.raises(ApiError, match="echo"):
        parse_completion({"prompt": "x", "echo": True}, MODELS, ModeSampling())


# -- what the client sees ------------------------------------------------------------------------
def test_stop_sequences_across_pieces() -> None:
    stop = StopMatcher(("STOP",))
    assert stop.feed("abc ST") == "abc "
    assert stop.feed("O") == ""
    assert stop.feed("Px") == ""
    assert stop.hit and stop.flush() == ""
    loose = StopMatcher(("STOP",))
    assert loose.feed("ST") == "" and loose.feed("AY") == "STAY" and not loose.hit
    assert loose.feed("S") == "" and loose.flush() == "S"


def started(budget: int | None) -> ReplyStarted:
    return ReplyStarted(True, budget, THINKING_DEFAULTS, 1)


def test_reasoning_near_a_budget_is_held_until_the_cut_says_what_stays() -> None:
    text = ReplyText()
    assert text.feed(started(20)) == []
    assert text.feed(TextDelta("thinking", "One. ", 2, 1)) == [("reasoning", "One. ")]
    assert text.feed(TextDelta("thinking", "Two three", 17, 1)) == []  # past 20 - lookback
    assert text.feed(TextDelta("thinking", " four", 20, 1)) == []
    assert text.feed(ThinkingCut("One. Two", 15, 1)) == [("reasoning", "Two")]
    assert text.feed(TextDelta("answer", "Hi", 15, 1)) == [("content", "Hi")]
    text.feed(ReplyFinished("One. Two", "Hi", "stop", True, True, ReplyStats(), 1))
    assert (text.reasoning, text.content, text.finish_reason) == ("One. Two", "Hi", "stop")


def test_held_reasoning_is_released_when_it_closes_by_itself() -> None:
    text = ReplyText()
    text.feed(started(20))
    assert text.feed(TextDelta("thinking", "Short.", 19, 1)) == []
    assert text.feed(TextDelta("answer", "Hi", 19, 1)) == [("reasoning", "Short."), ("content", "Hi")]


def test_without_a_budget_nothing_is_held() -> None:
    text = ReplyText()
    text.feed(started(None))
    assert text.feed(TextDelta("thinking", "x" * 10, 10_000, 1)) == [("reasoning", "x" * 10)]


def test_a_context_cut_is_foreseen_too() -> None:
    text = ReplyText(max_tokens=100)
    text.feed(ReplyStarted(True, None, THINKING_DEFAULTS, 1, prompt_tokens=10, n_ctx=4096, answer_reserve=50))
    assert text.feed(TextDelta("thinking", "early", 10, 1)) == [("reasoning", "early")]
    assert text.feed(TextDelta("thinking", "late", 45, 1)) == []  # past 100 - 50 - lookback


def test_finish_reasons() -> None:
    for engine_reason, expected in (("stop", "stop"), ("length", "length"), ("cancelled", "stop")):
        text = ReplyText()
        text.feed(ReplyFinished("", "", engine_reason, False, False))
        assert text.finish_reason == expected
    stopped = ReplyText(stops=("!",))
    stopped.feed(TextDelta("answer", "Hi! there", 0, 1))
    stopped.feed(ReplyFinished("", "Hi! there", "cancelled", False, False))
    assert (stopped.content, stopped.finish_reason) == ("Hi", "stop")
