"""Stopping a read that is under way, from another thread: the user typed on, so the search or the
background count still running is not wanted any more, and it would hold a core (and, on PostgreSQL,
the server) that the user's new read needs (issue 18: a keystroke waited 0.4–1 s behind a superseded
refresh or the tab titles' counts at a million cases).

The running statement is stopped by what the Database hands over (`Database.reading`): SQLite's
`interrupt()`, PostgreSQL's `pg_cancel_backend` sent over another pooled connection (a cancel request of
the protocol opens a new connection each time: 8–56 ms of the GUI thread at a million cases under load);
the read then raises `ReadInterrupted`. The stop runs on a thread of its own, never the GUI thread's. Only
the connection of the read that holds the interrupt is touched, and only while that read runs: the lock
makes the read wait for a stop under way before its connection goes back to the pool. No SQLAlchemy here:
the Cases table imports this before SQLAlchemy is loaded (store/first_page).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from desktop_app.core.errors import ReadInterrupted

_STOPPER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-interrupt")


class ReadInterrupt:
    """Handed to one read (`Database.reading(interrupt)`); `interrupt()` stops it from any thread, and a
    read not started yet then does not start."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stop: Callable[[], None] | None = None  # stops the read's statement, while it runs
        self.interrupted = False

    def interrupt(self) -> None:
        with self._lock:
            if self.interrupted:
                return
            self.interrupted = True
            if self._stop is None:
                return  # not started (it will not), or ended
        _STOPPER.submit(self._stop_now)

    def _stop_now(self) -> None:
        with self._lock:
            if self._stop is not None:
                try:
                    self._stop()
                except Exception:  # the server is away: the read fails by itself
                    return

    @contextmanager
    def running_on(self, stop: Callable[[], None]) -> Iterator[None]:
        """While the read runs (`stop` stops its statement); a driver error caused by `interrupt()`
        comes out as ReadInterrupted."""
        with self._lock:
            if self.interrupted:
                raise ReadInterrupted()
            self._stop = stop
        try:
            yield
        except Exception as error:
            if self.interrupted:
                raise ReadInterrupted() from error
            raise
        finally:
            with self._lock:
                self._stop = None
        if self.interrupted:  # stopped between two statements, or a driver that said nothing
            raise ReadInterrupted()
