"""What Ponder sends to each kind of server and how it reads their streams: pure functions.

Kept free of I/O so that the request shapes of servers that cannot run here (vLLM, SGLang,
Ollama, LM Studio, Qwen's hosted API) are checked against their documented parameters in
tests. Two ways to ask for a reply:

* **raw**: the prompt rendered by Ponder from the model's template, sent to a raw-prompt
  completion endpoint (llama-server ``/completion``, vLLM/SGLang ``/v1/completions``, Ollama
  ``/api/generate`` with ``raw``). Ponder then controls the reasoning token by token: the
  exact budget with a clean cut (see reply.py).
* **chat**: the messages sent to a chat endpoint, thinking switched by the server's own
  parameter, and a budget only where the server has one (it cuts where the count ends).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.core.chat.budget import WRAP_UP
from app.core.chat.messages import PromptMessage
from app.core.chat.sampling import Sampling

Part = str | int  # text, or a token id the server generated (llama-server only)


class Kind(enum.StrEnum):
    LLAMA = "llama-server"
    VLLM = "vllm"
    SGLANG = "sglang"
    OLLAMA = "ollama"
    LMSTUDIO = "lm-studio"
    QWEN_API = "qwen-api"  # Qwen's hosted API (DashScope, OpenAI-compatible mode)
    PONDER = "ponder"  # another Ponder's `ponder serve` (its chat endpoint cuts exactly)
    OPENAI = "openai-compatible"


KIND_NAMES: dict[Kind, str] = {
    Kind.LLAMA: "llama.cpp server",
    Kind.VLLM: "vLLM",
    Kind.SGLANG: "SGLang",
    Kind.OLLAMA: "Ollama",
    Kind.LMSTUDIO: "LM Studio",
    Kind.QWEN_API: "Qwen API",
    Kind.PONDER: "Ponder",
    Kind.OPENAI: "OpenAI-compatible server",
}

# How a server can hold the reasoning to a budget.
EXACT, ROUGH, NONE = "exact", "rough", "none"

# Servers that take a raw prompt and let Ponder cut the reasoning itself.
RAW_KINDS = (Kind.LLAMA, Kind.VLLM, Kind.SGLANG, Kind.OLLAMA)
# Servers whose chat endpoint has a budget parameter of its own (a hard stop mid-word).
_CHAT_BUDGET_KINDS = (Kind.LLAMA, Kind.VLLM, Kind.SGLANG, Kind.QWEN_API)
# Servers that understand top_k / min_p beside the OpenAI parameters.
_EXTRA_SAMPLING_KINDS = (Kind.LLAMA, Kind.VLLM, Kind.SGLANG, Kind.LMSTUDIO, Kind.PONDER)
# SGLang clips a generation to the room left in the context, but wants a number.
SGLANG_MAX_TOKENS = 1 << 20

# llama-server injects this before its closing tag when its own budget runs out: Qwen's
# wrap-up without the tag, so that even the rough cut reads as Qwen's.
WRAP_UP_MESSAGE = WRAP_UP.split("</think>")[0]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One request: where to send it, what to send, and how the answer streams."""

    path: str
    body: dict[str, Any]
    framing: str  # "sse" or "ndjson"
    reader: str  # which parser reads the chunks: see parse_chunk


def budget_cut(kind: Kind, raw: bool) -> str:
    """How exactly this server can hold a reasoning budget."""
    if raw or kind is Kind.PONDER:  # Ponder's server makes Ponder's own clean cut
        return EXACT
    return ROUGH if kind in _CHAT_BUDGET_KINDS else NONE


def prompt_value(parts: Sequence[Part]) -> str | list[Part]:
    """A prompt as llama-server takes it: one string, or strings and token ids mixed.

    Adjacent strings are joined: an array of strings alone would mean several prompts."""
    merged: list[Part] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] = merged[-1] + part
        elif part != "":
            merged.append(part)
    if all(isinstance(p, str) for p in merged):
        return "".join(str(p) for p in merged)
    return merged


def prompt_text(parts: Sequence[Part]) -> str:
    """The prompt for servers that take text only (token ids never reach them)."""
    if not all(isinstance(p, str) for p in parts):
        raise ValueError("token ids in a prompt for a text-only server")
    return "".join(str(p) for p in parts)


def _sampling(kind: Kind, s: Sampling, seed: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "temperature": s.temperature,
        "top_p": s.top_p,
        "presence_penalty": s.presence_penalty,
    }
    if kind in _EXTRA_SAMPLING_KINDS or kind is Kind.OLLAMA:
        out["top_k"] = s.top_k
        out["min_p"] = s.min_p
    if seed is not None:
        out["seed"] = seed
    return out


def raw_request(
    kind: Kind,
    model: str,
    parts: Sequence[Part],
    *,
    n_predict: int | None,
    sampling: Sampling,
    seed: int | None = None,
    ignore_eos: bool = False,
) -> Endpoint:
    """A raw-prompt completion that streams; ``n_predict`` None: until a stop or the context ends."""
    if kind is Kind.LLAMA:
        body: dict[str, Any] = {
            "prompt": prompt_value(parts),
            "stream": True,
            "n_predict": -1 if n_predict is None else n_predict,
            "cache_prompt": True,  # the second phase of a cut reuses the prompt and the reasoning
            "return_progress": True,  # prompt size and cached part, before the first token
            "repeat_penalty": 1.0,  # Qwen's settings have none; llama-server's default is not 1
            **_sampling(kind, sampling, seed),
        }
        if ignore_eos:
            body["ignore_eos"] = True
        return Endpoint("/completion", body, "sse", "llama")
    if kind in (Kind.VLLM, Kind.SGLANG):
        limit = n_predict
        if limit is None and kind is Kind.SGLANG:
            limit = SGLANG_MAX_TOKENS
        body = {
            "model": model,
            "prompt": prompt_text(parts),
            "stream": True,
            "stream_options": {"include_usage": True},
            "max_tokens": limit,  # vLLM: null means "up to the end of the context"
            "skip_special_tokens": False,  # <think> and </think> must reach Ponder's parser
            **_sampling(kind, sampling, seed),
        }
        if ignore_eos:
            body["ignore_eos"] = True
        return Endpoint("/v1/completions", body, "sse", "completions")
    if kind is Kind.OLLAMA:
        options = {**_sampling(kind, sampling, seed), "num_predict": -1 if n_predict is None else n_predict}
        body = {"model": model, "prompt": prompt_text(parts), "raw": True, "stream": True, "options": options}
        return Endpoint("/api/generate", body, "ndjson", "ollama")
    raise ValueError(f"{kind} has no raw-prompt endpoint")


def soft_switched(messages: Sequence[PromptMessage], thinking: bool) -> list[PromptMessage]:
    """Qwen's soft switch appended to the last user message, for servers with no thinking toggle."""
    out = list(messages)
    for i in range(len(out) - 1, -1, -1):
        if out[i].role == "user":
            switch = "/think" if thinking else "/no_think"
            out[i] = PromptMessage("user", f"{out[i].content} {switch}")
            break
    return out


def chat_request(
    kind: Kind,
    model: str,
    messages: Sequence[PromptMessage],
    *,
    thinking: bool,
    budget: int | None,
    max_tokens: int | None,
    sampling: Sampling,
    seed: int | None = None,
    soft_switch: bool = False,
) -> Endpoint:
    """A chat completion that streams, with the server's own thinking switch and budget."""
    if soft_switch:
        messages = soft_switched(messages, thinking)
    listed = [{"role": m.role, "content": m.content} for m in messages]
    if kind is Kind.OLLAMA:
        options = {**_sampling(kind, sampling, seed), "num_predict": -1 if max_tokens is None else max_tokens}
        body: dict[str, Any] = {
            "model": model,
            "messages": listed,
            "stream": True,
            "think": thinking,
            "options": options,
        }
        return Endpoint("/api/chat", body, "ndjson", "ollama")
    body = {
        "model": model,
        "messages": listed,
        "stream": True,
        "stream_options": {"include_usage": True},
        **_sampling(kind, sampling, seed),
    }
    if max_tokens is not None:
        body["max_tokens"] = max_tokens
    cap = budget if thinking and budget is not None and budget > 0 else None
    if kind in (Kind.LLAMA, Kind.VLLM, Kind.SGLANG, Kind.PONDER):
        body["chat_template_kwargs"] = {"enable_thinking": thinking}
    if kind is Kind.LLAMA and cap is not None:
        body["reasoning_budget_tokens"] = cap
        body["reasoning_budget_message"] = WRAP_UP_MESSAGE
    elif kind is Kind.VLLM and cap is not None:
        body["thinking_token_budget"] = cap
    elif kind is Kind.SGLANG:
        body["separate_reasoning"] = True
        if cap is not None:
            body["custom_params"] = {"thinking_budget": cap}
    elif kind is Kind.QWEN_API:
        body["enable_thinking"] = thinking
        if cap is not None:
            body["thinking_budget"] = cap
    elif kind is Kind.PONDER and cap is not None:
        body["thinking_budget"] = cap
    return Endpoint("/v1/chat/completions", body, "sse", "chat")


# ---- reading the streams ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Usage:
    """What the server says about a finished request (None: not said)."""

    prompt_tokens: int | None = None  # the whole prompt
    cached_tokens: int | None = None  # of which reused from the server's cache
    completion_tokens: int | None = None
    reasoning_tokens: int | None = None
    prompt_ms: float | None = None
    predicted_per_s: float | None = None


@dataclass(frozen=True, slots=True)
class Chunk:
    """One piece of a stream, whatever the server's format."""

    text: str = ""  # raw output (may hold <think> tags) or answer text
    reasoning: str = ""  # reasoning the server split off itself
    decoded: int | None = None  # tokens generated so far in this request (llama-server)
    token: int | None = None  # the id of the token this chunk ends with (llama-server)
    prompt: tuple[int, int] | None = None  # (prompt tokens, of which cached), before the first token
    finish: str | None = None  # "stop", "length" or "context" once the request ended
    usage: Usage | None = None
    cut: str | None = None  # why the server cut the reasoning ("budget", "context"; Ponder says)


class StreamError(Exception):
    """The server reported an error inside the stream."""


def stream_payloads(lines: Any, framing: str) -> Any:
    """JSON objects from SSE ``data:`` lines or from NDJSON lines."""
    for line in lines:
        if not line:
            continue
        if framing == "ndjson":
            yield _loads(line)
            continue
        if line.startswith(b"data:"):
            data = line[5:].strip()
            if data == b"[DONE]":
                return
            yield _loads(data)
        elif line.startswith(b"error:"):
            raise StreamError(_error_text(_loads(line[6:].strip())))
        # comments (": ping") and event names carry nothing Ponder needs


def _loads(data: bytes) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        raise StreamError(f"unreadable data in the stream: {data[:80]!r}") from None


def _error_text(obj: Any) -> str:
    if isinstance(obj, dict):
        error = obj.get("error", obj)
        if isinstance(error, dict):
            return str(error.get("message") or error)
        return str(error)
    return str(obj)


def parse_chunk(reader: str, obj: Any) -> Chunk:
    if not isinstance(obj, dict):
        raise StreamError("unexpected data in the stream")
    if "error" in obj and obj.get("error"):
        raise StreamError(_error_text(obj))
    if reader == "llama":
        return _llama(obj)
    if reader == "completions":
        return _completions(obj)
    if reader == "chat":
        return _chat(obj)
    if reader == "ollama":
        return _ollama(obj)
    raise ValueError(reader)


def _dict(obj: dict[str, Any], key: str) -> dict[str, Any]:
    value = obj.get(key)
    return value if isinstance(value, dict) else {}


def _str(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _llama(obj: dict[str, Any]) -> Chunk:
    progress = obj.get("prompt_progress")
    if isinstance(progress, dict):
        return Chunk(prompt=(_int(progress.get("total")) or 0, _int(progress.get("cache")) or 0))
    tokens = obj.get("tokens")
    token = tokens[-1] if isinstance(tokens, list) and tokens and isinstance(tokens[-1], int) else None
    text = _str(obj, "content")
    decoded = _int(obj.get("tokens_predicted"))
    if not obj.get("stop"):
        return Chunk(text=text, decoded=decoded, token=token)
    t = _dict(obj, "timings")
    prompt_n, cache_n = _int(t.get("prompt_n")), _int(t.get("cache_n"))
    usage = Usage(
        prompt_tokens=_int(obj.get("tokens_evaluated")),
        cached_tokens=cache_n,
        completion_tokens=_int(t.get("predicted_n")) if "predicted_n" in t else decoded,
        prompt_ms=_float(t.get("prompt_ms")),
        predicted_per_s=_float(t.get("predicted_per_second")),
    )
    if usage.prompt_tokens is None and prompt_n is not None:
        usage = Usage(**{**_asdict(usage), "prompt_tokens": prompt_n + (cache_n or 0)})
    stop_type = obj.get("stop_type")
    finish = "context" if obj.get("truncated") else ("length" if stop_type == "limit" else "stop")
    return Chunk(text=text, decoded=decoded, token=token, finish=finish, usage=usage)


def _asdict(usage: Usage) -> dict[str, Any]:
    return {name: getattr(usage, name) for name in usage.__slots__}


def _openai_usage(obj: dict[str, Any]) -> Usage | None:
    u = obj.get("usage")
    if not isinstance(u, dict):
        return None
    prompt_details, done_details = _dict(u, "prompt_tokens_details"), _dict(u, "completion_tokens_details")
    t = _dict(obj, "timings")  # llama-server adds these
    return Usage(
        prompt_tokens=_int(u.get("prompt_tokens")),
        cached_tokens=_int(prompt_details.get("cached_tokens")),
        completion_tokens=_int(u.get("completion_tokens")),
        reasoning_tokens=_int(done_details.get("reasoning_tokens")),
        prompt_ms=_float(t.get("prompt_ms")),
        predicted_per_s=_float(t.get("predicted_per_second")),
    )


def _finish(reason: Any) -> str | None:
    if reason is None:
        return None
    return "length" if reason == "length" else "stop"


def _completions(obj: dict[str, Any]) -> Chunk:
    choices = obj.get("choices") or []
    choice = choices[0] if choices and isinstance(choices[0], dict) else {}
    text = _str(choice, "text")
    return Chunk(text=text, finish=_finish(choice.get("finish_reason")), usage=_openai_usage(obj))


def _chat(obj: dict[str, Any]) -> Chunk:
    choices = obj.get("choices") or []
    choice = choices[0] if choices and isinstance(choices[0], dict) else {}
    delta = _dict(choice, "delta")
    text = _str(delta, "content")
    # vLLM and llama-server say reasoning_content; newer vLLM and LM Studio also reasoning.
    reasoning = delta.get("reasoning_content") or delta.get("reasoning") or ""
    cut = choice.get("reasoning_cut")
    return Chunk(
        text=text,
        reasoning=reasoning if isinstance(reasoning, str) else "",
        finish=_finish(choice.get("finish_reason")),
        usage=_openai_usage(obj),
        cut=cut if isinstance(cut, str) and cut else None,
    )


def _ollama(obj: dict[str, Any]) -> Chunk:
    message = obj.get("message") if isinstance(obj.get("message"), dict) else None
    if message is not None:  # /api/chat
        text, reasoning = message.get("content") or "", message.get("thinking") or ""
    else:  # /api/generate
        text, reasoning = obj.get("response") or "", obj.get("thinking") or ""
    if not obj.get("done"):
        return Chunk(text=str(text), reasoning=str(reasoning))
    ns = 1e-6  # Ollama's durations are nanoseconds
    eval_count, eval_ns = _int(obj.get("eval_count")), _float(obj.get("eval_duration"))
    usage = Usage(
        prompt_tokens=_int(obj.get("prompt_eval_count")),
        completion_tokens=eval_count,
        prompt_ms=(_float(obj.get("prompt_eval_duration")) or 0.0) * ns,
        predicted_per_s=eval_count / (eval_ns * 1e-9) if eval_count and eval_ns else None,
    )
    finish = "length" if obj.get("done_reason") == "length" else "stop"
    return Chunk(text=str(text), reasoning=str(reasoning), finish=finish, usage=usage)
