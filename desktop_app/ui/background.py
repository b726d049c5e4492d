"""Database work off the GUI thread, in order (after Anki's CollectionOp/QueryOp).

All operations run one after another on a single worker thread, so writes never race each other;
results come back to the GUI thread through a queued signal. A write names what it changed, and
`changed` tells every tab, which decides for itself whether to refresh.

What the user is looking at — a table's count and pages, a search — goes through `read()` instead:
a second thread with its own database connection, so it never waits behind an import, the search
index catching up or the start-up jobs (issue 15: the first search waited 1.65–2.4 s behind them).
Reads see the last committed state; a write's `changed` signal then asks for a fresh read.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from desktop_app.core.errors import LedgerDamaged, StaleData, UserError

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Changes:
    """What a write touched (like Anki's OpChanges)."""

    cases: bool = False
    orders: bool = False
    reships: bool = False
    claims: bool = False
    deadlines: bool = False
    settings: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(*(a or b for a, b in zip(self._values(), other._values(), strict=True)))

    def _values(self) -> tuple[bool, ...]:
        return (self.cases, self.orders, self.reships, self.claims, self.deadlines, self.settings)

    @property
    def any(self) -> bool:
        return any(self._values())


READ = Changes()  # marks a delivery from the reading thread (compared by identity)


class BackgroundRunner(QObject):
    """Runs callables on one worker thread; success/failure callbacks run on the GUI thread."""

    _finished = Signal(object, object, object, object)  # future, on_success, on_failure, changes
    changed = Signal(object)  # Changes
    busy_changed = Signal(bool)
    failed = Signal(str)  # a message for the status bar / a dialog when no failure callback was given

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-db")
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-read")
        self._pending = 0
        self._reading = 0
        self._closed = False
        self._finished.connect(self._deliver)

    def run(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[Exception], None] | None = None,
        changes: Changes | None = None,
    ) -> Future[T] | None:
        """Queue `work`; after it ends, call back on the GUI thread and announce `changes`.

        After `shutdown()` (the window is closing) nothing new starts.
        """
        if self._closed:
            return None
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        future = self._executor.submit(work)
        # The done-callback runs on the worker thread; the signal hops to the GUI thread.
        future.add_done_callback(lambda f: self._finished.emit(f, on_success, on_failure, changes))
        return future

    def read(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[Exception], None] | None = None,
    ) -> Future[T] | None:
        """Queue a read the user waits for (a table page, a count, a search) on the reading thread.

        `work` must not write: it runs beside the writes of `run()`, on a connection of its own.
        Reads do not light the "busy" status (scrolling would make it flicker) but count in `busy`.
        """
        if self._closed:
            return None
        self._reading += 1
        future = self._reader.submit(work)
        future.add_done_callback(lambda f: self._finished.emit(f, on_success, on_failure, READ))
        return future

    @Slot(object, object, object, object)
    def _deliver(self, future: Future[Any], on_success: Any, on_failure: Any, changes: Changes | None) -> None:
        if changes is READ:
            self._reading -= 1
            changes = None
        else:
            self._pending -= 1
            if self._pending == 0:
                self.busy_changed.emit(False)
        if future.cancelled():
            return  # a read dropped at shutdown
        error = future.exception()
        if error is None:
            if on_success is not None:
                _call_unless_closed(on_success, future.result())
            if changes is not None and changes.any:
                self.changed.emit(changes)
            return
        if changes is not None and changes.any and is_conflict(error):
            # Another seat or window changed the record first: what it shows now is stale, so the tabs
            # reload it — the loser sees the fresh state beside the message.
            self.changed.emit(changes)
        if not isinstance(error, UserError) and not is_conflict(error):
            log.error("background operation failed:\n%s",
                      "".join(traceback.format_exception(type(error), error, error.__traceback__)))
        if on_failure is not None and isinstance(error, Exception):
            _call_unless_closed(on_failure, error)
        else:
            self.failed.emit(describe_error(error))

    def shutdown(self) -> None:
        """Wait for queued work (a write must never be cut in half), then stop the thread."""
        self._closed = True
        self._reader.shutdown(wait=True, cancel_futures=True)
        self._executor.shutdown(wait=True)

    @property
    def busy(self) -> bool:
        """Work or reads still under way (tests wait for this to be False)."""
        return self._pending > 0 or self._reading > 0


def _call_unless_closed(callback: Callable[[Any], None], value: Any) -> None:
    """Deliver a result; a dialog closed while its query ran no longer needs it."""
    try:
        callback(value)
    except RuntimeError as error:
        if "already deleted" not in str(error):
            raise
        log.debug("result dropped: its widget was closed (%s)", error)


def is_conflict(error: BaseException) -> bool:
    """True when a write lost to another seat's or window's change of the same record."""
    from desktop_app.store.ledger_errors import as_user_error  # loaded after the window paints, as below

    return isinstance(as_user_error(error, None), StaleData)


def describe_error(error: BaseException) -> str:
    """A Chinese message: a user error's own, a database failure translated (locked, damaged, full,
    changed by another window), else an internal error."""
    if isinstance(error, UserError):
        return _with_advice(error)
    # Imported here: this module loads before the window paints, SQLAlchemy after (FACTS.md).
    from desktop_app.store.ledger_errors import as_user_error

    known = as_user_error(error, None)
    if known is not None:
        return _with_advice(known)
    return f"内部错误（{type(error).__name__}）：{error}。数据未被修改；请把日志发给开发者。"


def _with_advice(error: UserError) -> str:
    if isinstance(error, LedgerDamaged):
        return error.message + "请在“备份与恢复”中恢复最新的完好备份。"
    return error.message
