"""The one module that imports the Qt binding; every other UI module imports Qt from here.

Keeping the binding in one place means a switch of binding (or a binding workaround) is a
change to this file only.
"""

from __future__ import annotations

import ctypes
import sys


def _pin_singletons() -> None:
    """Work around PySide6 6.12 on CPython 3.11 giving back singletons it does not own.

    The 6.12 wheels (abi3) return ``None`` from every C++ ``void`` method, and ``True`` or
    ``False`` from ``Signal.emit``, without taking a new reference. That is harmless on 3.12+
    (these objects are immortal there) but on 3.11 each call drops the object's reference
    count by one until the interpreter aborts ("deallocating None") after a few thousand
    calls. Give the three a reference count they can never use up, as 3.12 does. They are
    never deallocated anyway, so nothing else changes.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for singleton in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(singleton))
        if refcount.value < 1 << 40:
            refcount.value += 1 << 50


_pin_singletons()

from PySide6.QtCore import (  # noqa: E402
    QByteArray,
    QElapsedTimer,
    QEvent,
    QMimeData,
    QObject,
    QPoint,
    QRect,
    QRectF,
    QSize,
    QSizeF,
    Qt,
    QTimer,
    QtMsgType,
    QUrl,
    Signal,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtGui import (  # noqa: E402
    QAction,
    QCloseEvent,
    QColor,
    QContextMenuEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
    QShortcut,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QBoxLayout,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QSplitter,
    QStyle,
    QTabWidget,
    QTextBrowser,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "QAbstractButton",
    "QAbstractItemView",
    "QAbstractScrollArea",
    "QAction",
    "QApplication",
    "QBoxLayout",
    "QByteArray",
    "QCheckBox",
    "QCloseEvent",
    "QColor",
    "QContextMenuEvent",
    "QDesktopServices",
    "QDialog",
    "QDialogButtonBox",
    "QDoubleSpinBox",
    "QDragEnterEvent",
    "QDropEvent",
    "QElapsedTimer",
    "QEvent",
    "QFileDialog",
    "QFont",
    "QFontMetrics",
    "QFormLayout",
    "QFrame",
    "QGroupBox",
    "QGuiApplication",
    "QHBoxLayout",
    "QIcon",
    "QKeyEvent",
    "QKeySequence",
    "QLabel",
    "QLineEdit",
    "QListWidget",
    "QListWidgetItem",
    "QMainWindow",
    "QMenu",
    "QMimeData",
    "QMouseEvent",
    "QObject",
    "QPainter",
    "QPainterPath",
    "QPalette",
    "QPen",
    "QPixmap",
    "QPlainTextEdit",
    "QPoint",
    "QProgressBar",
    "QPushButton",
    "QRect",
    "QRectF",
    "QResizeEvent",
    "QScrollArea",
    "QShortcut",
    "QSize",
    "QSizeF",
    "QSizePolicy",
    "QSlider",
    "QSpinBox",
    "QSplitter",
    "QStyle",
    "QTabWidget",
    "QTextBlock",
    "QTextBlockFormat",
    "QTextBrowser",
    "QTextCharFormat",
    "QTextCursor",
    "QTextDocument",
    "QTextOption",
    "QTimer",
    "QToolBar",
    "QToolButton",
    "QUrl",
    "QVBoxLayout",
    "QWheelEvent",
    "QWidget",
    "Qt",
    "QtMsgType",
    "Signal",
    "Slot",
    "qInstallMessageHandler",
]
