"""The Library tab: downloaded and added models, with Load, Show in folder and Delete."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from app.core.hub.library import LocalModel
from app.ui.common.core_text import from_core
from app.ui.common.i18n import number, tr
from app.ui.common.qt import (
    QDesktopServices,
    QFileDialog,
    QHBoxLayout,
    QUrl,
    QVBoxLayout,
    QWidget,
    Signal,
)
from app.ui.library.service import ModelsService
from app.ui.library.text import human_params, human_size
from app.ui.library.widgets import Card, CardList, button, label


def details(model: LocalModel) -> str:
    parts = [human_size(model.size)]
    if model.quant:
        parts.append(model.quant)
    if model.n_params:
        parts.append(tr("{params} parameters").format(params=human_params(model.n_params)))
    if model.arch:
        parts.append(model.arch)
    if model.context_length:
        parts.append(tr("{tokens}-token context").format(tokens=number(model.context_length)))
    if model.repo:
        parts.append(tr("from {repo}").format(repo=model.repo))
    elif model.referenced:
        parts.append(tr("linked file"))
    return " · ".join(parts)


def open_folder(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class LibraryCard(Card):
    load_requested = Signal(str)
    delete_requested = Signal(object)  # LocalModel

    def __init__(self, model: LocalModel, loaded: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        title = model.catalog_spec or model.name
        self.setAccessibleName(title)
        self.title = label(title, "cardTitle", selectable=True)
        self.details = label(details(model) + (" · " + tr("loaded now") if loaded else ""), "cardDetails")
        self.details.setToolTip(str(model.path))
        self.problem = label(from_core(model.problem or ""), "problem", selectable=True)
        self.problem.setAccessibleName(tr("Problem"))
        self.problem.setVisible(bool(model.problem))

        self.load_button = button(
            tr("Load"),
            tr("Load {model}").format(model=title),
            lambda: self.load_requested.emit(str(model.path)),
        )
        self.load_button.setObjectName("primaryButton")
        self.load_button.setEnabled(model.usable)
        if not model.usable:
            self.load_button.setToolTip(tr("This file cannot be loaded: see the problem below its name."))
        self.folder_button = button(
            tr("Show in folder"), tr("Show {model} in folder").format(model=title), self._show_folder
        )
        forget = model.referenced
        self.delete_button = button(
            tr("Remove…") if forget else tr("Delete…"), tr("Delete {model}").format(model=title), self._ask
        )
        self.action_row = QWidget()
        row = QHBoxLayout(self.action_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.load_button)
        row.addWidget(self.folder_button)
        row.addWidget(self.delete_button)

        question = (
            tr("Remove it from the list? The file stays where it is.")
            if forget
            else tr("Delete it and free {size}?").format(size=human_size(model.size))
        )
        self.confirm = QWidget()
        confirm_row = QHBoxLayout(self.confirm)
        confirm_row.setContentsMargins(0, 0, 0, 0)
        confirm_row.addWidget(label(question, "confirmText"), 1)
        self.confirm_button = button(
            tr("Remove") if forget else tr("Delete"),
            tr("Confirm delete"),
            self._confirmed,
            name="dangerButton",
        )
        confirm_row.addWidget(self.confirm_button)
        confirm_row.addWidget(button(tr("Keep"), tr("Keep"), self._keep))
        self.confirm.hide()

        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title)
        text.addWidget(self.details)
        text.addWidget(self.problem)
        top = QHBoxLayout()
        top.addLayout(text, 1)
        top.addWidget(self.action_row)
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 10, 12, 10)
        column.addLayout(top)
        column.addWidget(self.confirm)

    def _show_folder(self) -> None:
        open_folder(self.model.path.parent)

    def _ask(self) -> None:
        self.action_row.setEnabled(False)
        self.confirm.show()
        self.confirm_button.setFocus()

    def _keep(self) -> None:
        self.confirm.hide()
        self.action_row.setEnabled(True)
        self.delete_button.setFocus()

    def _confirmed(self) -> None:
        self.confirm.setEnabled(False)
        self.delete_requested.emit(self.model)


class LibraryTab(QWidget):
    load_requested = Signal(str)

    def __init__(
        self, service: ModelsService, loaded_path: Callable[[], str | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.loaded_path = loaded_path
        self.intro = label("", "hint")
        self.add_button = button(tr("Add a .gguf file…"), tr("Add a model file"), self.choose_files)
        self.folder_button = button(tr("Open models folder"), tr("Open models folder"), self._open_root)
        self.change_button = button(
            tr("Change folder…"), tr("Change models folder"), lambda: self.change_folder()
        )
        head = QHBoxLayout()
        head.addWidget(self.intro, 1)
        head.addWidget(self.add_button)
        head.addWidget(self.folder_button)
        head.addWidget(self.change_button)
        self.message = label("", "inlineError", selectable=True)
        self.message.setAccessibleName(tr("Library message"))
        self.message.hide()
        self.notice = label("", "hint", selectable=True)
        self.notice.setAccessibleName(tr("Library notice"))
        self.notice.hide()
        self.list = CardList(
            tr("Model library"),
            tr("No models yet. Download one from the Catalog or Search tab, or drop a .gguf file here."),
            drops=True,
        )
        self.list.files_dropped.connect(self.add_paths)
        column = QVBoxLayout(self)
        column.addLayout(head)
        column.addWidget(self.message)
        column.addWidget(self.notice)
        column.addWidget(self.list, 1)
        service.library_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        s = self.service
        self.intro.setText(
            tr("Models on this computer, in {folder}.").format(folder=s.root)
            if s.scanned
            else tr("Reading the models folder {folder}…").format(folder=s.root)
        )
        loaded = self.loaded_path()
        cards = []
        for model in s.models:
            card = LibraryCard(model, loaded is not None and Path(loaded) == model.path)
            card.load_requested.connect(self.load_requested.emit)
            card.delete_requested.connect(self._delete)
            cards.append(card)
        self.list.set_cards(cards)

    def cards(self) -> list[LibraryCard]:
        return [c for c in self.list.cards if isinstance(c, LibraryCard)]

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def choose_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, tr("Add models"), str(Path.home()), tr("GGUF models (*.gguf);;All files (*)")
        )
        self.add_paths(paths)

    def add_paths(self, paths: list[str]) -> None:
        self.show_error("")
        for path in paths:
            self.service.add_file(path, partial(self._failed, path))

    def _failed(self, path: str, exc: Exception) -> None:
        self.show_error(
            tr("{file} was not added: {reason}").format(file=Path(path).name, reason=from_core(str(exc)))
        )

    def _delete(self, model: LocalModel) -> None:
        self.show_error("")
        self.service.remove(
            model,
            lambda exc: self.show_error(
                tr("{model} was not removed: {reason}").format(model=model.name, reason=from_core(str(exc)))
            ),
        )

    def change_folder(self, path: str | Path | None = None) -> bool:
        """Keep models in another folder (asks for it when ``path`` is None); True when changed."""
        if self.service.downloads_busy():  # say so before the picker, not after
            self.show_error(tr("Pause or finish downloads first, then change the models folder."))
            return False
        old = self.service.root
        if path is None:
            start = str(old if old.is_dir() else Path.home())
            path = QFileDialog.getExistingDirectory(self, tr("Choose the models folder"), start)
            if not path:
                return False
        self.show_error("")
        error = self.service.change_root(path)
        if error:
            self.show_error(error)
            return False
        if self.service.root != old:
            self.notice.setText(
                tr(
                    "Models are now kept in {folder}. Models already downloaded stay in {old}; add them with "
                    "Add a .gguf file… if you want them listed."
                ).format(folder=self.service.root, old=old)
            )
            self.notice.show()
        return True

    def _open_root(self) -> None:
        root = self.service.root
        root.mkdir(parents=True, exist_ok=True)
        open_folder(root)
