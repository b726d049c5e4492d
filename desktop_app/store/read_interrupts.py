"""Stopping a read that is under way, from another thread: the user typed on, so the search or the
background count still running is not wanted any more, and it would hold a core (and, on PostgreSQL,
the server) that the user's new read needs (issue 18: a keystroke waited 0.4–1 s behind a superseded
refresh or the tab titles' counts at a million cases).

The running statement is stopped by the driver: SQLite's `interrupt()`, PostgreSQL's cancel request
(psycopg `cancel_safe()`); the read then raises `ReadInterrupted`. Only the connection of the read that
holds the interrupt is touched, and only while that read runs: the lock makes the read wait for a cancel
under way before its connection goes back to the pool. No SQLAlchemy here: the Cases table imports this
before SQLAlchemy is loaded (store/first_page).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from desktop_app.core.errors import ReadInterrupted


class ReadInterrupt:
    """Handed to one read (`Database.reading(interrupt)`); `interrupt()` stops it from any thread, and a
    read not started yet then does not start."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: Any = None  # the driver's connection while the read runs
        self.interrupted = False

    def interrupt(self) -> None:
        with self._lock:
            if self.interrupted:
                return
            self.interrupted = True
            if self._connection is not None:
                _stop_statement(self._connection)

    @contextmanager
    def running_on(self, connection: Any) -> Iterator[None]:
        """While the read runs on the driver's `connection`; a driver error caused by `interrupt()`
        comes out as ReadInterrupted."""
        with self._lock:
            if self.interrupted:
                raise ReadInterrupted()
            self._connection = connection
        try:
            yield
        except Exception as error:
            if self.interrupted:
                raise ReadInterrupted() from error
            raise
        finally:
            with self._lock:
                self._connection = None
        if self.interrupted:  # stopped between two statements, or a driver that said nothing
            raise ReadInterrupted()


def _stop_statement(connection: Any) -> None:
    cancel = getattr(connection, "cancel_safe", None)  # psycopg: waits until the server has the request
    if cancel is not None:
        try:
            cancel()
        except Exception:  # the server is away: the read fails by itself
            return
    else:
        connection.interrupt()  # sqlite3: thread-safe; a no-op when no statement runs
