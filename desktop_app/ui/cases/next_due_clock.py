"""The clock of the 下一个时限 sort: every minute the ledger's stored next deadlines the platform has
settled by itself since are read again (`services.deadlines.refresh_next_dues`), so a case sorts where
its cell says (the engine that stores them has no clock). Nothing to do costs one indexed range read; a
change is announced like any write, and the Cases table reloads in the new order."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from desktop_app.services.deadlines import refresh_next_dues_of
from desktop_app.ui.context import AppContext

INTERVAL_MS = 60_000
log = logging.getLogger(__name__)


class NextDueClock(QObject):
    """Owns the minute timer; `stop` before the runner shuts down."""

    def __init__(self, context: AppContext, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.context = context
        self._busy = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def tick(self) -> None:
        """Queue the refresh on the worker (once: a tick while one waits is enough)."""
        if self.context.db is None or self._busy:
            return
        self._busy = True
        self.context.write(refresh_next_dues_of, self._done, self._failed, origin=self)

    def _done(self, _count: object) -> None:
        self._busy = False

    def _failed(self, error: Exception) -> None:
        # Every minute: a team server that went away is said by the window's other work, not here each time.
        self._busy = False
        log.warning("下一个时限的排序未能更新：%s", error)
