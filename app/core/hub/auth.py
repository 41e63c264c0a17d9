"""The user's Hugging Face token, for gated or private repositories.

Kept like every secret of Ponder's (app.core.secrets): in the operating system's keyring when
it works, else in memory for this session; never in a plain file, never logged. Without a
Ponder token, huggingface_hub's own (``HF_TOKEN`` or ``hf auth login``) is used, as the Hub
tools would.
"""

from __future__ import annotations

import threading

from app.core.secrets import SERVICE, SecretStore, mask_secret

__all__ = ["SERVICE", "USERNAME", "TokenStore", "default_token_store", "mask_token"]

USERNAME = "huggingface-token"  # the token's name in the keyring
mask_token = mask_secret


class TokenStore:
    """Get, set and clear the token. Thread-safe; every keyring failure falls back to memory."""

    def __init__(self, *, use_keyring: bool = True) -> None:
        self._secrets = SecretStore(use_keyring=use_keyring)

    def __repr__(self) -> str:
        return f"TokenStore(persistent={self.persistent})"

    @property
    def persistent(self) -> bool:
        """Whether a token set now survives a restart (a keyring backend is available)."""
        return self._secrets.persistent

    def get(self) -> str | None:
        return self._secrets.get(USERNAME)

    def set(self, token: str) -> bool:
        """Store ``token``; returns True when it was saved persistently."""
        return self._secrets.set(USERNAME, token)

    def clear(self) -> None:
        self._secrets.clear(USERNAME)


_default: TokenStore | None = None
_default_lock = threading.Lock()


def default_token_store() -> TokenStore:
    global _default
    with _default_lock:
        if _default is None:
            _default = TokenStore()
        return _default
