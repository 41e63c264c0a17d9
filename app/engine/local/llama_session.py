"""A loaded model and its context, on llama.cpp's low-level API.

The only module, with ``baseline``, that touches llama.cpp. It keeps the tokens
whose keys and values sit in the KV cache, so a new prompt that shares a prefix
with the last one is evaluated only from where they differ, and a reasoning can
be rolled back a few tokens (budget cuts, continue-thinking).
"""

from __future__ import annotations

import collections
import ctypes
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import llama_cpp as L

from app.core.chat.prompt import PromptPart
from app.core.chat.thinking import CLOSE_TAG, OPEN_TAG
from app.engine.local.offload import offload_report
from app.engine.local.rpc_devices import OffloadDevices, connect_workers

_backend_ready = False
# Room for a whole load's lines (one per layer, for the offload report) and a reply's.
_log_lines: collections.deque[str] = collections.deque(maxlen=2000)
_log_partial: list[str] = []


@L.llama_log_callback
def _on_log(level: int, text: bytes, _user: ctypes.c_void_p) -> None:
    # llama.cpp logs a line in several calls; keep whole lines for error messages.
    _log_partial.append(text.decode("utf-8", errors="replace"))
    joined = "".join(_log_partial)
    if "\n" in joined:
        *lines, rest = joined.split("\n")
        _log_lines.extend(line for line in lines if line.strip())
        _log_partial[:] = [rest] if rest else []


def _ensure_backend() -> None:
    global _backend_ready
    if not _backend_ready:
        L.llama_log_set(_on_log, ctypes.c_void_p(0))
        L.llama_backend_init()
        _backend_ready = True


def recent_log(n: int = 6, errors_only: bool = True) -> list[str]:
    lines = list(_log_lines)
    if errors_only:
        picked = [ln for ln in lines if "error" in ln.lower() or "failed" in ln.lower()]
        lines = picked or lines
    return lines[-n:]


class LoadError(RuntimeError):
    """llama.cpp refused the file; the message says why, in words for a person."""


@dataclass(frozen=True, slots=True)
class LoadSettings:
    n_ctx: int = 4096
    n_gpu_layers: int = 0  # -1: all layers
    n_threads: int | None = None
    flash_attn: bool | None = None  # None: llama.cpp decides
    use_mmap: bool = True
    n_batch: int = 512
    kv_cache: str = "f16"  # "f16", "q8_0" or "q4_0" (a quantised V cache needs flash attention)
    yarn_factor: float | None = None  # YaRN rope scaling past the native context
    yarn_orig_ctx: int = 0  # the native context YaRN stretches
    rpc_servers: tuple[str, ...] = ()  # RPC workers ("host:port") the layers are spread over too


_KV_TYPES = {"f16": L.GGML_TYPE_F16, "q8_0": L.GGML_TYPE_Q8_0, "q4_0": L.GGML_TYPE_Q4_0}


def default_threads() -> int:
    try:
        import psutil

        physical = psutil.cpu_count(logical=False)
    except Exception:  # psutil is optional here; never fail a load over it
        physical = None
    return max(1, physical or os.cpu_count() or 1)


_DEVICE_GPU, _DEVICE_IGPU = 1, 2  # ggml_backend_dev_type: CPU 0, GPU 1, IGPU 2, ACCEL 3


def _ggml() -> ctypes.CDLL:
    """ggml's own library from llama-cpp-python's folder (its device list is not bound)."""
    folder = os.path.join(os.path.dirname(L.__file__), "lib")
    names = {"nt": ["ggml.dll"], "posix": ["libggml.so", "libggml.dylib"]}.get(os.name, [])
    for name in names:
        path = os.path.join(folder, name)
        if os.path.exists(path):
            lib = ctypes.CDLL(path)
            lib.ggml_backend_dev_count.restype = ctypes.c_size_t
            lib.ggml_backend_dev_get.restype = ctypes.c_void_p
            lib.ggml_backend_dev_get.argtypes = [ctypes.c_size_t]
            lib.ggml_backend_dev_type.restype = ctypes.c_int
            lib.ggml_backend_dev_type.argtypes = [ctypes.c_void_p]
            return lib
    raise OSError(f"ggml's library is not in {folder}")


def gpu_offload_supported() -> bool:
    """Whether a GPU device is there to offload to. llama.cpp's own answer is not enough: a
    build with the RPC backend says yes with no GPU at all (RPC workers count for it)."""
    _ensure_backend()
    if not L.llama_supports_gpu_offload():
        return False
    try:
        ggml = _ggml()
    except OSError:
        return True  # cannot look closer: trust llama.cpp
    devices = (ggml.ggml_backend_dev_get(i) for i in range(ggml.ggml_backend_dev_count()))
    return any(ggml.ggml_backend_dev_type(d) in (_DEVICE_GPU, _DEVICE_IGPU) for d in devices)


def backend_names() -> list[str]:
    """The compute backends this llama.cpp build runs on, e.g. ["CUDA", "CPU"]."""
    _ensure_backend()
    info = L.llama_print_system_info().decode("utf-8", errors="replace")
    names = [part.split(" : ")[0].strip() for part in info.split("|") if " : " in part]
    return list(dict.fromkeys(n for n in names if n)) or ["CPU"]


class LlamaSession:
    def __init__(
        self,
        path: str,
        settings: LoadSettings,
        progress: Callable[[float], bool] | None = None,
    ) -> None:
        _ensure_backend()
        self.settings = settings
        mparams = L.llama_model_default_params()
        mparams.n_gpu_layers = settings.n_gpu_layers if settings.n_gpu_layers >= 0 else 10_000
        mparams.load_mode = L.LLAMA_LOAD_MODE_MMAP if settings.use_mmap else L.LLAMA_LOAD_MODE_NONE
        self.offload_devices: OffloadDevices | None = None
        if settings.rpc_servers:
            try:
                self.offload_devices = connect_workers(_ggml(), settings.rpc_servers)
            except OSError as exc:  # RpcError included: a worker that cannot be used, named
                raise LoadError(str(exc)) from exc
            mparams.devices = self.offload_devices.pointer
        self._progress_cb = None
        if progress is not None:

            def on_progress(fraction: float, _user: ctypes.c_void_p) -> bool:
                return bool(progress(float(fraction)))

            self._progress_cb = L.llama_progress_callback(on_progress)
            mparams.progress_callback = self._progress_cb
        _log_lines.clear()
        self.model = L.llama_model_load_from_file(path.encode("utf-8"), mparams)
        if not self.model:
            raise LoadError(_explain_load_failure(recent_log()))
        self.vocab = L.llama_model_get_vocab(self.model)
        n_ctx_train = int(L.llama_model_n_ctx_train(self.model))
        cparams = L.llama_context_default_params()
        cparams.n_ctx = settings.n_ctx if settings.n_ctx > 0 else n_ctx_train
        cparams.n_batch = min(settings.n_batch, cparams.n_ctx)
        cparams.n_ubatch = cparams.n_batch
        threads = settings.n_threads or default_threads()
        cparams.n_threads = threads
        cparams.n_threads_batch = threads
        cparams.no_perf = True
        if settings.flash_attn is not None:
            cparams.flash_attn_type = (
                L.LLAMA_FLASH_ATTN_TYPE_ENABLED if settings.flash_attn else L.LLAMA_FLASH_ATTN_TYPE_DISABLED
            )
        quantised_kv = settings.kv_cache != "f16"
        if quantised_kv:
            if settings.flash_attn is False:
                L.llama_model_free(self.model)
                self.model = None
                raise LoadError(
                    f"A {settings.kv_cache} KV cache needs flash attention, which is switched off. "
                    "Turn flash attention on or choose the f16 KV cache."
                )
            cparams.type_k = cparams.type_v = _KV_TYPES[settings.kv_cache]
            cparams.flash_attn_type = L.LLAMA_FLASH_ATTN_TYPE_ENABLED
        if settings.yarn_factor:
            cparams.rope_scaling_type = L.LLAMA_ROPE_SCALING_TYPE_YARN
            cparams.rope_freq_scale = 1.0 / settings.yarn_factor
            cparams.yarn_orig_ctx = settings.yarn_orig_ctx
        self.ctx = L.llama_init_from_model(self.model, cparams)
        if not self.ctx:
            L.llama_model_free(self.model)
            self.model = None
            log = recent_log(2)
            if quantised_kv and any("flash_attn" in line or "cache type" in line for line in log):
                raise LoadError(
                    f"This llama.cpp build cannot use a {settings.kv_cache} KV cache for this model "
                    f"({'; '.join(log)}). Choose the f16 KV cache."
                )
            raise LoadError(
                "Could not create a context of "
                f"{cparams.n_ctx} tokens (not enough memory?): " + "; ".join(log)
            )
        self.kv_cache = settings.kv_cache
        self.flash_attn = _logged_value("flash_attn") or "unknown"  # as llama.cpp decided it
        arch = self.meta("general.architecture") or ""
        own = self.meta(f"{arch}.rope.scaling.type") if arch else None
        self.rope_scaling = _rope_scaling_read_back(settings, n_ctx_train, own)
        devices = self.offload_devices.devices if self.offload_devices else ()
        self.offload = offload_report(_log_lines, devices)  # read before later lines push it out
        self.memory = L.llama_get_memory(self.ctx)
        self.n_ctx = int(L.llama_n_ctx(self.ctx))
        self.n_batch = int(cparams.n_batch)
        self.n_ctx_train = n_ctx_train
        self.n_vocab = int(L.llama_vocab_n_tokens(self.vocab))
        self.threads = threads
        self.tokens: list[int] = []  # what the KV cache holds, in order
        self._pieces: dict[int, bytes] = {}
        self._eog: dict[int, bool] = {}
        self._piece_buf = ctypes.create_string_buffer(256)
        self._one = (ctypes.c_int32 * 1)()
        self._stop: Callable[[], bool] | None = None
        # Asked by llama.cpp between the steps of a batch: a Stop ends even one long batch.
        self._abort_cb = L.ggml_abort_callback(lambda _data: bool(self._stop is not None and self._stop()))

    # -- metadata ---------------------------------------------------------
    def meta(self, key: str) -> str | None:
        size = 1 << 16
        buf = ctypes.create_string_buffer(size)
        n = L.llama_model_meta_val_str(self.model, key.encode(), buf, size)
        if n < 0:
            return None
        if n >= size:  # chat templates can be long
            buf = ctypes.create_string_buffer(n + 1)
            L.llama_model_meta_val_str(self.model, key.encode(), buf, n + 1)
        return buf.value.decode("utf-8", errors="replace")

    def describe(self) -> dict[str, object]:
        desc = ctypes.create_string_buffer(256)
        L.llama_model_desc(self.model, desc, 256)
        return {
            "architecture": self.meta("general.architecture") or "",
            "name": self.meta("general.name") or "",
            "description": desc.value.decode("utf-8", errors="replace"),
            "n_params": int(L.llama_model_n_params(self.model)),
            "size_bytes": int(L.llama_model_size(self.model)),
            "n_ctx": self.n_ctx,
            "n_ctx_train": self.n_ctx_train,
            "n_vocab": self.n_vocab,
            "n_layers": int(L.llama_model_n_layer(self.model)),
            "threads": self.threads,
            "gpu_offload_supported": bool(L.llama_supports_gpu_offload()),
            "backends": backend_names(),
            "n_gpu_layers": self.settings.n_gpu_layers,
            "kv_cache_type": self.kv_cache,
            "flash_attn": self.flash_attn,
            "rope_scaling": self.rope_scaling,
            "offload": self.offload,
        }

    # -- tokens -----------------------------------------------------------
    def tokenize(self, text: str, *, add_special: bool = False, parse_special: bool = True) -> list[int]:
        data = text.encode("utf-8")
        cap = len(data) + 16
        arr = (ctypes.c_int32 * cap)()
        n = L.llama_tokenize(self.vocab, data, len(data), arr, cap, add_special, parse_special)
        if n < 0:
            cap = -n
            arr = (ctypes.c_int32 * cap)()
            n = L.llama_tokenize(self.vocab, data, len(data), arr, cap, add_special, parse_special)
        return list(arr[:n])

    def tokenize_prompt(self, parts: Sequence[PromptPart], *, add_bos: bool) -> list[int]:
        """A rendered prompt's tokens: control tokens only where the template wrote them.

        Typed text (a message's content) is text whatever it contains, so a ``<|im_end|>`` typed
        or pasted cannot end the turn. The template's own control tokens are found by letting
        llama.cpp tokenise each scaffolding part; everything between them, scaffolding and typed
        text alike, is tokenised as one run of plain text, as llama.cpp itself would.
        """
        out = [int(L.llama_vocab_bos(self.vocab))] if add_bos else []
        run: list[str] = []

        def flush() -> None:
            if run:
                out.extend(self.tokenize("".join(run), parse_special=False))
                run.clear()

        for part in parts:
            if part.typed:
                run.append(part.text)
                continue
            pos = 0
            for tok in self.tokenize(part.text, parse_special=True):
                if not L.llama_vocab_is_control(self.vocab, tok):
                    continue
                text = self.token_bytes(tok).decode("utf-8", errors="replace")
                found = part.text.find(text, pos) if text else -1
                if found < 0:
                    continue
                run.append(part.text[pos:found])
                flush()
                out.append(tok)
                pos = found + len(text)
            run.append(part.text[pos:])
        flush()
        return out

    def piece(self, token: int) -> bytes:
        """The bytes a token stands for in generated text.

        Control tokens that do not end a turn (``<|im_start|>``, ``<|fim_prefix|>``) stand for
        nothing: they are no text. The reasoning tags are text even where a vocabulary marks
        them as control tokens (alone or with a line end, "\\n</think>"), so that the reasoning
        can be told from the answer.
        """
        cached = self._pieces.get(token)
        if cached is None:
            cached = self.token_bytes(token)
            if L.llama_vocab_is_control(self.vocab, token) and not any(t in cached for t in _TAG_BYTES):
                cached = b""
            self._pieces[token] = cached
        return cached

    def without_trailing_space(self, tokens: Sequence[int]) -> tuple[list[int], int]:
        """``tokens`` without the whitespace-only tokens they end with, and how many those were."""
        kept = list(tokens)
        while kept and self.piece(kept[-1]) and not self.piece(kept[-1]).strip():
            kept.pop()
        return kept, len(tokens) - len(kept)

    def token_bytes(self, token: int) -> bytes:
        """The token's own text, control tokens included (a long token gets a bigger buffer)."""
        n = L.llama_token_to_piece(self.vocab, token, self._piece_buf, len(self._piece_buf), 0, True)
        if n >= 0:
            return self._piece_buf.raw[:n]
        bigger = ctypes.create_string_buffer(-n)
        n = L.llama_token_to_piece(self.vocab, token, bigger, len(bigger), 0, True)
        return bigger.raw[: max(n, 0)]

    def is_eog(self, token: int) -> bool:
        cached = self._eog.get(token)
        if cached is None:
            cached = self._eog[token] = bool(L.llama_vocab_is_eog(self.vocab, token))
        return cached

    @property
    def add_bos(self) -> bool:
        return bool(L.llama_vocab_get_add_bos(self.vocab))

    def bos_text(self) -> str:
        tok = L.llama_vocab_bos(self.vocab)
        return self.token_bytes(tok).decode("utf-8", errors="replace") if tok >= 0 else ""

    def eos_text(self) -> str:
        tok = L.llama_vocab_eos(self.vocab)
        return self.token_bytes(tok).decode("utf-8", errors="replace") if tok >= 0 else ""

    # -- KV cache ---------------------------------------------------------
    def truncate(self, n: int) -> None:
        """Forget every cached token from position ``n`` on."""
        if n < len(self.tokens):
            L.llama_memory_seq_rm(self.memory, -1, n, -1)
            del self.tokens[n:]

    def common_prefix(self, tokens: Sequence[int]) -> int:
        """How many leading ``tokens`` the KV cache already holds."""
        keep = 0
        limit = min(len(tokens), len(self.tokens))
        while keep < limit and tokens[keep] == self.tokens[keep]:
            keep += 1
        return keep

    def prefill(self, tokens: Sequence[int]) -> int:
        """Make the cache hold exactly ``tokens``; return how many were reused."""
        keep = self.common_prefix(tokens)
        if keep == len(tokens) and keep > 0:
            # The logits of the last token are needed again: evaluate it anew.
            keep -= 1
        self.truncate(keep)
        self.eval(tokens[keep:])
        return keep

    def set_stop(self, stop: Callable[[], bool] | None) -> None:
        """``stop`` says when to give up evaluating a prompt (the user pressed Stop)."""
        self._stop = stop

    def eval(self, tokens: Sequence[int]) -> bool:
        """Evaluate ``tokens`` after the cached ones; False when stopped part of the way (the
        cache then holds the batches that were done, and ``self.tokens`` says which)."""
        stop = self._stop
        if len(tokens) > 1 and stop is not None:
            # Only while several tokens are evaluated: per generated token, the call from
            # llama.cpp into Python between its steps would cost more than it is worth.
            L.llama_set_abort_callback(self.ctx, self._abort_cb, None)
        try:
            for start in range(0, len(tokens), self.n_batch):
                if stop is not None and stop():
                    return False
                chunk = tokens[start : start + self.n_batch]
                arr = (ctypes.c_int32 * len(chunk))(*chunk)
                rc = L.llama_decode(self.ctx, L.llama_batch_get_one(arr, len(chunk)))
                if rc == _DECODE_ABORTED:
                    return False  # llama.cpp removed the batch's entries from the cache
                if rc != 0:
                    raise RuntimeError(f"llama_decode failed with code {rc}")
                self.tokens.extend(chunk)
        finally:
            if len(tokens) > 1 and stop is not None:
                L.llama_set_abort_callback(self.ctx, _NO_ABORT, None)
        return True

    def eval_one(self, token: int) -> None:
        self._one[0] = token
        rc = L.llama_decode(self.ctx, L.llama_batch_get_one(self._one, 1))
        if rc != 0:
            raise RuntimeError(f"llama_decode failed with code {rc}")
        self.tokens.append(token)

    def close(self) -> None:
        if self.ctx:
            L.llama_free(self.ctx)
            self.ctx = None
        if self.model:
            L.llama_model_free(self.model)
            self.model = None


class Sampler:
    """A llama.cpp sampler chain built once per reply."""

    def __init__(
        self,
        session: LlamaSession,
        *,
        temperature: float,
        top_k: int,
        top_p: float,
        min_p: float,
        presence_penalty: float = 0.0,
        seed: int | None = None,
        history: Sequence[int] = (),
    ) -> None:
        """``history``: reply tokens already in the context (a reasoning that continues), which
        the presence penalty counts as much as the tokens to come."""
        self._session = session
        params = L.llama_sampler_chain_default_params()
        params.no_perf = True
        self.chain = L.llama_sampler_chain_init(params)
        add = L.llama_sampler_chain_add
        if presence_penalty:
            # Over the whole reply (the context is the most it can be), as Qwen recommends it
            # against the endless repetition of a long reasoning: not just the last 64 tokens.
            window = session.n_ctx
            add(
                self.chain,
                L.llama_sampler_init_penalties(session.n_vocab, window, 1.0, 0.0, presence_penalty),
            )
            for token in history:
                L.llama_sampler_accept(self.chain, token)
        if temperature <= 0:
            add(self.chain, L.llama_sampler_init_greedy())
            return
        if top_k > 0:
            add(self.chain, L.llama_sampler_init_top_k(top_k))
        add(self.chain, L.llama_sampler_init_top_p(top_p, 1))
        if min_p > 0:
            add(self.chain, L.llama_sampler_init_min_p(min_p, 1))
        add(self.chain, L.llama_sampler_init_temp(temperature))
        seed_value = seed if seed is not None else int.from_bytes(os.urandom(4), "little")
        add(self.chain, L.llama_sampler_init_dist(seed_value & 0xFFFFFFFF))

    def sample(self) -> int:
        return int(L.llama_sampler_sample(self.chain, self._session.ctx, -1))

    def accept(self, token: int) -> None:
        """Tell the penalties about a token that was forced, not sampled."""
        L.llama_sampler_accept(self.chain, token)

    def close(self) -> None:
        if self.chain:
            L.llama_sampler_free(self.chain)
            self.chain = None


_TAG_BYTES = (OPEN_TAG.encode(), CLOSE_TAG.encode())
_DECODE_ABORTED = 2  # llama_decode's return when the abort callback said stop
_NO_ABORT = L.ggml_abort_callback()  # a null callback: llama.cpp asks nothing


def _logged_value(name: str) -> str | None:
    """The last value llama.cpp logged as ``name = value`` while creating a context."""
    for line in reversed(_log_lines):
        head, sep, value = line.partition("=")
        if sep and head.strip().endswith(f": {name}"):
            return value.strip()
    return None


def _rope_scaling_read_back(
    settings: LoadSettings, n_ctx_train: int, file_type: str | None
) -> dict[str, object] | None:
    """The rope scaling llama.cpp applies, read back from what it logged (not what was asked)."""
    text = _logged_value("freq_scale")
    try:
        scale = float(text) if text is not None else 1.0
    except ValueError:
        scale = 1.0
    if scale >= 1.0 or scale <= 0.0:
        return None
    original = settings.yarn_orig_ctx or n_ctx_train
    return {
        "type": "yarn" if settings.yarn_factor else "file",
        "factor": round(1.0 / scale, 4),
        "original_context": original,
    }


def _explain_load_failure(log: list[str]) -> str:
    text = " ".join(log)
    lowered = text.lower()
    if "unknown model architecture" in lowered:
        return "Unsupported model: " + _after(text, "unknown model architecture")
    if "failed to read magic" in lowered or "invalid magic" in lowered:
        return "Not a GGUF model file."
    if "not within the file bounds" in lowered or "truncated" in lowered or "failed to read" in lowered:
        return "The model file is incomplete or damaged (truncated download?)."
    return "llama.cpp could not load the model" + (f": {log[-1]}" if log else ".")


def _after(text: str, marker: str) -> str:
    i = text.lower().find(marker)
    return text[i:].split("\n")[0].strip() if i >= 0 else text
