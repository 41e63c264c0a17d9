"""Errors as the OpenAI API returns them: a status code and an ``{"error": {...}}`` object."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A request the server refuses; becomes an OpenAI error object with ``status``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        kind: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.kind, "param": self.param, "code": self.code}}


def bad_request(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, param=param, code=code)


def engine_error(kind: str, message: str) -> ApiError:
    """An engine's failure of one reply, by what the client can do about it."""
    if kind == "context_full":
        return ApiError(400, message, code="context_length_exceeded")
    if kind in ("crash", "closed"):
        return ApiError(503, message, kind="server_error", code="engine_unavailable")
    return ApiError(500, message, kind="server_error", code="engine_error")
