"""OpenAI request bodies -> engine requests, with a clear 400 for anything the engine cannot honour.

Fields a client sends are checked by name and type; a field nobody defined is refused (as
OpenAI does), a known field Ponder cannot honour is refused only when it asks for something
(``n`` of 2, tools, log-probabilities), and hints without effect here (``user``,
``metadata``…) are accepted. Thinking controls come under the names clients already use:
``chat_template_kwargs.enable_thinking`` (vLLM, SGLang), ``enable_thinking`` and
``thinking_budget`` (Qwen's API), ``thinking_token_budget`` (vLLM), ``reasoning_budget_tokens``
(llama-server) and ``reasoning_effort`` (OpenAI), mapped to :data:`EFFORT_BUDGETS`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.core.chat.messages import PromptMessage
from app.core.chat.sampling import ModeSampling
from app.engine.protocol import GenerateRequest
from app.server.errors import ApiError, bad_request

__all__ = ["BUDGET_FIELDS", "EFFORT_BUDGETS", "Job", "parse_chat", "parse_completion"]

# reasoning_effort -> thinking budget in tokens (None: as long as the model wants; 0: no thinking).
EFFORT_BUDGETS: dict[str, int | None] = {"none": 0, "minimal": 256, "low": 1024, "medium": 4096, "high": None}
BUDGET_FIELDS = ("thinking_budget", "thinking_token_budget", "reasoning_budget_tokens")
MAX_STOPS = 4
_UNSUPPORTED = "unsupported_parameter"

_ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant", "tool": "tool"}
# Accepted and without effect on a local model.
_HINTS = (
    "user",
    "metadata",
    "store",
    "service_tier",
    "safety_identifier",
    "prompt_cache_key",
    "prompt_cache_options",
    "prompt_cache_retention",
    "parallel_tool_calls",
    "verbosity",
    "moderation",
)
_SAMPLING = ("temperature", "top_p", "top_k", "min_p", "presence_penalty", "frequency_penalty", "seed")
_COMMON = ("model", "stream", "stream_options", "max_tokens", "stop", "n", "logprobs", "logit_bias")
_CHAT_FIELDS = frozenset(
    (
        *_COMMON,
        *_SAMPLING,
        *_HINTS,
        *BUDGET_FIELDS,
        "messages",
        "max_completion_tokens",
        "top_logprobs",
        "tools",
        "tool_choice",
        "functions",
        "function_call",
        "response_format",
        "audio",
        "modalities",
        "prediction",
        "web_search_options",
        "reasoning_effort",
        "chat_template_kwargs",
        "enable_thinking",
    )
)
_PLAIN_CHAT_ONLY = (
    "tools",
    "functions",
    "function_call",
    "tool_choice",
    "audio",
    "prediction",
    "web_search_options",
)
_TEXT_FIELDS = frozenset((*_COMMON, *_SAMPLING, *_HINTS, "prompt", "echo", "best_of", "suffix"))


@dataclass(frozen=True, slots=True)
class Job:
    """One request as the server runs it."""

    request: GenerateRequest
    model: str
    stream: bool = False
    include_usage: bool = False
    stops: tuple[str, ...] = ()


def parse_chat(body: Mapping[str, Any], models: Sequence[str], sampling: ModeSampling) -> Job:
    """``POST /v1/chat/completions``; ``models`` are the names served, the first the main one."""
    _known(body, _CHAT_FIELDS)
    _unsupported_chat(body)
    messages = _messages(body.get("messages"))
    thinking, budget = _thinking(body)
    max_tokens = _int(body, "max_completion_tokens", low=1)
    if max_tokens is None:
        max_tokens = _int(body, "max_tokens", low=1)
    request = GenerateRequest(
        messages,
        thinking=thinking,
        budget=budget,
        sampling=_sampling(body, sampling),
        max_tokens=max_tokens,
        seed=_int(body, "seed"),
    )
    return _job(body, request, models)


def parse_completion(body: Mapping[str, Any], models: Sequence[str], sampling: ModeSampling) -> Job:
    """``POST /v1/completions``: the prompt goes to the model as it is, no template."""
    _known(body, _TEXT_FIELDS)
    _default(body, "echo", (False,), "echo is not supported.")
    _default(body, "best_of", (1,), "best_of must be 1.")
    _default(body, "suffix", ("",), "suffix (fill in the middle) is not supported.")
    prompt = body.get("prompt")
    if isinstance(prompt, list) and len(prompt) == 1:
        prompt = prompt[0]
    if not isinstance(prompt, str):
        raise bad_request("prompt must be a string (or a list of one string).", "prompt")
    if not prompt:
        raise bad_request("prompt must not be empty.", "prompt")
    request = GenerateRequest(
        (),
        thinking=False,
        sampling=_sampling(body, sampling),
        max_tokens=_int(body, "max_tokens", low=1),
        seed=_int(body, "seed"),
        raw_prompt=prompt,
    )
    return _job(body, request, models)


# -- parts ----------------------------------------------------------------------------------
def _job(body: Mapping[str, Any], request: GenerateRequest, models: Sequence[str]) -> Job:
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise bad_request("model must be a string.", "model")
    if model and model not in models:
        raise ApiError(404, f"The model '{model}' does not exist.", param="model", code="model_not_found")
    _default(body, "n", (1,), "n must be 1: Ponder writes one reply per request.")
    _default(body, "logprobs", (False, 0), "logprobs are not supported.")
    _default(body, "logit_bias", ({},), "logit_bias is not supported.")
    stream = bool(_bool(body, "stream"))
    options = body.get("stream_options")
    include_usage = False
    if options is not None:
        if not isinstance(options, dict):
            raise bad_request("stream_options must be an object.", "stream_options")
        include_usage = bool(_bool(options, "include_usage", "stream_options.include_usage"))
    return Job(request, model or models[0], stream, include_usage, _stops(body.get("stop")))


def _known(body: Mapping[str, Any], fields: frozenset[str]) -> None:
    for name in body:
        if name not in fields:
            raise bad_request(f"Unrecognized request argument supplied: {name}", name, "unknown_parameter")


def _default(body: Mapping[str, Any], name: str, allowed: tuple[object, ...], message: str) -> None:
    """A field Ponder cannot honour: fine when absent, null or one of the ``allowed`` no-op values."""
    value = body.get(name)
    if value is None or any(value == a and type(value) is type(a) for a in allowed):
        return
    raise bad_request(message, name, _UNSUPPORTED)


def _unsupported_chat(body: Mapping[str, Any]) -> None:
    for name in (
        "tools",
        "functions",
        "function_call",
        "tool_choice",
        "audio",
        "prediction",
        "web_search_options",
    ):
        _default(body, name, ([], "none", "auto"), f"{name} is not supported: Ponder serves plain chat.")
    _default(body, "top_logprobs", (0,), "top_logprobs is not supported.")
    fmt = body.get("response_format")
    if fmt is not None and fmt != {"type": "text"}:
        raise bad_request(
            "response_format: only text is supported.", "response_format", "unsupported_parameter"
        )
    modalities = body.get("modalities")
    if modalities is not None and modalities != ["text"]:
        raise bad_request("modalities: only text is supported.", "modalities", _UNSUPPORTED)


def _messages(value: object) -> tuple[PromptMessage, ...]:
    if not isinstance(value, list) or not value:
        raise bad_request("messages must be a non-empty array.", "messages")
    out: list[PromptMessage] = []
    for i, item in enumerate(value):
        where = f"messages[{i}]"
        if not isinstance(item, dict):
            raise bad_request(f"{where} must be an object.", where)
        role = _ROLES.get(str(item.get("role")))
        if role is None:
            raise bad_request(f"{where}.role must be one of {', '.join(_ROLES)}.", f"{where}.role")
        if item.get("tool_calls"):
            raise bad_request(
                "Tool calls are not supported: Ponder serves plain chat.", f"{where}.tool_calls"
            )
        # A past reply's reasoning_content is dropped: past thinking is not sent back to Qwen3.
        out.append(PromptMessage(role, _content(item.get("content"), f"{where}.content")))
    return tuple(out)


def _content(value: object, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        texts = []
        for part in value:
            if (
                not isinstance(part, dict)
                or part.get("type") != "text"
                or not isinstance(part.get("text"), str)
            ):
                raise bad_request(f"{where}: only text parts are supported.", where)
            texts.append(part["text"])
        return "\n".join(texts)
    raise bad_request(f"{where} must be a string or an array of text parts.", where)


def _thinking(body: Mapping[str, Any]) -> tuple[bool, int | None]:
    """(thinking on, budget) from every name a client may use; None: no budget."""
    kwargs = body.get("chat_template_kwargs")
    if kwargs is not None and not isinstance(kwargs, dict):
        raise bad_request("chat_template_kwargs must be an object.", "chat_template_kwargs")
    switches = {
        v
        for v in (
            _bool(kwargs or {}, "enable_thinking", "chat_template_kwargs.enable_thinking"),
            _bool(body, "enable_thinking"),
        )
        if v is not None
    }
    if len(switches) > 1:
        raise bad_request("enable_thinking is given twice with different values.", "enable_thinking")
    thinking = switches.pop() if switches else True
    budgets = {name: _int(body, name, low=-1) for name in BUDGET_FIELDS}
    given = {v for v in budgets.values() if v is not None}
    if len(given) > 1:
        names = ", ".join(n for n, v in budgets.items() if v is not None)
        raise bad_request(f"Different thinking budgets given ({names}).", next(iter(budgets)))
    if given:
        budget = given.pop()
        return thinking and budget != 0, None if budget == -1 else budget
    effort = body.get("reasoning_effort")
    if effort is None:
        return thinking, None
    if effort not in EFFORT_BUDGETS:
        raise bad_request(f"reasoning_effort must be one of {', '.join(EFFORT_BUDGETS)}.", "reasoning_effort")
    effort_budget = EFFORT_BUDGETS[effort]
    return thinking and effort_budget != 0, effort_budget


def _sampling(body: Mapping[str, Any], base: ModeSampling) -> ModeSampling:
    penalty = _number(body, "frequency_penalty", -2.0, 2.0)
    if penalty:
        raise bad_request(
            "frequency_penalty is not supported (presence_penalty is).",
            "frequency_penalty",
            "unsupported_parameter",
        )
    return base.with_overrides(
        temperature=_number(body, "temperature", 0.0, 2.0),
        top_p=_number(body, "top_p", 0.0, 1.0),
        top_k=_int(body, "top_k", low=0),
        min_p=_number(body, "min_p", 0.0, 1.0),
        presence_penalty=_number(body, "presence_penalty", -2.0, 2.0),
    )


def _stops(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    stops = [value] if isinstance(value, str) else value
    if not isinstance(stops, list) or not all(isinstance(s, str) and s for s in stops):
        raise bad_request("stop must be a string or an array of non-empty strings.", "stop")
    if len(stops) > MAX_STOPS:
        raise bad_request(f"stop takes at most {MAX_STOPS} sequences.", "stop")
    return tuple(stops)


# -- typed fields: null is "not given"; a bool is no number ----------------------------------------
def _int(body: Mapping[str, Any], name: str, *, low: int | None = None) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise bad_request(f"{name} must be an integer.", name)
    if low is not None and value < low:
        raise bad_request(f"{name} must be at least {low}.", name)
    return value


def _number(body: Mapping[str, Any], name: str, low: float, high: float) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise bad_request(f"{name} must be a number.", name)
    if not low <= value <= high:
        raise bad_request(f"{name} must be between {low:g} and {high:g}.", name)
    return float(value)


def _bool(body: Mapping[str, Any], name: str, param: str | None = None) -> bool | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise bad_request(f"{param or name} must be true or false.", param or name)
    return value
