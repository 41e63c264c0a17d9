"""Driving the window as a user would, for the GUI tests."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from app.testkit.scripted_model import ScriptedModel
from app.ui.chat.assistant_view import AssistantMessageView
from app.ui.chat.conversation import ConversationView, Row, RowSource
from app.ui.chat.user_view import UserMessageView
from app.ui.common.qt import QApplication, QEvent, QImage, QLabel, QObject, QRect, Qt, QWidget
from app.ui.main_window import MainWindow

WAIT_MS = 60_000
STALE = 24  # a colour channel this far off is not a shade of antialiasing


def load(qtbot: Any, window: MainWindow, model: ScriptedModel | Path) -> None:
    path = model.path if isinstance(model, ScriptedModel) else model
    window.load_model(str(path))
    qtbot.waitUntil(lambda: window.models.ready, timeout=WAIT_MS)


def send(qtbot: Any, window: MainWindow, text: str, *, wait: bool = True) -> None:
    """Type into the composer and press Enter, as a user would."""
    edit = window.composer.edit
    edit.setFocus()
    edit.setPlainText(text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.controller.generating, "the message was not sent"
    if wait:
        wait_idle(qtbot, window)


def wait_idle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)


def painted(window: MainWindow, timeout_s: float = 10.0) -> None:
    """Let a chat that was just opened finish building what is in view (it may take a few
    turns of the event loop, during which the old picture stays): what the user sees next."""
    end = time.monotonic() + timeout_s
    while window.conversation.holding and time.monotonic() < end:
        QApplication.processEvents()
    assert not window.conversation.holding, "the conversation never finished building its first screen"


def replies(window: MainWindow) -> list[AssistantMessageView]:
    painted(window)
    return [w for w in window.conversation.widgets() if isinstance(w, AssistantMessageView)]


def user_messages(window: MainWindow) -> list[UserMessageView]:
    painted(window)
    return [w for w in window.conversation.widgets() if isinstance(w, UserMessageView)]


def named(root: QWidget, name: str) -> list[QWidget]:
    """Visible-or-not widgets below ``root`` whose accessible name is ``name``."""
    return [w for w in root.findChildren(QWidget) if w.accessibleName() == name]


class LabelRows:
    """A RowSource of plain labels, 120 px high: the view's own scheduling, nothing else."""

    def __init__(self) -> None:
        self.built = 0

    def build_row(self, row: Row) -> QWidget:
        self.built += 1
        label = QLabel(f"row {row.item}")
        label.setFixedHeight(120)
        return label

    def release_row(self, row: Row, widget: QWidget) -> None:
        widget.deleteLater()

    def estimate_row(self, row: Row, width: int) -> int:
        return 120

    def ready(self, row: Row) -> bool:
        return True


def bare_view(
    qtbot: Any, source: RowSource, items: Iterable[object], size: tuple[int, int] = (600, 400)
) -> tuple[ConversationView, list[Row]]:
    """A bare conversation of rows of ``items`` from ``source``, shown at its end: the rows in
    view are being built. Keep the view referenced: qtbot keeps only a weak reference."""
    view = ConversationView()
    qtbot.addWidget(view)
    view.source = source
    view.resize(*size)
    view.show()
    rows = [Row(item) for item in items]
    view.set_rows(rows)
    return view, rows


class PaintedRegions(QObject):
    """Every region painted in a widget, with the part of the widget that was visible then."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.painted: list[tuple[QRect, QRect]] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            visible = watched.visibleRegion().boundingRect()  # type: ignore[attr-defined]
            self.painted.append((event.region().boundingRect(), visible))  # type: ignore[attr-defined]
        return False

    @property
    def heights(self) -> list[int]:
        return [region.height() for region, _visible in self.painted]

    @property
    def whole(self) -> list[bool]:
        """Whether each paint covered all that was visible of the widget."""
        return [region.contains(visible) for region, visible in self.painted]


def on_screen(widget: QWidget) -> QImage:
    """What the window shows: its backing store, built up by every paint so far."""
    window = widget.window()
    return window.screen().grabWindow(window.winId()).toImage().convertToFormat(QImage.Format.Format_RGB32)


def painted_afresh(widget: QWidget) -> QImage:
    return widget.window().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def pixels(image: QImage) -> np.ndarray:
    """Rows of pixels of four bytes (a 32-bit image)."""
    data = np.frombuffer(image.constBits(), np.uint8)
    return data.reshape(image.height(), image.bytesPerLine() // 4, 4).copy()


def stale_pixels(widget: QWidget) -> int:
    """Pixels of the window that differ from painting it afresh. An antialiased rounded corner
    painted through another clip can be off by a shade; anything left behind is far off."""
    shown, fresh = pixels(on_screen(widget)), pixels(painted_afresh(widget))
    assert shown.shape == fresh.shape
    off = np.abs(shown.astype(np.int16) - fresh.astype(np.int16)) > STALE
    return int(off.any(axis=2).sum())
