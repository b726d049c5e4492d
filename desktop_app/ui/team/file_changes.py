"""Another program's changes to the ledger file reach this window by themselves (a SQLite file).

One window per file, but not one program: `import-orders` in a terminal, a script's `case act`, a
second process of the app. They never told the window, which went on showing the old lists (a case
closed from the command line stayed 待处理 until F5) and only learnt of the change when a step on it
was refused. A thread of its own looks at the file every second (store/file_changes.py); a commit this
process did not make reloads the tabs and the status bar says who changed which cases.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from desktop_app.store.file_changes import AuditMark, CommitWatch

log = logging.getLogger(__name__)

LOOK_SECONDS = 1.0
_RETRY_SECONDS = 5.0


class FileChanges(QObject):
    """Watches one ledger file; `arrived` carries the audit entries another program wrote (maybe none:
    an order import writes none) each time it committed."""

    arrived = Signal(object)  # list[AuditMark], from the watching thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._watch: CommitWatch | None = None

    def watch(self, commits: CommitWatch) -> None:
        self.stop()
        self._stop.clear()
        self._watch = commits
        self._thread = threading.Thread(target=self._look, args=(commits,), name="file-changes", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching and close the watching connection (a restore needs the file to itself)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=LOOK_SECONDS * 3)
            self._thread = None
        if self._watch is not None:
            self._watch.stop()
            self._watch = None

    def _look(self, commits: CommitWatch) -> None:
        started = False
        while not self._stop.is_set():
            try:
                if not started:
                    commits.start()
                    started = True
                marks = commits.look()
            except sqlite3.Error as exc:  # locked for a moment (a restore's check), or moved away
                log.debug("looking for other programs' changes failed: %s", exc)
                self._stop.wait(_RETRY_SECONDS)
                continue
            if marks is not None:
                self.arrived.emit(marks)
            self._stop.wait(LOOK_SECONDS)


def author_cases(marks: list[AuditMark]) -> dict[str, list[int]]:
    """Who changed which cases, in the order they wrote (an author without a case: an empty list)."""
    by_author: dict[str, list[int]] = {}
    for mark in marks:
        cases = by_author.setdefault(mark.author, [])
        if mark.case_id is not None and mark.case_id not in cases:
            cases.append(mark.case_id)
    return by_author
