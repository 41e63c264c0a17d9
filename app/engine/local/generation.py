"""One reply: prompt, token loop, thinking split, budget cut and continue-thinking.

Runs inside the engine process. The token loop does the least per token that a
streaming chat needs — sample, look up the token's bytes, feed the thinking
parser, decode — and leaves coalescing of deltas to the emitter.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from app.core.chat.budget import WRAP_UP, answer_reserve, choose_cut
from app.core.chat.messages import ReplyStats
from app.core.chat.prompt import (
    ThinkingSupport,
    effective_thinking,
    prompt_opens_thinking,
    render_prompt_parts,
)
from app.core.chat.sampling import sampling_for
from app.core.chat.thinking import Phase, ThinkingParser
from app.engine.local.llama_session import LlamaSession, Sampler
from app.engine.protocol import (
    EngineError,
    Event,
    GenerateRequest,
    PromptProgress,
    ReplyFinished,
    ReplyStarted,
    TextDelta,
    ThinkingCut,
)

# Answer text is handed to the emitter at most this often (the emitter coalesces anyway).
ANSWER_BATCH_S = 0.03
# A conversation leaves at least this much of the context for the reply, or it does not fit.
MIN_REPLY_ROOM = 64


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
        if req.raw_prompt is not None:
            return s.tokenize(req.raw_prompt, add_special=s.add_bos), False
        parts = render_prompt_parts(
            self.template,
            req.messages,
            enable_thinking=thinking,
            bos_token=s.bos_text() if s.add_bos else "",
            eos_token=s.eos_text(),
        )
        prompt = "".join(p.text for p in parts)
        # Messages are text: a <|im_end|> typed in one stays characters (see tokenize_prompt).
        tokens = s.tokenize_prompt(parts, add_bos=s.add_bos and not prompt.startswith(s.bos_text() or "\0"))
        return tokens, prompt_opens_thinking(prompt)

    def _resume_prefix(self, prompt_tokens: list[int], text: str, opened: bool) -> tuple[list[int], int, str]:
        """The reasoning's tokens to resume from, how many of them are reasoning, and the
        whitespace they end with that ``text`` (stripped at the cut) lacks."""
        cut = self.last_cut
        if cut is not None and cut.prompt_tokens == prompt_tokens and cut.thinking == text:
            # The reasoning's text ends where its last word does, but a cut after a line end
            # may have kept the line end's own token: leave it for the model to write again,
            # so that the text it resumes with starts with it ("X.\nFirst", not "X.First").
            kept, trimmed = self.session.without_trailing_space(cut.generated)
            # A line end inside the last kept token (Qwen writes ".\n" as one) stays in the
            # cache: give it back to the text, where the cut had stripped it.
            tail = b"".join(self.session.piece(t) for t in kept[-4:]).decode("utf-8", "replace")
            seam = tail[len(tail.rstrip()) :]
            return kept, cut.thinking_tokens - trimmed, seam
        # The engine was restarted or the chat changed: rebuild the reasoning from its text.
        body = self.session.tokenize(text, parse_special=False)
        head = [] if opened else self.session.tokenize("<think>\n", parse_special=True)
        return head + body, len(body), ""

    def run(
        self,
        req: GenerateRequest,
        emit: Callable[[Event], None],
        cancelled: Callable[[], bool],
        answer_now: Callable[[], bool] = lambda: False,
    ) -> None:
        s = self.session
        t0 = time.perf_counter()
        resuming = req.resume_thinking is not None
        continuing_answer = req.resume_answer is not None
        # A raw completion or a continued answer does not reason: no reserve, answer sampling.
        verbatim = continuing_answer or req.raw_prompt is not None
        thinking = not verbatim and (
            resuming or effective_thinking(req.messages, req.thinking, req.budget, self.support)
        )
        fitted = self._fit_prompt(req, thinking, emit)
        if fitted is None:
            return
        req, prompt_tokens, opened, hidden = fitted
        prefix: list[int] = []
        prior_thinking, prior_count, prior_answer = "", 0, ""
        if resuming:
            prior_thinking = req.resume_thinking or ""
            prefix, prior_count, seam = self._resume_prefix(prompt_tokens, prior_thinking, opened)
            prior_thinking += seam
            parser = ThinkingParser.resuming()
        elif continuing_answer:
            prior_answer = req.resume_answer or ""
            prefix = s.tokenize(prior_answer, parse_special=False)
            parser = ThinkingParser.verbatim()  # mid-answer: keep the whitespace at the seam
        elif req.raw_prompt is not None:
            parser = ThinkingParser.verbatim()
        else:
            parser = ThinkingParser(starts_in_thinking=opened)
        context = prompt_tokens + prefix
        if len(context) >= s.n_ctx - 1:
            emit(_context_full(len(context), s.n_ctx, req.request_id))
            return
        sampling = sampling_for(req.sampling, thinking)
        budget = req.budget if (thinking and req.budget is not None and req.budget > 0) else None
        room = s.n_ctx - len(context)
        if req.max_tokens:
            room = min(room, req.max_tokens)
        reserve = answer_reserve(s.n_ctx, room, req.answer_reserve) if thinking else 0
        emit(
            ReplyStarted(
                thinking, budget, sampling, req.request_id, len(prompt_tokens), s.n_ctx, reserve, hidden
            )
        )
        if resuming and prior_thinking != req.resume_thinking:  # the seam at the cut, streamed first
            emit(
                TextDelta(
                    "thinking", prior_thinking[len(req.resume_thinking or "") :], prior_count, req.request_id
                )
            )
        emit(PromptProgress(len(prompt_tokens), s.common_prefix(context), req.request_id))
        cached = s.prefill(context)
        sampler = Sampler(
            s,
            temperature=sampling.temperature,
            top_k=sampling.top_k,
            top_p=sampling.top_p,
            min_p=sampling.min_p,
            presence_penalty=sampling.presence_penalty,
            seed=req.seed,
            history=prefix,
        )
        turn = _Turn(
            req, prompt_tokens, prefix, prior_thinking, prior_count, budget, parser, sampler, cached, t0,
            prior_answer=prior_answer, room=room, think_limit=room - reserve,
        )  # fmt: skip
        try:
            reason = self._loop(turn, emit, cancelled, answer_now)
            self._finish(turn, reason, emit)
        finally:
            sampler.close()

    def _fit_prompt(
        self, req: GenerateRequest, thinking: bool, emit: Callable[[Event], None]
    ) -> tuple[GenerateRequest, list[int], bool, int] | None:
        """The prompt's tokens; with ``fit_context``, the oldest turns leave the model's view
        until the prompt leaves room for a reply. None (after a "context_full" error) when even
        the latest message does not fit."""
        s = self.session
        prompt_tokens, opened = self._prompt_tokens(req, thinking)
        hidden = 0
        messages = list(req.messages)
        while req.fit_context and len(prompt_tokens) + MIN_REPLY_ROOM > s.n_ctx:
            first = next((i for i, m in enumerate(messages) if m.role != "system"), None)
            last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=-1)
            if first is None or first >= last_user:
                break  # only the latest message is left: it alone does not fit
            del messages[first]
            hidden += 1
            req = replace(req, messages=tuple(messages))
            prompt_tokens, opened = self._prompt_tokens(req, thinking)
        if len(prompt_tokens) + MIN_REPLY_ROOM > s.n_ctx:
            emit(_context_full(len(prompt_tokens), s.n_ctx, req.request_id))
            return None
        return req, prompt_tokens, opened, hidden

    def _loop(
        self,
        turn: _Turn,
        emit: Callable[[Event], None],
        cancelled: Callable[[], bool],
        answer_now: Callable[[], bool],
    ) -> str:
        """Generate until a stop, the length limit or a cancel; returns the finish reason."""
        s = self.session
        rid = turn.req.request_id
        max_tokens = turn.room
        if turn.parser.in_thinking:
            turn.think_start = 0
        piece_of, is_eog, eval_one, sample = s.piece, s.is_eog, s.eval_one, turn.sampler.sample
        clock = time.perf_counter
        ignore_eos = turn.req.ignore_eos
        generated, think_pieces = turn.generated, turn.think_pieces
        # Once the answer has begun no tag can change the split, so answer tokens skip the
        # parser and are parsed in batches (the parser gives the same result however the bytes
        # are cut): the token loop then costs little more than llama.cpp's own work.
        answer_bytes: list[bytes] = []
        flush_at = 0.0
        user_cut = False  # "Answer now" was asked for: cut as soon as there is reasoning to cut

        def flush_answer() -> None:
            if answer_bytes:
                for d in turn.parser.feed(b"".join(answer_bytes)):
                    emit(TextDelta(d.kind, d.text, turn.prior_count + turn.n_think, rid))
                answer_bytes.clear()

        try:
            while len(generated) < max_tokens:
                if cancelled():
                    return "cancelled"
                parser = turn.parser
                if parser.phase is not Phase.ANSWER and (answer_now() or user_cut):
                    user_cut = True
                    if parser.in_thinking:
                        user_cut = False
                        if not self._cut(turn, emit, turn.n_think, "user"):
                            return "length"
                        generated = turn.generated
                        parser = turn.parser
                tok = sample()
                if not turn.t_first:
                    turn.t_first = clock()
                if not ignore_eos and is_eog(tok):
                    return "stop"
                piece = piece_of(tok)
                generated.append(tok)
                if parser.phase is Phase.ANSWER:
                    turn.n_answer += 1
                    answer_bytes.append(piece)
                    now = clock()
                    if now >= flush_at:
                        flush_answer()
                        flush_at = now + ANSWER_BATCH_S
                    eval_one(tok)
                    continue
                was_thinking = parser.in_thinking
                deltas = parser.feed(piece)
                if parser.in_thinking:
                    if was_thinking:
                        turn.n_think += 1
                        think_pieces.append(piece)
                    else:
                        turn.think_start = len(generated)
                else:
                    if was_thinking:
                        turn.t_think_end = clock()
                    turn.n_answer += 1
                for d in deltas:
                    emit(TextDelta(d.kind, d.text, turn.prior_count + turn.n_think, rid))
                eval_one(tok)
                if not parser.in_thinking:
                    continue
                # The budget, or the room the answer needs: whichever comes first ends the reasoning.
                if turn.budget is not None and turn.n_think >= turn.budget:
                    cut = self._cut(turn, emit, turn.budget, "budget")
                elif len(generated) >= turn.think_limit:
                    cut = self._cut(turn, emit, turn.n_think, "context")
                else:
                    continue
                if not cut:
                    return "length"
                generated = turn.generated
            return "length"
        finally:
            flush_answer()

    def _cut(self, turn: _Turn, emit: Callable[[Event], None], allowed: int, reason: str) -> bool:
        """End the reasoning Qwen's way, keeping at most ``allowed`` of this reply's reasoning
        tokens up to a clean boundary; False when the context has no room left for the wrap-up."""
        s = self.session
        keep = choose_cut(turn.think_pieces, allowed)
        turn.generated = turn.generated[: turn.think_start + keep]
        del turn.think_pieces[keep:]
        s.truncate(turn.base + len(turn.generated))
        # What the reasoning says up to the cut, parsed again from the kept tokens.
        if turn.prefix:
            replay = ThinkingParser.resuming()
        else:
            replay = ThinkingParser(starts_in_thinking=turn.think_start == 0)
        for t in turn.generated:
            replay.feed(s.piece(t))
        replay.finish()
        turn.n_think = keep
        turn.cut_thinking = turn.prior_thinking + replay.thinking
        turn.cut_reason = reason
        used = turn.prior_count + keep
        self.last_cut = CutState(turn.prompt_tokens, turn.prefix + turn.generated, turn.cut_thinking, used)
        emit(ThinkingCut(turn.cut_thinking, used, turn.req.request_id, reason))
        wrap = s.tokenize(WRAP_UP, parse_special=True)
        if s.n_ctx - len(s.tokens) <= len(wrap) + 1:
            return False
        s.eval(wrap)  # in place: the prompt and the kept reasoning stay in the KV cache
        for t in wrap:
            turn.sampler.accept(t)
        turn.generated.extend(wrap)
        turn.parser = ThinkingParser.answering()
        turn.budget = None
        turn.t_think_end = time.perf_counter()
        return True

    def _finish(self, turn: _Turn, reason: str, emit: Callable[[Event], None]) -> None:
        rid = turn.req.request_id
        for d in turn.parser.finish():
            emit(TextDelta(d.kind, d.text, turn.prior_count + turn.n_think, rid))
        t_end = time.perf_counter()
        was_cut = turn.cut_thinking is not None
        thinking = turn.cut_thinking if was_cut else turn.prior_thinking + turn.parser.thinking
        if not was_cut:
            self.last_cut = None
        stats = ReplyStats(
            prompt_tokens=len(turn.prompt_tokens),
            cached_tokens=turn.cached,
            thinking_tokens=turn.prior_count + turn.n_think,
            answer_tokens=turn.n_answer,
            ttft_s=(turn.t_first - turn.t0) if turn.t_first else 0.0,
            thinking_s=(turn.t_think_end - turn.t_first) if (turn.t_think_end and turn.t_first) else 0.0,
            total_s=t_end - turn.t0,
            tokens_per_s=(turn.n_think + turn.n_answer) / max(t_end - turn.t_decode, 1e-9),
        )
        emit(
            ReplyFinished(
                thinking=thinking or "",
                answer=turn.prior_answer + turn.parser.answer,
                finish_reason=reason,
                budget_hit=was_cut,
                thinking_used=bool(thinking) or turn.parser.saw_think_block or was_cut,
                stats=stats,
                request_id=rid,
                cut_reason=turn.cut_reason,
                context_used=len(self.session.tokens),
                n_ctx=self.session.n_ctx,
            )
        )


def _context_full(tokens: int, n_ctx: int, request_id: int) -> EngineError:
    return EngineError(
        "context_full",
        f"The conversation ({tokens:,} tokens) does not fit the context of {n_ctx:,} tokens. "
        "Reload the model with a larger context, or let the oldest messages leave the model's view.",
        request_id,
        detail=f"{tokens} {n_ctx}",
    )


@dataclass
class _Turn:
    """The state of one reply while it is generated."""

    req: GenerateRequest
    prompt_tokens: list[int]
    prefix: list[int]  # reply tokens already in the context (continue thinking or answer)
    prior_thinking: str
    prior_count: int
    budget: int | None  # reasoning tokens left to this reply; None: no limit (or already cut)
    parser: ThinkingParser
    sampler: Sampler
    cached: int
    t0: float
    prior_answer: str = ""
    room: int = 0  # tokens this reply may generate (context left, or max_tokens)
    think_limit: int = 0  # generated tokens after which the reasoning is cut for the answer's room
    generated: list[int] = field(default_factory=list)
    think_pieces: list[bytes] = field(default_factory=list)
    think_start: int = -1  # index in ``generated`` of the first reasoning token
    n_think: int = 0
    n_answer: int = 0
    cut_thinking: str | None = None
    cut_reason: str | None = None
    t_first: float = 0.0
    t_think_end: float = 0.0
    t_decode: float = field(default_factory=time.perf_counter)

    @property
    def base(self) -> int:
        return len(self.prompt_tokens) + len(self.prefix)
