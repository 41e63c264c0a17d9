"""Settings ▸ Engines: one model over several computers (llama.cpp's RPC backend).

"Share this computer" runs ``ponder worker`` in a process of its own and shows the address
to type on the other computer; sharing goes on after the dialog closes, until stopped or
the app quits. "Other computers" is the list of workers a local model spreads over (a
setting); "Check" asks each, off the GUI thread, what memory it lends.
"""

from __future__ import annotations

import atexit

from app.engine.local.rpc import (
    DEFAULT_PORT,
    SECURITY_WARNING,
    RpcError,
    WorkerInfo,
    parse_endpoints,
    probe_worker,
)
from app.engine.local.rpc_share import ShareProcess
from app.ui.common.core_text import from_core
from app.ui.common.i18n import data_size, tr
from app.ui.common.prefs import Preferences
from app.ui.common.qt import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from app.ui.common.tasks import Tasks

__all__ = ["OtherComputersBox", "RpcSection", "ShareBox", "shared_process"]

_share = ShareProcess()
atexit.register(_share.stop)


def shared_process() -> ShareProcess:
    """The app's one ``ponder worker`` (it outlives the settings dialog)."""
    return _share


def _label(text: str, name: str, accessible: str) -> QLabel:
    lab = QLabel(text)
    # Wrapped text asks for its height: without this, a crowded page squeezes it to one line.
    lab.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    lab.setWordWrap(True)
    lab.setObjectName(name)
    lab.setAccessibleName(accessible)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


def _button(text: str) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(text)
    button.setAutoDefault(False)
    return button


class ShareBox(QGroupBox):
    """Start and stop lending this computer's memory; the address to type elsewhere."""

    def __init__(self, share: ShareProcess | None = None, parent: QWidget | None = None) -> None:
        super().__init__(tr("Share this computer"), parent)
        self.share = share or shared_process()
        self.network = QCheckBox(tr("Let other computers on this network use it"))
        self.network.setAccessibleName(tr("Share on the network"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setAccessibleName(tr("Worker port"))
        self.button = _button(tr("Start sharing"))
        self.button.clicked.connect(lambda _checked=False: self.toggle())
        self.warning = _label(
            tr(
                "No authentication, no encryption: anyone on the network can use this computer's memory "
                "and see what it computes. Share on a trusted network only."
            ),
            "inlineError",
            tr("Sharing warning"),
        )
        # Translated with its field left in, then filled: the filler is translated too.
        warning = from_core(SECURITY_WARNING.format(endpoint="{endpoint}"))
        self.warning.setToolTip(warning.format(endpoint=tr("this port")))
        self.status = _label("", "hint", tr("Sharing status"))
        self.network.toggled.connect(lambda _on: self._show_warning())
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("Port")))
        row.addWidget(self.port)
        row.addStretch(1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.network)
        layout.addLayout(row)
        layout.addWidget(self.warning)
        layout.addWidget(self.status)
        self._watch = QTimer(self)  # a worker that ends by itself (port taken) is reported
        self._watch.setInterval(500)
        self._watch.timeout.connect(self.refresh)
        if self.share.running:
            self.network.setChecked(self.share.host == "0.0.0.0")
            self.port.setValue(self.share.port)
        self.refresh()

    def _show_warning(self) -> None:
        shared = self.share.running and self.share.host == "0.0.0.0"
        self.warning.setVisible(self.network.isChecked() or shared)

    def toggle(self) -> None:
        if self.share.running:
            self.share.stop()
            self.status.setText(tr("Not shared."))
        else:
            self.share.start("0.0.0.0" if self.network.isChecked() else "127.0.0.1", self.port.value())
        self.refresh()

    def refresh(self) -> None:
        running = self.share.running
        if running:
            if self.share.host == "0.0.0.0":
                text = tr(
                    "Shared at {address}. On the other computer, add this address under Other computers."
                )
            else:
                text = tr(
                    "Shared at {address} (programs on this computer only). On the other computer, add this "
                    "address under Other computers."
                )
            self.status.setText(text.format(address=self.share.address))
            self._watch.start()
        else:
            self._watch.stop()
            if self.share.exit_code not in (None, 0):
                self.status.setText(
                    tr("Sharing stopped: {reason}").format(reason=from_core(self.share.failure()))
                )
            elif not self.status.text():
                self.status.setText(tr("Not shared."))
        self.button.setText(tr("Stop sharing") if running else tr("Start sharing"))
        self.button.setAccessibleName(self.button.text())
        self.network.setEnabled(not running)
        self.port.setEnabled(not running)
        self._show_warning()


class OtherComputersBox(QGroupBox):
    """The workers a local model spreads over, as ``host:port``."""

    def __init__(self, endpoints: list[str], parent: QWidget | None = None) -> None:
        super().__init__(tr("Other computers"), parent)
        self.tasks = Tasks(self, name="workers")
        intro = _label(
            tr(
                "Spread a model's layers over these computers (running Share this computer or "
                "`ponder worker`)."
            ),
            "hint",
            tr("Other computers note"),
        )
        self.list = QListWidget()
        self.list.setAccessibleName(tr("Other computers"))
        self.list.addItems(endpoints)
        self.list.setMinimumHeight(self.list.fontMetrics().height() * 4)
        self.list.currentItemChanged.connect(lambda *_: self._selection_changed())
        self.address = QLineEdit()
        self.address.setAccessibleName(tr("Computer address"))
        self.address.setPlaceholderText(f"192.168.1.7:{DEFAULT_PORT}")
        self.address.returnPressed.connect(self.add)
        self.add_button = _button(tr("Add computer"))
        self.add_button.clicked.connect(lambda _checked=False: self.add())
        self.remove_button = _button(tr("Remove computer"))
        self.remove_button.clicked.connect(lambda _checked=False: self.remove_selected())
        self.check_button = _button(tr("Check"))
        self.check_button.clicked.connect(lambda _checked=False: self.check())
        self.status = _label("", "hint", tr("Other computers status"))
        row = QHBoxLayout()
        row.addWidget(self.address, 1)
        row.addWidget(self.add_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self._selection_changed()

    def endpoints(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _selection_changed(self) -> None:
        self.remove_button.setEnabled(self.list.currentItem() is not None)
        self.check_button.setEnabled(self.list.count() > 0)

    def add(self) -> None:
        try:
            found = parse_endpoints(self.address.text())
        except ValueError as exc:
            self.status.setText(from_core(str(exc)))
            return
        new = [e for e in found if e not in self.endpoints()]
        self.list.addItems(new)
        self.address.clear()
        self.status.setText(
            tr("Added {computers}.").format(computers=", ".join(new)) if new else tr("Already in the list.")
        )
        self._selection_changed()

    def remove_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.list.takeItem(self.list.row(item))
            self.status.setText(tr("Removed {computer}.").format(computer=item.text()))
        self._selection_changed()

    def check(self) -> None:
        """Ask every computer in the list what it lends (each within a few seconds)."""
        endpoints = self.endpoints()
        self.check_button.setEnabled(False)
        self.status.setText(tr("Asking {computers}…").format(computers=", ".join(endpoints)))
        self.tasks.run(lambda: [_ask(e) for e in endpoints], self._checked, owner=self, name="check")

    def _checked(self, answers: list[str]) -> None:
        self.status.setText("\n".join(answers))
        self._selection_changed()

    def shutdown(self) -> None:
        self.tasks.shutdown()


def _ask(endpoint: str) -> str:
    try:
        info: WorkerInfo = probe_worker(endpoint, timeout=3.0)
    except RpcError as exc:
        return from_core(str(exc))
    return tr("{computer}: {size} free.").format(computer=endpoint, size=data_size(info.free, unit="GB"))


class RpcSection(QWidget):
    """Both boxes, for the Engines page."""

    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.share = ShareBox()
        self.others = OtherComputersBox(list(prefs.rpc_servers()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.share)
        layout.addWidget(self.others)

    def apply(self) -> None:
        """Write the list into the preferences (the dialog's caller saves them)."""
        self.prefs.settings.rpc_servers = self.others.endpoints()

    def shutdown(self) -> None:
        self.others.shutdown()
