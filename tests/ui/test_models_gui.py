"""The Models window and the first-run welcome, driven as a user would, against a local Hub.

Downloads go to a real HTTP server on 127.0.0.1 (tests/hub/local_hub.py) that serves a
scripted Qwen3 GGUF under the catalog's file names; finished downloads load into the real
engine. The only stand-in is the hardware in the welcome-download test (so the file it
recommends is known in advance); every other test uses this machine as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core.hub import auth
from app.core.hub.download import part_path
from app.core.hub.library import ModelLibrary
from app.core.models.catalog import load_catalog
from app.core.models.fit import recommend
from app.core.models.hardware import Hardware
from app.core.store.settings import ModelLoad
from app.testkit.scripted_model import ScriptedModel
from app.ui.common.prefs import Preferences
from app.ui.common.qt import (
    QApplication,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QLineEdit,
    QMimeData,
    QObject,
    QPoint,
    QPointF,
    Qt,
    QUrl,
    QWidget,
    Slot,
)
from app.ui.library.catalog_tab import CatalogCard
from app.ui.library.dialog import ModelsDialog
from app.ui.library.downloads_tab import DownloadCard
from app.ui.library.feature import ModelsFeature
from app.ui.library.service import ModelsService
from app.ui.main_window import MainWindow
from app.ui.settings.dialog import SettingsDialog
from tests.hub.local_hub import LocalHub
from tests.ui.driver import named

REPO = "Qwen/Qwen3-0.6B-GGUF"  # where the catalog finds qwen3-0.6b:q8_0
FILE = "Qwen3-0.6B-Q8_0.gguf"
SPEC = "qwen3-0.6b:q8_0"
STALL_AT = 300_000
WAIT_MS = 60_000


# ---- fixtures ------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def memory_token_store(monkeypatch: pytest.MonkeyPatch) -> auth.TokenStore:
    """A token store of this test's own that never touches the system keyring."""
    store = auth.TokenStore(use_keyring=False)
    monkeypatch.setattr(auth, "_default", store)
    return store


@pytest.fixture
def gguf_bytes(qwen3_model: ScriptedModel) -> bytes:
    return qwen3_model.path.read_bytes()


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, gguf_bytes: bytes) -> Iterator[LocalHub]:
    """A local Hub serving qwen3-0.6b:q8_0 and a small repository with several models."""
    with LocalHub() as server:
        server.add_file(REPO, FILE, gguf_bytes)
        server.add_file(REPO, "README.md", b"# readme", lfs=False)
        server.add_file("someone/Tiny-GGUF", "Tiny-Q8_0.gguf", gguf_bytes)
        server.add_file("someone/Tiny-GGUF", "Tiny-Q4_0.gguf", gguf_bytes, published_sha256="0" * 64)
        for i in (1, 2, 3):
            server.add_file("someone/Tiny-GGUF", f"big/Tiny-F16-0000{i}-of-00003.gguf", b"x" * 1000 * i)
        server.repos["someone/Tiny-GGUF"].downloads = 1234
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
        monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # no saved Hugging Face login leaks in
        for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE"):
            monkeypatch.delenv(name, raising=False)
        yield server


@pytest.fixture
def models(hub: LocalHub, window: MainWindow) -> ModelsFeature:
    """The window's models feature, downloading in small steps so progress shows."""
    feature = window.models_feature
    feature.service.downloader_options = {"chunk_size": 16 * 1024, "progress_interval": 0}
    return feature


def open_models(qtbot: Any, window: MainWindow, tab: str) -> ModelsDialog:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keySequence(window, QKeySequence("Ctrl+M"))
    dialog = window.models_feature.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.show_tab(tab)
    return dialog


def wait_hardware(qtbot: Any, service: ModelsService) -> None:
    qtbot.waitUntil(lambda: service.hardware is not None and not service.tasks.busy, timeout=WAIT_MS)


def catalog_card(qtbot: Any, dialog: ModelsDialog, model_id: str, quant: str) -> CatalogCard:
    """The card of ``model_id`` with ``quant`` chosen, as a user chooses it."""
    wait_hardware(qtbot, dialog.service)
    card = dialog.catalog.card(model_id)
    index = card.quant.findData(quant)
    card.quant.setCurrentIndex(index)
    card.quant.activated.emit(index)
    return card


def shown(widget: QWidget) -> bool:
    """Visible within its card (or window), whichever tab is in front."""
    holder = widget.parentWidget()
    while holder is not None and holder.objectName() != "modelCard":
        holder = holder.parentWidget()
    return widget.isVisibleTo(holder or widget.window())


def only_download(qtbot: Any, dialog: ModelsDialog) -> DownloadCard:
    qtbot.waitUntil(lambda: len(dialog.downloads.cards()) == 1, timeout=WAIT_MS)
    return dialog.downloads.cards()[0]


# ---- the catalog -----------------------------------------------------------------------------
def test_catalog_shows_fit_badges_and_thinking(qtbot: Any, models: ModelsFeature, window: MainWindow) -> None:
    dialog = open_models(qtbot, window, "catalog")
    wait_hardware(qtbot, window.models_feature.service)
    service = models.service
    catalog = load_catalog()
    cards = dialog.catalog.cards()
    assert sorted(c.model.id for c in cards) == sorted(m.id for m in catalog)
    for card in cards:
        fit = service.fit(card.model, card.files)
        assert fit is not None
        assert card.badge.text() == fit.badge
        # The badge says which context its verdict holds for (issue #10).
        assert card.badge.toolTip() == f"{fit.message} (at a {fit.estimate.n_ctx:,}-token context)"
        assert card.badge.property("verdict") == str(fit.verdict)
    assert dialog.catalog.card("qwen3-235b-a22b").badge.text() == "Too big"  # no test machine holds it
    assert dialog.catalog.card("qwen3-4b-instruct-2507").tag.text() == "Instruct only"
    assert dialog.catalog.card("qwen3-4b-thinking-2507").tag.text() == "Thinks always"
    assert dialog.catalog.card("qwen3-8b").tag.text() == "Hybrid thinking"
    top = service.recommendation()
    flagged = [c for c in cards if c.recommended]
    if top is not None:
        assert [c.model.id for c in flagged] == [top.model.id] and cards[0] is flagged[0]
        assert shown(flagged[0].flag) and flagged[0].files.quant == top.quant.quant
    # Another quant, another fit.
    card = catalog_card(qtbot, dialog, "qwen3-8b", "Q8_0")
    fit = service.fit(card.model, card.model.quant("Q8_0"))
    assert (
        fit is not None
        and card.badge.toolTip() == f"{fit.message} (at a {fit.estimate.n_ctx:,}-token context)"
    )
    assert named(dialog, "Model catalog") and dialog.accessibleName() == "Models"


def test_catalog_download_shows_progress_then_loads_from_the_library(
    qtbot: Any, hub: LocalHub, models: ModelsFeature, window: MainWindow, gguf_bytes: bytes
) -> None:
    release = hub.stall_after(FILE, STALL_AT)
    dialog = open_models(qtbot, window, "catalog")
    card = catalog_card(qtbot, dialog, "qwen3-0.6b", "Q8_0")
    assert card.action.text() == "Download"
    qtbot.mouseClick(card.action, Qt.MouseButton.LeftButton)

    download = only_download(qtbot, dialog)
    qtbot.waitUntil(lambda: download.job.done >= STALL_AT - 16 * 1024, timeout=WAIT_MS)
    assert download.bar.accessibleName() == "Download progress"
    assert 0 < download.bar.value() < download.bar.maximum()
    assert f"of {len(gguf_bytes) / 1e6:.1f} MB" in download.status.text()
    assert card.action.text().startswith("Downloading") and not card.action.isEnabled()
    assert dialog.tabs.tabText(3) == "Downloads (1)"
    assert shown(download.buttons["pause"]) and shown(download.buttons["cancel"])
    release.set()

    qtbot.waitUntil(lambda: download.job.status == "done", timeout=WAIT_MS)
    assert download.status.text().startswith("Downloaded")
    assert shown(download.buttons["load"])
    dest = models.service.root / "Qwen" / "Qwen3-0.6B-GGUF" / FILE
    assert dest.read_bytes() == gguf_bytes
    qtbot.waitUntil(lambda: card.action.text() == "Load", timeout=WAIT_MS)

    dialog.show_tab("library")
    qtbot.waitUntil(lambda: len(dialog.library.cards()) == 1, timeout=WAIT_MS)
    (entry,) = dialog.library.cards()
    assert entry.title.text() == SPEC
    assert f"{entry.model.quant} · " in entry.details.text() and "qwen3" in entry.details.text()
    assert "token context" in entry.details.text() and not shown(entry.problem)
    qtbot.mouseClick(entry.load_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()  # back to the chat
    qtbot.waitUntil(lambda: window.models.ready, timeout=WAIT_MS)
    assert window.models.path == str(dest)


def test_pause_resume_and_cancel(
    qtbot: Any, hub: LocalHub, models: ModelsFeature, window: MainWindow
) -> None:
    release = hub.stall_after(FILE, STALL_AT)
    dialog = open_models(qtbot, window, "catalog")
    card = catalog_card(qtbot, dialog, "qwen3-0.6b", "Q8_0")
    qtbot.mouseClick(card.action, Qt.MouseButton.LeftButton)
    download = only_download(qtbot, dialog)
    qtbot.waitUntil(lambda: download.job.status == "active" and download.job.done > 0, timeout=WAIT_MS)

    qtbot.mouseClick(download.buttons["pause"], Qt.MouseButton.LeftButton)
    release.set()  # the stalled read returns; the download stops at its next step
    qtbot.waitUntil(lambda: download.job.status == "paused", timeout=WAIT_MS)
    assert download.status.text().startswith("Paused") and shown(download.buttons["resume"])
    dest = models.service.root / "Qwen" / "Qwen3-0.6B-GGUF" / FILE
    assert part_path(dest).exists()
    assert card.action.text() == "Resume"

    release = hub.stall_after(FILE, 2 * STALL_AT)
    qtbot.mouseClick(download.buttons["resume"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: download.job.status == "active", timeout=WAIT_MS)
    qtbot.mouseClick(download.buttons["cancel"], Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: download.job.status == "cancelled", timeout=WAIT_MS)
    assert download.status.text() == "Cancelled"
    assert not dest.exists() and not part_path(dest).exists()
    assert card.action.text() == "Download"
    qtbot.mouseClick(download.buttons["clear"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.downloads.cards(), timeout=WAIT_MS)


def test_a_file_missing_from_the_hub_is_said_in_words(
    qtbot: Any, hub: LocalHub, models: ModelsFeature, window: MainWindow
) -> None:
    dialog = open_models(qtbot, window, "catalog")
    card = catalog_card(qtbot, dialog, "qwen3-1.7b", "Q8_0")  # not on the local Hub
    qtbot.mouseClick(card.action, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown(card.message), timeout=WAIT_MS)
    assert "Could not download qwen3-1.7b:q8_0" in card.message.text()
    assert "not found on the Hugging Face Hub" in card.message.text()
    assert card.action.text() == "Download" and card.action.isEnabled()


def test_checksum_mismatch_is_reported(
    qtbot: Any, hub: LocalHub, models: ModelsFeature, window: MainWindow
) -> None:
    dialog = open_models(qtbot, window, "search")
    search = dialog.search
    search.open_repo("someone/Tiny-GGUF")
    qtbot.waitUntil(lambda: search.files.topLevelItemCount() == 3, timeout=WAIT_MS)
    item = search.files.findItems("Tiny-Q4_0", Qt.MatchFlag.MatchExactly, 0)[0]
    search.files.setCurrentItem(item)
    qtbot.mouseClick(search.download_button, Qt.MouseButton.LeftButton)
    download = only_download(qtbot, dialog)
    qtbot.waitUntil(lambda: download.job.status == "failed", timeout=WAIT_MS)
    assert "failed verification" in download.status.text()
    assert download.status.objectName() == "inlineError"
    assert shown(download.buttons["retry"]) and not shown(download.token)


# ---- search ----------------------------------------------------------------------------------
def test_search_lists_repositories_and_their_files(
    qtbot: Any, hub: LocalHub, models: ModelsFeature, window: MainWindow
) -> None:
    dialog = open_models(qtbot, window, "search")
    search = dialog.search
    assert dialog.focusWidget() is search.query and named(dialog, "Search models") == [search.query]
    qtbot.keyClicks(search.query, "Tiny")
    qtbot.keyClick(search.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: search.results.count() == 1, timeout=WAIT_MS)
    first = search.results.item(0)
    assert first is not None
    assert first.text().startswith("someone/Tiny-GGUF\n1,234 downloads")
    assert search.status.text().startswith("One repository with GGUF files matches “Tiny”")

    search.results.setCurrentRow(0)
    qtbot.waitUntil(lambda: search.files.topLevelItemCount() == 3, timeout=WAIT_MS)
    rows = {}
    for i in range(3):
        item = search.files.topLevelItem(i)
        assert item is not None
        rows[item.text(0)] = [item.text(c) for c in (1, 2, 3)]
    assert rows["Tiny-F16"] == ["F16", "6.0 KB", "3 parts"]  # a split model is one entry
    assert rows["Tiny-Q8_0"][0] == "Q8_0" and rows["Tiny-Q8_0"][2] == "1"

    item = search.files.findItems("Tiny-Q8_0", Qt.MatchFlag.MatchExactly, 0)[0]
    search.files.setCurrentItem(item)
    assert search.download_button.isEnabled()
    assert search.download_button.accessibleName() == "Download Tiny-Q8_0"
    qtbot.mouseClick(search.download_button, Qt.MouseButton.LeftButton)
    download = only_download(qtbot, dialog)
    qtbot.waitUntil(lambda: download.job.status == "done", timeout=WAIT_MS)
    assert "is in Downloads" in search.file_status.text()
    dialog.show_tab("library")
    qtbot.waitUntil(
        lambda: [c.title.text() for c in dialog.library.cards()] == ["Tiny-Q8_0"], timeout=WAIT_MS
    )


def test_search_errors_and_the_token(
    qtbot: Any,
    hub: LocalHub,
    models: ModelsFeature,
    window: MainWindow,
    memory_token_store: auth.TokenStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    dialog = open_models(qtbot, window, "search")
    search = dialog.search
    search.open_repo("nobody/Missing-GGUF")
    qtbot.waitUntil(lambda: "not found" in search.status.text(), timeout=WAIT_MS)
    assert search.status.text() == "nobody/Missing-GGUF was not found on the Hugging Face Hub."
    assert search.status.objectName() == "inlineError" and not search.token.isVisible()

    hub.protect("someone/Tiny-GGUF", "hf_secret_token")
    search.open_repo("someone/Tiny-GGUF")
    qtbot.waitUntil(search.token.isVisible, timeout=WAIT_MS)
    assert "token" in search.status.text()
    field = search.token.field
    assert field.echoMode() == QLineEdit.EchoMode.Password and field.accessibleName() == "Hugging Face token"
    qtbot.keyClicks(field, "hf_secret_token")
    qtbot.mouseClick(search.token.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: search.files.topLevelItemCount() == 3, timeout=WAIT_MS)
    assert memory_token_store.get() == "hf_secret_token"
    assert not search.token.isVisible() and field.text() == ""
    assert "hf_secret_token" not in caplog.text


def test_an_unreachable_hub_is_said_at_once(
    qtbot: Any, models: ModelsFeature, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LocalHub() as gone:
        endpoint = gone.endpoint
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    dialog = open_models(qtbot, window, "search")
    search = dialog.search
    search.query.setText("qwen3")
    qtbot.mouseClick(search.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Could not reach" in search.status.text(), timeout=WAIT_MS)
    assert search.search_button.isEnabled()


# ---- the library -----------------------------------------------------------------------------
def test_damaged_model_shows_its_problem_and_cannot_load(
    qtbot: Any, window: MainWindow, ponder_home: Path, gguf_bytes: bytes
) -> None:
    # The window is already open with an empty library; the files appear afterwards.
    local = ponder_home / "models" / "local"
    local.mkdir(parents=True)
    (local / "good.gguf").write_bytes(gguf_bytes)
    (local / "broken.gguf").write_bytes(gguf_bytes[: len(gguf_bytes) // 2])
    dialog = open_models(qtbot, window, "library")
    qtbot.waitUntil(lambda: len(dialog.library.cards()) == 2, timeout=WAIT_MS)
    broken, good = dialog.library.cards()
    assert broken.title.text() == "broken" and good.title.text() == "good"
    assert shown(broken.problem) and broken.problem.text()
    assert not broken.load_button.isEnabled()
    assert good.load_button.isEnabled() and not shown(good.problem)
    assert named(dialog, "Model library")

    qtbot.mouseClick(broken.delete_button, Qt.MouseButton.LeftButton)
    assert shown(broken.confirm)
    qtbot.mouseClick(broken.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: [c.title.text() for c in dialog.library.cards()] == ["good"], timeout=WAIT_MS)
    assert not (local / "broken.gguf").exists()


def test_drop_a_file_onto_the_library_and_show_its_folder(
    qtbot: Any, window: MainWindow, qwen3_model: ScriptedModel
) -> None:
    dialog = open_models(qtbot, window, "library")
    qtbot.waitUntil(lambda: window.models_feature.service.scanned, timeout=WAIT_MS)
    target = dialog.library.list
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(qwen3_model.path))])
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(target.viewport(), enter)  # a drop goes where the drag was accepted
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(target.viewport(), drop)
    qtbot.waitUntil(lambda: len(dialog.library.cards()) == 1, timeout=WAIT_MS)
    (card,) = dialog.library.cards()
    assert card.title.text() == "qwen3-scripted" and "linked file" in card.details.text()
    assert card.delete_button.text() == "Remove…"  # a linked file is only forgotten

    opened: list[str] = []

    class Catcher(QObject):
        @Slot(QUrl)
        def open(self, url: QUrl) -> None:
            opened.append(url.toLocalFile())

    catcher = Catcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")  # type: ignore[arg-type]
    try:
        qtbot.mouseClick(card.folder_button, Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert opened == [str(qwen3_model.path.parent)]
    assert ModelLibrary().models()[0].path == qwen3_model.path


def test_change_the_models_folder_rescans_it(
    qtbot: Any, window: MainWindow, ponder_home: Path, tmp_path: Path, gguf_bytes: bytes
) -> None:
    dialog = open_models(qtbot, window, "library")
    service = window.models_feature.service
    old = service.root
    qtbot.waitUntil(lambda: service.scanned, timeout=WAIT_MS)
    assert str(old) in dialog.library.intro.text()
    assert named(dialog, "Change models folder") == [dialog.library.change_button]
    chosen = tmp_path / "my models"
    (chosen / "local").mkdir(parents=True)
    (chosen / "local" / "elsewhere.gguf").write_bytes(gguf_bytes)

    assert dialog.library.change_folder(str(chosen))  # what the folder picker answers
    assert service.root == chosen.resolve()
    titles = lambda: [c.title.text() for c in dialog.library.cards()]  # noqa: E731
    qtbot.waitUntil(lambda: titles() == ["elsewhere"], timeout=WAIT_MS)
    assert f"in {chosen.resolve()}." in dialog.library.intro.text()
    notice = dialog.library.notice
    assert shown(notice) and f"Models already downloaded stay in {old}" in notice.text()
    assert "Add a .gguf file…" in notice.text() and not shown(dialog.library.message)
    assert window.prefs.settings.models_dir == str(chosen.resolve())
    assert Preferences().settings.models_dir == str(chosen.resolve())  # saved
    assert ModelLibrary().root == chosen.resolve()  # the CLI and the next session agree


def test_a_download_after_changing_the_folder_lands_there(
    qtbot: Any, tmp_path: Path, models: ModelsFeature, window: MainWindow, gguf_bytes: bytes
) -> None:
    dialog = open_models(qtbot, window, "library")
    chosen = tmp_path / "new-models"
    assert dialog.library.change_folder(chosen)
    dialog.show_tab("catalog")
    card = catalog_card(qtbot, dialog, "qwen3-0.6b", "Q8_0")
    qtbot.mouseClick(card.action, Qt.MouseButton.LeftButton)
    download = only_download(qtbot, dialog)
    qtbot.waitUntil(lambda: download.job.status == "done", timeout=WAIT_MS)
    dest = chosen.resolve() / "Qwen" / "Qwen3-0.6B-GGUF" / FILE
    assert dest.read_bytes() == gguf_bytes
    assert (chosen / "downloads.json").is_file()  # the queue lives with its folder
    dialog.show_tab("library")
    qtbot.waitUntil(lambda: [c.title.text() for c in dialog.library.cards()] == [SPEC], timeout=WAIT_MS)


def test_the_models_folder_cannot_change_while_downloading(
    qtbot: Any, tmp_path: Path, hub: LocalHub, models: ModelsFeature, window: MainWindow
) -> None:
    service = models.service
    old = service.root
    release = hub.stall_after(FILE, STALL_AT)
    dialog = open_models(qtbot, window, "catalog")
    card = catalog_card(qtbot, dialog, "qwen3-0.6b", "Q8_0")
    qtbot.mouseClick(card.action, Qt.MouseButton.LeftButton)
    download = only_download(qtbot, dialog)
    qtbot.waitUntil(lambda: download.job.status == "active" and download.job.done > 0, timeout=WAIT_MS)

    dialog.show_tab("library")
    assert not dialog.library.change_folder(tmp_path / "refused")
    message = dialog.library.message
    assert shown(message) and "Pause or finish downloads first" in message.text()
    assert service.root == old and not (tmp_path / "refused").exists()
    assert window.prefs.settings.models_dir is None
    release.set()
    qtbot.waitUntil(lambda: download.job.status == "done", timeout=WAIT_MS)
    assert (old / "Qwen" / "Qwen3-0.6B-GGUF" / FILE).is_file()


# ---- the first run ---------------------------------------------------------------------------
def test_welcome_recommends_a_model_for_this_machine(qtbot: Any, window: MainWindow) -> None:
    feature = window.models_feature
    qtbot.waitUntil(feature.welcome.isVisible, timeout=WAIT_MS)
    welcome = feature.welcome
    assert not window.conversation.isVisible()
    wait_hardware(qtbot, window.models_feature.service)
    service = feature.service
    assert service.hardware is not None
    rec = recommend(service.hardware, load_catalog(), n_ctx=window.prefs.default_load().n_ctx)
    if rec is None:
        assert "Nothing in the catalog" in welcome.name.text()
        return
    assert welcome.name.text() == f"{rec.model.name} · {rec.quant.quant}"
    assert welcome.badge.text() == rec.fit.badge and welcome.fit_text.text() == rec.fit.message
    assert welcome.download_button.isEnabled()
    assert named(window, "Download and open") == [welcome.download_button]
    qtbot.mouseClick(welcome.choose_button, Qt.MouseButton.LeftButton)
    dialog = feature.dialog
    assert dialog is not None and dialog.isVisible() and dialog.tabs.currentWidget() is dialog.catalog


def test_choosing_a_stored_chat_leaves_the_welcome(qtbot: Any, window: MainWindow) -> None:
    """Chats kept from before (with no model known any more) open instead of the welcome."""
    from app.core.chat.messages import Message

    feature = window.models_feature
    qtbot.waitUntil(feature.welcome.isVisible, timeout=WAIT_MS)
    chat = window.repo.create_chat("Earlier chat")
    window.repo.add_message(chat.id, Message("user", "Hello from before"))
    window.sidebar.selected.emit(chat.id)  # what a click on the chat list sends
    assert feature.welcome.isHidden() and window.conversation.isVisible()
    feature._check_welcome()  # a later library scan does not bring it back
    assert feature.welcome.isHidden()


@pytest.fixture
def modest_machine(monkeypatch: pytest.MonkeyPatch) -> Hardware:
    """8 GB free, 4 cores, no GPU: the welcome's pick is known before the window opens."""
    hw = Hardware(ram_total=16 * 10**9, ram_available=8 * 10**9, cpu_physical=4, cpu_logical=8)
    monkeypatch.setattr("app.ui.library.service.probe_hardware", lambda *_workers: (hw, False))
    return hw


def test_welcome_downloads_and_opens_the_recommended_model(
    qtbot: Any, modest_machine: Hardware, hub: LocalHub, window: MainWindow, gguf_bytes: bytes
) -> None:
    rec = recommend(modest_machine, load_catalog(), n_ctx=window.prefs.default_load().n_ctx)
    assert rec is not None and not rec.quant.is_split
    hub.add_file(rec.quant.repo, rec.quant.files[0], gguf_bytes)
    feature = window.models_feature
    qtbot.waitUntil(feature.welcome.isVisible, timeout=WAIT_MS)
    welcome = feature.welcome
    qtbot.waitUntil(welcome.download_button.isEnabled, timeout=WAIT_MS)
    assert welcome.name.text() == f"{rec.model.name} · {rec.quant.quant}"
    qtbot.mouseClick(welcome.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.models.ready, timeout=WAIT_MS)
    assert Path(window.models.path or "").name == rec.quant.file_names[0]
    assert not welcome.isVisible() and window.conversation.isVisible()


def test_no_welcome_when_a_model_is_known(qtbot: Any, theme: Any, ponder_home: Path) -> None:
    prefs = Preferences()
    prefs.set_default_load(ModelLoad(n_ctx=2048, n_gpu_layers=0))
    prefs.remember_model("/somewhere/model.gguf")
    w = MainWindow(theme, prefs)
    try:
        qtbot.waitUntil(lambda: w.models_feature.service.scanned, timeout=WAIT_MS)
        assert w.models_feature.welcome.isHidden() and not w.conversation.isHidden()
    finally:
        w.shutdown()
        w.close()
        w.deleteLater()


# ---- the window's entries and the GPU note ---------------------------------------------------
def test_models_entries_and_gpu_note(qtbot: Any, window: MainWindow) -> None:
    feature = window.models_feature
    (button,) = named(window, "Models")
    picker_menu = window.picker.menu
    picker_menu.aboutToShow.emit()
    texts = [a.text() for a in picker_menu.actions()]
    assert texts[:2] == ["Open model…", "Models…"]
    assert feature.action.shortcut().toString() == "Ctrl+M"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = feature.dialog
    assert dialog is not None and dialog.isVisible()
    for name in ("Model library", "Model catalog", "Search models", "Downloads"):
        assert named(dialog, name), name

    wait_hardware(qtbot, window.models_feature.service)
    defaults = SettingsDialog(Preferences(), None, window, gpu_note=feature.gpu_note())
    assert defaults.gpu_auto.isChecked()  # GPU layers: Auto by default
    notes = named(defaults, "GPU offload note")
    if feature.service.offload:
        assert not notes  # this build offloads: nothing to say
    else:
        (note,) = notes
        assert "CMAKE_ARGS" in note.text() and "GPU builds" in note.text()  # type: ignore[attr-defined]
        assert shown(named(dialog.catalog, "GPU note")[0])
    defaults.deleteLater()


def test_a_download_refused_for_want_of_a_token_asks_for_one(
    qtbot: Any, hub: LocalHub, models: ModelsFeature, window: MainWindow, memory_token_store: auth.TokenStore
) -> None:
    hub.protect("someone/Tiny-GGUF", "hf_right")
    memory_token_store.set("hf_right")
    dialog = open_models(qtbot, window, "search")
    search = dialog.search
    search.open_repo("someone/Tiny-GGUF")
    qtbot.waitUntil(lambda: search.files.topLevelItemCount() == 3, timeout=WAIT_MS)
    memory_token_store.set("hf_wrong")  # the token changes (or expires) before the download
    item = search.files.findItems("Tiny-Q8_0", Qt.MatchFlag.MatchExactly, 0)[0]
    search.files.setCurrentItem(item)
    qtbot.mouseClick(search.download_button, Qt.MouseButton.LeftButton)
    download = only_download(qtbot, dialog)
    qtbot.waitUntil(lambda: download.job.status == "failed", timeout=WAIT_MS)
    assert download.job.error_kind == "AuthRequiredError" and "token" in download.status.text()
    assert shown(download.token)
    qtbot.keyClicks(download.token.field, "hf_right")
    qtbot.mouseClick(download.token.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: download.job.status == "done", timeout=WAIT_MS)
    assert memory_token_store.get() == "hf_right" and not shown(download.token)
