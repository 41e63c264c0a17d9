"""One reply: prompt, token loop, thinking split, budget cut and continue-thinking.

Runs inside the engine process. The token loop does the least per token that a
streaming chat needs — sample, look up the token's bytes, feed the thinking
parser, decode — and leaves coalescing of deltas to the emitter.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from app.core.budget import WRAP_UP, choose_cut
from app.core.chat import ReplyStats
from app.core.prompt import (
    ThinkingSupport,
    effective_thinking,
    prompt_opens_thinking,
    render_prompt,
)
from app.core.sampling import defaults_for
from app.core.thinking import ThinkingParser
from app.engine.llama_session import LlamaSession, Sampler
from app.engine.protocol import (
    EngineError,
    Event,
    GenerateRequest,
    PromptProgress,
    ReplyFinished,
    TextDelta,
    ThinkingCut,
)


class ContextFull(Exception):
    pass


@dataclass
class CutState:
    """Where the last budget cut happened, so "continue thinking" can resume exactly."""

    prompt_tokens: list[int]
    generated: list[int]  # reply tokens up to the cut (the opening tag included)
    thinking: str
    thinking_tokens: int


class ReplyGenerator:
    def __init__(self, session: LlamaSession, template: str | None, support: ThinkingSupport) -> None:
        self.session = session
        self.template = template
        self.support = support
        self.last_cut: CutState | None = None

    def _prompt_tokens(self, req: GenerateRequest, thinking: bool) -> tuple[list[int], bool]:
        s = self.session
        prompt = render_prompt(
            self.template,
            req.messages,
            enable_thinking=thinking,
            bos_token=s.bos_text() if s.add_bos else "",
            eos_token=s.eos_text(),
        )
        tokens = s.tokenize(prompt, add_special=s.add_bos and not prompt.startswith(s.bos_text() or "\0"))
        return tokens, prompt_opens_thinking(prompt)

    def _resume_prefix(self, prompt_tokens: list[int], text: str, opened: bool) -> tuple[list[int], int]:
        cut = self.last_cut
        if cut is not None and cut.prompt_tokens == prompt_tokens and cut.thinking == text:
            return list(cut.generated), cut.thinking_tokens
        # The engine was restarted or the chat changed: rebuild the reasoning from its text.
        body = self.session.tokenize(text, parse_special=False)
        head = [] if opened else self.session.tokenize("<think>\n", parse_special=True)
        return head + body, len(body)

    def run(self, req: GenerateRequest, emit: Callable[[Event], None], cancelled: Callable[[], bool]) -> None:
        s = self.session
        t0 = time.perf_counter()
        resuming = req.resume_thinking is not None
        thinking = resuming or effective_thinking(req.messages, req.thinking, req.budget, self.support)
        prompt_tokens, opened = self._prompt_tokens(req, thinking)
        prefix: list[int] = []
        prior_thinking, prior_count = "", 0
        if resuming:
            prior_thinking = req.resume_thinking or ""
            prefix, prior_count = self._resume_prefix(prompt_tokens, prior_thinking, opened)
            parser = ThinkingParser.resuming()
        else:
            parser = ThinkingParser(starts_in_thinking=opened)
        context = prompt_tokens + prefix
        if len(context) >= s.n_ctx - 1:
            emit(
                EngineError(
                    "context_full",
                    f"The conversation ({len(context)} tokens) does not fit the context of {s.n_ctx} tokens. "
                    "Start a new chat, delete old messages, or load the model with a larger context.",
                    req.request_id,
                )
            )
            return
        emit(PromptProgress(len(prompt_tokens), s.common_prefix(context), req.request_id))
        cached = s.prefill(context)
        sampling = req.sampling or defaults_for(thinking)
        sampler = Sampler(
            s,
            temperature=sampling.temperature,
            top_k=sampling.top_k,
            top_p=sampling.top_p,
            min_p=sampling.min_p,
            presence_penalty=sampling.presence_penalty,
            seed=req.seed,
        )
        try:
            self._loop(
                req,
                emit,
                cancelled,
                sampler,
                parser,
                prompt_tokens,
                prefix,
                thinking,
                prior_thinking,
                prior_count,
                cached,
                t0,
            )
        finally:
            sampler.close()

    def _loop(
        self,
        req: GenerateRequest,
        emit: Callable[[Event], None],
        cancelled: Callable[[], bool],
        sampler: Sampler,
        parser: ThinkingParser,
        prompt_tokens: list[int],
        prefix: list[int],
        thinking: bool,
        prior_thinking: str,
        prior_count: int,
        cached: int,
        t0: float,
    ) -> None:
        s = self.session
        rid = req.request_id
        base = len(prompt_tokens) + len(prefix)
        budget = req.budget if (thinking and req.budget is not None and req.budget > 0) else None
        room = s.n_ctx - base
        max_tokens = min(req.max_tokens, room) if req.max_tokens else room
        generated: list[int] = []
        think_pieces: list[bytes] = []
        think_start = 0 if parser.in_thinking else -1  # index in `generated` of the first reasoning token
        n_think = n_answer = 0
        budget_hit = False
        cut_thinking: str | None = None
        t_first = t_think_end = 0.0
        t_decode = time.perf_counter()
        reason = "length"
        piece_of, is_eog, eval_one, sample = s.piece, s.is_eog, s.eval_one, sampler.sample
        ignore_eos = req.ignore_eos
        while len(generated) < max_tokens:
            if cancelled():
                reason = "cancelled"
                break
            tok = sample()
            if not t_first:
                t_first = time.perf_counter()
            if not ignore_eos and is_eog(tok):
                reason = "stop"
                break
            piece = piece_of(tok)
            was_thinking = parser.in_thinking
            deltas = parser.feed(piece)
            generated.append(tok)
            if parser.in_thinking:
                if was_thinking:
                    n_think += 1
                    think_pieces.append(piece)
                else:
                    think_start = len(generated)
            else:
                if was_thinking:
                    t_think_end = time.perf_counter()
                n_answer += 1
            for d in deltas:
                emit(TextDelta(d.kind, d.text, prior_count + n_think, rid))
            eval_one(tok)
            if budget is not None and parser.in_thinking and n_think >= budget:
                keep = choose_cut(think_pieces, budget)
                generated = generated[: think_start + keep]
                s.truncate(base + len(generated))
                replay = (
                    ThinkingParser.resuming()
                    if prefix
                    else ThinkingParser(starts_in_thinking=think_start == 0)
                )
                for t in generated:
                    replay.feed(piece_of(t))
                replay.finish()
                n_think = keep
                cut_thinking = prior_thinking + replay.thinking
                self.last_cut = CutState(prompt_tokens, prefix + generated, cut_thinking, prior_count + keep)
                emit(ThinkingCut(cut_thinking, prior_count + keep, rid))
                wrap = s.tokenize(WRAP_UP, parse_special=True)
                if s.n_ctx - len(s.tokens) <= len(wrap) + 1:
                    reason = "length"
                    break
                s.eval(wrap)
                for t in wrap:
                    sampler.accept(t)
                generated.extend(wrap)
                parser = ThinkingParser.answering()
                budget_hit = True
                budget = None
                t_think_end = time.perf_counter()
        for d in parser.finish():
            emit(TextDelta(d.kind, d.text, prior_count + n_think, rid))
        t_end = time.perf_counter()
        final_thinking = cut_thinking if cut_thinking is not None else prior_thinking + parser.thinking
        if not budget_hit:
            self.last_cut = None
        used_thinking = bool(final_thinking) or parser.saw_think_block or budget_hit
        n_generated = n_think + n_answer
        decode_s = max(t_end - t_decode, 1e-9)
        stats = ReplyStats(
            prompt_tokens=len(prompt_tokens),
            cached_tokens=cached,
            thinking_tokens=prior_count + n_think,
            answer_tokens=n_answer,
            ttft_s=(t_first - t0) if t_first else 0.0,
            thinking_s=(t_think_end - t_first) if (t_think_end and t_first) else 0.0,
            total_s=t_end - t0,
            tokens_per_s=n_generated / decode_s,
        )
        emit(
            ReplyFinished(
                thinking=final_thinking,
                answer=parser.answer,
                finish_reason=reason,
                budget_hit=budget_hit,
                thinking_used=used_thinking,
                stats=stats,
                request_id=rid,
            )
        )
