"""What a server is and which models it serves, asked over HTTP.

Each kind of server is recognised by an endpoint only it has: llama-server's ``/props``,
Ollama's ``/api/version``, SGLang's ``/get_model_info``, vLLM's ``/version``, LM Studio's
``/api/v0/models``; anything else that answers ``/v1/models`` is OpenAI-compatible (Qwen's
hosted API is known by its host, another Ponder by ``owned_by: "ponder"`` on its models). An
API key the server refuses stops the probing at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.engine.remote.http import HttpClient, RemoteError
from app.engine.remote.shapes import Kind


@dataclass(frozen=True, slots=True)
class ServerInfo:
    kind: Kind
    version: str = ""
    models: tuple[str, ...] = ()
    template: str | None = None  # the loaded model's chat template (llama-server)
    n_ctx: int | None = None  # context per request, where the server says
    bos_token: str = ""
    eos_token: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def _optional(client: HttpClient, path: str) -> Any | None:
    """The JSON at ``path``, or None where the server has no such endpoint."""
    try:
        return client.get_json(path)
    except RemoteError as exc:
        if exc.kind in ("not_found", "bad_request", "server", "protocol"):
            return None
        raise


def probe(client: HttpClient) -> ServerInfo:
    """Detect the server's kind and list its models; RemoteError when it cannot be reached."""
    props = _optional(client, "/props")
    if isinstance(props, dict) and ("default_generation_settings" in props or "build_info" in props):
        return _llama(client, props)
    version = _optional(client, "/api/version")
    if isinstance(version, dict) and "version" in version:
        tags = _optional(client, "/api/tags") or {}
        names = [m.get("name") or m.get("model") for m in tags.get("models", []) if isinstance(m, dict)]
        return ServerInfo(Kind.OLLAMA, str(version["version"]), tuple(n for n in names if n))
    info = _optional(client, "/get_model_info")
    if isinstance(info, dict) and "model_path" in info:
        models, n_ctx = _openai_models(client)
        return ServerInfo(Kind.SGLANG, "", models or (str(info["model_path"]),), n_ctx=n_ctx)
    version = _optional(client, "/version")
    if isinstance(version, dict) and "version" in version:
        models, n_ctx = _openai_models(client)
        return ServerInfo(Kind.VLLM, str(version["version"]), models, n_ctx=n_ctx)
    lmstudio = _optional(client, "/api/v0/models")
    if isinstance(lmstudio, dict) and isinstance(lmstudio.get("data"), list):
        ids = [m.get("id") for m in lmstudio["data"] if isinstance(m, dict) and m.get("type") != "embeddings"]
        return ServerInfo(Kind.LMSTUDIO, "", tuple(str(i) for i in ids if i))
    entries = _model_entries(client, required=True)
    models, n_ctx = _listed(entries)
    if entries and all(m.get("owned_by") == "ponder" for m in entries):
        return ServerInfo(Kind.PONDER, "", models, n_ctx=n_ctx)
    kind = Kind.QWEN_API if "dashscope" in client.address.host.lower() else Kind.OPENAI
    return ServerInfo(kind, "", models, n_ctx=n_ctx)


def _openai_models(client: HttpClient, *, required: bool = False) -> tuple[tuple[str, ...], int | None]:
    return _listed(_model_entries(client, required=required))


def _model_entries(client: HttpClient, *, required: bool = False) -> list[dict[str, Any]]:
    """The objects of ``/v1/models`` (none where it has no list, unless ``required``)."""
    try:
        data = client.get_json("/v1/models")
    except RemoteError as exc:
        if required and exc.kind == "not_found":
            raise RemoteError(
                "protocol",
                f"{client.address.url} does not look like a model server (no /v1/models). "
                "Check the address and port.",
            ) from None
        if required:
            raise
        return []
    entries = data.get("data") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        if required:
            raise RemoteError("protocol", f"{client.address.url} answered /v1/models with no model list.")
        return []
    return [m for m in entries if isinstance(m, dict)]


def _listed(entries: list[dict[str, Any]]) -> tuple[tuple[str, ...], int | None]:
    """The models' ids, and the context per request where a model says (vLLM's ``max_model_len``)."""
    ids = tuple(str(m["id"]) for m in entries if m.get("id"))
    lengths = [m.get("max_model_len") for m in entries]
    n_ctx = next((int(n) for n in lengths if isinstance(n, int) and n > 0), None)
    return ids, n_ctx


def _llama(client: HttpClient, props: dict[str, Any]) -> ServerInfo:
    models, _ = _openai_models(client)
    if not models:
        alias = props.get("model_alias") or props.get("model_path") or "default"
        models = (str(alias),)
    settings = props.get("default_generation_settings")
    n_ctx = settings.get("n_ctx") if isinstance(settings, dict) else None
    template = props.get("chat_template")
    return ServerInfo(
        Kind.LLAMA,
        str(props.get("build_info") or ""),
        models,
        template=template if isinstance(template, str) and template else None,
        n_ctx=n_ctx if isinstance(n_ctx, int) and n_ctx > 0 else None,
        bos_token=str(props.get("bos_token") or ""),
        eos_token=str(props.get("eos_token") or ""),
        details={"model_path": props.get("model_path"), "total_slots": props.get("total_slots")},
    )


def pick_model(info: ServerInfo, wanted: str, where: str) -> str:
    """The server's id for ``wanted`` ("default": its only or first model); RemoteError if unknown."""
    if not info.models:
        raise RemoteError(
            "not_found", f"The server at {where} serves no model yet. Load one on the server first."
        )
    if wanted in ("", "default"):
        return info.models[0]
    if wanted in info.models:
        return wanted
    folded = [m for m in info.models if m.lower() == wanted.lower()]
    if len(folded) == 1:
        return folded[0]
    listed = ", ".join(info.models[:8]) + (" …" if len(info.models) > 8 else "")
    raise RemoteError("not_found", f"The server at {where} has no model '{wanted}'. It serves: {listed}.")
