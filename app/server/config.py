"""How a server runs, and the one rule about where it may listen: loopback, or with a key."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from app.core.chat.sampling import ModeSampling

_QWEN_SAMPLING = ModeSampling()

__all__ = ["DEFAULT_PORT", "ServerConfig", "ServerConfigError", "check_bind", "is_loopback"]

DEFAULT_PORT = 8731


class ServerConfigError(ValueError):
    """The server must not start like this; the message says what to change."""


@dataclass(frozen=True, slots=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT  # 0: any free port
    api_key: str | None = field(default=None, repr=False)  # never printed
    cors: str | None = None  # the one origin browsers may call from; None: no CORS headers
    max_waiting: int = 16  # replies waiting for the model; more get 429
    max_body: int = 8 * 1024 * 1024  # bytes of request body; more get 413
    sampling: ModeSampling = _QWEN_SAMPLING  # per mode, where a request sets none


def is_loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_bind(config: ServerConfig) -> None:
    """Refuse to listen beyond this machine without an API key."""
    if not is_loopback(config.host) and not config.api_key:
        raise ServerConfigError(
            f"Listening on {config.host} lets other computers use the model: give an API key "
            "(--api-key or PONDER_API_KEY), or listen on 127.0.0.1."
        )
    if config.port < 0 or config.port > 65535:
        raise ServerConfigError(f"{config.port} is no port number (0 to 65535).")
