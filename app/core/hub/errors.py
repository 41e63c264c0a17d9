"""What can go wrong talking to the Hub or downloading, in words for a person.

Every error's ``str()`` is a complete sentence the GUI and CLI can show as is.
A user's cancel or pause is not an error: it raises :class:`DownloadStopped`.
"""

from __future__ import annotations

__all__ = [
    "AuthRequiredError",
    "ChecksumMismatchError",
    "DiskFullError",
    "DownloadStopped",
    "HubError",
    "NetworkError",
    "NotFoundError",
    "ServerError",
]


class HubError(Exception):
    """Base class: searching or downloading failed. ``retryable`` errors may pass by themselves."""

    retryable = False


class AuthRequiredError(HubError):
    """401/403: the repository is gated or private, or the token was refused."""


class NotFoundError(HubError):
    """404: no such repository, revision or file."""


class NetworkError(HubError):
    """The Hub could not be reached (offline, DNS, refused, timed out)."""

    retryable = True


class ServerError(HubError):
    """The Hub answered 5xx (or something unexpected) and kept doing so."""

    retryable = True


class DiskFullError(HubError):
    """Not enough free space, before starting or while writing. The partial file is kept."""

    def __init__(self, message: str, *, needed: int = 0, free: int = 0) -> None:
        super().__init__(message)
        self.needed = needed
        self.free = free


class ChecksumMismatchError(HubError):
    """The downloaded bytes are not the file the Hub published; they were discarded."""

    def __init__(self, message: str, *, expected: str = "", actual: str = "") -> None:
        super().__init__(message)
        self.expected = expected
        self.actual = actual


class DownloadStopped(Exception):
    """The user paused or cancelled; ``cancelled`` tells which."""

    def __init__(self, cancelled: bool) -> None:
        super().__init__("cancelled" if cancelled else "paused")
        self.cancelled = cancelled
