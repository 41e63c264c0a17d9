"""The Search tab: GGUF repositories on the Hugging Face Hub, their model files, Download."""

from __future__ import annotations

from app.core.hub.errors import AuthRequiredError
from app.core.hub.search import HubModel, RepoResult
from app.ui.common.core_text import from_core
from app.ui.common.i18n import date_text, number, tr
from app.ui.common.qt import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from app.ui.library.service import ModelsService
from app.ui.library.text import human_size
from app.ui.library.widgets import TokenPrompt, button, label, repolish

ROLE = Qt.ItemDataRole.UserRole
PREFERRED_QUANT = "Q4_K_M"  # chosen first in a repository's list: a good size for quality


def result_text(r: RepoResult) -> str:
    facts = [
        tr("{count} downloads").format(count=number(r.downloads or 0)),
        tr("{count} likes").format(count=number(r.likes or 0)),
    ]
    if r.last_modified:
        facts.append(tr("updated {date}").format(date=date_text(r.last_modified.date())))
    if r.gated:
        facts.append(tr("gated: needs a token"))
    return f"{r.repo}\n{' · '.join(facts)}"


class SearchTab(QWidget):
    def __init__(self, service: ModelsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._retry: tuple[str, str] | None = None  # ("search", query) or ("files", repo)
        self._asked: tuple[str, str] | None = None  # what the answers on their way are for
        self.query = QLineEdit()
        self.query.setAccessibleName(tr("Search models"))
        self.query.setPlaceholderText(tr("Search the Hugging Face Hub for GGUF models, e.g. Qwen3 8B"))
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.search)
        self.search_button = button(tr("Search"), tr("Search"), self.search)
        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(self.search_button)

        self.status = label(tr("Searches go to huggingface.co; nothing else leaves this computer."), "hint")
        self.status.setAccessibleName(tr("Search status"))
        self.token = TokenPrompt()
        self.token.submitted.connect(self._save_token)

        self.results = QListWidget()
        self.results.setObjectName("searchResults")
        self.results.setAccessibleName(tr("Search results"))
        self.results.setWordWrap(True)
        self.results.currentItemChanged.connect(self._repo_chosen)

        self.repo_title = label(tr("Choose a repository to see its model files."), "cardTitle")
        self.files = QTreeWidget()
        self.files.setObjectName("repoFiles")
        self.files.setAccessibleName(tr("Model files"))
        self.files.setHeaderLabels([tr("Model"), tr("Quant"), tr("Size"), tr("Files")])
        self.files.setRootIsDecorated(False)
        self.files.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.files.setUniformRowHeights(True)
        header = self.files.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.files.currentItemChanged.connect(lambda *_a: self._update_download())
        self.files.itemDoubleClicked.connect(lambda *_a: self.download())
        self.download_button = button(tr("Download"), tr("Download"), self.download, name="primaryButton")
        self.download_button.setEnabled(False)
        self.file_status = label("", "hint")
        self.file_status.setAccessibleName(tr("Download status"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.file_status, 1)
        bottom.addWidget(self.download_button)
        right = QWidget()
        right_col = QVBoxLayout(right)
        right_col.setContentsMargins(8, 0, 0, 0)
        right_col.addWidget(self.repo_title)
        right_col.addWidget(self.files, 1)
        right_col.addLayout(bottom)

        split = QSplitter()
        split.setChildrenCollapsible(False)
        split.addWidget(self.results)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        column = QVBoxLayout(self)
        column.addLayout(row)
        column.addWidget(self.status)
        column.addWidget(self.token)
        column.addWidget(split, 1)

    # ---- searching ---------------------------------------------------------------
    def search(self) -> None:
        text = self.query.text().strip()
        if not text:
            self.query.setFocus()
            return
        self._asked = ("search", text)
        self.token.hide()
        self.set_status(tr("Searching for “{query}”…").format(query=text))
        self.search_button.setEnabled(False)
        self.service.search(
            text, lambda found: self._found(text, found), lambda exc: self._failed(exc, "search", text)
        )

    def _found(self, text: str, found: list[RepoResult]) -> None:
        if self._asked != ("search", text):
            return
        self.search_button.setEnabled(True)
        self.results.clear()
        self.files.clear()
        self.repo_title.setText(tr("Choose a repository to see its model files."))
        for r in found:
            item = QListWidgetItem(result_text(r))
            item.setData(ROLE, r.repo)
            item.setToolTip(", ".join(r.tags[:12]))
            self.results.addItem(item)
        if found:
            self.set_status(
                tr(
                    "%n repository(s) with GGUF files match “{query}”. Choose one to see its models.",
                    "",
                    len(found),
                ).format(query=text)
            )
        else:
            self.set_status(tr("No GGUF repositories match “{query}”.").format(query=text))
        self._update_download()

    def set_status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setObjectName("inlineError" if error else "hint")
        repolish(self.status)

    def _failed(self, exc: Exception, kind: str, what: str) -> None:
        if self._asked != (kind, what):
            return
        self.search_button.setEnabled(True)
        self.set_status(from_core(str(exc)), error=True)
        if isinstance(exc, AuthRequiredError):
            self._retry = (kind, what)
            self.token.show()
            self.token.field.setFocus()

    # ---- a repository's files ------------------------------------------------------
    def _repo_chosen(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        if item is None:
            return
        self.open_repo(str(item.data(ROLE)))

    def open_repo(self, repo: str) -> None:
        self._asked = ("files", repo)
        self.token.hide()
        self.files.clear()
        self.repo_title.setText(repo)
        self.set_status(tr("Listing the model files in {repo}…").format(repo=repo))
        self._update_download()
        self.service.list_files(
            repo, lambda models: self._listed(repo, models), lambda exc: self._failed(exc, "files", repo)
        )

    def _listed(self, repo: str, models: list[HubModel]) -> None:
        if self._asked != ("files", repo):
            return
        for m in models:
            parts = len(m.files)
            count = tr("%n part(s)", "", parts) if m.is_split else "1"
            if not m.complete:
                count = tr("{parts} (incomplete)").format(parts=count)
            item = QTreeWidgetItem(
                [m.name, m.quant or "?", human_size(m.size) if m.size is not None else "?", count]
            )
            item.setData(0, ROLE, m)
            item.setToolTip(0, "\n".join(f.path for f in m.files))
            for col in (2, 3):
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.files.addTopLevelItem(item)
        if models:
            self.set_status(
                tr("{repo}: %n GGUF model(s). Choose one and Download.", "", len(models)).format(repo=repo)
            )
            pick = next((i for i, m in enumerate(models) if (m.quant or "").upper() == PREFERRED_QUANT), 0)
            chosen = self.files.topLevelItem(pick)
            if chosen is not None:
                self.files.setCurrentItem(chosen)
        else:
            self.set_status(tr("{repo} has no GGUF model files.").format(repo=repo))
        self._update_download()

    def chosen(self) -> HubModel | None:
        item = self.files.currentItem()
        model = item.data(0, ROLE) if item is not None else None
        return model if isinstance(model, HubModel) else None

    def _update_download(self) -> None:
        model = self.chosen()
        self.download_button.setEnabled(model is not None and model.complete)
        if model is not None:
            self.download_button.setAccessibleName(tr("Download {model}").format(model=model.name))
            size = f" ({human_size(model.size)})" if model.size is not None else ""
            self.file_status.setText(f"{model.name}{size}")
        else:
            self.download_button.setAccessibleName(tr("Download"))
            self.file_status.setText("")

    def download(self) -> None:
        model = self.chosen()
        if model is None or not model.complete:
            return
        self.file_status.setText(tr("Queueing {model}…").format(model=model.name))
        self.service.download_hub_model(
            model,
            self._queue_failed,
            lambda job: self.file_status.setText(tr("{model} is in Downloads.").format(model=job.name)),
        )

    def _queue_failed(self, exc: Exception) -> None:
        self.file_status.setText("")
        self.set_status(from_core(str(exc)), error=True)

    # ---- the token -----------------------------------------------------------------
    def _save_token(self, token: str) -> None:
        self.set_status(tr("Saving the token…"))
        self.service.save_token(token, self._token_saved)

    def _token_saved(self, persistent: bool) -> None:
        retry, self._retry = self._retry, None
        if not persistent:
            self.set_status(tr("The token is kept for this session only (no credential store was found)."))
        if retry is None:
            return
        kind, what = retry
        if kind == "search":
            self.query.setText(what)
            self.search()
        else:
            self.open_repo(what)
