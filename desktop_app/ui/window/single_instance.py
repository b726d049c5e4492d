"""One window per ledger: a second start on the same file brings the first window to the front.

A `QLockFile` in the data folder (named after the ledger's path) says who owns the ledger — Qt
notices a lock left by a crashed process — and a `QLocalServer` of the same name lets the second
start ask the first to show itself.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from desktop_app.paths import data_dir

_WAIT_MS = 1000


def instance_key(ledger: Path | str) -> str:
    """One window per ledger file on this computer; a team server (its URL without the password) may
    be open in one window per computer too."""
    name = str(Path(ledger).expanduser().resolve()) if isinstance(ledger, Path) else ledger
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:20]
    return f"aftersales-ledger-{digest}"


class SingleInstance(QObject):
    """`claim()` True: this process owns the ledger (and `activate_requested` fires when another start
    asks); False: another window has it open and was asked to come to the front."""

    activate_requested = Signal()

    def __init__(self, ledger: Path | str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = instance_key(ledger)
        folder = data_dir() / "locks"
        folder.mkdir(mode=0o700, exist_ok=True)
        self._lock = QLockFile(str(folder / f"{self.key}.lock"))
        self._lock.setStaleLockTime(0)  # only a dead owner makes a lock stale, never its age
        self._server: QLocalServer | None = None

    def claim(self) -> bool:
        if not self._lock.tryLock(_WAIT_MS):
            self._ask_owner_to_show()
            return False
        QLocalServer.removeServer(self.key)  # a socket file left by a crash
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)
        self._server.listen(self.key)
        return True

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()

    def _ask_owner_to_show(self) -> None:
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if socket.waitForConnected(_WAIT_MS):
            socket.write(b"show\n")
            socket.waitForBytesWritten(_WAIT_MS)
            socket.disconnectFromServer()

    def _on_connection(self) -> None:
        server = self._server
        while server is not None and server.hasPendingConnections():
            connection = server.nextPendingConnection()
            connection.disconnected.connect(connection.deleteLater)
            connection.disconnectFromServer()
            self.activate_requested.emit()
