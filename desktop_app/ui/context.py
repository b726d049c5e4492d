"""What every tab and dialog needs, handed down explicitly (no global main-window object)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal

from desktop_app.core.errors import UserError
from desktop_app.ui.aside_reads import AsideReads
from desktop_app.ui.background import BackgroundRunner

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop_app.store.database import Database

T = TypeVar("T")


class AppContext(QObject):
    """The open ledger and the runner that does its work off the GUI thread."""

    database_opened = Signal(object)  # Database

    def __init__(self, runner: BackgroundRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.show_full_phones = False  # lists mask phones (138****5678) unless 设置 says otherwise
        # Counts nobody is looking at yet (tab titles, hidden tabs) give way to the user's reads.
        self.aside = AsideReads(runner, self)

    @property
    def db(self) -> Database | None:
        """The open ledger, None before it opens (and after it closes)."""
        return self.aside.database

    @db.setter
    def db(self, db: Database | None) -> None:
        self.aside.database = db

    def set_database(self, db: Database) -> None:
        self.db = db
        self.database_opened.emit(db)

    def write(self, work: Callable[[Database], T], on_success: Callable[[T], None] | None = None,
              on_failure: Callable[[Exception], None] | None = None, *, origin: object | None = None) -> None:
        """Run a service call on the worker thread; the runner announces what it changed, with `origin`
        (the widget that started it)."""
        db = self.db
        if db is None:
            raise UserError("数据库尚未打开")
        self.runner.write(lambda: work(db), on_success, on_failure, origin)

    def look_up(self, query: Callable[[Session], T], on_success: Callable[[T], None],
                on_failure: Callable[[Exception], None] | None = None, *, waiting: bool = False) -> None:
        """Run a read-only `query` of a session off the GUI thread and hand its result to `on_success`:
        by default on the worker, after the writes queued before it (it sees what they changed); with
        `waiting=True` on the reading thread, beside the writes (a list or count the user waits for)."""
        db = self.db
        if db is None:
            return

        def work() -> T:
            with db.reading() as session:
                return query(session)

        if waiting:
            self.runner.read(work, on_success, on_failure)
        else:
            self.runner.run(work, on_success, on_failure)

    def read(self, work: Callable[[Database], T], on_success: Callable[[T], None],
             on_failure: Callable[[Exception], None] | None = None) -> None:
        db = self.db
        if db is None:
            return
        self.runner.run(lambda: work(db), on_success, on_failure)

    def query(self, work: Callable[[Database], T], on_success: Callable[[T], None],
              on_failure: Callable[[Exception], None] | None = None) -> None:
        """A read-only look-up the user is waiting for (what a list shows): on the reading thread, so
        it never queues behind an import or the start-up jobs. `work` must not write."""
        db = self.db
        if db is None:
            return
        self.runner.read(lambda: work(db), on_success, on_failure)
