"""One reply from a server: the same events, thinking split and budget as the local engine.

Over a raw-prompt endpoint the reply is driven as the local engine drives llama.cpp: Ponder
renders the prompt, streams the reasoning with ``n_predict`` set to the tokens left in the
budget (the server stops exactly there), chooses a clean cut among what came back, and asks
again with the prompt, the kept reasoning and Qwen's wrap-up. That second request starts
with exactly the tokens the server already holds (llama-server gets the kept tokens by id),
so its prefix cache leaves only the wrap-up to evaluate. Continue-thinking resumes the same
way. A chat endpoint gets the server's own switch and budget parameter instead.

Runs on the engine's worker thread; ``emit`` delivers events as the engine's ``_dispatch``.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field

from app.core.chat.budget import WRAP_UP, answer_reserve, choose_cut
from app.core.chat.messages import ReplyStats
from app.core.chat.prompt import (
    PromptError,
    PromptPart,
    ThinkingSupport,
    effective_thinking,
    prompt_opens_thinking,
    render_prompt_parts,
)
from app.core.chat.sampling import Sampling, sampling_for
from app.core.chat.thinking import OPEN_TAG, Phase, ThinkingParser
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
from app.engine.remote.http import HttpClient, RemoteError, Response
from app.engine.remote.shapes import (
    NONE,
    WRAP_UP_MESSAGE,
    Chunk,
    Endpoint,
    Kind,
    Part,
    StreamError,
    budget_cut,
    chat_request,
    parse_chunk,
    raw_request,
    stream_payloads,
)

Emit = Callable[[Event], None]
# A server that went away is the window's "crash": the reply is kept as interrupted, and
# "Reload model" connects again.
_ERROR_KINDS = {
    "interrupted": "crash",
    "unreachable": "crash",
    "timeout": "crash",
    "context_full": "context_full",
}


@dataclass(frozen=True, slots=True)
class Target:
    """The model replies go to, as loading found it."""

    client: HttpClient
    kind: Kind
    model: str
    raw: bool  # a raw-prompt endpoint and a template to render with: the exact budget
    template: str | None
    support: ThinkingSupport
    eos_token: str = ""
    soft_switch: bool = False  # a chat server with no thinking switch: Qwen's /think, /no_think
    n_ctx: int | None = None  # context per request, where the server says (llama-server)
    # Token ids of typed texts (llama-server), kept across replies: a chat's past messages are
    # tokenised once, not at every reply.
    typed_ids: dict[str, list[int]] = field(default_factory=dict, compare=False, hash=False)

    @property
    def budget_cut(self) -> str:
        return budget_cut(self.kind, self.raw)


@dataclass
class CutState:
    """Where the last budget cut happened, so that continue-thinking resumes exactly."""

    prompt: str
    parts: list[Part]  # what followed the prompt up to the cut (the opening tag included)
    thinking: str
    thinking_tokens: int


@dataclass
class PhaseStats:
    """One request of a reply as the server reported it (tests and the benchmark read these)."""

    prompt_tokens: int | None = None
    cached_tokens: int | None = None
    generated: int = 0
    prompt_ms: float | None = None
    predicted_per_s: float | None = None
    t_sent: float = 0.0
    t_first: float = 0.0
    t_last: float = 0.0


class Line:
    """The request a reply is reading now; :meth:`cancel` closes it from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._response: Response | None = None
        self.cancelled = False
        self.answer_now = False  # "Answer now": end the reasoning here, then answer

    def open(self, client: HttpClient, endpoint: Endpoint) -> Response | None:
        """The streamed response, or None once cancelled."""
        if self.cancelled:
            return None
        response = client.stream(endpoint.path, endpoint.body)
        with self._lock:
            self._response = response
            stopped = self.stopped
        if stopped:
            response.close()
            return None
        return response

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            response = self._response
        if response is not None:
            response.abort()

    def interrupt(self) -> None:
        """Answer now: stop reading the reasoning; the reply cuts it and asks for the answer."""
        with self._lock:
            self.answer_now = True
            response = self._response
        if response is not None:
            response.abort()

    @property
    def stopped(self) -> bool:
        """Closed on purpose (a cancel or an Answer now), not by the server."""
        return self.cancelled or self.answer_now


@dataclass(slots=True)
class _Piece:
    """Output of one stream chunk: its text and how many tokens it took."""

    text: str
    tokens: int
    token: int | None = None  # its token id, when it is exactly one token the server named

    def part(self, ids: bool) -> Part:
        return self.token if ids and self.tokens == 1 and self.token is not None else self.text


@dataclass
class _Turn:
    req: GenerateRequest
    prompt: str
    head: list[Part]  # the prompt as sent
    prefix: list[Part]  # after the prompt, before this reply's output (continue-thinking)
    prior_thinking: str
    prior_count: int
    budget: int | None
    parser: ThinkingParser
    t0: float
    pieces: list[_Piece] = field(default_factory=list)
    prompt_tokens: int | None = None  # the first request's prompt, once the server said
    generated: int = 0  # tokens after that prompt, to know the room left in the context
    think_from: int = -1  # index in ``pieces`` of the first reasoning piece
    n_think: int = 0
    n_answer: int = 0
    cut_thinking: str | None = None
    cut_reason: str | None = None
    prior_answer: str = ""  # an answer being continued
    t_first: float = 0.0
    t_think_end: float = 0.0


class RemoteReply:
    """Runs one request for a reply and reports it as events."""

    def __init__(self, target: Target, emit: Emit, line: Line) -> None:
        self.target = target
        self.emit = emit
        self.line = line
        self.phases: list[PhaseStats] = []
        self._parser: ThinkingParser | None = None
        self._rid = 0
        self._thinking_tokens = 0
        self.last_cut: CutState | None = None

    def run(self, req: GenerateRequest, last_cut: CutState | None) -> CutState | None:
        """Generate; returns the cut state to keep for continue-thinking (None: no cut)."""
        self._rid = req.request_id
        try:
            if self.target.raw:
                return self._run_raw(req, last_cut)
            self._run_chat(req)
        except PromptError as exc:
            self.emit(EngineError("generate", str(exc), req.request_id))
        except StreamError as exc:
            self._fail(_stream_error(exc, self.target.client.address.url))
        except RemoteError as exc:
            self._fail(exc)
        return None

    def _fail(self, exc: RemoteError) -> None:
        """Hand over what the parser still held, then say what happened (the partial reply stays)."""
        if self._parser is not None:
            for d in self._parser.finish():
                self.emit(TextDelta(d.kind, d.text, self._thinking_tokens, self._rid))
        self.emit(EngineError(_ERROR_KINDS.get(exc.kind, "generate"), exc.message, self._rid))

    # -- reading -------------------------------------------------------------------------
    def _stream(self, endpoint: Endpoint) -> Generator[Chunk, None, None]:
        """The request's chunks; a stream that ends without its final chunk (unless cancelled)
        is a server that went away mid-reply."""
        phase = PhaseStats(t_sent=time.perf_counter())
        self.phases.append(phase)
        response = self.line.open(self.target.client, endpoint)
        if response is None:
            return
        finished = False
        try:
            for obj in stream_payloads(response.lines(), endpoint.framing):
                chunk = parse_chunk(endpoint.reader, obj)
                if chunk.usage is not None:
                    u = chunk.usage
                    phase.prompt_tokens, phase.cached_tokens = u.prompt_tokens, u.cached_tokens
                    phase.prompt_ms, phase.predicted_per_s = u.prompt_ms, u.predicted_per_s
                if chunk.finish is not None:
                    finished = True
                yield chunk
        finally:
            response.close()
        if not finished and not self.line.stopped:
            raise RemoteError(
                "interrupted",
                f"The server at {self.target.client.address.url} stopped mid-reply (it may have crashed "
                "or been stopped). What was written is kept; reload the model to go on.",
            )

    def _note_token(self, turn: _Turn, count: int) -> None:
        now = time.perf_counter()
        phase = self.phases[-1]
        if not phase.t_first:
            phase.t_first = now
        phase.t_last = now
        phase.generated += count
        if not turn.t_first:
            turn.t_first = now

    # -- raw prompt: the exact budget ----------------------------------------------------------
    def _run_raw(self, req: GenerateRequest, last_cut: CutState | None) -> CutState | None:
        t = self.target
        t0 = time.perf_counter()
        resuming = req.resume_thinking is not None
        continuing = req.resume_answer is not None  # an answer the context end cut: no reasoning
        thinking = not continuing and (
            resuming or effective_thinking(req.messages, req.thinking, req.budget, t.support)
        )
        head: list[Part]
        if req.raw_prompt is not None:  # a raw completion: the text is the whole prompt
            prompt, head = req.raw_prompt, [req.raw_prompt]
        else:
            rendered = render_prompt_parts(
                t.template, req.messages, enable_thinking=thinking, eos_token=t.eos_token
            )
            prompt = "".join(p.text for p in rendered)
            head = self._head(rendered)
        opened = req.raw_prompt is None and prompt_opens_thinking(prompt)
        prefix: list[Part] = []
        prior_thinking, prior_count, prior_answer = "", 0, ""
        if continuing:
            prior_answer = req.resume_answer or ""
            prefix = self._plain(prior_answer)
            parser = ThinkingParser.verbatim()  # mid-answer: keep the whitespace at the seam
        elif req.raw_prompt is not None:
            parser = ThinkingParser.verbatim()
        elif resuming:
            prior_thinking = req.resume_thinking or ""
            if last_cut is not None and last_cut.prompt == prompt and last_cut.thinking == prior_thinking:
                prefix, prior_count = list(last_cut.parts), last_cut.thinking_tokens
            else:  # another chat, or the engine was reloaded: rebuild the reasoning from its text
                prefix = [("" if opened else OPEN_TAG + "\n") + prior_thinking]
                prior_count = self._count_tokens(prior_thinking)
            parser = ThinkingParser.resuming()
        else:
            parser = ThinkingParser(starts_in_thinking=opened)
        sampling = sampling_for(req.sampling, thinking)
        budget = req.budget if (thinking and req.budget is not None and req.budget > 0) else None
        self.emit(ReplyStarted(thinking, budget, sampling, req.request_id, n_ctx=t.n_ctx or 0))
        turn = _Turn(req, prompt, head, prefix, prior_thinking, prior_count, budget, parser, t0)
        turn.prior_answer = prior_answer
        if parser.in_thinking:
            turn.think_from = 0
        self._parser = parser
        self._thinking_tokens = prior_count
        reason = self._loop(turn, sampling, opened)
        return self._finish(turn, reason)

    def _loop(self, turn: _Turn, sampling: Sampling, opened: bool) -> str:
        t = self.target
        ids = t.kind is Kind.LLAMA  # only llama-server takes token ids inside a prompt
        left = turn.req.max_tokens
        reported = False
        while True:
            if self.line.cancelled:
                return "cancelled"
            if self.line.answer_now:
                self.line.answer_now = False
                if turn.parser.in_thinking:
                    self._cut(turn, ids, opened, "user")
            if turn.budget is not None and turn.parser.in_thinking and turn.n_think >= turn.budget:
                self._cut(turn, ids, opened, "budget")
            if turn.parser.in_thinking and self._full(turn):
                self._cut(turn, ids, opened, "context")  # the answer's reserve is reached
            room = self._room(turn)
            if left is not None and left <= 0:
                return "length"
            limit = left
            if turn.budget is not None and turn.parser.phase is not Phase.ANSWER:
                # Room for the reasoning left, and for the opening tag while it has not come.
                left_in_budget = turn.budget - turn.n_think + (0 if turn.parser.in_thinking else 1)
                limit = left_in_budget if limit is None else min(limit, left_in_budget)
            if room is not None and turn.parser.phase is not Phase.ANSWER:
                room += 0 if turn.parser.in_thinking else 1
                limit = room if limit is None else min(limit, room)
            parts: list[Part] = [*turn.head, *turn.prefix, *(p.part(ids) for p in turn.pieces)]
            endpoint = raw_request(
                t.kind,
                t.model,
                parts,
                n_predict=limit,
                sampling=sampling,
                seed=turn.req.seed,
                ignore_eos=turn.req.ignore_eos,
            )
            finish: str | None = None
            got = 0
            decoded = 0
            stream = self._stream(endpoint)
            with contextlib.closing(stream):
                for chunk in stream:
                    if chunk.prompt is not None:
                        if not reported:
                            reported = True
                            turn.prompt_tokens = chunk.prompt[0]
                            self.emit(PromptProgress(chunk.prompt[0], chunk.prompt[1], turn.req.request_id))
                        continue
                    if chunk.text:
                        count = chunk.decoded - decoded if chunk.decoded is not None else 1
                        got += max(count, 1)
                        self._take(turn, _Piece(chunk.text, max(count, 1), chunk.token))
                    if chunk.decoded is not None:
                        decoded = chunk.decoded
                    if chunk.finish is not None:
                        finish = chunk.finish
                    elif turn.parser.in_thinking and self._full(turn):
                        finish = "length"  # the answer's reserve: stop reading, cut at the top
                        break
            if left is not None:
                left -= max(got, decoded)
            if finish == "length" and decoded > got and turn.parser.in_thinking:
                # The limit fell inside a character: the server holds back its first bytes and
                # never sends them. They were reasoning tokens all the same.
                turn.n_think += decoded - got
                turn.generated += decoded - got
            if self.line.cancelled:
                return "cancelled"
            if self.line.answer_now:
                continue
            if finish == "stop":
                return "stop"
            if finish == "context" or max(got, decoded) == 0:
                return "length"
            # "length": the limit set above was reached; the top of the loop decides what next.

    def _room(self, turn: _Turn) -> int | None:
        """Reasoning tokens the context leaves before the answer's reserve; None: not known."""
        n_ctx, prompt = self.target.n_ctx, turn.prompt_tokens
        if not n_ctx or prompt is None:
            return None
        reserve = answer_reserve(n_ctx, n_ctx - prompt, turn.req.answer_reserve)
        return n_ctx - reserve - prompt - turn.generated

    def _full(self, turn: _Turn) -> bool:
        room = self._room(turn)
        return room is not None and room <= 0

    def _take(self, turn: _Turn, piece: _Piece) -> None:
        """One chunk of output: split it, count it, stream it."""
        self._note_token(turn, piece.tokens)
        turn.pieces.append(piece)
        turn.generated += piece.tokens
        parser = turn.parser
        was_thinking = parser.in_thinking
        deltas = parser.feed(piece.text.encode("utf-8"))
        if parser.in_thinking:
            if was_thinking:
                turn.n_think += piece.tokens
            else:
                turn.think_from = len(turn.pieces)
        else:
            if was_thinking:
                turn.t_think_end = time.perf_counter()
            turn.n_answer += piece.tokens
        self._thinking_tokens = turn.prior_count + turn.n_think
        for d in deltas:
            self.emit(TextDelta(d.kind, d.text, self._thinking_tokens, turn.req.request_id))

    def _cut(self, turn: _Turn, ids: bool, opened: bool, reason: str) -> None:
        """End the reasoning at the budget, Qwen's way: keep a clean prefix, add the wrap-up."""
        reasoning = turn.pieces[turn.think_from :]
        # Chunks are whole characters (servers hold back a partial one), so cutting between
        # chunks never splits a character; the budget counts tokens, which the server enforced.
        keep = choose_cut([p.text.encode("utf-8") for p in reasoning], len(reasoning))
        kept = turn.pieces[: turn.think_from + keep]
        replay = ThinkingParser.resuming() if turn.prefix else ThinkingParser(starts_in_thinking=opened)
        for p in kept:
            replay.feed(p.text.encode("utf-8"))
        replay.finish()
        turn.n_think = sum(p.tokens for p in kept[turn.think_from :])
        turn.cut_thinking = turn.prior_thinking + replay.thinking
        used = turn.prior_count + turn.n_think
        self._thinking_tokens = used
        parts = [*turn.prefix, *(p.part(ids) for p in kept)]
        self.last_cut = CutState(turn.prompt, parts, turn.cut_thinking, used)
        turn.cut_reason = reason
        self.emit(ThinkingCut(turn.cut_thinking, used, turn.req.request_id, reason))
        turn.pieces = [*kept, _Piece(WRAP_UP, 0)]
        turn.generated = sum(p.tokens for p in kept)
        turn.parser = self._parser = ThinkingParser.answering()
        turn.budget = None
        turn.t_think_end = time.perf_counter()

    def _finish(self, turn: _Turn, reason: str) -> CutState | None:
        rid = turn.req.request_id
        for d in turn.parser.finish():
            self.emit(TextDelta(d.kind, d.text, self._thinking_tokens, rid))
        was_cut = turn.cut_thinking is not None  # by the budget or by Answer now
        thinking = turn.cut_thinking if was_cut else turn.prior_thinking + turn.parser.thinking
        self.emit(
            ReplyFinished(
                thinking=thinking or "",
                answer=turn.prior_answer + turn.parser.answer,
                finish_reason=reason,
                budget_hit=was_cut,
                thinking_used=bool(thinking) or turn.parser.saw_think_block or was_cut,
                stats=self._stats(turn, turn.prior_count + turn.n_think, turn.n_answer),
                request_id=rid,
                cut_reason=turn.cut_reason,
            )
        )
        return self.last_cut if was_cut else None

    def _stats(self, turn: _Turn, thinking_tokens: int, answer_tokens: int) -> ReplyStats:
        """Token counts as the server counted them; times as the app received the tokens."""
        t_end = time.perf_counter()
        first = self.phases[0] if self.phases else PhaseStats()
        decoding = sum(p.t_last - p.t_first for p in self.phases if p.generated > 1)
        steps = sum(p.generated - 1 for p in self.phases if p.generated > 1)
        return ReplyStats(
            prompt_tokens=first.prompt_tokens or 0,
            cached_tokens=first.cached_tokens or 0,
            thinking_tokens=thinking_tokens,
            answer_tokens=answer_tokens,
            ttft_s=(turn.t_first - turn.t0) if turn.t_first else 0.0,
            thinking_s=(turn.t_think_end - turn.t_first) if (turn.t_think_end and turn.t_first) else 0.0,
            total_s=t_end - turn.t0,
            tokens_per_s=steps / decoding if decoding > 0 else 0.0,
        )

    def _head(self, rendered: list[PromptPart]) -> list[Part]:
        """The prompt to send. llama-server reads special tokens in any text of a prompt, so what
        someone typed goes as token ids tokenised as plain text: a ``<|im_end|>`` typed in a
        message stays characters, as in the local engine."""
        if self.target.kind is not Kind.LLAMA:
            return ["".join(p.text for p in rendered)]
        out: list[Part] = []
        for p in rendered:
            if p.typed and p.text:
                out.extend(self._typed_ids(p.text))
            else:
                out.append(p.text)
        return out

    def _plain(self, text: str) -> list[Part]:
        """Text sent as plain characters (no special tokens read in it)."""
        return list(self._typed_ids(text)) if self.target.kind is Kind.LLAMA else [text]

    def _typed_ids(self, text: str) -> list[int]:
        cache = self.target.typed_ids
        ids = cache.get(text)
        if ids is None:
            data = self.target.client.post_json("/tokenize", {"content": text, "parse_special": False})
            tokens = data.get("tokens") if isinstance(data, dict) else None
            if not isinstance(tokens, list) or not all(isinstance(t, int) for t in tokens):
                raise RemoteError("protocol", "The server's /tokenize gave no token ids.")
            if len(cache) > 512:  # a long session: forget the oldest texts
                cache.pop(next(iter(cache)))
            ids = cache[text] = list(tokens)
        return ids

    def _count_tokens(self, text: str) -> int:
        """Tokens in a reasoning rebuilt from its text: llama-server counts them; elsewhere an estimate."""
        if self.target.kind is Kind.LLAMA:
            try:
                data = self.target.client.post_json("/tokenize", {"content": text, "parse_special": False})
            except RemoteError:
                data = None
            tokens = data.get("tokens") if isinstance(data, dict) else None
            if isinstance(tokens, list):
                return len(tokens)
        return max(1, len(text) // 4) if text else 0

    # -- chat endpoint: the server's own switch and budget ---------------------------------------
    def _run_chat(self, req: GenerateRequest) -> None:
        t = self.target
        if req.resume_thinking is not None or req.resume_answer is not None or req.raw_prompt is not None:
            self.emit(
                EngineError(
                    "generate",
                    "This server cannot continue a reply or take a raw prompt: "
                    "it has no raw-prompt endpoint for this model.",
                    req.request_id,
                )
            )
            return
        t0 = time.perf_counter()
        thinking = effective_thinking(req.messages, req.thinking, req.budget, t.support)
        sampling = sampling_for(req.sampling, thinking)
        asked = req.budget if (thinking and req.budget is not None and req.budget > 0) else None
        budget = asked if t.budget_cut != NONE else None  # a server with no budget cannot keep one
        self.emit(ReplyStarted(thinking, budget, sampling, req.request_id))
        endpoint = chat_request(
            t.kind,
            t.model,
            req.messages,
            thinking=thinking,
            budget=budget,
            max_tokens=req.max_tokens,
            sampling=sampling,
            seed=req.seed,
            soft_switch=t.soft_switch,
        )
        parser = ThinkingParser()
        turn = _Turn(req, "", [], [], "", 0, budget, parser, t0)
        self._parser = parser
        in_reasoning = False  # inside reasoning the server split off (fed to the parser as tags)
        finish = "stop"
        usage = None
        cut = None  # where the server says it cut the reasoning (Ponder)
        for chunk in self._stream(endpoint):
            if chunk.usage is not None:
                usage = chunk.usage
            if chunk.finish is not None:
                finish = chunk.finish
            cut = chunk.cut or cut
            raw = ""
            if chunk.reasoning:
                raw += ("" if in_reasoning else OPEN_TAG) + chunk.reasoning
                in_reasoning = True
            if chunk.text:
                raw += ("</think>" if in_reasoning else "") + chunk.text
                in_reasoning = False
            if raw:
                self._take(turn, _Piece(raw, 1))
        if self.line.cancelled:
            finish = "cancelled"
        for d in parser.finish():
            self.emit(TextDelta(d.kind, d.text, self._thinking_tokens, req.request_id))
        thinking_text = parser.thinking
        budget_hit = False
        if cut is not None:  # Ponder's own clean cut: the reasoning is as it should stay
            budget_hit = True
        elif budget is not None:
            marker = WRAP_UP_MESSAGE.strip()
            if marker in thinking_text:  # llama-server's own cut says Qwen's wrap-up
                thinking_text = thinking_text.replace(marker, "").rstrip()
                budget_hit = True
            else:
                budget_hit = turn.n_think >= budget
        n_think, n_answer = turn.n_think, turn.n_answer
        if usage is not None and usage.reasoning_tokens is not None:
            n_think = usage.reasoning_tokens
            if usage.completion_tokens is not None:
                n_answer = max(0, usage.completion_tokens - n_think)
        if self.phases and usage is not None:
            self.phases[-1].generated = usage.completion_tokens or self.phases[-1].generated
        self.emit(
            ReplyFinished(
                thinking=thinking_text,
                answer=parser.answer,
                finish_reason="length" if finish == "context" else finish,
                budget_hit=budget_hit,
                thinking_used=bool(thinking_text) or parser.saw_think_block,
                stats=self._stats(turn, n_think, n_answer),
                request_id=req.request_id,
                cut_reason=cut,
            )
        )


def _stream_error(exc: StreamError, where: str) -> RemoteError:
    text = str(exc)
    lowered = text.lower()
    if "context" in lowered and ("exceed" in lowered or "too long" in lowered or "maximum" in lowered):
        return RemoteError(
            "context_full",
            "The conversation does not fit the server's context. "
            "Start a new chat, delete old messages, or restart the server with a larger context.",
        )
    return RemoteError("server", f"The server at {where} stopped the reply: {' '.join(text.split())[:200]}")
