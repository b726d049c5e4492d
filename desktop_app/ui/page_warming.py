"""A search's pages read into the operating system's cache once start-up has settled (issue 18, a cold start).

After a reboot the first keystrokes of a search on a million-case ledger waited for the disk: a file's pages
(store/page_warming), or the server's (store/server_warming). Once the Cases table's first page is shown on the open
ledger, a thread of its own reads the pages a search reads, at the lowest priority the system gives a thread, a run
of pages at a time (256 KiB of a file, 1 MiB on a server). It gives way to the user: when a read the user waits for
is queued (`runner.reading`: a keystroke's search, a page scrolled to) it stops after the run under way and goes on
once the user has left the window alone for QUIET_MS, as the counts aside do. It holds no lock on the ledger and
keeps one run's buffer; the window's closing (`runner.stopped`) and a restore stop it and wait for the run under way
(`stop`): the ledger is closed or replaced next, and a server connection left mid-statement would be dropped
unclosed. A failure (the file moved, unreadable) costs nothing but the warming: it is logged, never shown.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from desktop_app.store.page_warming import WarmingStopped, stop_event_turn, warm_search_pages
from desktop_app.store.server_warming import warm_server_pages
from desktop_app.ui.aside_reads import QUIET_MS
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.low_priority import lower_this_threads_priority

if TYPE_CHECKING:
    from desktop_app.store.database import Database

log = logging.getLogger(__name__)

STOP_WAIT_S = 2.0  # a run of pages, on the slowest disk


class PageWarming(QObject):
    """Reads a ledger's search pages on a thread of its own, pausing while the user waits for reads."""

    def __init__(self, runner: BackgroundRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._go = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(QUIET_MS)
        self._quiet.timeout.connect(self._resume)
        self._runner = runner
        runner.reading.connect(self.give_way)
        runner.stopped.connect(self.stop)  # joined: the ledger is closed next

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, db: Database) -> None:
        """Warm the search pages of `db`, a file or a team server (a ledger opened again: the earlier warming
        stops first)."""
        if self._runner.closed:
            return
        self.cancel()
        go, stop = self._go, self._stop = threading.Event(), threading.Event()
        go.set()
        self._thread = threading.Thread(target=_warm, args=(db, go, stop), name="ledger-warm", daemon=True)
        self._thread.start()

    def give_way(self) -> None:
        """The user waits for a read: pause after the run under way, until they leave the window alone."""
        self._go.clear()
        self._quiet.start()

    def _resume(self) -> None:
        self._go.set()

    def cancel(self) -> None:
        self._quiet.stop()
        self._stop.set()
        self._go.set()  # a paused thread wakes to stop

    def stop(self) -> None:
        """Cancel, and wait (a run of pages at most) until the file is closed: the ledger is about to be replaced
        (a restore), which Windows refuses while a file is open."""
        self.cancel()
        if self._thread is not None:
            self._thread.join(STOP_WAIT_S)


def _warm(db: Database, go: threading.Event, stop: threading.Event) -> None:
    lower_this_threads_priority()
    started = time.perf_counter()
    turn = stop_event_turn(go, stop)
    try:
        read = warm_search_pages(db.path, turn) if db.path is not None else warm_server_pages(db, turn)
    except WarmingStopped:
        log.info("page warming stopped after %.1f s", time.perf_counter() - started)
    except OSError as error:  # the searches report their own errors; a warm-up costs its time at most
        log.warning("page warming failed: %s", error)
    else:
        log.info("page warming read %d MB in %.1f s", read // 1_048_576, time.perf_counter() - started)
