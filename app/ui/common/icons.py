"""Icons drawn from the SVGs in resources/icons, tinted to the current text colour."""

from __future__ import annotations

from functools import lru_cache

from app.ui.common.qt import (
    QAbstractButton,
    QAction,
    QApplication,
    QByteArray,
    QIcon,
    QPalette,
    QPixmap,
    QStyle,
    QWidget,
)
from app.ui.common.theme import RESOURCES

ICON_DIR = RESOURCES / "icons"
_FALLBACK = {
    "plus": QStyle.StandardPixmap.SP_FileDialogNewFolder,
    "open": QStyle.StandardPixmap.SP_DialogOpenButton,
    "delete": QStyle.StandardPixmap.SP_TrashIcon,
    "stop": QStyle.StandardPixmap.SP_MediaStop,
    "send": QStyle.StandardPixmap.SP_ArrowUp,
    "regenerate": QStyle.StandardPixmap.SP_BrowserReload,
}


@lru_cache(maxsize=128)
def icon(name: str, color: str) -> QIcon:
    """The icon ``name`` stroked in ``color`` (#rrggbb); a Qt standard icon if it is missing."""
    try:
        svg = (ICON_DIR / f"{name}.svg").read_text("utf-8")
    except OSError:
        svg = ""
    result = QIcon()
    if svg:
        data = QByteArray(svg.replace("currentColor", color).encode("utf-8"))
        for size in (16, 24, 32, 48):
            sized = data.replace(b'width="24" height="24"', f'width="{size}" height="{size}"'.encode())
            pixmap = QPixmap()
            if pixmap.loadFromData(sized, "SVG"):
                result.addPixmap(pixmap)
    if result.isNull() and name in _FALLBACK:
        style = QApplication.style()
        if style is not None:
            return style.standardIcon(_FALLBACK[name])
    return result


def text_color() -> str:
    return QApplication.palette().color(QPalette.ColorRole.ButtonText).name()


def set_icon(button: QAbstractButton | QAction, name: str, color: str | None = None) -> None:
    """Give ``button`` the icon ``name``; :func:`retint` redraws it after a theme change."""
    button.setProperty("iconName", name)
    button.setProperty("iconColor", color or "")
    button.setIcon(icon(name, color or text_color()))


def retint(root: QWidget) -> None:
    """Redraw every icon set with :func:`set_icon` below ``root`` in the current colours."""
    for button in root.findChildren(QAbstractButton):
        name = button.property("iconName")
        if name:
            set_icon(button, str(name), str(button.property("iconColor") or "") or None)
