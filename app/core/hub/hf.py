"""The one way into huggingface_hub: imported lazily, with its telemetry off.

Ponder sends nothing the user did not ask for. huggingface_hub adds usage details to
its user agent and, since 2.x, fetches an "agent harness" registry from the Hub to
fill them in; ``HF_HUB_DISABLE_TELEMETRY`` turns both off. It is read when the
library is imported, so it is set before the import, and on the loaded constants
in case something imported the library first.
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

__all__ = ["build_headers", "file_url", "get_json", "hf_api", "hf_errors", "hf_model_info_class"]


def _quiet() -> None:
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    from huggingface_hub import constants

    constants.HF_HUB_DISABLE_TELEMETRY = True


def hf_api(endpoint: str, token: str | None) -> Any:
    """An ``HfApi`` for ``endpoint``; ``token=None`` uses huggingface_hub's own login."""
    _quiet()
    from huggingface_hub import HfApi

    return HfApi(endpoint=endpoint, token=token, library_name="ponder")


def build_headers(token: str | bool | None) -> dict[str, str]:
    """User agent and ``Authorization`` (a str token, None: the saved login, False: none)."""
    _quiet()
    from huggingface_hub.utils import build_hf_headers

    return dict(build_hf_headers(token=token, library_name="ponder"))


def file_url(repo: str, path: str, revision: str, endpoint: str) -> str:
    _quiet()
    from huggingface_hub import hf_hub_url

    return str(hf_hub_url(repo, path, revision=revision, endpoint=endpoint))


def hf_errors() -> ModuleType:
    _quiet()
    from huggingface_hub import errors

    return errors


def get_json(url: str, params: dict[str, Any], token: str | bool | None, timeout: float = 20.0) -> Any:
    """One GET through huggingface_hub's session, its headers and its error mapping, but
    without its retry loop (which waits ~25 s before saying the Hub is unreachable)."""
    _quiet()
    from huggingface_hub.utils import get_session, hf_raise_for_status

    response = get_session().get(url, params=params, headers=build_headers(token), timeout=timeout)
    hf_raise_for_status(response)
    return response.json()


def hf_model_info_class() -> Any:
    """``huggingface_hub.ModelInfo``, which parses the Hub's model JSON."""
    _quiet()
    from huggingface_hub import ModelInfo

    return ModelInfo
