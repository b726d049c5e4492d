"""Database work off the GUI thread, in order (after Anki's CollectionOp/QueryOp).

All operations run one after another on a single worker thread, so writes never race each other;
results come back to the GUI thread through a queued signal. A write (`write()`) says what it changed
itself: the service returns it (core.op_changes.OpChanges, read off the rows its transaction wrote) and
the runner records the same for every transaction the work ran (store/change_tracking), so a widget
never names it. `changed` announces it with who started the write, and every tab decides from that
alone whether to refresh.

What the user is looking at — a table's count and pages, a search — goes through `read()` instead:
a second thread with its own database connection, so it never waits behind an import, the search
index catching up or the start-up jobs (issue 15: the first search waited 1.65–2.4 s behind them).
Reads see the last committed state; a write's `changed` signal then asks for a fresh read.
`reading` says that the user now waits for a read: background reads that would compete with it for
the cores and the server (the tab titles' counts) give way (issue 18).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from desktop_app.core.errors import LedgerDamaged, ReadInterrupted, StaleData, UserError
from desktop_app.core.op_changes import OpChanges, recording
from desktop_app.ui import labels

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Announcement:
    """What a write changed, and who started it: the tab or dialog that asked (`origin`), or None for
    what came from elsewhere (another seat's write, rows seeded behind the window's back)."""

    changes: OpChanges
    origin: object | None = None


@dataclass(frozen=True, slots=True)
class _Job:
    kind: str  # "read" (the reading thread), "work" (the worker, nothing announced) or "write"
    origin: object | None = None


_READ = _Job("read")
_WORK = _Job("work")


def returned_changes(value: object) -> OpChanges:
    """What a service's result says it changed: an OpChanges, or a result carrying one as `changes`."""
    if isinstance(value, OpChanges):
        return value
    changes = getattr(value, "changes", None)
    return changes if isinstance(changes, OpChanges) else OpChanges()


class BackgroundRunner(QObject):
    """Runs callables on one worker thread; success/failure callbacks run on the GUI thread."""

    _finished = Signal(object, object, object, object)  # future, on_success, on_failure, _Job
    changed = Signal(object)  # Announcement
    busy_changed = Signal(bool)
    failed = Signal(str)  # a message for the status bar / a dialog when no failure callback was given
    reading = Signal()  # a read the user waits for was queued (`read()`)
    stopped = Signal()  # `shutdown()`: nothing new starts

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-db")
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-read")
        self._preparer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-prepare")
        self._pending = 0
        self._reading = 0
        self._held = 0  # work the GUI thread starts soon (after a paint): `hold`
        self._closed = False
        self._finished.connect(self._deliver)

    def run(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[Exception], None] | None = None,
    ) -> Future[T] | None:
        """Queue `work` on the worker thread (opening a ledger, a look-up behind the writes); call back on
        the GUI thread after it ends. Nothing is announced: a write goes through `write()`.

        After `shutdown()` (the window is closing) nothing new starts.
        """
        return self._submit(self._executor, work, on_success, on_failure, _WORK)

    def write(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[Exception], None] | None = None,
        origin: object | None = None,
    ) -> Future[tuple[T, OpChanges]] | None:
        """Queue a write on the worker thread; after it ends, call back on the GUI thread and announce
        what it changed (what the service returned, and what its transactions were seen to write)
        with `origin`, the widget that started it."""

        def recorded() -> tuple[T, OpChanges]:
            with recording() as seen:
                value = work()
            return value, returned_changes(value) | seen.changes

        return self._submit(self._executor, recorded, on_success, on_failure, _Job("write", origin))

    def announce(self, changes: OpChanges, origin: object | None = None) -> None:
        """Tell the tabs about changes made elsewhere (another seat; rows written behind the window)."""
        if changes.any:
            self.changed.emit(Announcement(changes, origin))

    def _submit(self, executor: ThreadPoolExecutor, work: Callable[[], Any], on_success: Any, on_failure: Any,
                job: _Job) -> Future[Any] | None:
        if self._closed:
            return None
        if job is _READ:
            self._reading += 1
        else:
            self._pending += 1
            if self._pending == 1:
                self.busy_changed.emit(True)
        future = executor.submit(work)
        # The done-callback runs on the worker thread; the signal hops to the GUI thread.
        future.add_done_callback(lambda f: self._finished.emit(f, on_success, on_failure, job))
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
        future = self._submit(self._reader, work, on_success, on_failure, _READ)
        if future is not None:
            self.reading.emit()
        return future

    def prepare(self, work: Callable[[], T], on_success: Callable[[T], None] | None = None,
                on_failure: Callable[[Exception], None] | None = None) -> Future[T] | None:
        """Get code (importing the tabs not yet built) or caches ready ahead of use on a thread of its own,
        which neither the worker nor the reading thread waits for; `on_success` runs on the GUI thread.
        Counts in `busy` like a read."""
        return self._submit(self._preparer, work, on_success, on_failure, _READ)

    @Slot(object, object, object, object)
    def _deliver(self, future: Future[Any], on_success: Any, on_failure: Any, job: _Job) -> None:
        if job is _READ:
            self._reading -= 1
        else:
            self._pending -= 1
            if self._pending == 0:
                self.busy_changed.emit(False)
        if future.cancelled():
            return  # a read dropped at shutdown
        error = future.exception()
        if isinstance(error, ReadInterrupted):  # stopped on purpose: nothing to show or log
            if on_failure is not None and not self._closed:
                _call_unless_closed(on_failure, error)
            return
        if error is None:
            result = future.result()
            if job.kind == "write":
                result, changes = result
            if on_success is not None:
                _call_unless_closed(on_success, result)
            if job.kind == "write":
                self.announce(changes, job.origin)
            return
        if job.kind == "write" and is_conflict(error):
            # Another seat or window changed the record first: what the window shows is stale, so the
            # tabs reload — the loser sees the fresh state beside the message.
            self.announce(OpChanges.everything(), job.origin)
        if isinstance(error, UserError) or is_conflict(error):
            pass  # the user's own input or another seat's change first: said to the user, nothing to log
        elif is_passing_refusal(error):  # the ledger locked, the server gone: said to the user, not a bug to trace
            log.warning("background operation refused: %s", str(error).splitlines()[0])
        else:
            log.error("background operation failed:\n%s",
                      "".join(traceback.format_exception(type(error), error, error.__traceback__)))
        if self._closed:  # the window has closed (a start-up job stopped with it): nobody to tell
            return
        if on_failure is not None and isinstance(error, Exception):
            _call_unless_closed(on_failure, error)
        else:
            self.failed.emit(describe_error(error))

    def shutdown(self) -> None:
        """Wait for queued work (a write must never be cut in half), then stop the thread."""
        self._closed = True
        self.stopped.emit()
        self._reader.shutdown(wait=True, cancel_futures=True)
        self._preparer.shutdown(wait=True, cancel_futures=True)
        self._executor.shutdown(wait=True)

    def hold(self) -> Callable[[], None]:
        """Count in `busy` work the GUI thread will queue a little later (once the rows are painted);
        call the returned function when it has (once)."""
        self._held += 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self._held -= 1
        return release

    @property
    def closed(self) -> bool:
        """Shut down (the window is closing): nothing new starts."""
        return self._closed

    @property
    def working(self) -> bool:
        """Work or writes queued or under way on the worker thread (reads aside)."""
        return self._pending > 0

    @property
    def busy(self) -> bool:
        """Work or reads still under way, or about to be queued (tests wait for this to be False)."""
        return self._pending > 0 or self._reading > 0 or self._held > 0


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


def is_passing_refusal(error: BaseException) -> bool:
    """The ledger locked by another program, the team server gone (store/ledger_errors.py)."""
    from desktop_app.store import ledger_errors  # loaded after the window paints, as below

    return ledger_errors.is_passing_refusal(error)


def _tr(text: str) -> str:
    return QCoreApplication.translate("BackgroundErrors", text)


def describe_error(error: BaseException) -> str:
    """A message in the window's language: a user error's own (a fixed one translated, one naming values
    in Chinese), a database failure translated (locked, damaged, full, changed by another window), else
    an internal error."""
    if isinstance(error, UserError):
        return _with_advice(error)
    # Imported here: this module loads before the window paints, SQLAlchemy after (FACTS.md).
    from desktop_app.store.ledger_errors import as_user_error

    known = as_user_error(error, None)
    if known is not None:
        return _with_advice(known)
    return (_tr("内部错误（%1）：%2。数据未被修改；请把日志发给开发者。").replace("%1", type(error).__name__)
            .replace("%2", str(error)))


def _with_advice(error: UserError) -> str:
    # a fixed message (no value in it) is in the translation file's vocabulary (installer/update_translations.py)
    message = labels.message(error)
    if isinstance(error, LedgerDamaged):
        return message + _tr("请在“备份与恢复”中恢复最新的完好备份。")
    return message
