"""Export a chat (Markdown or JSON), import one (JSON), export every chat to one archive.

The work (reading the store, writing the file) runs on the store's writer thread, so it sees
every change made before it and the window never waits; the outcome is told through the
message bus. Each action asks for a path with a file dialog unless it is given one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from app.core.chat.chats import Chat, ChatRepository
from app.core.store import ChatStore
from app.core.store.export import (
    ImportFormatError,
    export_archive,
    export_json,
    export_markdown,
    import_chat,
)
from app.core.store.settings import write_atomic
from app.ui.common.bus import MessageBus
from app.ui.common.core_text import from_core
from app.ui.common.i18n import QT_TR_NOOP, tr
from app.ui.common.qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QObject,
    QVBoxLayout,
    QWidget,
    Signal,
)
from app.ui.history.store_chats import StoreChats

NOT_SAVED = QT_TR_NOOP(
    "Chats are not being saved in this session, so there is nothing to export or import into."
)


def file_stem(title: str) -> str:
    """A file name from a chat title."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", title).strip(" .")
    return re.sub(r"\s+", " ", stem)[:60] or "chat"


def _write(path: str, text: str) -> str:
    write_atomic(Path(path), text.encode("utf-8"))
    return path


def _problem(exc: BaseException) -> str:
    if isinstance(exc, ImportFormatError):
        return tr("That file is not a Ponder chat export ({reason}).").format(reason=from_core(str(exc)))
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return tr("That file is not text.")
    return from_core(str(exc)) or type(exc).__name__


class ThinkingChoice(QDialog):
    """Asks whether a Markdown export includes the reasoning."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Export as Markdown"))
        self.setAccessibleName(tr("Export as Markdown"))
        self.include = QCheckBox(tr("Include the thinking (as collapsible <details> sections)"))
        self.include.setAccessibleName(tr("Include thinking"))
        self.include.setChecked(True)
        note = QLabel(tr("Without it, the file holds only your messages and the answers."))
        note.setObjectName("hint")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.include)
        layout.addWidget(note)
        layout.addWidget(buttons)


class ChatTransfer(QObject):
    imported = Signal(str)  # the new chat's id
    finished = Signal()  # an export or import ended (either way); for tests

    def __init__(
        self,
        repo: ChatRepository,
        bus: MessageBus,
        current: Callable[[], Chat | None],
        parent_widget: QWidget,
    ) -> None:
        super().__init__(parent_widget)
        self.repo = repo
        self.bus = bus
        self.current = current
        self.parent_widget = parent_widget

    def _store(self) -> StoreChats | None:
        if isinstance(self.repo, StoreChats):
            return self.repo
        self.bus.warning(tr(NOT_SAVED), key="transfer")
        return None

    def _chat(self) -> Chat | None:
        chat = self.current()
        if chat is None or not (chat.entries or chat.has_earlier):
            self.bus.info(tr("This chat is empty: there is nothing to export yet."), key="transfer")
            return None
        return chat

    def _ask_path(self, caption: str, name: str, filters: str, save: bool = True) -> str:
        start = str(Path.home() / name)
        if save:
            path, _f = QFileDialog.getSaveFileName(self.parent_widget, caption, start, filters)
        else:
            path, _f = QFileDialog.getOpenFileName(self.parent_widget, caption, str(Path.home()), filters)
        return path

    def _exported(self, title: str) -> Callable[[str], None]:
        def done(path: str) -> None:
            self.bus.info(tr("Exported “{title}” to {path}.").format(title=title, path=path), key="transfer")
            self.finished.emit()

        return done

    def _failed(self, text: str) -> Callable[[BaseException], None]:
        """``text``: what failed, with a ``{reason}`` field for why."""

        def failed(exc: BaseException) -> None:
            self.bus.error(text.format(reason=_problem(exc)), key="transfer")
            self.finished.emit()

        return failed

    # -- actions -----------------------------------------------------------------------------
    def export_markdown(self, path: str | None = None, include_thinking: bool | None = None) -> None:
        store, chat = self._store(), self._chat()
        if store is None or chat is None:
            return
        if include_thinking is None:
            choice = ThinkingChoice(self.parent_widget)
            if not choice.exec():
                return
            include_thinking = choice.include.isChecked()
        path = path or self._ask_path(
            tr("Export chat as Markdown"), file_stem(chat.title) + ".md", tr("Markdown (*.md)")
        )
        if not path:
            return
        chat_id, thinking, target = chat.id, include_thinking, path
        store.jobs.run(
            lambda s: _write(target, export_markdown(s, chat_id, include_thinking=thinking)),
            self._exported(chat.title),
            self._failed(tr("Could not export the chat: {reason}")),
        )

    def export_json(self, path: str | None = None) -> None:
        store, chat = self._store(), self._chat()
        if store is None or chat is None:
            return
        path = path or self._ask_path(
            tr("Export chat as JSON"), file_stem(chat.title) + ".json", tr("JSON (*.json)")
        )
        if not path:
            return
        chat_id, target = chat.id, path
        store.jobs.run(
            lambda s: _write(target, export_json(s, chat_id)),
            self._exported(chat.title),
            self._failed(tr("Could not export the chat: {reason}")),
        )

    def export_all(self, path: str | None = None) -> None:
        store = self._store()
        if store is None:
            return
        path = path or self._ask_path(tr("Export all chats"), "ponder-chats.zip", tr("Zip archive (*.zip)"))
        if not path:
            return
        target = path

        def job(s: ChatStore) -> int:
            return export_archive(s, target)

        def done(count: int) -> None:
            self.bus.info(tr("Exported %n chat(s) to {path}.", "", count).format(path=target), key="transfer")
            self.finished.emit()

        store.jobs.run(job, done, self._failed(tr("Could not export the chats: {reason}")))

    def import_json(self, path: str | None = None) -> None:
        store = self._store()
        if store is None:
            return
        path = path or self._ask_path(
            tr("Import chat"), "", tr("Ponder chat (*.json);;All files (*)"), save=False
        )
        if not path:
            return
        source = path

        def done(chat: Chat) -> None:
            store.adopt(chat)
            self.bus.info(tr("Imported “{title}”.").format(title=chat.title), key="transfer")
            self.imported.emit(chat.id)
            self.finished.emit()

        store.jobs.run(
            lambda s: import_chat(s, Path(source).read_text("utf-8")),
            done,
            self._failed(tr("Could not import the chat: {reason}")),
        )
