"""Secrets (the Hugging Face token, servers' API keys) in the operating system's keyring.

One store for every secret Ponder keeps, by name. The keyring is used when ``keyring`` is
installed and has a working backend; otherwise a secret lives in memory for this session
only. A secret is never written to a plain file and never logged: ``repr`` hides it, and
every keyring failure falls back to memory instead of raising.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

__all__ = ["SERVICE", "SecretStore", "keyring_backend", "mask_secret"]

SERVICE = "Ponder"  # the keyring's service name for everything Ponder stores


def keyring_backend() -> Any | None:
    """The ``keyring`` module when it has a working backend, else None."""
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


def mask_secret(secret: str | None) -> str:
    """``hf_…abcd`` for display; never the whole secret."""
    if not secret:
        return "(none)"
    return f"{secret[:3]}…{secret[-4:]}" if len(secret) > 10 else "…"


class SecretStore:
    """Get, set and clear secrets by name. Thread-safe; the keyring when it works, else memory."""

    def __init__(self, *, use_keyring: bool = True) -> None:
        self._use_keyring = use_keyring
        self._memory: dict[str, str] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(persistent={self.persistent})"

    @property
    def persistent(self) -> bool:
        """Whether a secret set now survives a restart (a keyring backend is available)."""
        return self._backend() is not None

    def _backend(self) -> Any | None:
        return keyring_backend() if self._use_keyring else None

    def get(self, name: str) -> str | None:
        with self._lock:
            if name in self._memory:
                return self._memory[name]
            kr = self._backend()
            if kr is None:
                return None
            try:
                value = kr.get_password(SERVICE, name)
            except Exception:
                return None
            if value:
                self._memory[name] = str(value)
            return str(value) if value else None

    def set(self, name: str, secret: str | None) -> bool:
        """Store ``secret`` (an empty one forgets ``name``); True when it survives a restart."""
        secret = (secret or "").strip()
        if not secret:
            self.clear(name)
            return False
        with self._lock:
            self._memory[name] = secret
            kr = self._backend()
            if kr is None:
                return False
            try:
                kr.set_password(SERVICE, name, secret)
            except Exception:
                return False
            return True

    def clear(self, name: str) -> None:
        with self._lock:
            self._memory.pop(name, None)
            kr = self._backend()
            if kr is not None:
                # Nothing stored, or the backend refused: either way nothing is left to clear.
                with contextlib.suppress(Exception):
                    kr.delete_password(SERVICE, name)
