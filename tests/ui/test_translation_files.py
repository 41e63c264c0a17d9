"""The translations ship complete: every string of the code is in the .ts files, translated,
with nothing left over, the same fields in both languages, and they compile.

The check runs pyside6-lupdate over the code into copies of the .ts files (the one in the
repository stays as it is): a string added to the code and not translated shows up as
unfinished, one removed from the code as vanished. ``scripts/update_translations.py``
refreshes the real files.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app.ui.common.i18n import compile_translation, translations_dir
from scripts.update_translations import LANGUAGES, ROOT, lupdate_command

FIELD = re.compile(r"\{\w*\}")


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ET.Element]:
    """Each language's .ts as lupdate leaves it after reading today's code."""
    folder = tmp_path_factory.mktemp("ts")
    found = {}
    for language in LANGUAGES:
        copy = folder / f"ponder_{language}.ts"
        shutil.copy(translations_dir() / copy.name, copy)
        subprocess.run(
            lupdate_command(language, copy, keep_obsolete=True), cwd=ROOT, check=True, capture_output=True
        )
        found[language] = ET.parse(copy).getroot()
    return found


def _messages(root: ET.Element) -> list[ET.Element]:
    return root.findall("./context/message")


def _forms(message: ET.Element) -> list[str]:
    translation = message.find("translation")
    assert translation is not None
    if message.get("numerus") == "yes":
        return [form.text or "" for form in translation.findall("numerusform")]
    return [translation.text or ""]


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_string_is_translated_and_none_is_left_over(
    refreshed: dict[str, ET.Element], language: str
) -> None:
    problems = []
    for message in _messages(refreshed[language]):
        source = message.findtext("source")
        kind = message.find("translation").get("type")  # type: ignore[union-attr]
        if kind in ("unfinished", "vanished", "obsolete"):
            problems.append(f"{kind}: {source!r}")
        elif not all(_forms(message)):
            problems.append(f"empty: {source!r}")
    assert not problems, "run scripts/update_translations.py and translate:\n" + "\n".join(problems)


def test_chinese_holds_every_string_and_english_every_plural(refreshed: dict[str, ET.Element]) -> None:
    chinese = _messages(refreshed["zh_CN"])
    plurals = {m.findtext("source") for m in chinese if m.get("numerus") == "yes"}
    assert len(chinese) > 600 and plurals
    assert {m.findtext("source") for m in _messages(refreshed["en"])} == plurals
    for message in chinese:
        source = message.findtext("source") or ""
        assert ("%n" in source) == (message.get("numerus") == "yes"), source  # counts use plural forms
    assert all(len(_forms(m)) == 1 for m in chinese if m.get("numerus") == "yes")  # Chinese has one
    assert all(len(_forms(m)) == 2 for m in _messages(refreshed["en"]))  # one, other


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_translations_keep_the_fields(refreshed: dict[str, ET.Element], language: str) -> None:
    """A translation has the source's ``{fields}`` (str.format fills them) and its ``%n``."""
    for message in _messages(refreshed[language]):
        source = message.findtext("source") or ""
        for form in _forms(message):
            assert sorted(FIELD.findall(form)) == sorted(FIELD.findall(source)), (source, form)
            if language == "zh_CN" and "%n" in source:
                assert "%n" in form, (source, form)


def test_chinese_uses_chinese_punctuation(refreshed: dict[str, ET.Element]) -> None:
    """Between Chinese characters, full-width punctuation (，not ,)."""
    half = re.compile(r"[\u4e00-\u9fff][,;:?!][\u4e00-\u9fff\s]|[\u4e00-\u9fff]\.(\s|$)")
    bad = [form for m in _messages(refreshed["zh_CN"]) for form in _forms(m) if half.search(form)]
    assert not bad


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_translations_compile(tmp_path: Path, language: str) -> None:
    compiled = tmp_path / f"ponder_{language}.qm"
    compile_translation(translations_dir() / f"ponder_{language}.ts", compiled)
    assert compiled.stat().st_size > 100
    assert not (translations_dir() / compiled.name).exists()  # built with the package, never committed
