"""The window's view of the settings file: load parameters, sampling, the last model."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Collection
from pathlib import Path

from app.core.chat.sampling import Sampling
from app.core.store.settings import ModelLoad, Settings, SettingsFile
from app.engine.local.rpc import parse_endpoints
from app.engine.protocol import LoadRequest
from app.ui.common.i18n import tr

log = logging.getLogger(__name__)


class Preferences:
    """Wraps :class:`Settings` with the few operations the window needs.

    Saving is small and atomic (see app.core.store.settings); it happens on user actions only
    (a model loaded, the settings dialog accepted, the window closed).
    """

    def __init__(self, file: SettingsFile | None = None) -> None:
        self.file = file or SettingsFile()
        self.settings: Settings = self.file.load()

    def save(self) -> str | None:
        """Write the settings; returns an error message instead of raising."""
        try:
            self.file.save(self.settings)
        except OSError as exc:
            log.warning("could not save settings: %s", exc)
            return tr("Settings could not be saved: {reason}").format(reason=exc.strerror or exc)
        return None

    # -- models -----------------------------------------------------------------------
    @property
    def last_model(self) -> str | None:
        return self.settings.last_model

    def remember_model(self, path: str) -> None:
        self.settings.last_model = path

    def recent_models(self, limit: int = 8) -> list[str]:
        paths = [p for p in self.settings.models if p and Path(p).is_file()]
        last = self.settings.last_model
        if last and last in paths:
            paths.remove(last)
            paths.insert(0, last)
        return paths[:limit]

    def load_params(self, path: str) -> ModelLoad:
        return self.settings.model_load(path)

    def set_default_load(self, params: ModelLoad) -> None:
        """Load parameters for models opened from now on (and the last one)."""
        self.settings.models[""] = params
        if self.settings.last_model:
            self.settings.models[self.settings.last_model] = params

    def default_load(self) -> ModelLoad:
        return self.settings.models.get("") or ModelLoad()

    def load_request(self, path: str, *, without: Collection[str] = ()) -> LoadRequest:
        """How to load ``path``; ``without``: other computers to leave out this time."""
        params = self.settings.models.get(path) or self.default_load()
        self.settings.models.setdefault(path, params)
        return LoadRequest(
            path,
            n_ctx=params.n_ctx,
            n_gpu_layers=params.n_gpu_layers,
            n_threads=params.n_threads,
            flash_attn=params.flash_attn or None,
            kv_cache=params.kv_cache,
            rpc_servers=tuple(e for e in self.rpc_servers() if e not in without),
        )

    def rpc_servers(self) -> tuple[str, ...]:
        """Settings ▸ Engines ▸ Other computers, normalised (an entry that is not an address is skipped)."""
        found: list[str] = []
        for text in self.settings.rpc_servers:
            with contextlib.suppress(ValueError):
                found.extend(parse_endpoints(text))
        return tuple(dict.fromkeys(found))

    # -- sampling ---------------------------------------------------------------------
    def sampling(self, thinking: bool) -> Sampling:
        return self.settings.sampling_for(thinking)

    def set_sampling(self, thinking: bool, sampling: Sampling) -> None:
        if thinking:
            self.settings.sampling_thinking = sampling
        else:
            self.settings.sampling_no_thinking = sampling
