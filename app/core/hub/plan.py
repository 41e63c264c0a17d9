"""Turn what the user picked into the exact files to download.

A catalog name (``qwen3-8b:q4_k_m``), a model found by search, or a file in a
repository all become a :class:`DownloadPlan`: the repository, the commit, and every
file (all parts of a split model) with the size and sha256 the Hub lists. The catalog
is checked against the live listing; when its file names are stale (split quants get
re-uploaded), the files of the same quant in the repository are used instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from app.core.gguf.split import logical_name, parse_split_name
from app.core.hub.download import RemoteFile
from app.core.hub.errors import NotFoundError
from app.core.hub.search import HubModel, group_gguf_files, list_gguf_files
from app.core.models.catalog import Catalog, load_catalog

__all__ = ["DownloadPlan", "plan_catalog", "plan_hub_model", "plan_repo_file"]


@dataclass(frozen=True, slots=True)
class DownloadPlan:
    name: str  # for people: "qwen3-8b:q4_k_m" or "Qwen3-8B-Q4_K_M"
    repo: str
    revision: str | None
    files: tuple[RemoteFile, ...]

    @property
    def size(self) -> int | None:
        sizes = [f.size for f in self.files]
        return None if any(s is None for s in sizes) else sum(s or 0 for s in sizes)


def plan_hub_model(model: HubModel, *, name: str | None = None) -> DownloadPlan:
    if not model.complete:
        raise NotFoundError(f"{model.name} in {model.repo} is missing some of its parts on the Hub.")
    revision = model.revision or "main"
    files = tuple(
        RemoteFile(repo=model.repo, path=f.path, revision=revision, size=f.size, sha256=f.sha256)
        for f in model.files
    )
    return DownloadPlan(name=name or model.name, repo=model.repo, revision=model.revision, files=files)


def _models(repo: str, revision: str | None, endpoint: str | None, token: str | None) -> list[HubModel]:
    listing = list_gguf_files(repo, revision=revision, endpoint=endpoint, token=token)
    return group_gguf_files(repo, listing.files, listing.revision)


def plan_repo_file(
    repo: str,
    filename: str,
    *,
    revision: str | None = None,
    endpoint: str | None = None,
    token: str | None = None,
) -> DownloadPlan:
    """The model in ``repo`` that ``filename`` belongs to (any part names the whole set)."""
    wanted = filename.strip("/")
    for model in _models(repo, revision, endpoint, token):
        if any(f.path == wanted or f.name == wanted for f in model.files) or model.name == wanted:
            return plan_hub_model(model)
    raise NotFoundError(f"{filename} is not in {repo}.")


def plan_catalog(
    spec: str,
    catalog: Catalog | None = None,
    *,
    endpoint: str | None = None,
    token: str | None = None,
) -> DownloadPlan:
    """Files for a catalog name such as ``qwen3-8b:q4_k_m``."""
    catalog = catalog or load_catalog()
    resolved = catalog.resolve(spec)
    quant = resolved.files
    models = _models(quant.repo, None, endpoint, token)
    wanted = set(quant.files)
    for model in models:
        if {f.path for f in model.files} == wanted:
            return plan_hub_model(model, name=resolved.spec)
    # Stale names: the same quant of the same model under other file names or folders.
    stem = logical_name(quant.files[0]).lower()
    base = stem[: -len(quant.quant)].rstrip("-_.") if stem.endswith(quant.quant.lower()) else stem
    same = [
        m
        for m in models
        if m.quant
        and m.quant.upper() == quant.quant.upper()
        and m.name.lower().startswith(base)
        and m.complete
    ]
    if same:
        return plan_hub_model(min(same, key=lambda m: len(m.name)), name=resolved.spec)
    shown = PurePosixPath(quant.files[0]).name
    split = parse_split_name(shown)
    what = f"{split.prefix} ({split.count} parts)" if split else shown
    raise NotFoundError(f"{what} is no longer in {quant.repo}; the catalog needs an update.")
