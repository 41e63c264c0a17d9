"""Messages between the app and the engine process (all picklable, Qt-free)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.chat.messages import PromptMessage, ReplyStats
from app.core.chat.sampling import ModeSampling, Sampling
from app.core.store.settings import AUTO_CONTEXT

# ---- requests (app -> engine) ----------------------------------------------


@dataclass(frozen=True, slots=True)
class LoadRequest:
    path: str
    n_ctx: int = AUTO_CONTEXT  # 0: Auto, the largest context that fits (core.models.fit.choose_context)
    n_gpu_layers: int | str = 0  # a number, -1 for all, or "auto"
    n_threads: int | None = None
    flash_attn: bool | None = None
    use_mmap: bool = True
    allow_oversize: bool = False  # load even when the estimate says it will not fit
    kv_cache: str = "auto"  # "f16", "q8_0", "q4_0", or "auto": f16 unless only q8_0 fits
    # Other computers running `ponder worker` (or llama.cpp's rpc-server), "host:port": the
    # layers are spread over their memory and this computer's (ModelLoaded.info["offload"]).
    rpc_servers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GenerateRequest:
    messages: tuple[PromptMessage, ...]
    thinking: bool = True
    budget: int | None = None  # thinking tokens; None: unlimited
    # Per mode (chosen by the mode the reply really runs in), one for any mode, or None for
    # Qwen's defaults of the mode.
    sampling: ModeSampling | Sampling | None = None
    max_tokens: int | None = None
    seed: int | None = None
    # Continue a reasoning that the budget cut: its text so far, and the new budget.
    resume_thinking: str | None = None
    ignore_eos: bool = False  # benchmarks only
    request_id: int = 0
    # Tokens of the context kept for the answer while the model reasons; None: the larger of
    # 1,024 and 15% of the context (never more than half of what the prompt leaves).
    answer_reserve: int | None = None
    # When the conversation does not fit, leave its oldest turns out of the model's view
    # (ReplyStarted.hidden says how many) instead of refusing with "context_full".
    fit_context: bool = False
    # Continue an answer that the context end cut: the answer so far (the reasoning is not
    # sent again, as for any past reply).
    resume_answer: str | None = None
    # A raw completion (the server's /v1/completions): this text is the whole prompt, no chat
    # template; the output comes back verbatim as answer text (tags included, nothing stripped).
    raw_prompt: str | None = None


@dataclass(frozen=True, slots=True)
class UnloadRequest:
    pass


@dataclass(frozen=True, slots=True)
class ShutdownRequest:
    pass


# ---- events (engine -> app) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoadProgress:
    fraction: float


@dataclass(frozen=True, slots=True)
class ModelLoaded:
    path: str
    info: dict[str, Any]
    thinking_support: str  # ThinkingSupport value
    load_s: float


@dataclass(frozen=True, slots=True)
class ReplyStarted:
    """The engine decided how this reply runs; the window and the CLI show what it says.

    The engine is the one place that decides a reply's mode (the model's support, the
    toggle, ``/think`` and ``/no_think``, a budget of 0) and its sampling.
    """

    thinking: bool
    budget: int | None  # the user's reasoning budget in this mode; None: unlimited
    sampling: Sampling
    request_id: int = 0
    prompt_tokens: int = 0
    n_ctx: int = 0
    answer_reserve: int = 0  # context tokens kept for the answer while the model reasons
    hidden: int = 0  # the oldest messages left out of the model's view (fit_context)


@dataclass(frozen=True, slots=True)
class PromptProgress:
    """The prompt is being evaluated (emitted once, before the first token)."""

    prompt_tokens: int
    cached_tokens: int
    request_id: int = 0


@dataclass(frozen=True, slots=True)
class TextDelta:
    kind: str  # "thinking" or "answer"
    text: str
    thinking_tokens: int = 0  # running count, for a live meter
    request_id: int = 0


@dataclass(frozen=True, slots=True)
class ThinkingCut:
    """Ponder ended the reasoning (``reason``: "budget", "context" or "user") with Qwen's
    wrap-up; ``thinking`` replaces what was streamed and the answer follows."""

    thinking: str
    thinking_tokens: int
    request_id: int = 0
    reason: str = "budget"


@dataclass(frozen=True, slots=True)
class ReplyFinished:
    thinking: str
    answer: str
    finish_reason: str  # "stop", "length", "cancelled"
    budget_hit: bool
    thinking_used: bool
    stats: ReplyStats = field(default_factory=ReplyStats)
    request_id: int = 0
    cut_reason: str | None = None  # why the reasoning ended: "budget", "context", "user"; None: itself
    context_used: int = 0  # tokens in the context when the reply ended
    n_ctx: int = 0


@dataclass(frozen=True, slots=True)
class Unloaded:
    pass


@dataclass(frozen=True, slots=True)
class EngineError:
    """Something failed; ``kind`` tells the UI what to offer."""

    kind: str  # "load", "generate", "context_full", "crash", "busy"
    message: str
    request_id: int = 0
    detail: str = ""
    lost: tuple[str, ...] = ()  # RPC workers ("host:port") that stopped answering: reload without them


Event = (
    LoadProgress
    | ModelLoaded
    | ReplyStarted
    | PromptProgress
    | TextDelta
    | ThinkingCut
    | ReplyFinished
    | Unloaded
    | EngineError
)
Request = LoadRequest | GenerateRequest | UnloadRequest | ShutdownRequest
