"""Settings ▸ Engines: the servers whose models Ponder can run, beside the local ones.

Adding a server asks it (off the GUI thread) what it is and which models it serves; only a
server that answers is saved. The API key goes to the OS keyring, never to a file; a plain
``http://`` address of another computer is marked before it is added.
"""

from __future__ import annotations

from app.engine.remote.detect import ServerInfo
from app.engine.remote.engine import list_server
from app.engine.remote.http import RemoteError, parse_address
from app.engine.remote.servers import SavedServer, ServerList, server_id
from app.engine.remote.shapes import KIND_NAMES, Kind
from app.ui.common.core_text import from_core
from app.ui.common.i18n import tr
from app.ui.common.qt import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from app.ui.common.remote_notes import unencrypted_note
from app.ui.common.tasks import Tasks

SERVER_ID = Qt.ItemDataRole.UserRole


def _label(text: str, name: str = "", accessible: str = "") -> QLabel:
    lab = QLabel(text)
    lab.setTextFormat(Qt.TextFormat.PlainText)  # server answers are not trusted markup
    lab.setWordWrap(True)
    if name:
        lab.setObjectName(name)
    if accessible:
        lab.setAccessibleName(accessible)
    return lab


def describe_server(server: SavedServer) -> str:
    try:
        kind = from_core(KIND_NAMES[Kind(server.kind)])
    except ValueError:  # an older or unknown entry
        kind = tr("server")
    models = tr("%n model(s)", "", len(server.models))
    plain = " · " + tr("⚠ unencrypted") if server.address.unencrypted else ""
    return f"{server.name} — {kind} — {models}{plain}"


class EnginesPage(QWidget):
    changed = Signal()  # a server was added or removed

    def __init__(self, servers: ServerList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(tr("Engines"))
        self.servers = servers
        self.tasks = Tasks(self, name="servers")
        intro = _label(
            tr(
                "Run models on a llama.cpp, vLLM, SGLang, Ollama or LM Studio server, or any "
                "OpenAI-compatible one. Their models appear in the model picker beside the local ones."
            )
        )
        self.list = QListWidget()
        self.list.setAccessibleName(tr("Servers"))
        self.list.currentItemChanged.connect(lambda *_: self._selection_changed())
        self.remove_button = QPushButton(tr("Remove server"))
        self.remove_button.setAccessibleName(tr("Remove server"))
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(lambda _checked=False: self.remove_selected())
        self.url = QLineEdit()
        self.url.setAccessibleName(tr("Server address"))
        self.url.setPlaceholderText("http://gpu-box:8080")
        self.url.textChanged.connect(self._url_changed)
        self.key = QLineEdit()
        self.key.setAccessibleName(tr("API key"))
        self.key.setPlaceholderText(tr("optional; kept in the system keyring"))
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_button = QPushButton(tr("Add server"))
        self.add_button.setAccessibleName(tr("Add server"))
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda _checked=False: self.add())
        self.warning = _label(unencrypted_note(), "inlineError", tr("Unencrypted connection warning"))
        self.warning.hide()
        self.status = _label("", "hint", tr("Server status"))
        form = QFormLayout()
        form.addRow(tr("Address"), self.url)
        form.addRow(tr("API key"), self.key)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for server in self.servers.load():
            item = QListWidgetItem(describe_server(server))
            item.setData(SERVER_ID, server.id)
            item.setToolTip(server.url)
            self.list.addItem(item)
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.remove_button.setEnabled(self.list.currentItem() is not None)

    def _url_changed(self, text: str) -> None:
        try:
            unencrypted = parse_address(text).unencrypted if text.strip() else False
        except RemoteError:
            unencrypted = False
        self.warning.setVisible(unencrypted)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setObjectName("inlineError" if error else "hint")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setText(text)

    def add(self) -> None:
        """Ask the server what it is; it is saved once it answers."""
        try:
            address = parse_address(self.url.text())
        except RemoteError as exc:
            self._say(from_core(exc.message), error=True)
            return
        key = self.key.text().strip() or None
        self.add_button.setEnabled(False)
        self._say(tr("Connecting to {url}…").format(url=address.url))
        self.tasks.run(
            lambda: list_server(address.url, key),
            lambda info: self._added(address.url, key, info),
            self._failed,
            owner=self,
            name="probe",
        )

    def _added(self, url: str, key: str | None, info: ServerInfo) -> None:
        address = parse_address(url)
        self.servers.put(
            SavedServer(server_id(address), address.url, info.kind.value, info.models), key or ""
        )
        self.add_button.setEnabled(True)
        self.key.clear()
        self.url.clear()
        version = f" {info.version}" if info.version else ""
        self._say(
            tr("Added {server} at {url}: %n model(s).", "", len(info.models)).format(
                server=from_core(KIND_NAMES[info.kind]) + version, url=address.url
            )
        )
        self.refresh()
        self.changed.emit()

    def _failed(self, exc: Exception) -> None:
        self.add_button.setEnabled(True)
        self._say(
            from_core(exc.message)
            if isinstance(exc, RemoteError)
            else tr("Could not add the server: {reason}").format(reason=from_core(str(exc))),
            error=True,
        )

    def remove_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.servers.remove(str(item.data(SERVER_ID)))
        self._say(tr("Server removed; its key was deleted from the keyring."))
        self.refresh()
        self.changed.emit()

    def shutdown(self) -> None:
        self.tasks.shutdown()
