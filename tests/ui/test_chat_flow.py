"""A conversation with the real engine and scripted Qwen3 models, driven through the window."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from app.testkit.scripted_model import ScriptedModel
from app.ui.common.qt import Qt
from app.ui.main_window import MainWindow
from tests.ui.driver import WAIT_MS, load, replies, send, user_messages


def words(text: str) -> str:
    return " ".join(text.split())


def test_thinking_streams_in_an_open_panel_then_collapses(
    qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel
) -> None:
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "Say hello.", wait=False)
    (reply,) = replies(window)
    panel = reply.thinking
    seen: list[tuple[str, bool, str]] = []
    set_header = panel.set_header

    def record(text: str) -> None:
        seen.append((text, panel.expanded, panel.body.toPlainText()))
        set_header(text)

    panel.set_header = record  # type: ignore[method-assign]
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)

    live = [(t, expanded, body) for t, expanded, body in seen if t.startswith("Thinking…")]
    assert any(re.fullmatch(r"Thinking… \d+ tokens", t) and expanded and body for t, expanded, body in live)
    script = qwen3_model.script
    assert not panel.isHidden()
    assert not panel.expanded
    assert panel.header.accessibleName() == "Show thinking"
    assert re.fullmatch(rf"Thought for \d+\.\d s · {len(script.thinking)} tokens", panel.header.text())
    assert reply.answer.toPlainText() == script.answer_text
    assert "tok/s" in reply.stats.text() and "first token" in reply.stats.text()

    qtbot.mouseClick(panel.header, Qt.MouseButton.LeftButton)
    assert panel.expanded and panel.header.accessibleName() == "Hide thinking"
    assert words(panel.body.toPlainText()) == words(script.thinking_text)
    qtbot.mouseClick(panel.header, Qt.MouseButton.LeftButton)
    assert not panel.expanded and panel.header.accessibleName() == "Show thinking"


def test_thinking_off_shows_no_panel(qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel) -> None:
    load(qtbot, window, qwen3_model)
    qtbot.mouseClick(window.composer.think, Qt.MouseButton.LeftButton)
    assert not window.composer.think.isChecked()
    assert not window.composer.budget.isEnabled()
    send(qtbot, window, "Say hello.")
    (reply,) = replies(window)
    assert reply.thinking.isHidden()
    assert reply.answer.toPlainText() == qwen3_model.script.answer_text
    assert reply.message is not None and reply.message.think_mode is False


def test_no_think_typed_in_the_message_wins_over_the_toggle(
    qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel
) -> None:
    load(qtbot, window, qwen3_model)
    assert window.composer.think.isChecked()
    send(qtbot, window, "Say hello. /no_think")
    (reply,) = replies(window)
    assert reply.thinking.isHidden()
    assert reply.answer.toPlainText() == qwen3_model.script.answer_text
    assert reply.message is not None and reply.message.think_mode is False


def test_a_model_that_never_thinks_disables_the_toggle(
    qtbot: Any, window: MainWindow, plain_model: ScriptedModel
) -> None:
    load(qtbot, window, plain_model)
    think = window.composer.think
    assert not think.isEnabled() and not think.isChecked()
    assert "cannot think" in think.toolTip()
    send(qtbot, window, "Say hello.")
    (reply,) = replies(window)
    assert reply.thinking.isHidden()
    assert reply.answer.toPlainText() == plain_model.script.answer_text


def test_a_small_budget_is_reached_and_continue_thinking_extends_it(
    qtbot: Any, window: MainWindow, runaway_model: ScriptedModel
) -> None:
    load(qtbot, window, runaway_model)
    window.composer.budget.set_value(256)
    assert window.composer.budget.value() == 256
    send(qtbot, window, "Think hard.")
    (reply,) = replies(window)
    header = reply.thinking.header.text()
    match = re.fullmatch(r"Thought for \d+\.\d s · ([\d,]+) tokens · budget reached", header)
    assert match, header
    first_tokens = int(match.group(1).replace(",", ""))
    assert 0 < first_tokens <= 256
    assert reply.answer.toPlainText() == runaway_model.script.answer_text
    first = reply.message
    assert first is not None and first.budget_hit
    first_thinking = first.thinking
    assert not reply.continue_button.isHidden()

    qtbot.mouseClick(reply.continue_button, Qt.MouseButton.LeftButton)
    assert window.controller.generating
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)
    message = reply.message
    assert message is not None
    assert message.thinking.startswith(first_thinking) and len(message.thinking) > len(first_thinking)
    match = re.fullmatch(
        r"Thought for \d+\.\d s · ([\d,]+) tokens · budget reached", reply.thinking.header.text()
    )
    assert match
    assert first_tokens < int(match.group(1).replace(",", "")) <= first_tokens + 256
    assert reply.answer.toPlainText() == runaway_model.script.answer_text


def test_stop_ends_a_reply_that_would_never_end(
    qtbot: Any, window: MainWindow, make_window: Callable[[], MainWindow], runaway_model: ScriptedModel
) -> None:
    load(qtbot, window, runaway_model)
    window.composer.budget.set_value(None)
    send(qtbot, window, "Think forever.", wait=False)
    button = window.composer.send_button
    assert button.accessibleName() == "Stop" and button.text() == "Stop"
    (reply,) = replies(window)
    qtbot.waitUntil(lambda: reply.message is not None and len(reply.message.thinking) > 50, timeout=WAIT_MS)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)
    assert reply.message is not None and reply.message.finish_reason == "cancelled"
    assert reply.stats.text().startswith("Stopped")
    assert button.accessibleName() == "Send"
    # The reasoning so far is kept: in the message, in its panel and on disk.
    message = reply.message
    opening = runaway_model.script.thinking_text.strip()[:30]
    assert len(message.thinking) > 50 and message.thinking.startswith(opening)
    assert not reply.thinking.isHidden() and reply.thinking.text == message.thinking
    qtbot.mouseClick(reply.thinking.header, Qt.MouseButton.LeftButton)
    assert words(reply.thinking.body.toPlainText()) == words(message.thinking)
    chat = window.controller.chat
    assert chat is not None
    window.shutdown()
    reopened = make_window()
    reopened.select_chat(chat.id)
    (saved,) = replies(reopened)
    assert saved.message is not None and saved.message.finish_reason == "cancelled"
    assert saved.message.thinking == message.thinking


def test_escape_stops_too(qtbot: Any, window: MainWindow, runaway_model: ScriptedModel) -> None:
    load(qtbot, window, runaway_model)
    send(qtbot, window, "Think forever.", wait=False)
    (reply,) = replies(window)
    qtbot.waitUntil(lambda: reply.message is not None and bool(reply.message.thinking), timeout=WAIT_MS)
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)
    assert reply.message is not None and reply.message.finish_reason == "cancelled"


def test_regenerate_keeps_both_versions(qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel) -> None:
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "Say hello.")
    (reply,) = replies(window)
    assert reply.version_label.isHidden()
    qtbot.mouseClick(reply.regen_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)
    chat = window.controller.chat
    assert chat is not None
    slot = chat.entries[-1]
    assert len(slot.versions) == 2 and slot.index == 1  # type: ignore[union-attr]
    assert reply.version_label.text() == "2/2" and not reply.version_label.isHidden()
    assert reply.answer.toPlainText() == qwen3_model.script.answer_text
    qtbot.mouseClick(reply.prev_button, Qt.MouseButton.LeftButton)
    assert reply.version_label.text() == "1/2"
    assert not reply.next_button.isHidden() and reply.next_button.isEnabled()


def test_regenerate_with_thinking_off_then_switch_back(
    qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel
) -> None:
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "Say hello.")
    (reply,) = replies(window)
    assert not reply.thinking.isHidden()
    reply.regen_off.trigger()
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)
    assert reply.version_label.text() == "2/2"
    assert reply.thinking.isHidden()
    assert reply.message is not None and reply.message.think_mode is False and not reply.message.thinking
    qtbot.mouseClick(reply.prev_button, Qt.MouseButton.LeftButton)
    assert not reply.thinking.isHidden()
    assert reply.thinking.header.text().startswith("Thought for")


def test_edit_a_message_and_resend(qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel) -> None:
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "Say hello.")
    send(qtbot, window, "Again.")
    first = user_messages(window)[0]
    qtbot.mouseClick(first.edit_button, Qt.MouseButton.LeftButton)
    assert first.editor.toPlainText() == "Say hello."
    first.editor.setPlainText("Say hi instead.")
    qtbot.mouseClick(first.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=WAIT_MS)
    chat = window.controller.chat
    assert chat is not None
    assert [m.role for m in chat.messages()] == ["user", "assistant"]
    assert chat.messages()[0].content == "Say hi instead."
    assert [u.message.content for u in user_messages(window)] == ["Say hi instead."]
    assert len(replies(window)) == 1


def test_delete_a_reply_version_and_a_message(
    qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel
) -> None:
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "Say hello.")
    (reply,) = replies(window)
    qtbot.mouseClick(reply.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not replies(window))
    chat = window.controller.chat
    assert chat is not None and [m.role for m in chat.messages()] == ["user"]


def test_sending_without_a_model_says_what_to_do(qtbot: Any, window: MainWindow) -> None:
    window.composer.edit.setPlainText("Hello?")
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
    assert not window.controller.generating
    assert not window.banner.isHidden() and "Open a model" in window.banner.text
    assert window.composer.text() == "Hello?"  # nothing lost
