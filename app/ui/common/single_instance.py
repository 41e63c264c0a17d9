"""One Ponder window per user: a second launch hands its arguments to the first and exits.

The first instance listens on a local socket (a named pipe on Windows) whose name is
derived from the user and the data folder, so separate PONDER_HOMEs (tests, portable
installs) do not see each other.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os

from app.ui.common.qt import QByteArray, QLocalServer, QLocalSocket, QObject, Signal

_TIMEOUT_MS = 1000


def server_name() -> str:
    try:
        user = getpass.getuser()
    except Exception:  # no user name (containers): the home folder still separates users
        user = os.path.expanduser("~")
    key = f"{user}|{os.environ.get('PONDER_HOME', '')}"
    return "ponder-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


class SingleInstance(QObject):
    """``forward()`` before building the window; ``listen()`` once it exists."""

    activated = Signal(list)  # the arguments of a later launch

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._server: QLocalServer | None = None

    def forward(self, args: list[str]) -> bool:
        """Hand ``args`` to a running instance; True when one took them."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(_TIMEOUT_MS):
            return False
        socket.write(QByteArray(json.dumps(args).encode("utf-8")))
        socket.flush()
        # flush() may already have written everything; only wait for what is left.
        ok = socket.bytesToWrite() == 0 or socket.waitForBytesWritten(_TIMEOUT_MS)
        socket.disconnectFromServer()
        return bool(ok)

    def listen(self) -> bool:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # A previous instance crashed and left its socket file behind.
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                return False
        server.newConnection.connect(self._accept)
        self._server = server
        return True

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    def _accept(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            # The other launch writes as soon as it connects: the bytes are there or a moment away.
            if not socket.bytesAvailable():
                socket.waitForReadyRead(_TIMEOUT_MS)
            data = bytes(socket.readAll().data())
            socket.close()
            socket.deleteLater()
            self._handle(data)

    def _handle(self, data: bytes) -> None:
        try:
            args = json.loads(data.decode("utf-8")) if data else []
        except (UnicodeDecodeError, json.JSONDecodeError):
            return
        if isinstance(args, list):
            self.activated.emit([str(a) for a in args])
