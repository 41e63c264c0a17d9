"""The Hugging Face token: kept by keyring when there is a backend, else only in memory."""

from __future__ import annotations

import pytest

keyring = pytest.importorskip("keyring")
from keyring.backends import fail  # noqa: E402

from app.core.hub.auth import SERVICE, USERNAME, TokenStore, mask_token  # noqa: E402


def test_token_in_the_keyring(memory_keyring: dict[tuple[str, str], str]) -> None:
    store = TokenStore()
    assert store.persistent and store.get() is None
    assert store.set("  hf_abcdefghijklmnop  ") is True
    assert memory_keyring[(SERVICE, USERNAME)] == "hf_abcdefghijklmnop"
    assert TokenStore().get() == "hf_abcdefghijklmnop"  # a new session finds it
    assert "hf_abc" not in repr(store)
    store.clear()
    assert memory_keyring == {} and TokenStore().get() is None


def test_without_a_keyring_backend_it_stays_in_memory() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        store = TokenStore()
        assert not store.persistent
        assert store.set("hf_abcdefghijklmnop") is False
        assert store.get() == "hf_abcdefghijklmnop"
        assert TokenStore().get() is None  # nothing was written anywhere
        store.clear()
        assert store.get() is None
    finally:
        keyring.set_keyring(previous)


def test_masking() -> None:
    assert mask_token("hf_abcdefghijklmnop") == "hf_…mnop"
    assert mask_token(None) == "(none)"
    assert mask_token("short") == "…"
    assert TokenStore(use_keyring=False).set("") is False
