"""The user's Hugging Face token, for gated or private repositories.

Kept in the operating system's credential store through ``keyring`` when it is
installed and has a working backend; otherwise only in memory for this session.
It is never written to a plain file and never logged: ``repr`` of anything here
hides it. Without a Ponder token, huggingface_hub's own (``HF_TOKEN`` or
``hf auth login``) is used, as the Hub tools would.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

__all__ = ["TokenStore", "default_token_store", "mask_token"]

SERVICE = "Ponder"
USERNAME = "huggingface-token"


def mask_token(token: str | None) -> str:
    """``hf_…abcd`` for display; never the whole token."""
    if not token:
        return "(none)"
    return f"{token[:3]}…{token[-4:]}" if len(token) > 10 else "…"


def _keyring() -> Any | None:
    try:
        import keyring
        from keyring.backends import fail
    except Exception:  # not installed, or broken on this system
        return None
    try:
        if isinstance(keyring.get_keyring(), fail.Keyring):
            return None
    except Exception:
        return None
    return keyring


class TokenStore:
    """Get, set and clear the token. Thread-safe; every keyring failure falls back to memory."""

    def __init__(self, *, use_keyring: bool = True) -> None:
        self._use_keyring = use_keyring
        self._memory: str | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TokenStore(persistent={self.persistent})"

    @property
    def persistent(self) -> bool:
        """Whether a token set now survives a restart (a keyring backend is available)."""
        return self._use_keyring and _keyring() is not None

    def get(self) -> str | None:
        with self._lock:
            if self._memory:
                return self._memory
            kr = _keyring() if self._use_keyring else None
            if kr is not None:
                try:
                    value = kr.get_password(SERVICE, USERNAME)
                except Exception:
                    value = None
                if value:
                    self._memory = value
                    return str(value)
            return None

    def set(self, token: str) -> bool:
        """Store ``token``; returns True when it was saved persistently."""
        token = token.strip()
        if not token:
            self.clear()
            return False
        with self._lock:
            self._memory = token
            kr = _keyring() if self._use_keyring else None
            if kr is None:
                return False
            try:
                kr.set_password(SERVICE, USERNAME, token)
            except Exception:
                return False
            return True

    def clear(self) -> None:
        with self._lock:
            self._memory = None
            kr = _keyring() if self._use_keyring else None
            if kr is not None:
                # Nothing stored, or the backend refused: either way nothing is left to clear.
                with contextlib.suppress(Exception):
                    kr.delete_password(SERVICE, USERNAME)


_default: TokenStore | None = None
_default_lock = threading.Lock()


def default_token_store() -> TokenStore:
    global _default
    with _default_lock:
        if _default is None:
            _default = TokenStore()
        return _default
