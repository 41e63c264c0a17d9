"""One message bus for everything the user must be told: errors, warnings, notices."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.ui.common.qt import QObject, Signal


@dataclass(frozen=True)
class Notice:
    level: str  # "error", "warning" or "info"
    text: str
    action: str = ""  # label of the action button, if any
    callback: Callable[[], None] | None = None
    key: str = ""  # a notice with the same key replaces the previous one
    # More choices beside the action: (label, callback) pairs, each a button of its own.
    choices: tuple[tuple[str, Callable[[], None]], ...] = ()


class MessageBus(QObject):
    """Components post; the banner shows. Nothing else shows errors."""

    posted = Signal(object)  # Notice
    cleared = Signal(str)  # key ("" clears everything)

    def error(
        self,
        text: str,
        action: str = "",
        callback: Callable[[], None] | None = None,
        key: str = "",
        choices: tuple[tuple[str, Callable[[], None]], ...] = (),
    ) -> None:
        self.posted.emit(Notice("error", text, action, callback, key, choices))

    def warning(
        self, text: str, action: str = "", callback: Callable[[], None] | None = None, key: str = ""
    ) -> None:
        self.posted.emit(Notice("warning", text, action, callback, key))

    def info(
        self, text: str, action: str = "", callback: Callable[[], None] | None = None, key: str = ""
    ) -> None:
        self.posted.emit(Notice("info", text, action, callback, key))

    def clear(self, key: str = "") -> None:
        self.cleared.emit(key)
