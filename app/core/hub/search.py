"""Find GGUF models on the Hugging Face Hub and list a repository's GGUF files.

Only metadata goes through huggingface_hub (``HfApi``); the files themselves are
fetched by :mod:`app.core.hub.download`. The endpoint is read from ``HF_ENDPOINT``
at every call (not at import, as huggingface_hub does), so a mirror or a local
test server can be chosen at run time. Split files (``-00001-of-00003.gguf``)
are grouped into one logical model each.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any, TypeVar

from app.core.gguf.split import logical_name, parse_split_name
from app.core.hub.errors import AuthRequiredError, HubError, NetworkError, NotFoundError, ServerError
from app.core.hub.hf import get_json, hf_api, hf_errors, hf_model_info_class

__all__ = [
    "DEFAULT_ENDPOINT",
    "HubFile",
    "HubModel",
    "RepoListing",
    "RepoResult",
    "group_gguf_files",
    "hub_api",
    "hub_endpoint",
    "list_gguf_files",
    "list_gguf_models",
    "quant_from_name",
    "search_gguf_repos",
    "translate_hub_error",
]

DEFAULT_ENDPOINT = "https://huggingface.co"
_QUANT_RE = re.compile(
    r"(?:^|[-_.])((?:UD-)?(?:I?Q[1-8](?:_[A-Z0-9]+)*|BF16|F16|F32|TQ[12]_0|MXFP4(?:_MOE)?))(?=[-_.]|$)",
    re.IGNORECASE,
)
T = TypeVar("T")


def hub_endpoint(endpoint: str | None = None) -> str:
    """``endpoint``, else ``HF_ENDPOINT``, else huggingface.co; without a trailing slash."""
    return (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def hub_api(*, endpoint: str | None = None, token: str | None = None) -> Any:
    """An ``HfApi`` for the current endpoint. With ``token=None`` huggingface_hub's own
    login (``HF_TOKEN``, ``hf auth login``) applies."""
    return hf_api(hub_endpoint(endpoint), token)


@dataclass(frozen=True, slots=True)
class HubFile:
    path: str  # inside the repository, with folders
    size: int | None
    sha256: str | None  # from Git LFS; None for small files kept in Git itself
    blob_id: str | None = None

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


@dataclass(frozen=True, slots=True)
class HubModel:
    """One loadable model in a repository: a .gguf file or a whole split set."""

    repo: str
    name: str  # e.g. "Qwen3-8B-Q4_K_M"
    quant: str | None
    files: tuple[HubFile, ...]  # in part order
    revision: str | None = None  # the commit the listing came from

    @property
    def size(self) -> int | None:
        sizes = [f.size for f in self.files]
        return None if any(s is None for s in sizes) else sum(s or 0 for s in sizes)

    @property
    def is_split(self) -> bool:
        return len(self.files) > 1

    @property
    def complete(self) -> bool:
        """False when a split set's listing lacks parts."""
        split = parse_split_name(PurePosixPath(self.files[0].path).name)
        return split is None or len(self.files) == split.count


@dataclass(frozen=True, slots=True)
class RepoListing:
    repo: str
    revision: str | None  # commit sha, when the Hub said
    files: tuple[HubFile, ...]  # the .gguf files only


@dataclass(frozen=True, slots=True)
class RepoResult:
    repo: str
    downloads: int | None
    likes: int | None
    last_modified: datetime | None
    gated: bool
    tags: tuple[str, ...]


def quant_from_name(name: str) -> str | None:
    """The quant a file name announces: ``Qwen3-8B-Q4_K_M.gguf`` -> ``Q4_K_M``."""
    stem = logical_name(name)
    found = _QUANT_RE.findall(stem)
    return found[-1].upper() if found else None


def _is_transport_error(exc: BaseException) -> bool:
    if isinstance(exc, ConnectionError | TimeoutError):
        return True
    for cls in type(exc).__mro__:
        module = cls.__module__.split(".")[0]
        transport = module.startswith("httpx") or module in ("requests", "urllib3", "httpcore", "httpcore2")
        if transport and cls.__name__ in ("TransportError", "TimeoutException", "ConnectionError", "Timeout"):
            return True
    return False


def translate_hub_error(exc: BaseException, what: str) -> HubError:
    """A huggingface_hub or transport exception as one of our errors, about ``what``."""
    hf = hf_errors()

    if isinstance(exc, HubError):
        return exc
    if isinstance(exc, hf.GatedRepoError):
        return AuthRequiredError(
            f"{what} is gated: accept its terms on the Hugging Face website, then add a token "
            "from an account that has access."
        )
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if isinstance(exc, hf.RepositoryNotFoundError):
        if status == 401:
            return AuthRequiredError(
                f"{what} was not found, or it is private: check the name, or add a Hugging Face "
                "token from an account that can see it."
            )
        return NotFoundError(f"{what} was not found on the Hugging Face Hub.")
    if isinstance(exc, hf.RevisionNotFoundError):
        return NotFoundError(f"{what}: that revision does not exist.")
    if isinstance(exc, hf.EntryNotFoundError):
        return NotFoundError(f"{what}: the file does not exist in the repository.")
    if isinstance(exc, hf.HfHubHTTPError):
        if status in (401, 403):
            return AuthRequiredError(
                f"The Hub refused access to {what} ({status}): the token is missing, invalid or lacks access."
            )
        if status == 404:
            return NotFoundError(f"{what} was not found on the Hugging Face Hub.")
        if status is not None and status >= 500:
            return ServerError(f"The Hugging Face Hub had a problem ({status}) with {what}; try again later.")
        return ServerError(f"The Hugging Face Hub refused the request for {what} ({status}).")
    if _is_transport_error(exc) or isinstance(exc, OSError):
        return NetworkError(
            f"Could not reach the Hugging Face Hub ({hub_endpoint()}) for {what}: check the "
            "internet connection."
        )
    return HubError(f"Unexpected problem with {what}: {exc}")


def _call(fn: Callable[[], T], what: str) -> T:
    try:
        return fn()
    except Exception as exc:
        raise translate_hub_error(exc, what) from exc


def search_gguf_repos(
    query: str,
    *,
    limit: int = 30,
    sort: str = "downloads",
    endpoint: str | None = None,
    token: str | None = None,
) -> list[RepoResult]:
    """Model repositories matching ``query`` that hold GGUF files, most downloaded first.

    The first page only (``limit`` at most 1000), as ``HfApi.list_models`` asks for it,
    in one request: an unreachable Hub is reported at once, not after a minute of retries.
    """
    params: dict[str, Any] = {"filter": "gguf", "sort": sort, "limit": limit}
    if query:
        params["search"] = query
    url = f"{hub_endpoint(endpoint)}/api/models"

    def run() -> list[Any]:
        model_info = hf_model_info_class()
        items = get_json(url, params, token)
        return [model_info(**{"siblings": None, **item}) for item in items[:limit]]

    return [
        RepoResult(
            repo=info.id,
            downloads=info.downloads,
            likes=info.likes,
            last_modified=info.last_modified,
            gated=bool(info.gated),
            tags=tuple(info.tags or ()),
        )
        for info in _call(run, f"the search for {query!r}")
    ]


def _is_model_file(path: str) -> bool:
    name = PurePosixPath(path).name.lower()
    # mmproj files are vision projectors that go with a model, not models themselves.
    return name.endswith(".gguf") and not name.startswith("mmproj")


def list_gguf_files(
    repo: str,
    *,
    revision: str | None = None,
    endpoint: str | None = None,
    token: str | None = None,
) -> RepoListing:
    """The repository's .gguf files with sizes and sha256 (from the files metadata, or
    from the repository tree when the metadata lacks sizes)."""
    api = hub_api(endpoint=endpoint, token=token)
    info = _call(lambda: api.model_info(repo, revision=revision, files_metadata=True), repo)
    files = [
        HubFile(
            path=s.rfilename,
            size=(s.lfs.size if s.lfs else s.size),
            sha256=(s.lfs.sha256 if s.lfs else None),
            blob_id=s.blob_id,
        )
        for s in (info.siblings or ())
        if _is_model_file(s.rfilename)
    ]
    if any(f.size is None for f in files):
        tree = _call(
            lambda: list(api.list_repo_tree(repo, recursive=True, revision=info.sha or revision)), repo
        )
        files = [
            HubFile(
                path=e.path,
                size=e.lfs.size if e.lfs else e.size,
                sha256=e.lfs.sha256 if e.lfs else None,
                blob_id=e.blob_id,
            )
            for e in tree
            if hasattr(e, "blob_id") and _is_model_file(e.path)
        ]
    files.sort(key=lambda f: f.path)
    return RepoListing(repo=repo, revision=info.sha, files=tuple(files))


def group_gguf_files(repo: str, files: Iterable[HubFile], revision: str | None = None) -> list[HubModel]:
    """Group files into models: each split set becomes one, in part order."""
    groups: dict[str, list[tuple[int, HubFile]]] = {}
    for f in files:
        split = parse_split_name(f.path)
        key = split.prefix if split else f.path
        groups.setdefault(key, []).append((split.index if split else 1, f))
    models = []
    for _key, members in sorted(groups.items()):
        members.sort(key=lambda m: m[0])
        first = members[0][1]
        models.append(
            HubModel(
                repo=repo,
                name=logical_name(first.path),
                quant=quant_from_name(first.path),
                files=tuple(m[1] for m in members),
                revision=revision,
            )
        )
    return models


def list_gguf_models(
    repo: str,
    *,
    revision: str | None = None,
    endpoint: str | None = None,
    token: str | None = None,
) -> list[HubModel]:
    """The loadable models in a repository, split sets grouped, sorted by name."""
    listing = list_gguf_files(repo, revision=revision, endpoint=endpoint, token=token)
    return group_gguf_files(repo, listing.files, listing.revision)
