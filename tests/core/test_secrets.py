"""Secrets by name in the keyring, with memory as the fallback; never shown whole."""

from __future__ import annotations

import keyring
from keyring.backends import fail

from app.core.secrets import SERVICE, SecretStore, mask_secret


def test_secrets_are_kept_apart_by_name(memory_keyring: dict[tuple[str, str], str]) -> None:
    store = SecretStore()
    assert store.persistent
    assert store.set("server:a", " key-a ") and store.set("server:b", "key-b")
    assert memory_keyring == {(SERVICE, "server:a"): "key-a", (SERVICE, "server:b"): "key-b"}
    assert SecretStore().get("server:a") == "key-a"  # a new session finds it
    store.clear("server:a")
    assert SecretStore().get("server:a") is None and SecretStore().get("server:b") == "key-b"
    assert not store.set("server:b", "")  # an empty secret forgets the name
    assert memory_keyring == {}


def test_without_a_working_keyring_secrets_live_in_memory() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        store = SecretStore()
        assert not store.persistent
        assert store.set("token", "hf_abcdefghijklmnop") is False
        assert store.get("token") == "hf_abcdefghijklmnop"
        assert SecretStore().get("token") is None  # gone with the session
    finally:
        keyring.set_keyring(previous)


def test_secrets_never_show_whole() -> None:
    store = SecretStore(use_keyring=False)
    store.set("token", "hf_abcdefghijklmnop")
    assert "abcdefgh" not in repr(store) and "hf_" not in repr(store)
    assert mask_secret("hf_abcdefghijklmnop") == "hf_…mnop"
    assert mask_secret("short") == "…" and mask_secret(None) == "(none)"
