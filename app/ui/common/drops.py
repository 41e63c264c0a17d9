"""Drag and drop of model files onto the window or the model library."""

from __future__ import annotations

from app.ui.common.qt import QDragEnterEvent, QDropEvent


def gguf_paths(event: QDragEnterEvent | QDropEvent) -> list[str]:
    """The local .gguf files a drag carries."""
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return []
    return [
        u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile().lower().endswith(".gguf")
    ]
