"""Light and dark looks that follow the system colour scheme.

Colours live here once; ``resources/style.qss`` is a template that uses them by name. The
renderer's palette (app.core.render.theme) is picked to match.
"""

from __future__ import annotations

import string
from importlib import resources

from app.core.render import DARK, LIGHT, Theme
from app.ui.common.qt import QApplication, QColor, QFont, QObject, QPalette, Qt, Signal

# resources/ in the source tree, installed with the app as the data package app.data.resources.
RESOURCES = resources.files("app.data.resources")

COLORS: dict[str, dict[str, str]] = {
    "light": {
        "bg": "#ffffff",
        "surface": "#f5f6f8",
        "sidebar": "#f3f4f6",
        "text": "#1f2328",
        "muted": "#656d76",
        "border": "#d8dee4",
        "accent": "#3763d0",
        "accent_text": "#ffffff",
        "accent_soft": "#e7eefc",
        "bubble": "#e9effb",
        "thinking": "#f6f7f9",
        "hover": "#eaedf1",
        "error_bg": "#fdecec",
        "error_border": "#efb3b3",
        "warning_bg": "#fff5dc",
        "warning_border": "#ecd18a",
        "info_bg": "#e9f1fd",
        "info_border": "#b6cdf2",
        "stop": "#c93c37",
    },
    "dark": {
        "bg": "#1d1f23",
        "surface": "#25282d",
        "sidebar": "#17191c",
        "text": "#e6edf3",
        "muted": "#949ca6",
        "border": "#343a42",
        "accent": "#5b8def",
        "accent_text": "#0d1117",
        "accent_soft": "#243150",
        "bubble": "#2a3550",
        "thinking": "#24272c",
        "hover": "#2c3036",
        "error_bg": "#44211f",
        "error_border": "#7d3a36",
        "warning_bg": "#3d3319",
        "warning_border": "#7a6424",
        "info_bg": "#1f2d45",
        "info_border": "#34507e",
        "stop": "#e0605a",
    },
}

UI_POINT_SIZE = 10.5


def system_scheme(app: QApplication) -> str:
    scheme = app.styleHints().colorScheme()
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


def render_theme(name: str) -> Theme:
    return DARK if name == "dark" else LIGHT


def palette_for(name: str) -> QPalette:
    c = COLORS[name]
    pal = QPalette()
    role = QPalette.ColorRole
    for r, key in (
        (role.Window, "bg"),
        (role.Base, "bg"),
        (role.AlternateBase, "surface"),
        (role.Button, "surface"),
        (role.ToolTipBase, "surface"),
        (role.WindowText, "text"),
        (role.Text, "text"),
        (role.ButtonText, "text"),
        (role.ToolTipText, "text"),
        (role.BrightText, "accent_text"),
        (role.Highlight, "accent"),
        (role.HighlightedText, "accent_text"),
        (role.Link, "accent"),
        (role.PlaceholderText, "muted"),
        (role.Mid, "border"),
        (role.Midlight, "hover"),
    ):
        pal.setColor(r, QColor(c[key]))
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, r, QColor(c["muted"]))
    return pal


def stylesheet_for(name: str) -> str:
    path = RESOURCES / "style.qss"
    try:
        template = path.read_text("utf-8")
    except OSError:
        return ""
    return string.Template(template).safe_substitute(COLORS[name])


class ThemeManager(QObject):
    """Applies the look and re-applies it when the system switches light/dark."""

    changed = Signal(str)

    def __init__(self, app: QApplication, preference: str = "system") -> None:
        super().__init__(app)
        self.app = app
        self.preference = preference
        self.name = ""
        app.setStyle("Fusion")
        font = QFont(app.font())
        if font.pointSizeF() < UI_POINT_SIZE:
            font.setPointSizeF(UI_POINT_SIZE)
            app.setFont(font)
        app.styleHints().colorSchemeChanged.connect(self._system_changed)
        self.apply()

    @property
    def render_theme(self) -> Theme:
        return render_theme(self.name)

    def apply(self) -> None:
        name = self.preference if self.preference in COLORS else system_scheme(self.app)
        if name == self.name:
            return
        self.name = name
        self.app.setPalette(palette_for(name))
        self.app.setStyleSheet(stylesheet_for(name))
        self.changed.emit(name)

    def _system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.preference not in COLORS:
            self.apply()
