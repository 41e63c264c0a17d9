"""The window in Simplified Chinese: no English left where a user looks.

Every window a user meets first — the main window with the welcome, Settings (each page),
the Models window (each tab), a chat's settings — and the main window with a model loaded
and a reply, are walked widget by widget: texts, tooltips, accessible names and descriptions,
placeholders, menu items, combo box entries, tab and column titles. Any English word that is
not a product or model name, a unit, a file path or an identifier fails the test. It checks
strings, not glyphs: no CJK font is needed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core.hub import auth
from app.core.models.catalog import load_catalog
from app.core.models.hardware import Hardware
from app.testkit.scripted_model import ScriptedModel
from app.ui.common.i18n import install_language
from app.ui.common.qt import (
    QAbstractButton,
    QAction,
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QFont,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QSpinBox,
    Qt,
    QTabWidget,
    QTreeWidget,
    QWidget,
)
from app.ui.history.chat_settings import ChatSettingsDialog
from app.ui.main_window import MainWindow
from tests.hub.local_hub import LocalHub
from tests.ui.driver import WAIT_MS, load, replies, send

# Names, units and terms that stay as they are in a Chinese interface.
KEPT = {
    "Ponder", "Qwen", "Qwen3", "GGUF", "gguf", "llama", "cpp", "GPU", "CPU", "RAM", "KV", "YaRN",
    "Top", "Min", "API", "OpenAI", "Hugging", "Face", "Hub", "huggingface", "co", "Markdown", "JSON",
    "Zip", "vLLM", "SGLang", "Ollama", "LM", "Studio", "RPC", "Ctrl", "Shift", "Enter", "Esc", "Flash",
    "Attention", "token", "English", "localhost", "http", "https", "README", "CMAKE", "ARGS", "GB", "MB",
    "KB", "TB", "details", "f16", "hf", "ponder", "serve", "worker", "Apple", "Silicon", "MoE", "ctx",
    "python",
}  # fmt: skip
CODE = re.compile(
    r"https?://\S+|\S*[/\\]\S*|\S+\.(?:gguf|json|md|zip|co)\b|\w*_\w*|`[^`]*`|Ctrl\+\S+|Shift\+\S+"
)
WORD = re.compile(r"[A-Za-z][A-Za-z’']+")
# Where a user's or a model's own words are shown (not the interface's).
CONTENT = {"userText", "hitSnippet", "hitTitle", "editBox", "messageEdit"}


def model_words() -> set[str]:
    words: set[str] = set()
    for model in load_catalog():
        words.update(WORD.findall(model.name))
    return words


def english(text: str, allowed: set[str]) -> list[str]:
    plain = html.unescape(re.sub(r"<[^>]+>", " ", text))
    plain = CODE.sub(" ", plain)
    kept = {a.lower() for a in allowed}
    return [w for w in WORD.findall(plain) if w.lower() not in kept]


def _menu_texts(menu: QMenu) -> Iterator[tuple[str, str]]:
    menu.aboutToShow.emit()  # menus filled when they open
    for action in menu.actions():
        yield "menu item", action.text()
        yield "menu item tooltip", action.toolTip()
        submenu = action.menu()
        if isinstance(submenu, QMenu):
            yield from _menu_texts(submenu)


def texts(root: QWidget) -> Iterator[tuple[QWidget, str, str]]:
    """(widget, what, text) for everything a user can read or hear below ``root``."""
    widgets = [root, *(w for w in root.findChildren(QWidget) if w.isVisibleTo(root))]
    for w in widgets:
        parent = w.parentWidget()
        if w.objectName() in CONTENT or (parent is not None and parent.objectName() in CONTENT):
            continue
        if w.isWindow():
            yield w, "window title", w.windowTitle()
        for what, text in (
            ("tooltip", w.toolTip()),
            ("accessible name", w.accessibleName()),
            ("accessible description", w.accessibleDescription()),
            ("what's this", w.whatsThis()),
        ):
            yield w, what, text
        if isinstance(w, QLabel):
            yield w, "label", w.text()
        if isinstance(w, QAbstractButton):
            yield w, "button", w.text()
            menu = getattr(w, "menu", lambda: None)()
            if isinstance(menu, QMenu):
                for what, text in _menu_texts(menu):
                    yield w, what, text
        if isinstance(w, QLineEdit | QPlainTextEdit):
            yield w, "placeholder", w.placeholderText()
        if isinstance(w, QComboBox):
            for i in range(w.count()):
                yield w, "choice", w.itemText(i)
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                yield w, "tab", w.tabText(i)
                yield w, "tab tooltip", w.tabToolTip(i)
        if isinstance(w, QGroupBox):
            yield w, "group", w.title()
        if isinstance(w, QSpinBox | QDoubleSpinBox):
            yield w, "suffix", w.suffix()
            yield w, "prefix", w.prefix()
            yield w, "special value", w.specialValueText()
        if isinstance(w, QTreeWidget):
            header = w.headerItem()
            for i in range(w.columnCount()):
                yield w, "column", header.text(i)
        if isinstance(w, QListWidget) and w.objectName() != "chatList":  # chat titles are the user's
            for i in range(w.count()):
                yield w, "list item", w.item(i).text()
                yield w, "list item tooltip", w.item(i).toolTip()
        if isinstance(w, QProgressBar) and w.isTextVisible():
            yield w, "progress", w.text()
        for action in w.actions():
            if isinstance(action, QAction):
                yield w, "action", action.text()
                yield w, "action tooltip", action.toolTip()


def assert_chinese(root: QWidget, allowed: set[str]) -> None:
    found = []
    for w, what, text in texts(root):
        left = english(text, allowed)
        if left:
            found.append(
                f"{type(w).__name__} {w.objectName() or w.accessibleName()!r} {what}: {text!r} {left}"
            )
    assert not found, "English in the zh_CN window:\n" + "\n".join(found)


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[set[str]]:
    """The window in Simplified Chinese, as a user who chose it gets it; English again after."""
    font = QFont(qapp.font())
    assert install_language(qapp, "zh_CN") == "zh_CN"
    yield KEPT | model_words()
    install_language(qapp, "en")
    qapp.setFont(font)


@pytest.fixture
def no_gpu(monkeypatch: pytest.MonkeyPatch) -> Hardware:
    hw = Hardware(ram_total=16 * 10**9, ram_available=8 * 10**9, cpu_physical=4, cpu_logical=8)
    monkeypatch.setattr("app.ui.library.service.probe_hardware", lambda *_workers: (hw, False))
    return hw


def test_first_run_windows_in_chinese(
    qtbot: Any, chinese: set[str], no_gpu: Hardware, window: MainWindow, qwen3_model: ScriptedModel
) -> None:
    feature = window.models_feature
    qtbot.waitUntil(
        lambda: feature.service.hardware is not None and feature.welcome.isVisible(), timeout=WAIT_MS
    )
    assert feature.welcome.download_button.isEnabled()  # a recommendation, its fit and facts shown
    assert_chinese(window, chinese)

    dialog = window.settings_dialog()
    dialog.show()
    for i in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(i)
        assert_chinese(dialog, chinese)
    dialog.reject()

    models = feature.open_dialog()
    qtbot.waitUntil(lambda: bool(models.catalog.cards()) and models.catalog.cards()[0].badge.fit is not None)
    for i in range(models.tabs.count()):
        models.tabs.setCurrentIndex(i)
        assert_chinese(models, chinese)
    # A model in the library: its card, and the Library tab's header, in Chinese too.
    failed: list[Exception] = []
    feature.service.add_file(str(qwen3_model.path), failed.append)
    qtbot.waitUntil(lambda: bool(models.library.cards()) or bool(failed), timeout=WAIT_MS)
    assert not failed
    models.tabs.setCurrentWidget(models.library)
    assert_chinese(models, chinese | {"scripted"})
    models.close()

    chat = window.controller.chat
    assert chat is not None
    settings = ChatSettingsDialog(window.prefs, chat.title, "", None, window)
    settings.show()
    assert_chinese(settings, chinese)
    settings.reject()


def test_a_chat_in_chinese(
    qtbot: Any, chinese: set[str], window: MainWindow, qwen3_model: ScriptedModel
) -> None:
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "你好，请介绍一下你自己。")
    (reply,) = replies(window)
    qtbot.waitUntil(lambda: bool(reply.stats.text()), timeout=WAIT_MS)
    assert_chinese(window, chinese | {"scripted"})  # the model's file name is in the picker


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, qwen3_model: ScriptedModel) -> Iterator[LocalHub]:
    """A local Hub with a small repository; no keyring, no saved login."""
    monkeypatch.setattr(auth, "_default", auth.TokenStore(use_keyring=False))
    with LocalHub() as server:
        server.add_file("someone/Tiny-GGUF", "Tiny-Q8_0.gguf", qwen3_model.path.read_bytes())
        for i in (1, 2, 3):
            server.add_file("someone/Tiny-GGUF", f"big/Tiny-F16-0000{i}-of-00003.gguf", b"x" * 1000 * i)
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
        monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
        for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE"):
            monkeypatch.delenv(name, raising=False)
        yield server


def test_search_and_downloads_in_chinese(
    qtbot: Any, chinese: set[str], no_gpu: Hardware, hub: LocalHub, window: MainWindow
) -> None:
    models = window.models_feature.open_dialog("search")
    search = models.search
    search.query.setText("Tiny")
    search.search()
    qtbot.waitUntil(lambda: search.results.count() == 1, timeout=WAIT_MS)
    search.results.setCurrentRow(0)
    qtbot.waitUntil(lambda: search.files.topLevelItemCount() == 2, timeout=WAIT_MS)
    assert_chinese(models, chinese | {"Tiny", "someone"})  # the repository's own names

    item = search.files.findItems("Tiny-Q8_0", Qt.MatchFlag.MatchExactly, 0)[0]
    search.files.setCurrentItem(item)
    search.download()
    qtbot.waitUntil(lambda: [c.job.status for c in models.downloads.cards()] == ["done"], timeout=WAIT_MS)
    models.show_tab("downloads")
    assert_chinese(models, chinese | {"Tiny", "someone"})

    search.query.setText("nobody/none")  # a failure in the Hub's words, in Chinese
    search.open_repo("nobody/none")
    qtbot.waitUntil(lambda: search.status.objectName() == "inlineError", timeout=WAIT_MS)
    models.show_tab("search")
    assert_chinese(models, chinese | {"Tiny", "someone", "nobody", "none"})
    models.close()
