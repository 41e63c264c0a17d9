"""The Models window: Library, Catalog, Search and Downloads tabs."""

from __future__ import annotations

from collections.abc import Callable

from app.ui.common.i18n import tr
from app.ui.common.qt import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout, QWidget, Signal
from app.ui.library.catalog_tab import CatalogTab
from app.ui.library.downloads_tab import DownloadsTab
from app.ui.library.library_tab import LibraryTab
from app.ui.library.search_tab import SearchTab
from app.ui.library.service import ModelsService

TABS = ("library", "catalog", "search", "downloads")


class ModelsDialog(QDialog):
    """A window of its own (not modal): downloads go on while the user chats."""

    load_requested = Signal(str)

    def __init__(
        self, service: ModelsService, loaded_path: Callable[[], str | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("modelsDialog")
        self.setWindowTitle(tr("Models"))
        self.setAccessibleName(tr("Models"))
        self.service = service
        self.library = LibraryTab(service, loaded_path)
        self.catalog = CatalogTab(service)
        self.search = SearchTab(service)
        self.downloads = DownloadsTab(service)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("modelsTabs")
        self.tabs.setAccessibleName(tr("Models sections"))
        self.tabs.addTab(self.library, tr("Library"))
        self.tabs.addTab(self.catalog, tr("Catalog"))
        self.tabs.addTab(self.search, tr("Search"))
        self.tabs.addTab(self.downloads, tr("Downloads"))
        for tab in (self.library, self.catalog, self.downloads):
            tab.load_requested.connect(self._load)
        self.downloads.count_changed.connect(self._count)
        self._count(self.downloads.running())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.hide)
        self.setMinimumSize(720, 440)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

    def show_tab(self, name: str) -> None:
        self.tabs.setCurrentIndex(TABS.index(name))
        widget = self.tabs.currentWidget()
        if widget is self.search:
            self.search.query.setFocus()

    def _count(self, running: int) -> None:
        index = TABS.index("downloads")
        self.tabs.setTabText(
            index, tr("Downloads ({count})").format(count=running) if running else tr("Downloads")
        )

    def _load(self, path: str) -> None:
        self.load_requested.emit(path)
        self.hide()

    def fit_to(self, parent: QWidget) -> None:
        """A size that suits the main window: large, but never larger than it."""
        width = min(980, max(640, parent.width() - 60))
        height = min(700, max(460, parent.height() - 60))
        self.resize(width, height)
