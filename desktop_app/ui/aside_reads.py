"""Reads nobody is looking at yet give way to the ones the user waits for (issue 18).

The numbers in the tab titles and a hidden tab's count are read after every change: at a million cases
≈ 1 s of work for a core and the server (the tab titles' counts), 0.6 s (the reship queue's), run beside
the user's next keystroke, which then waited 0.3–1 s for its search. Here such a read runs on the worker
thread unless the user waits for a read (a keystroke's search, a page scrolled to: `runner.reading`):
then a read under way is stopped (store/read_interrupts) and every one waits until the user has left
the window alone for QUIET_MS. The numbers come late, never wrong; a newer look-up under the same key
replaces one not started yet. A look-up waiting for the user to leave off is not in `runner.busy`, as a
debounce timer is not (counted there, every wait for an idle window lasted QUIET_MS longer); one under
way is (`runner.run`). After the runner's shutdown none starts, and the waiting ones are let go.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from desktop_app.core.errors import ReadInterrupted
from desktop_app.store.read_interrupts import ReadInterrupt
from desktop_app.ui.background import BackgroundRunner

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop_app.store.database import Database

QUIET_MS = 1500  # after the user's last read: a typist's pause between words is shorter

_Job = tuple[Callable[["Session"], Any], Callable[[Any], None]]


class AsideReads(QObject):
    """Look-ups of a session on the worker thread that stop and wait while the user waits for reads."""

    def __init__(self, runner: BackgroundRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        # Set by the owner (AppContext.db): a getter of the owner here made the two a reference cycle,
        # which only the garbage collector frees (ui/gui_collector).
        self.database: Database | None = None
        self._queued: dict[str, _Job] = {}
        self._running: dict[str, ReadInterrupt] = {}
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(QUIET_MS)
        self._quiet.timeout.connect(self.leave_off)
        runner.reading.connect(self.give_way)
        runner.stopped.connect(self._forget)

    @property
    def busy(self) -> bool:
        """A look-up under way or waiting for its turn."""
        return bool(self._queued or self._running)

    @property
    def waiting(self) -> bool:
        """A look-up waits for its turn (the user is reading, or one under the same key runs)."""
        return bool(self._queued)

    def look_up(self, key: str, query: Callable[[Session], Any], on_success: Callable[[Any], None]) -> None:
        """Run `query` now, or once the user leaves off; hand its result to `on_success` (GUI thread)."""
        self._queue(key, (query, on_success))
        if not self._quiet.isActive():
            self._start()

    def give_way(self) -> None:
        """The user waits for a read: stop the look-ups under way and start none until they leave off."""
        self._quiet.start()
        for interrupt in self._running.values():
            interrupt.interrupt()

    def leave_off(self) -> None:
        """The user has left the window alone (QUIET_MS after their last read): start what waited."""
        self._quiet.stop()
        self._start()

    def _forget(self) -> None:
        """The runner has shut down: nothing starts any more; let go of the callbacks of the tabs."""
        self._quiet.stop()
        self._queued.clear()
        self._running.clear()

    def _start(self) -> None:
        db = self.database
        if db is None or self._runner.closed:
            return
        for key, job in list(self._queued.items()):
            if key not in self._running:  # else after the one under way
                del self._queued[key]
                self._run(db, key, job)

    def _queue(self, key: str, job: _Job) -> None:
        self._queued[key] = job

    def _run(self, db: Database, key: str, job: _Job) -> None:
        query, on_success = job
        interrupt = self._running[key] = ReadInterrupt()

        def work() -> Any:
            with db.reading(interrupt) as session:
                return query(session)

        def ended() -> None:
            if self._running.get(key) is interrupt:
                del self._running[key]
            if key in self._queued and not self._quiet.isActive():
                self._start()

        def done(value: Any) -> None:
            ended()
            on_success(value)

        def failed(error: Exception) -> None:
            if isinstance(error, ReadInterrupted) and key not in self._queued:
                self._queue(key, job)  # again once the user leaves off (`give_way` timed it)
            ended()  # any other failure: the numbers stay as they were; the next change retries

        self._runner.run(work, done, failed)
