"""The local model library: the models folder and the models in it.

Downloads go to ``<root>/<owner>/<repo>/<file>.gguf``, so two repositories' files of
the same name never collide. The root is ``$PONDER_HOME/models`` when ``PONDER_HOME``
is set, else ``<user data dir>/Ponder/models``, or a folder the user chooses. Files
elsewhere can be added by reference (remembered in ``library.json``, never deleted by
Ponder) or copied in. Every model is described from its GGUF header, so a damaged or
incomplete file is listed with the reason it cannot be loaded.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.gguf.header import GGUFError
from app.core.gguf.model import GGUFModel, read_model
from app.core.gguf.split import logical_name, parse_split_name, split_parts
from app.core.hub.partial import discard_partial, part_path
from app.core.models.catalog import Catalog, CatalogError, load_catalog
from app.core.store.settings import load_settings

__all__ = [
    "LocalModel",
    "ModelLibrary",
    "ModelNotFoundError",
    "default_models_dir",
    "platform_models_dir",
    "resolve_model_name",
]

INDEX_NAME = "library.json"
LOCAL_FOLDER = "local"


class ModelNotFoundError(LookupError):
    """A name that matches no model in the library; ``str()`` says what to do."""


def default_models_dir() -> Path:
    """The folder the user chose (``models_dir`` in the settings), else the default one.

    ``$PONDER_HOME`` still decides where the settings file is read from.
    """
    chosen = load_settings().models_dir
    if chosen:
        return Path(chosen).expanduser()
    return platform_models_dir()


def platform_models_dir() -> Path:
    """``$PONDER_HOME/models``, else ``<user data dir>/Ponder/models``; ignores the settings."""
    home = os.environ.get("PONDER_HOME")
    if home:
        return Path(home).expanduser() / "models"
    import platformdirs

    return Path(platformdirs.user_data_dir("Ponder", appauthor=False)) / "models"


@dataclass(frozen=True)
class LocalModel:
    name: str  # "Qwen3-8B-Q4_K_M" (no folders, split numbering or extension)
    path: Path  # the file llama.cpp loads (the first part of a split model)
    parts: tuple[Path, ...]
    size: int  # bytes on disk, all parts
    quant: str | None
    arch: str | None
    context_length: int | None
    n_params: int | None
    repo: str | None  # "owner/name" for downloads, from the folder
    catalog_spec: str | None  # "qwen3-8b:q4_k_m" when it is a catalog file
    referenced: bool  # lives outside the library folder (added by reference)
    problem: str | None = None  # why it cannot be loaded; None when it can

    @property
    def usable(self) -> bool:
        return self.problem is None


def _safe(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", part).strip(".") or "_"


class ModelLibrary:
    def __init__(
        self,
        root: Path | str | None = None,
        *,
        catalog: Catalog | None = None,
        extra_dirs: Sequence[Path | str] = (),
    ) -> None:
        self.root = Path(root) if root else default_models_dir()
        self.extra_dirs = tuple(Path(d) for d in extra_dirs)
        self._catalog = catalog
        self._lock = threading.Lock()
        self._cache: dict[tuple[Path, ...], tuple[tuple[int, int], ...] | None] = {}
        self._described: dict[tuple[Path, ...], LocalModel] = {}

    @property
    def catalog(self) -> Catalog | None:
        if self._catalog is None:
            try:
                self._catalog = load_catalog()
            except CatalogError:
                return None
        return self._catalog

    @property
    def index_path(self) -> Path:
        return self.root / INDEX_NAME

    @property
    def downloads_state_path(self) -> Path:
        """Where the download queue of this library is saved (for DownloadManager)."""
        return self.root / "downloads.json"

    def download_dir(self, repo: str) -> Path:
        """Where files of Hub repository ``repo`` are downloaded."""
        owner, _, name = repo.partition("/")
        return self.root / _safe(owner) / _safe(name or owner)

    # ---- references ----------------------------------------------------------------
    def _references(self) -> list[Path]:
        try:
            data = json.loads(self.index_path.read_text("utf-8"))
        except (OSError, ValueError):
            return []
        refs = data.get("references", []) if isinstance(data, dict) else []
        return [Path(r) for r in refs if isinstance(r, str)]

    def _save_references(self, refs: list[Path]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.index_path.with_name(INDEX_NAME + ".tmp")
        unique = list(dict.fromkeys(str(r) for r in refs))
        tmp.write_text(json.dumps({"version": 1, "references": unique}, indent=1), "utf-8")
        os.replace(tmp, self.index_path)

    # ---- listing -------------------------------------------------------------------
    def _scan(self, folder: Path) -> Iterator[Path]:
        if not folder.is_dir():
            return
        for path in sorted(folder.rglob("*.gguf")):
            if any(p.startswith(".") for p in path.relative_to(folder).parts):
                continue
            split = parse_split_name(path.name)
            if split is None or split.index == 1:
                yield path
            elif not path.with_name(split.first).exists():
                yield path.with_name(split.first)  # first part missing: still list the set

    def _repo_of(self, path: Path) -> str | None:
        try:
            rel = path.relative_to(self.root).parts
        except ValueError:
            return None
        return f"{rel[0]}/{rel[1]}" if len(rel) == 3 and rel[0] != LOCAL_FOLDER else None

    def _describe(self, first: Path, referenced: bool) -> LocalModel:
        parts = tuple(split_parts(first))
        stamp = tuple((st.st_size, st.st_mtime_ns) for st in (p.stat() for p in parts if p.exists()))
        key = parts
        with self._lock:
            if self._cache.get(key) == stamp and key in self._described:
                cached = self._described[key]
                if cached.referenced == referenced:
                    return cached
        size = sum(s for s, _ in stamp)
        problem: str | None = None
        model: GGUFModel | None = None
        try:
            model = read_model(first, check=True)
        except GGUFError as exc:
            problem = str(exc)
        header = model.header if model else None
        spec = None
        if self.catalog is not None:
            found = self.catalog.find_file(first.name)
            spec = found.spec if found else None
        described = LocalModel(
            name=logical_name(first.name),
            path=first,
            parts=parts,
            size=size,
            quant=(header.quant if header else None) or _quant_guess(first.name),
            arch=header.architecture if header else None,
            context_length=header.context_length if header else None,
            n_params=model.n_params if model else None,
            repo=self._repo_of(first),
            catalog_spec=spec,
            referenced=referenced,
            problem=problem,
        )
        with self._lock:
            self._cache[key] = stamp
            self._described[key] = described
        return described

    def models(self) -> list[LocalModel]:
        """Every model in the library folder, the extra folders and the references."""
        seen: set[Path] = set()
        found: list[LocalModel] = []
        for folder, referenced in [(self.root, False), *((d, True) for d in self.extra_dirs)]:
            for first in self._scan(folder):
                if first.resolve() not in seen:
                    seen.add(first.resolve())
                    found.append(self._describe(first, referenced))
        for ref in self._references():
            if ref.resolve() not in seen:
                seen.add(ref.resolve())
                if ref.exists() or any(p.exists() for p in split_parts(ref)):
                    found.append(self._describe(ref, True))
                else:
                    found.append(_missing(ref))
        found.sort(key=lambda m: m.name.lower())
        return found

    # ---- changes -------------------------------------------------------------------
    def add(self, path: Path | str, *, copy: bool = False) -> LocalModel:
        """Add a .gguf from elsewhere (any part of a split model). By reference, or copied
        into ``<root>/local/``. The file must be a complete GGUF (raises GGUFError)."""
        model = read_model(Path(path).expanduser().resolve(), check=True)
        if not copy:
            try:
                model.path.relative_to(self.root.resolve())
                return self._describe(model.path, False)  # already inside the library
            except ValueError:
                pass
            self._save_references([*self._references(), model.path])
            return self._describe(model.path, True)
        target_dir = self.root / LOCAL_FOLDER
        target_dir.mkdir(parents=True, exist_ok=True)
        for src in model.part_paths:
            dest = target_dir / src.name
            if dest.exists():
                raise FileExistsError(f"{dest.name} is already in the library folder.")
        for src in model.part_paths:
            dest = target_dir / src.name
            tmp = part_path(dest)
            shutil.copyfile(src, tmp)
            os.replace(tmp, dest)
        return self._describe(target_dir / model.path.name, False)

    def remove(self, name: str | Path, *, delete_files: bool = True) -> LocalModel:
        """Take a model out of the library. Files inside the library folder are deleted
        (with ``delete_files``); a referenced file is only forgotten, never deleted."""
        model = self.find(name)
        if model is None:
            raise ModelNotFoundError(self._not_found_message(str(name)))
        refs = self._references()
        if model.path in refs:
            self._save_references([r for r in refs if r != model.path])
        if not model.referenced and delete_files:
            for p in model.parts:
                p.unlink(missing_ok=True)
                discard_partial(p)
            with self._lock:
                self._described.pop(model.parts, None)
                self._cache.pop(model.parts, None)
        return model

    # ---- names ---------------------------------------------------------------------
    def find(self, name: str | Path) -> LocalModel | None:
        try:
            path = self.resolve(name)
        except ModelNotFoundError:
            return None
        for model in self.models():
            if model.path == path or path in model.parts:
                return model
        return self._describe(path, True)

    def resolve(self, name: str | Path) -> Path:
        """A model name -> the path to load. Accepts a path to a .gguf (any part of a split
        model), a catalog name (``qwen3-0.6b:q8_0``, or ``qwen3-0.6b`` for its default
        quant), or a file name or stem as listed (``Qwen3-0.6B-Q8_0``)."""
        text = str(name).strip()
        candidate = Path(text).expanduser()
        looks_like_path = isinstance(name, Path) or os.sep in text or "/" in text
        if (looks_like_path or text.lower().endswith(".gguf")) and candidate.is_file():
            return split_parts(candidate)[0]
        models = self.models()
        catalog = self.catalog
        if catalog is not None and not text.lower().endswith(".gguf"):
            try:
                resolved = catalog.resolve(text)
            except CatalogError:
                resolved = None
            if resolved is not None:
                wanted = {n.lower() for n in resolved.files.file_names}
                for model in models:
                    if model.path.name.lower() in wanted:
                        return model.path
                raise ModelNotFoundError(
                    f"{resolved.spec} is not downloaded yet: download it with "
                    f"`ponder models download {resolved.spec}`."
                )
        key = logical_name(text).lower()
        exact = [m for m in models if m.name.lower() == key or m.path.name.lower() == text.lower()]
        if len(exact) == 1:
            return exact[0].path
        partial = [m for m in models if key in m.name.lower()]
        if len(exact) > 1 or len(partial) > 1:
            options = ", ".join(str(m.path) for m in (exact or partial)[:5])
            raise ModelNotFoundError(f"{text!r} matches several models: {options}. Give the full path.")
        if len(partial) == 1:
            return partial[0].path
        raise ModelNotFoundError(self._not_found_message(text))

    def _not_found_message(self, text: str) -> str:
        names = [m.name for m in self.models()]
        hint = f" Downloaded: {', '.join(names[:8])}." if names else " No models are downloaded yet."
        return f"No model called {text!r} in {self.root}.{hint}"


def resolve_model_name(name: str, root: Path | str | None = None) -> Path | None:
    """The path of a library model (see :meth:`ModelLibrary.resolve`), or None if none matches."""
    try:
        return ModelLibrary(root).resolve(name)
    except ModelNotFoundError:
        return None


def _missing(path: Path) -> LocalModel:
    return LocalModel(
        name=logical_name(path.name), path=path, parts=(path,), size=0, quant=_quant_guess(path.name),
        arch=None, context_length=None, n_params=None, repo=None, catalog_spec=None, referenced=True,
        problem=f"{path} no longer exists (moved or deleted).",
    )  # fmt: skip


def _quant_guess(name: str) -> str | None:
    from app.core.hub.search import quant_from_name

    return quant_from_name(name)
