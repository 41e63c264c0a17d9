"""The remote engine: a model on a server, behind the same interface as the local engine.

``load`` finds out what the server is and checks the model; ``generate`` runs a reply on the
engine's worker thread (see reply.py); ``cancel`` closes the stream the reply is reading.
A server that cannot be reached, or that goes away mid-reply, becomes an ``EngineError``
of kind "crash" (the window keeps the partial reply, marks it interrupted and offers to
reload, which connects again); a refused key, an unknown model, a timeout each have their
own one-line message.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from typing import Any

from app.core.chat.prompt import ThinkingSupport, thinking_support
from app.engine.base import Engine, EngineInfo
from app.engine.protocol import EngineError, Event, GenerateRequest, LoadRequest, ModelLoaded, Unloaded
from app.engine.remote.detect import ServerInfo, pick_model, probe
from app.engine.remote.http import CONNECT_TIMEOUT_S, HttpClient, RemoteError, parse_address
from app.engine.remote.reply import CutState, Line, PhaseStats, RemoteReply, Target
from app.engine.remote.servers import parse_ref, remote_ref, server_id
from app.engine.remote.shapes import KIND_NAMES, RAW_KINDS, Kind

__all__ = ["RemoteEngine", "list_server", "target_for"]

log = logging.getLogger(__name__)
# Qwen3's generation prompt, and what the 2507 Thinking template has there instead.
_HYBRID_PROMPT = (
    "{{- '<|im_start|>assistant\\n' }}\n"
    "    {%- if enable_thinking is defined and enable_thinking is false %}\n"
    "        {{- '<think>\\n\\n</think>\\n\\n' }}\n"
    "    {%- endif %}"
)
_THINKING_PROMPT = "{{- '<|im_start|>assistant\\n<think>\\n' }}"


@lru_cache(maxsize=1)
def _qwen3_template() -> str:
    """The catalog's Qwen3 template, for servers that do not say theirs (vLLM, SGLang, Ollama)."""
    source = resources.files("app.data.models").joinpath("qwen3_chat_template.jinja")
    return source.read_text("utf-8").rstrip("\n")


def _support_by_name(model: str) -> ThinkingSupport:
    name = model.lower()
    if "instruct-2507" in name:
        return ThinkingSupport.NEVER
    if "thinking-2507" in name:
        return ThinkingSupport.ALWAYS
    return ThinkingSupport.HYBRID


def _template_by_name(model: str) -> str | None:
    """Qwen3's template for a model whose name says it is a thinking Qwen3; else None."""
    support = _support_by_name(model)
    if "qwen3" not in model.lower() or support is ThinkingSupport.NEVER:
        return None
    template = _qwen3_template()
    if support is ThinkingSupport.ALWAYS:  # the 2507 Thinking template opens the block itself
        template = template.replace(_HYBRID_PROMPT, _THINKING_PROMPT)
    return template


def target_for(client: HttpClient, info: ServerInfo, model: str, *, prefer_raw: bool = True) -> Target:
    """How replies reach ``model``: a raw prompt rendered with the template the server reports
    (llama-server) or, for a Qwen3 on vLLM, SGLang or Ollama, the catalog's Qwen3 template; else
    the chat endpoint with the server's own thinking switch."""
    kind = info.kind
    template: str | None = None
    if prefer_raw and kind is Kind.LLAMA:
        template = info.template
    elif prefer_raw and kind in RAW_KINDS:
        template = _template_by_name(model)
    if template is not None:
        support = thinking_support(template)
    elif kind is Kind.LLAMA and info.template:
        support = thinking_support(info.template)
    else:
        support = _support_by_name(model)
    qwen3 = "qwen3" in model.lower()
    soft = kind in (Kind.LMSTUDIO, Kind.OPENAI) and qwen3 and support is ThinkingSupport.HYBRID
    return Target(
        client, kind, model, template is not None, template, support, info.eos_token, soft, info.n_ctx
    )


def list_server(url: str, api_key: str | None = None, *, timeout: float = CONNECT_TIMEOUT_S) -> ServerInfo:
    """What the server at ``url`` is and which models it serves (RemoteError when it cannot say)."""
    return probe(HttpClient(parse_address(url), api_key, timeout=timeout))


class RemoteEngine(Engine):
    """A model on an HTTP server; requests run one at a time on a worker thread."""

    def __init__(
        self,
        url: str,
        api_key: str | None = None,
        on_event: Callable[[Event], None] | None = None,
        *,
        prefer_raw: bool = True,
        timeout: float = CONNECT_TIMEOUT_S,
    ) -> None:
        super().__init__(on_event)
        self.address = parse_address(url)
        self.server_id = server_id(self.address)
        self._client = HttpClient(self.address, api_key, timeout=timeout)
        self._prefer_raw = prefer_raw  # False: the chat endpoint even where a raw one exists (tests)
        self._lock = threading.Lock()
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._line: Line | None = None
        self._connected = False
        self._next_request = 0
        self.info: ServerInfo | None = None
        self.target: Target | None = None
        self.last_cut: CutState | None = None
        self.last_phases: list[PhaseStats] = []  # the requests of the last reply (tests, benchmark)

    # -- lifecycle --------------------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self._connected

    def close(self, timeout: float = 5.0) -> None:
        self.cancel()
        with self._lock:
            thread, self._thread = self._thread, None
            self._jobs.put(None)
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._connected = False

    def _submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            if self._thread is None:
                self._jobs = queue.SimpleQueue()
                self._thread = threading.Thread(
                    target=self._work, args=(self._jobs,), name="ponder-remote-engine", daemon=True
                )
                self._thread.start()
            self._jobs.put(job)

    def _work(self, jobs: queue.SimpleQueue[Callable[[], None] | None]) -> None:
        while (job := jobs.get()) is not None:
            try:
                job()
            except Exception as exc:  # a bug must not leave the window waiting forever
                log.exception("remote engine job failed")
                self._dispatch(EngineError("generate", f"Unexpected error talking to the server: {exc}"))

    def _emit(self, event: Event) -> None:
        if isinstance(event, EngineError) and event.kind == "crash":
            self._connected = False
        self._dispatch(event)

    # -- requests ---------------------------------------------------------------------
    def load(self, request: LoadRequest) -> None:
        """``request.path``: the model's id on the server, ``default``, or ``remote:<server>/<model>``."""
        wanted = request.path
        ref = parse_ref(wanted)
        if ref is not None:
            sid, wanted = ref
            if sid != self.server_id:
                where = self.address.url
                self._dispatch(EngineError("load", f"That model belongs to another server, not {where}."))
                return
        self.loaded = None
        self._submit(lambda: self._load(wanted))

    def _load(self, wanted: str) -> None:
        t0 = time.perf_counter()
        try:
            info = probe(self._client)
            model = pick_model(info, wanted, self.address.url)
        except RemoteError as exc:
            self._connected = False
            self._dispatch(EngineError("load", exc.message))
            return
        target = target_for(self._client, info, model, prefer_raw=self._prefer_raw)
        self.info, self.target, self.last_cut = info, target, None
        self._connected = True
        self._dispatch(
            ModelLoaded(
                remote_ref(self.server_id, model),
                self._details(info, target),
                target.support.value,
                time.perf_counter() - t0,
            )
        )

    def _details(self, info: ServerInfo, target: Target) -> dict[str, Any]:
        name = KIND_NAMES[info.kind]
        return {
            "server": info.kind.value,
            "server_name": name,
            "server_version": info.version,
            "url": self.address.url,
            "model": target.model,
            "backends": [f"{name} at {self.address.url}"],
            "budget_cut": target.budget_cut,
            # Continue thinking and Answer now need a raw-prompt endpoint (the window hides them).
            "can_continue": target.raw,
            "can_answer_now": target.raw,
            "n_ctx": info.n_ctx,
            "unencrypted": self.address.unencrypted,
        }

    def generate(self, request: GenerateRequest) -> int:
        if not self.alive:
            where = self.address.url
            self._dispatch(EngineError("crash", f"The server at {where} is not connected. Reload the model."))
            return 0
        if self.busy:
            self._dispatch(EngineError("busy", "A reply is still being generated.", request.request_id))
            return 0
        target = self.target
        if target is None:
            self._dispatch(EngineError("generate", "No model is loaded. Pick one on the server first.", 0))
            return 0
        self._next_request += 1
        rid = self._next_request
        line = Line()
        with self._lock:
            self._line = line
        self.busy = True
        req = replace(request, request_id=rid)
        self._submit(lambda: self._generate(target, req, line))
        return rid

    def _generate(self, target: Target, req: GenerateRequest, line: Line) -> None:
        reply = RemoteReply(target, self._emit, line)
        self.last_phases = reply.phases
        self.last_cut = reply.run(req, self.last_cut)

    def cancel(self) -> None:
        with self._lock:
            line = self._line
        if line is not None:
            line.cancel()

    def answer_now(self) -> None:
        """End the reasoning now with a clean cut; the answer follows (raw-prompt servers only)."""
        with self._lock:
            line = self._line
        if line is not None and self.target is not None and self.target.raw:
            line.interrupt()

    def unload(self) -> None:
        def forget() -> None:
            self.target = None
            self.last_cut = None
            self._dispatch(Unloaded())

        self._submit(forget)

    def describe(self) -> EngineInfo:
        target, info = self.target, self.info
        if target is None or info is None:
            return EngineInfo("remote", details={"url": self.address.url})
        version = f" {info.version}" if info.version else ""
        return EngineInfo(
            "remote",
            backends=(f"{KIND_NAMES[info.kind]}{version}",),
            gpu_offload=None,
            model=remote_ref(self.server_id, target.model),
            thinking_support=target.support.value,
            details=self._details(info, target),
        )
