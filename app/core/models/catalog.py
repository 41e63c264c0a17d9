"""The curated Qwen3 model catalog (``models/catalog.json``).

The catalog is data: which repositories and files hold each Qwen3 release at each
quantisation, their approximate sizes, and the architecture figures the memory
estimate needs. Names like ``qwen3-8b:q4_k_m`` resolve to a repository and its
file(s); ``qwen3-8b`` alone means the model's default quant.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any, Literal

__all__ = [
    "Catalog",
    "CatalogError",
    "CatalogModel",
    "Experts",
    "QuantFiles",
    "ResolvedName",
    "Thinking",
    "load_catalog",
    "parse_catalog",
]

Thinking = Literal["hybrid", "always", "never"]
_THINKING: tuple[str, ...] = ("hybrid", "always", "never")


class CatalogError(ValueError):
    """A name the catalog does not know, or a malformed catalog file."""


@dataclass(frozen=True, slots=True)
class QuantFiles:
    """One quantisation of a model: where it lives and roughly how big it is."""

    quant: str
    repo: str
    files: tuple[str, ...]  # paths inside the repository; several for a split model
    size: int  # bytes, approximate (the Hub has the exact figure)

    @property
    def is_split(self) -> bool:
        return len(self.files) > 1

    @property
    def file_names(self) -> tuple[str, ...]:
        """The files' names without the repository folders."""
        return tuple(PurePosixPath(f).name for f in self.files)


@dataclass(frozen=True, slots=True)
class Experts:
    count: int
    used: int


@dataclass(frozen=True)
class CatalogModel:
    id: str
    name: str
    arch: str
    thinking: Thinking
    params: int
    n_layers: int
    n_heads: int
    n_kv_heads: int
    head_dim: int
    n_embd: int
    n_vocab: int
    context_length: int  # what the GGUF metadata says (40960 for the first Qwen3 release)
    native_context: int  # what the model was trained for without RoPE scaling
    repos: tuple[str, ...]
    default_quant: str
    quants: Mapping[str, QuantFiles]
    active_params: int | None = None
    experts: Experts | None = None
    released: str = ""

    @property
    def is_moe(self) -> bool:
        return self.experts is not None

    def quant(self, name: str | None = None) -> QuantFiles:
        """The files of a quant (case-insensitive); the default quant when ``name`` is None."""
        wanted = (name or self.default_quant).upper()
        for key, files in self.quants.items():
            if key.upper() == wanted:
                return files
        known = ", ".join(self.quants)
        raise CatalogError(f"{self.name} has no {wanted} quant in the catalog (it has {known}).")


@dataclass(frozen=True, slots=True)
class ResolvedName:
    """A catalog name resolved to a model and one quant's files."""

    model: CatalogModel
    files: QuantFiles

    @property
    def spec(self) -> str:
        return f"{self.model.id}:{self.files.quant.lower()}"

    @property
    def repo(self) -> str:
        return self.files.repo


class Catalog:
    def __init__(self, models: tuple[CatalogModel, ...], quant_order: tuple[str, ...]) -> None:
        self.models = models
        self.quant_order = quant_order
        self._by_id = {m.id.lower(): m for m in models}

    def __iter__(self) -> Iterator[CatalogModel]:
        return iter(self.models)

    def __len__(self) -> int:
        return len(self.models)

    def get(self, model_id: str) -> CatalogModel:
        model = self._by_id.get(model_id.strip().lower())
        if model is None:
            close = difflib.get_close_matches(model_id.lower(), list(self._by_id), n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise CatalogError(f"No model called {model_id!r} in the catalog.{hint}")
        return model

    def resolve(self, name: str) -> ResolvedName:
        """``qwen3-8b:q4_k_m`` (or ``qwen3-8b`` for the default quant) -> model and files."""
        model_id, _, quant = name.strip().partition(":")
        model = self.get(model_id)
        return ResolvedName(model, model.quant(quant or None))

    def find_file(self, file_name: str) -> ResolvedName | None:
        """The catalog entry a downloaded file belongs to (matched by file name), if any."""
        base = PurePosixPath(file_name.replace("\\", "/")).name.lower()
        for model in self.models:
            for files in model.quants.values():
                if base in (n.lower() for n in files.file_names):
                    return ResolvedName(model, files)
        return None

    def quant_rank(self, quant: str) -> int:
        """Higher is better quality; quants outside ``quant_order`` rank by their bit count."""
        upper = quant.upper()
        if upper in self.quant_order:
            return self.quant_order.index(upper) * 10 + 10
        digits = [c for c in upper if c.isdigit()]
        return int(digits[0]) * 10 - 25 if digits else 0

    def with_thinking(self, *modes: Thinking) -> list[CatalogModel]:
        return [m for m in self.models if m.thinking in modes]


def _model(raw: Mapping[str, Any]) -> CatalogModel:
    quants = {
        q: QuantFiles(quant=q, repo=v["repo"], files=tuple(v["files"]), size=int(v["size"]))
        for q, v in raw["quants"].items()
    }
    if raw["thinking"] not in _THINKING:
        raise CatalogError(f"{raw['id']}: thinking must be one of {_THINKING}, not {raw['thinking']!r}")
    experts = raw.get("experts")
    model = CatalogModel(
        id=raw["id"],
        name=raw["name"],
        arch=raw["arch"],
        thinking=raw["thinking"],
        params=int(raw["params"]),
        n_layers=int(raw["n_layers"]),
        n_heads=int(raw["n_heads"]),
        n_kv_heads=int(raw["n_kv_heads"]),
        head_dim=int(raw["head_dim"]),
        n_embd=int(raw["n_embd"]),
        n_vocab=int(raw["n_vocab"]),
        context_length=int(raw["context_length"]),
        native_context=int(raw["native_context"]),
        repos=tuple(raw["repos"]),
        default_quant=raw["default_quant"],
        quants=quants,
        active_params=int(raw["active_params"]) if raw.get("active_params") else None,
        experts=Experts(int(experts["count"]), int(experts["used"])) if experts else None,
        released=raw.get("released", ""),
    )
    model.quant()  # the default quant must exist
    return model


def parse_catalog(doc: Mapping[str, Any]) -> Catalog:
    try:
        models = tuple(_model(m) for m in doc["models"])
        order = tuple(q.upper() for q in doc.get("quant_order", ()))
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, CatalogError):
            raise
        raise CatalogError(f"The model catalog is malformed: {exc!r}") from exc
    ids = [m.id for m in models]
    if len(set(ids)) != len(ids):
        raise CatalogError("The model catalog lists a model id twice.")
    return Catalog(models, order)


@lru_cache(maxsize=4)
def _load(path: Path) -> Catalog:
    try:
        doc = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise CatalogError(f"The model catalog is missing ({path}).") from exc
    except json.JSONDecodeError as exc:
        raise CatalogError(f"The model catalog {path} is not valid JSON: {exc}") from exc
    return parse_catalog(doc)


def load_catalog(path: Path | str | None = None) -> Catalog:
    """Load (and cache) the catalog; by default ``models/catalog.json``, installed with the app
    as the data package ``app.data.models``."""
    if path:
        return _load(Path(path))
    with resources.as_file(resources.files("app.data.models") / "catalog.json") as installed:
        return _load(installed)
