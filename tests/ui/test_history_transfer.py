"""Export and import through the window's actions (file dialogs bypassed with a path), and
settings that must survive a restart."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.chat.chats import Reply
from app.core.store.settings import ModelLoad
from app.testkit.scripted_model import ScriptedModel
from app.ui.common.prefs import Preferences
from app.ui.main_window import MainWindow
from app.ui.settings.dialog import SettingsDialog
from tests.ui.driver import load, replies, send


def wait_done(qtbot: Any, window: MainWindow, action: Callable[[], None]) -> None:
    with qtbot.waitSignal(window.history.transfer.finished, timeout=10_000):
        action()


def test_export_and_import_round_trip(
    qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel, tmp_path: Path
) -> None:
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "Tell me about <b>apples</b>.")
    chat = window.controller.chat
    assert chat is not None
    reply = chat.entries[-1]
    assert isinstance(reply, Reply)
    window.controller.regenerate(reply, False)
    qtbot.waitUntil(lambda: not window.controller.generating, timeout=60_000)
    thinking = reply.versions[0].thinking.strip()
    transfer = window.history.transfer

    md = tmp_path / "chat.md"
    wait_done(qtbot, window, lambda: transfer.export_markdown(str(md), include_thinking=True))
    text = md.read_text("utf-8")
    assert text.startswith("# Tell me about <b>apples</b>.")
    assert "<details><summary>Thinking</summary>" not in text  # the shown version has none
    replies(window)[0].prev_button.click()  # show version 1 (with thinking) and export again
    wait_done(qtbot, window, lambda: transfer.export_markdown(str(md), include_thinking=True))
    assert f"<details><summary>Thinking</summary>\n\n{thinking}" in md.read_text("utf-8")
    wait_done(qtbot, window, lambda: transfer.export_markdown(str(md), include_thinking=False))
    assert thinking not in md.read_text("utf-8")
    assert "Exported" in window.banner.text

    exported = tmp_path / "chat.json"
    wait_done(qtbot, window, lambda: transfer.export_json(str(exported)))
    data = json.loads(exported.read_text("utf-8"))
    assert data["format"] == "ponder.chat" and len(data["messages"]) == 3

    wait_done(qtbot, window, lambda: transfer.import_json(str(exported)))
    copy = window.controller.chat
    assert copy is not None and copy is not chat and copy.title == chat.title
    lst = window.sidebar.list
    assert [lst.item(i).text() for i in range(lst.count())].count(chat.title) == 2
    copied = copy.entries[-1]
    assert isinstance(copied, Reply) and len(copied.versions) == 2 and copied.index == 0
    assert [v.content for v in copied.versions] == [v.content for v in reply.versions]
    assert "Imported" in window.banner.text

    archive = tmp_path / "all.zip"
    wait_done(qtbot, window, lambda: transfer.export_all(str(archive)))
    with zipfile.ZipFile(archive) as z:
        index = json.loads(z.read("index.json"))
    assert len(index["chats"]) == 2
    assert "2 chats" in window.banner.text


def test_import_errors_go_to_the_banner(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}', "utf-8")
    wait_done(qtbot, window, lambda: window.history.transfer.import_json(str(bad)))
    assert window.banner.notice is not None and window.banner.notice.level == "error"
    assert "not a Ponder chat export" in window.banner.text
    missing = tmp_path / "missing.json"
    wait_done(qtbot, window, lambda: window.history.transfer.import_json(str(missing)))
    assert "Could not import the chat" in window.banner.text and "Traceback" not in window.banner.text
    window.history.transfer.export_json(str(tmp_path / "x.json"))  # an empty chat: nothing to do
    assert "nothing to export" in window.banner.text
    assert not (tmp_path / "x.json").exists()


def test_export_to_an_unwritable_place_is_reported(
    qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel, tmp_path: Path
) -> None:
    load(qtbot, window, qwen3_model)
    send(qtbot, window, "Hello.")
    target = tmp_path / "no-such-folder" / "deeper"
    target.parent.write_text("a file where a folder should be")
    wait_done(qtbot, window, lambda: window.history.transfer.export_json(str(target / "x.json")))
    assert window.banner.notice is not None and window.banner.notice.level == "error"
    assert window.banner.text.startswith("Could not export the chat")


def test_load_and_sampling_settings_survive_a_restart(
    qtbot: Any, make_window: Callable[[], MainWindow], qwen3_model: ScriptedModel
) -> None:
    window = make_window()
    dialog = SettingsDialog(window.prefs, str(qwen3_model.path), window)
    dialog.n_ctx.setValue(4096)
    dialog.gpu_auto.setChecked(False)
    dialog.gpu_layers.setValue(0)
    dialog.threads.setValue(2)
    dialog.sampling_on.temperature.setValue(0.7)
    dialog.sampling_off.top_k.setValue(33)
    dialog.apply()
    window.prefs.save()
    window.shutdown()
    window.close()

    prefs = Preferences()
    assert prefs.load_params(str(qwen3_model.path)) == ModelLoad(n_ctx=4096, n_gpu_layers=0, n_threads=2)
    assert prefs.sampling(True).temperature == 0.7
    assert prefs.sampling(False).top_k == 33
    again = make_window()
    shown = SettingsDialog(again.prefs, str(qwen3_model.path), again)
    assert shown.n_ctx.value() == 4096 and shown.threads.value() == 2
    assert shown.sampling_off.top_k.value() == 33
