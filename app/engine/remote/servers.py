"""The servers the user added: addresses in ``servers.json`` beside the settings, keys in the
OS keyring (never in a file, never logged, never exported).

A server's id is derived from its address, so the same address is the same server; a chat
stores a remote model as ``remote:<server id>/<model id>`` (model ids may hold slashes).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from app.core.secrets import SecretStore
from app.core.store.settings import config_dir, write_atomic
from app.engine.remote.http import Address, RemoteError, parse_address

SERVERS_FILE = "servers.json"
REF_PREFIX = "remote:"
log = logging.getLogger(__name__)


def server_id(address: Address) -> str:
    return hashlib.sha256(address.url.encode("utf-8")).hexdigest()[:10]


def remote_ref(sid: str, model: str) -> str:
    return f"{REF_PREFIX}{sid}/{model}"


def parse_ref(ref: str) -> tuple[str, str] | None:
    """``(server id, model id)`` for a remote model reference, None for anything else."""
    if not ref.startswith(REF_PREFIX):
        return None
    sid, sep, model = ref[len(REF_PREFIX) :].partition("/")
    return (sid, model) if sep and sid and model else None


@dataclass(frozen=True, slots=True)
class SavedServer:
    id: str
    url: str
    kind: str = ""  # what it was detected as, for the picker
    models: tuple[str, ...] = field(default_factory=tuple)  # as last listed

    @property
    def address(self) -> Address:
        return parse_address(self.url)

    @property
    def name(self) -> str:
        a = self.address
        default = 443 if a.scheme == "https" else 80
        return a.host if a.port == default else f"{a.host}:{a.port}"


class ServerKeys:
    """API keys by server id, kept like every secret (app.core.secrets): the keyring when it
    works, else memory for this session only."""

    def __init__(self, *, use_keyring: bool = True) -> None:
        self._secrets = SecretStore(use_keyring=use_keyring)

    def __repr__(self) -> str:
        return f"ServerKeys(persistent={self.persistent})"

    @property
    def persistent(self) -> bool:
        return self._secrets.persistent

    def get(self, sid: str) -> str | None:
        return self._secrets.get(f"server:{sid}")

    def set(self, sid: str, key: str | None) -> bool:
        """Store (or with an empty key, forget) a key; True when it survives a restart."""
        return self._secrets.set(f"server:{sid}", key)

    def clear(self, sid: str) -> None:
        self._secrets.clear(f"server:{sid}")


class ServerList:
    """The saved servers, read from and written to one small JSON file (keys never in it)."""

    def __init__(self, path: Path | None = None, keys: ServerKeys | None = None) -> None:
        self.path = path or config_dir() / SERVERS_FILE
        self.keys = keys or default_keys()

    def load(self) -> list[SavedServer]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            log.warning("could not read %s: %s", self.path, exc)
            return []
        out: list[SavedServer] = []
        for item in data.get("servers", []) if isinstance(data, dict) else []:
            if not isinstance(item, dict) or not isinstance(item.get("url"), str):
                continue
            try:
                address = parse_address(item["url"])
            except RemoteError:
                continue
            models = item.get("models")
            out.append(
                SavedServer(
                    server_id(address),
                    address.url,
                    str(item.get("kind") or ""),
                    tuple(str(m) for m in models) if isinstance(models, list) else (),
                )
            )
        return out

    def save(self, servers: list[SavedServer]) -> None:
        entries = [{**asdict(s), "models": list(s.models)} for s in servers]
        for entry in entries:
            del entry["id"]  # derived from the address
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps({"servers": entries}, indent=2).encode("utf-8"))

    def get(self, sid: str) -> SavedServer | None:
        return next((s for s in self.load() if s.id == sid), None)

    def put(self, server: SavedServer, key: str | None = None) -> None:
        """Add or update ``server``; a given ``key`` replaces the stored one ("" forgets it)."""
        servers = [s for s in self.load() if s.id != server.id]
        servers.append(server)
        self.save(servers)
        if key is not None:
            self.keys.set(server.id, key)

    def remember_models(self, sid: str, kind: str, models: tuple[str, ...]) -> None:
        servers = self.load()
        changed = [replace(s, kind=kind, models=models) if s.id == sid else s for s in servers]
        if changed != servers:
            self.save(changed)

    def remove(self, sid: str) -> None:
        self.save([s for s in self.load() if s.id != sid])
        self.keys.clear(sid)


_default_keys: ServerKeys | None = None
_default_lock = threading.Lock()


def default_keys() -> ServerKeys:
    global _default_keys
    with _default_lock:
        if _default_keys is None:
            _default_keys = ServerKeys()
        return _default_keys
