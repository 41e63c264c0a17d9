"""Typed, versioned settings in a JSON file that is written atomically and never lost.

Saving writes a temporary file in the same folder, flushes and fsyncs it, and renames it
over ``settings.json``; the previous good file is kept as ``settings.json.bak``. Loading
never raises: a missing, corrupt or partial main file falls back to the backup, then to
defaults, and values of the wrong type fall back to their defaults one by one.

Paths come from platformdirs, or from ``$PONDER_HOME`` when it is set (then the config is
``$PONDER_HOME/config`` and the data ``$PONDER_HOME/data``). ``data_dir`` and ``models_dir``
override the data and models folders when the user has chosen them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import tempfile
import types
import typing
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal, TypeVar

from platformdirs import user_config_dir, user_data_dir

from app.core.chat.sampling import NO_THINKING_DEFAULTS, THINKING_DEFAULTS, Sampling

APP_NAME = "Ponder"
ENV_HOME = "PONDER_HOME"
SETTINGS_FILE = "settings.json"
DATABASE_FILE = "ponder.db"
SCHEMA_VERSION = 1
DEFAULT_CONTEXT = 8192  # tokens of context the fit is planned for when no model says otherwise
AUTO_CONTEXT = 0  # a model loads with the largest context that fits (core.models.fit.choose_context)

Theme = Literal["system", "light", "dark"]
Language = Literal["system", "en", "zh_CN"]  # the window's language; "system" follows the locale
D = TypeVar("D")
log = logging.getLogger(__name__)

# Migration hook: MIGRATIONS[v] turns a version-v dict into a version-(v+1) dict.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def config_dir() -> Path:
    home = os.environ.get(ENV_HOME)
    return Path(home) / "config" if home else Path(user_config_dir(APP_NAME, appauthor=False))


def default_data_dir() -> Path:
    home = os.environ.get(ENV_HOME)
    return Path(home) / "data" if home else Path(user_data_dir(APP_NAME, appauthor=False))


# -- the settings -----------------------------------------------------------------------------


@dataclass(slots=True)
class ModelLoad:
    """How one model is loaded, keyed by its path or name."""

    n_ctx: int = AUTO_CONTEXT
    n_gpu_layers: int | Literal["auto"] = "auto"
    n_threads: int | None = None  # None: the engine picks
    flash_attn: bool = False
    kv_cache: Literal["auto", "f16", "q8_0", "q4_0"] = "auto"  # auto: f16 unless only q8_0 fits


@dataclass(slots=True)
class Settings:
    version: int = SCHEMA_VERSION
    models: dict[str, ModelLoad] = field(default_factory=dict)
    sampling_thinking: Sampling = THINKING_DEFAULTS
    sampling_no_thinking: Sampling = NO_THINKING_DEFAULTS
    system_prompts: dict[str, str] = field(default_factory=dict)  # preset name -> text
    last_model: str | None = None
    data_dir: str | None = None  # None: default_data_dir()
    models_dir: str | None = None  # None: app.core.hub.library's default models folder
    theme: Theme = "system"
    language: Language = "system"  # applied when the window next starts
    search_thinking: bool = False  # chat search looks in the reasoning too
    # Context tokens kept for the answer while the model reasons; None: the engine's default
    # (the larger of 1,024 and 15% of the context).
    answer_reserve: int | None = None
    # Other computers whose memory a local model may use ("host:port" of `ponder worker`s).
    rpc_servers: list[str] = field(default_factory=list)
    # Settings ▸ Server: the window serves its loaded model on 127.0.0.1:server_port (the
    # port's default is ponder serve's).
    serve_model: bool = False
    server_port: int = 8731

    def sampling_for(self, thinking: bool) -> Sampling:
        return self.sampling_thinking if thinking else self.sampling_no_thinking

    def model_load(self, key: str) -> ModelLoad:
        return self.models.get(key) or ModelLoad()

    def data_path(self) -> Path:
        return Path(self.data_dir) if self.data_dir else default_data_dir()

    def database_path(self) -> Path:
        return self.data_path() / DATABASE_FILE

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Tolerant: unknown keys are ignored, bad values fall back to their defaults."""
        data = _migrate(dict(data))
        settings = _flat(cls, data, skip={"models", "sampling_thinking", "sampling_no_thinking"})
        settings.version = SCHEMA_VERSION
        for name in ("sampling_thinking", "sampling_no_thinking"):
            if isinstance(data.get(name), dict):
                default = getattr(settings, name)
                setattr(settings, name, _flat(Sampling, data[name], base=default))
        models = data.get("models")
        if isinstance(models, dict):
            settings.models = {str(k): _flat(ModelLoad, v) for k, v in models.items() if isinstance(v, dict)}
        prompts = settings.system_prompts
        settings.system_prompts = {
            k: v for k, v in prompts.items() if isinstance(k, str) and isinstance(v, str)
        }
        settings.rpc_servers = [e for e in settings.rpc_servers if isinstance(e, str)]
        return settings


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    version = data.get("version")
    version = version if isinstance(version, int) and not isinstance(version, bool) else SCHEMA_VERSION
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is not None:
            data = step(data)
        version += 1
    return data


def _matches(value: Any, tp: Any) -> bool:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return any(_matches(value, arg) for arg in typing.get_args(tp))
    if origin is Literal:
        return value in typing.get_args(tp)
    if origin is not None:  # dict[...] and other generics: check the container only
        return isinstance(value, origin)
    if tp is type(None):
        return value is None
    if tp is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, tp)


def _flat(cls: type[D], data: dict[str, Any], *, skip: Collection[str] = (), base: D | None = None) -> D:
    """Build ``cls`` from ``data``, keeping each field of ``base`` (or the default) that is bad."""
    hints = typing.get_type_hints(cls)
    good = {
        f.name: data[f.name]
        for f in fields(cls)  # type: ignore[arg-type]
        if f.name not in skip and f.name in data and _matches(data[f.name], hints[f.name])
    }
    if base is not None:
        return replace(base, **good)  # type: ignore[type-var]
    try:
        return cls(**good)
    except TypeError:  # a required field is missing (Sampling without a base)
        raise ValueError(f"incomplete {cls.__name__}") from None


# -- the file ---------------------------------------------------------------------------------


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, payload: bytes) -> None:
    """Replace ``path`` with ``payload`` so that readers see the old or the new file, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


def _read_good(path: Path) -> tuple[bytes, dict[str, Any]] | None:
    """The file's bytes and parsed object, if it is a whole settings file."""
    try:
        raw = path.read_bytes()
        data = json.loads(raw)
    except (OSError, ValueError):
        return None
    return (raw, data) if isinstance(data, dict) else None


class SettingsFile:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else config_dir() / SETTINGS_FILE
        self.backup_path = self.path.with_name(self.path.name + ".bak")
        self.loaded_from: Literal["main", "backup", "defaults"] = "defaults"

    def load(self) -> Settings:
        """The settings; never raises. ``loaded_from`` tells where they came from."""
        sources: tuple[tuple[Literal["main", "backup"], Path], ...] = (
            ("main", self.path),
            ("backup", self.backup_path),
        )
        for source, candidate in sources:
            good = _read_good(candidate)
            if good is None:
                if candidate.exists():
                    log.warning("settings file %s is unreadable or damaged; ignoring it", candidate)
                continue
            try:
                settings = Settings.from_dict(good[1])
            except Exception:
                log.exception("settings file %s could not be interpreted", candidate)
                continue
            self.loaded_from = source
            return settings
        self.loaded_from = "defaults"
        return Settings()

    def save(self, settings: Settings) -> None:
        """Write atomically, first keeping the current good file as the backup.

        Raises OSError when the disk refuses; the files on disk are then unchanged.
        """
        payload = json.dumps(settings.to_dict(), indent=2, ensure_ascii=False).encode("utf-8")
        current = _read_good(self.path)
        if current is not None and current[0] != payload:
            backup = _read_good(self.backup_path)
            if backup is None or backup[0] != current[0]:
                write_atomic(self.backup_path, current[0])
        write_atomic(self.path, payload)


def load_settings(path: str | Path | None = None) -> Settings:
    return SettingsFile(path).load()


def save_settings(settings: Settings, path: str | Path | None = None) -> None:
    SettingsFile(path).save(settings)


# -- moving the data folder -------------------------------------------------------------------


def _counts(conn: sqlite3.Connection) -> tuple[int, ...]:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    counts = [
        conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
        for t in ("chats", "messages")
        if t in tables
    ]
    return (version, *counts)


def move_data_folder(settings: Settings, new_dir: str | Path, file: SettingsFile | None = None) -> Settings:
    """Move the database to ``new_dir`` safely and return the updated, saved settings.

    Every connection to the database must be closed first (stop the StoreWorker). Steps:
    copy with SQLite's backup API to a temporary name, verify (integrity check, same schema
    version and row counts), rename into place, save the settings that point there, and only
    then delete the old files. A failure before the switch leaves everything as it was.
    """
    file = file or SettingsFile()
    target = Path(new_dir).expanduser().resolve()
    old_db = settings.database_path()
    new_db = target / DATABASE_FILE
    if old_db.resolve() == new_db:
        return settings
    if new_db.exists():
        raise FileExistsError(f"{new_db} already exists")
    target.mkdir(parents=True, exist_ok=True)
    moved = replace(settings, data_dir=str(target))
    if not old_db.exists():
        file.save(moved)
        return moved
    part = new_db.with_name(new_db.name + ".part")
    part.unlink(missing_ok=True)
    src = sqlite3.connect(str(old_db))
    try:
        dst = sqlite3.connect(str(part))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            check = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok" or _counts(dst) != _counts(src):
                raise OSError(f"copy of the database in {target} did not verify ({check})")
        finally:
            dst.close()
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    try:
        os.replace(part, new_db)
        _fsync_dir(target)
        file.save(moved)
    except BaseException:
        new_db.unlink(missing_ok=True)
        part.unlink(missing_ok=True)
        raise
    for leftover in (old_db, Path(f"{old_db}-wal"), Path(f"{old_db}-shm")):
        try:
            leftover.unlink(missing_ok=True)
        except OSError:
            log.warning("could not delete old database file %s", leftover)
    return moved
