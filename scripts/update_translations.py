"""Refresh the translation sources from the code: every ``tr("…")`` under app/ui.

    .venv/bin/python scripts/update_translations.py

writes app/i18n/ponder_zh_CN.ts (every string; new ones come in unfinished, removed ones go)
and app/i18n/ponder_en.ts (English needs only the plural forms of ``%n`` strings). Translate
what is unfinished with Qt Linguist (``pyside6-linguist``) or in the XML, then run the tests:
tests/ui/test_translation_files.py fails while a string is unfinished or gone from the code.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = "app/ui"  # lupdate scans folders for C++ and QML only: the Python files are listed
# language -> whether the file holds the plural forms only
LANGUAGES = {"zh_CN": False, "en": True}


def lupdate_command(language: str, ts_file: Path, *, keep_obsolete: bool = False) -> list[str]:
    """The lupdate run that writes ``ts_file`` for ``language`` (run it in the repository root)."""
    spec = importlib.util.find_spec("PySide6")  # its lupdate ships inside the package
    assert spec is not None and spec.submodule_search_locations, "PySide6 is not installed"
    tool = Path(spec.submodule_search_locations[0]) / (
        "lupdate.exe" if sys.platform == "win32" else "lupdate"
    )
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / SOURCES).rglob("*.py"))
    command = [str(tool), *files, "-locations", "relative", "-silent"]
    command += ["-source-language", "en", "-target-language", language]
    if LANGUAGES[language]:
        command.append("-pluralonly")
    if not keep_obsolete:
        command.append("-no-obsolete")
    return [*command, "-ts", str(ts_file)]


def main() -> int:
    for language in LANGUAGES:
        ts_file = ROOT / "app" / "i18n" / f"ponder_{language}.ts"
        subprocess.run(lupdate_command(language, ts_file), cwd=ROOT, check=True)
        print(f"updated {ts_file.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
