"""Long reasoning in the window: the answer always comes, Answer now, the context meter, the
choice when a conversation outgrows the context, and Continue after an answer the context cut.

Real engine, scripted Qwen3 models, widgets offscreen."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from app.core.store.settings import ModelLoad
from app.testkit.scripted_model import Script, ScriptedModel, write_scripted_model
from app.ui.chat.composer import ANSWER_NOW_KEYS
from app.ui.common.qt import QKeySequence, Qt
from app.ui.main_window import MainWindow
from tests.ui.driver import WAIT_MS, load, named, replies, send, user_messages, wait_idle


def at_context(window: MainWindow, n_ctx: int) -> None:
    window.prefs.set_default_load(ModelLoad(n_ctx=n_ctx, n_gpu_layers=0))


def test_a_runaway_reasoning_at_unlimited_budget_gets_its_answer(
    qtbot: Any, window: MainWindow, runaway_model: ScriptedModel
) -> None:
    at_context(window, 1024)
    load(qtbot, window, runaway_model)
    window.composer.budget.set_value(None)  # Unlimited
    send(qtbot, window, "Think as long as you like.")
    (reply,) = replies(window)
    message = reply.message
    assert message is not None
    assert message.content == runaway_model.script.answer_text
    assert message.finish_reason == "stop" and message.cut_reason == "context"
    assert re.fullmatch(
        r"Thought for \d+\.\d s · [\d,]+ tokens · context limit reached", reply.thinking.header.text()
    )
    assert reply.answer.toPlainText() == runaway_model.script.answer_text
    assert not reply.continue_button.isHidden()  # continue thinking is offered after any cut


def test_the_context_meter_says_how_much_is_used(
    qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel
) -> None:
    at_context(window, 2048)
    load(qtbot, window, qwen3_model)
    meter = window.composer.context_meter
    assert named(window, "Context used") == [meter]
    assert meter.isVisible() and meter.text() == "0 / 2,048 tokens"
    send(qtbot, window, "Say hello.")
    first = int(meter.text().split(" / ")[0].replace(",", ""))
    assert 0 < first < 2048 and meter.text().endswith("/ 2,048 tokens")
    assert meter.accessibleDescription() == meter.text()
    send(qtbot, window, "And again.")
    second = int(meter.text().split(" / ")[0].replace(",", ""))
    assert second > first  # the conversation grew


@pytest.mark.parametrize("how", ["button", "shortcut"])
def test_answer_now_cuts_the_reasoning_and_the_answer_follows(
    qtbot: Any, window: MainWindow, runaway_model: ScriptedModel, how: str
) -> None:
    at_context(window, 8192)
    load(qtbot, window, runaway_model)
    window.composer.budget.set_value(None)
    button = window.composer.answer_button
    assert button.isHidden()
    send(qtbot, window, "Think forever.", wait=False)
    (reply,) = replies(window)
    qtbot.waitUntil(
        lambda: button.isVisible() and reply.message is not None and len(reply.message.thinking) > 40,
        timeout=WAIT_MS,
    )
    assert button.accessibleName() == "Answer now"
    if how == "button":
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    else:
        window.composer.edit.setFocus()
        combo = QKeySequence(ANSWER_NOW_KEYS)[0]  # type: ignore[index]  # PySide6 sequences index
        qtbot.keyClick(window.composer.edit, combo.key(), combo.keyboardModifiers())
    wait_idle(qtbot, window)
    message = reply.message
    assert message is not None and message.cut_reason == "user" and message.finish_reason == "stop"
    assert message.content == runaway_model.script.answer_text
    assert reply.thinking.header.text().endswith("· answered early")
    assert button.isHidden()


@pytest.fixture(scope="module")
def chatty_model(tmp_path_factory: pytest.TempPathFactory) -> ScriptedModel:
    """Thinks briefly, then answers at length: 300 distinct words."""
    folder = tmp_path_factory.mktemp("chatty")
    words = tuple(f" w{i}" for i in range(300))
    return write_scripted_model(
        folder / "chatty.gguf", Script(thinking=("\nSure", ", let", " me", " answer.\n"), answer=words)
    )


def test_a_conversation_that_outgrows_the_context_offers_a_choice(
    qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel
) -> None:
    at_context(window, 512)
    load(qtbot, window, qwen3_model)
    window.composer.set_thinking(False)
    filler = "Please remember this sentence about volcanoes and lava. " * 8
    sent = 0
    while not window.banner.isVisible():
        sent += 1
        assert sent < 10, "the context never filled"
        send(qtbot, window, f"{sent}: {filler}")
    assert "does not fit the context of 512 tokens" in window.banner.text
    hide = named(window.banner, "Let older messages go")
    reload = [
        w
        for w in window.banner.findChildren(type(window.composer.send_button))
        if w.text().startswith("Reload with")
    ]
    assert hide and hide[0].isVisible()
    assert reload and reload[0].isVisible()  # this machine holds a larger context
    qtbot.mouseClick(hide[0], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    last = replies(window)[-1]
    assert last.message is not None and last.message.content == qwen3_model.script.answer_text
    # The first turns left the model's view and say so; the latest are seen.
    users = user_messages(window)
    assert users[0].out_of_view.isVisible()
    assert not users[-1].out_of_view.isVisible()
    assert len(users) == sent  # nothing was lost from the chat
    assert not window.banner.isVisible()


def test_reload_with_a_larger_context_answers_the_refused_message(
    qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel
) -> None:
    at_context(window, 512)
    load(qtbot, window, qwen3_model)
    window.composer.set_thinking(False)
    send(qtbot, window, "word " * 600)
    assert window.banner.isVisible()
    (reload,) = [
        w
        for w in window.banner.findChildren(type(window.composer.send_button))
        if w.text().startswith("Reload with")
    ]
    qtbot.mouseClick(reload, Qt.MouseButton.LeftButton)

    def answered() -> bool:
        shown = replies(window)
        message = shown[-1].message if shown else None
        return (
            window.models.ready
            and not window.controller.generating
            and message is not None
            and (message.finish_reason == "stop")
        )

    qtbot.waitUntil(answered, timeout=WAIT_MS)
    assert window.models.loaded is not None and int(window.models.loaded.info["n_ctx"]) > 512
    (reply,) = replies(window)  # the failed try was replaced, not kept beside the answer
    assert reply.message is not None and reply.message.content == qwen3_model.script.answer_text


def test_continue_after_the_context_cut_the_answer(
    qtbot: Any, window: MainWindow, chatty_model: ScriptedModel, tmp_path: Path
) -> None:
    at_context(window, 256)
    load(qtbot, window, chatty_model)
    send(qtbot, window, "Tell me everything.")
    (reply,) = replies(window)
    first = reply.message
    assert first is not None and first.finish_reason == "length"
    assert reply.stats.text().startswith("Cut off at the end of the context")
    cont = reply.continue_answer_button
    assert cont.isVisible() and cont.accessibleName() == "Continue the answer"
    before = first.content
    qtbot.mouseClick(cont, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    (after,) = replies(window)
    grown = after.message
    assert grown is not None and grown.content.startswith(before) and len(grown.content) > len(before)
    assert grown.thinking == first.thinking  # the reasoning stays as it was
    assert after.answer.toPlainText().startswith(before.strip()[:20])


def test_the_picker_shows_the_context_the_model_runs_with(
    qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel
) -> None:
    at_context(window, 0)  # Auto: the scripted model's native 4,096
    load(qtbot, window, qwen3_model)
    label = window.picker.context
    assert named(window, "Context size") == [label]
    assert label.isVisible() and label.text() == "4K ctx"
    assert label.toolTip() == "Context 4,096 tokens, f16 KV cache"
    assert window.picker.button.text() == "qwen3-scripted"
    window.prefs.set_default_load(ModelLoad(n_ctx=16384, n_gpu_layers=0, kv_cache="q8_0"))
    window.prefs.settings.models.pop(str(qwen3_model.path), None)
    load(qtbot, window, qwen3_model)
    assert label.text() == "16K ctx · YaRN"
    assert label.toolTip() == "Context 16,384 tokens, q8_0 KV cache; YaRN ×4.0 over its native 4,096"
