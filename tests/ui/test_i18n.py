"""The window's language: which one the system asks for, the choice in Settings, what it
changes (translations, plural forms, numbers and sizes), and typing through an input method."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core.chat.messages import Message
from app.core.store.settings import SettingsFile
from app.ui.chat.composer import Composer
from app.ui.chat.user_view import UserMessageView
from app.ui.common.i18n import compiled_translation, data_size, install_language, number, resolve_language, tr
from app.ui.common.prefs import Preferences
from app.ui.common.qt import QApplication, QFont, QInputMethodEvent, QLabel, QLocale, Qt
from app.ui.main_window import MainWindow


@pytest.mark.parametrize(
    ("choice", "system", "shown"),
    [
        ("system", ["zh-Hans-CN", "zh-CN", "zh"], "zh_CN"),
        ("system", ["zh-Hant-TW"], "zh_CN"),  # of the two, Traditional Chinese readers read this one
        ("system", ["en-GB", "en"], "en"),
        ("system", ["de-DE", "en-US"], "en"),  # the first language the window speaks
        ("system", ["fr-FR"], "en"),
        ("system", ["C"], "en"),
        ("en", ["zh-CN"], "en"),  # a choice in Settings wins
        ("zh_CN", ["en-US"], "zh_CN"),
    ],
)
def test_the_language_follows_the_system_unless_chosen(choice: str, system: list[str], shown: str) -> None:
    assert resolve_language(choice, system) == shown


@pytest.fixture
def restore(qapp: QApplication) -> Iterator[None]:
    font = QFont(qapp.font())
    yield
    install_language(qapp, "en")
    qapp.setFont(font)


def test_english_and_chinese_translations(qapp: QApplication, restore: None, ponder_home: Path) -> None:
    assert install_language(qapp, "en") == "en"
    assert (data_size(1), data_size(512), data_size(6000)) == ("1 byte", "512 bytes", "6.0 KB")
    assert tr("Exported %n chat(s) to {path}.", "", 1) == "Exported 1 chat to {path}."
    assert tr("Exported %n chat(s) to {path}.", "", 3) == "Exported 3 chats to {path}."
    assert number(8192) == "8,192" and tr("Send") == "Send"

    assert install_language(qapp, "zh_CN") == "zh_CN"
    assert tr("Send") == "发送" and tr("Think") == "思考"
    assert tr("Exported %n chat(s) to {path}.", "", 3) == "已将 3 个对话导出到 {path}。"
    assert data_size(512) == "512 字节" and data_size(4_700_000_000) == "4.7 GB"
    assert QLocale().language() == QLocale.Language.Chinese
    assert "Noto Sans CJK SC" in qapp.font().families()  # Simplified forms first, when installed
    # Qt's own strings (standard buttons, context menus) come from Qt's translations.
    assert QApplication.translate("QPlatformTheme", "Cancel") == "取消"
    # A source checkout compiles the translation once, into the cache.
    compiled = compiled_translation("zh_CN")
    assert compiled is not None and compiled.is_relative_to(ponder_home)


def test_settings_choose_the_language_for_the_next_start(qtbot: Any, window: MainWindow) -> None:
    dialog = window.settings_dialog()
    page = dialog.language
    assert page.language() == "system" and page.choice.itemText(2) == "简体中文"
    page.choice.setCurrentIndex(page.choice.findData("zh_CN"))
    assert "next starts" in page.note.text()
    dialog.apply()
    assert window.prefs.save() is None
    assert SettingsFile().load().language == "zh_CN"
    assert Preferences().settings.language == "zh_CN"
    dialog.reject()


def _ime(edit: Any, preedit: str, commit: str = "") -> None:
    event = QInputMethodEvent(preedit, [])
    if commit:
        event.setCommitString(commit)
    QApplication.sendEvent(edit, event)


def test_enter_while_an_input_method_composes_does_not_send(qtbot: Any) -> None:
    composer = Composer()
    qtbot.addWidget(composer)
    sent: list[str] = []
    composer.send.connect(sent.append)
    edit = composer.edit
    edit.setFocus()
    _ime(edit, "nihao")  # pinyin being composed, shown underlined
    assert edit.composing
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert sent == []
    _ime(edit, "", commit="你好")  # the input method commits the characters
    assert not edit.composing and edit.toPlainText() == "你好"
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert sent == ["你好"]


def test_enter_while_composing_does_not_save_an_edited_message(qtbot: Any) -> None:
    view = UserMessageView(Message("user", "原来的问题"))
    qtbot.addWidget(view)
    resent: list[str] = []
    view.resend.connect(resent.append)
    view.start_editing()
    _ime(view.editor, "fanyi")
    qtbot.keyClick(view.editor, Qt.Key.Key_Return)
    assert resent == [] and not view.edit_box.isHidden()
    _ime(view.editor, "", commit="翻译")
    qtbot.keyClick(view.editor, Qt.Key.Key_Return)
    assert resent == ["翻译"]


def test_chinese_text_draws_with_or_without_a_cjk_font(qtbot: Any, qapp: QApplication, restore: None) -> None:
    """The window in Chinese paints (CI machines have no CJK font: Qt then draws boxes)."""
    install_language(qapp, "zh_CN")
    label = QLabel("思考预算：8,192 个 token — 翻译成英文")
    qtbot.addWidget(label)
    label.show()
    image = label.grab()
    assert not image.isNull() and image.width() > 100
