"""The window's language: Qt's translation system, the user's choice, numbers and sizes as the
locale writes them.

Every user-visible string goes through :func:`tr`. It files every string under one (empty)
translation context because that is where ``pyside6-lupdate`` files a plain ``tr("…")`` call
made outside a method's ``self``; a per-module context would need the context repeated in each
call. Where one English text needs two translations, the second argument tells them apart.
Strings with a count use ``%n`` (``tr("%n chats", "", count)``): Chinese has one form, English
two, so English ships a translation too (its plural forms only).

app/i18n holds the sources, ``ponder_zh_CN.ts`` and ``ponder_en.ts`` (``scripts/update_translations.py``
refreshes them). Built packages carry them compiled (setup.py, packaging/ponder.spec); a source
checkout compiles them on first use into the cache folder. The CLI stays English: nothing here
runs outside the window.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import subprocess
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from platformdirs import user_cache_dir

from app.core.store.settings import ENV_HOME
from app.ui.common.qt import (
    QT_TOOLS_DIR,
    QApplication,
    QCoreApplication,
    QDate,
    QFont,
    QLibraryInfo,
    QLocale,
    QTranslator,
)

log = logging.getLogger(__name__)

# The languages the window speaks, each named in itself (the Settings choice is never translated).
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
DEFAULT_LANGUAGE = "en"
# Fonts that draw Simplified Chinese with the mainland glyph forms, best first; the first one
# installed wins (Qt skips missing families, and falls back to any font with the glyphs).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei UI",
    "PingFang SC",
    "WenQuanYi Micro Hei",
)

_installed: list[QTranslator] = []  # kept referenced: Qt does not own installed translators


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``text`` in the window's language (``%n`` in it becomes ``n``, in the right plural form)."""
    return QCoreApplication.translate("", text, disambiguation, n)


def QT_TR_NOOP(text: str) -> str:  # the name pyside6-lupdate looks for
    """Marks ``text`` for translation where it is defined (a table built at import); translate
    it with :func:`tr` where it is shown."""
    return text


# -- choosing and installing the language -------------------------------------------------------


def resolve_language(choice: str, ui_languages: Sequence[str]) -> str:
    """The language to show for the Settings ``choice``: itself, or for "system" the first of the
    system's preferred languages the window speaks (any Chinese reads best as 简体中文 of the two)."""
    if choice in LANGUAGES:
        return choice
    for name in ui_languages:
        lang = name.replace("_", "-").split("-")[0].lower()
        if lang == "zh":
            return "zh_CN"
        if lang == "en":
            return "en"
    return DEFAULT_LANGUAGE


def install_language(app: QApplication, choice: str = "system") -> str:
    """Show the window in ``choice`` ("system", "en", "zh_CN") from now on; returns the language.

    Call before building widgets. Loads Qt's own translations (standard dialogs, context menus)
    beside Ponder's, makes QLocale format numbers for that language, and for Chinese prefers
    fonts with Simplified Chinese glyph forms. A translation that cannot be found is logged
    and the window stays English.
    """
    system = QLocale.system()
    language = resolve_language(choice, system.uiLanguages())
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if language != "en":
        _load(app, f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    compiled = compiled_translation(language)
    if compiled is not None:
        _load(app, compiled.stem, str(compiled.parent))
    if choice in LANGUAGES and QLocale(language).language() != system.language():
        QLocale.setDefault(QLocale(language))  # chosen in Settings: that language's conventions
    else:
        QLocale.setDefault(system)
    if language == "zh_CN":
        prefer_cjk_fonts(app)
    return language


def _load(app: QApplication, name: str, folder: str) -> None:
    translator = QTranslator(app)
    if translator.load(name, folder):
        app.installTranslator(translator)
        _installed.append(translator)
    else:
        log.warning("translation %s not found in %s", name, folder)


def prefer_cjk_fonts(app: QApplication) -> None:
    """Chinese text in the app's font, then the first Simplified Chinese font installed.

    Without one (a minimal Linux), Qt falls back to whatever font has the glyphs, or draws boxes:
    never an error."""
    font = QFont(app.font())
    families = [f for f in font.families() if f not in CJK_FONTS] or [font.family()]
    font.setFamilies([*families, *CJK_FONTS])
    app.setFont(font)


# -- the compiled translations ---------------------------------------------------------------------


def translations_dir() -> Path:
    """app/i18n: the .ts sources, and in a built package the compiled .qm files beside them."""
    return Path(str(resources.files("app.i18n")))


def compiled_translation(language: str) -> Path | None:
    """The .qm file for ``language``: the one built with the package, or the source compiled into
    the cache (a checkout); None when there is neither (English without plural forms)."""
    folder = translations_dir()
    built = folder / f"ponder_{language}.qm"
    if built.is_file():
        return built
    source = folder / f"ponder_{language}.ts"
    if not source.is_file():
        return None
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    cached = _cache_dir() / f"ponder_{language}-{digest}.qm"
    if not cached.is_file():
        try:
            compile_translation(source, cached)
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("could not compile %s: %s", source, exc)
            return None
    return cached


def compile_translation(source: Path, target: Path) -> None:
    """Compile a .ts file with Qt's lrelease (written to a temporary name, then renamed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tool = QT_TOOLS_DIR / ("lrelease.exe" if sys.platform == "win32" else "lrelease")
    part = target.with_name(f".{target.name}.{os.getpid()}.part")
    subprocess.run(
        [str(tool), "-silent", str(source), "-qm", str(part)], check=True, capture_output=True, timeout=60
    )
    os.replace(part, target)


def _cache_dir() -> Path:
    home = os.environ.get(ENV_HOME)
    base = Path(home) / "cache" if home else Path(user_cache_dir("Ponder", appauthor=False))
    return base / "i18n"


# -- numbers and sizes -----------------------------------------------------------------------------


def locale() -> QLocale:
    """The locale numbers are written in (the C locale, as in a bare test run, as US English)."""
    current = QLocale()
    if current.language() == QLocale.Language.C:
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    return current


def number(n: int) -> str:
    """``8,192`` (or ``8.192``, as the locale groups digits)."""
    return locale().toString(int(n))


def decimal(x: float, digits: int = 1) -> str:
    """``x`` with ``digits`` decimals in the locale's notation."""
    return locale().toString(float(x), "f", digits)


def date_text(day: datetime.date) -> str:
    """A date, short, as the locale writes it (``3/14/25``, ``2025/3/14``)."""
    return locale().toString(QDate(day.year, day.month, day.day), QLocale.FormatType.ShortFormat)


_UNITS = ("KB", "MB", "GB", "TB")


def data_size(n: float | None, *, unit: str | None = None) -> str:
    """``512 bytes``, ``4.7 GB`` (decimal units, as disks and the Hub count); ``?`` when unknown.

    ``unit`` fixes the unit (KB to TB), for figures read side by side."""
    if n is None:
        return "?"
    if unit is None:
        power = 0
        while power < len(_UNITS) and abs(n) >= 1000 ** (power + 1):
            power += 1
    else:
        power = _UNITS.index(unit) + 1
    if power == 0:
        return tr("%n byte(s)", "", int(n))
    return f"{decimal(n / 1000**power, 1)} {_UNITS[power - 1]}"
