"""Opening the ledger at start-up (issue 15), mixed into `MainWindow`.

The window paints; the Cases tab's code (no SQLAlchemy) is imported on the preparing thread and the
tab built; on a ledger file its first page is read on the sqlite3 driver alone (store/first_page) and
shown; then the worker runs the file's integrity check and the ledger opens the usual way (SQLAlchemy,
migrations) with the tabs' code imported beside them. Commands chosen before it has opened run once it
has (`_when_open`).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QPaintEvent

from desktop_app.services.team import seat_name
from desktop_app.store.case_filters import CaseOrder, CaseSort
from desktop_app.store.first_page import FirstPage, read_first_page
from desktop_app.store.ledger_files import IntegrityReport, check_integrity
from desktop_app.store.locations import LedgerLocation
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.after_paint import after_paint
from desktop_app.ui.widgets.paged_model import PAGE_SIZE
from desktop_app.ui.window.startup import FIRST_MODULES, OPEN_MODULES, load_modules
from desktop_app.ui.window.window_host import WindowHost

if TYPE_CHECKING:
    from desktop_app.store.database import Database

PAINT_WAIT_MS = 300
ORDER_KEY = "tabs/CasesTab/first_sort"  # the Cases table's sort at the last close: "<column> asc|desc"


def remembered_order(settings: QSettings) -> CaseOrder:
    """The Cases table's sort when the window was last closed (its header state says the same, but
    only once the tab is built): the early first page is read in it."""
    column, _, direction = str(settings.value(ORDER_KEY, "")).partition(" ")
    known = {sort.value: sort for sort in CaseSort}
    if column not in known or direction not in ("asc", "desc"):
        return CaseOrder()
    return CaseOrder(known[column], direction == "desc")


def remember_order(settings: QSettings, order: CaseOrder) -> None:
    settings.setValue(ORDER_KEY, f"{order.column.value} {'desc' if order.descending else 'asc'}")


class WindowOpening(WindowHost):
    """Mixed into `MainWindow` (a QMainWindow): `self` is the window."""

    context: AppContext
    runner: BackgroundRunner
    location: LedgerLocation
    _opening: bool
    _open_on_paint: bool
    _after_open: list[Callable[[], object]]
    _pane_code_ready: bool
    _early_page: tuple[CaseOrder, Future[FirstPage | None]] | None
    settings: QSettings

    # What it uses of MainWindow and the other mixins is declared in window_host.

    def _when_open(self, slot: Callable[[], object]) -> Callable[..., None]:
        """A command chosen while the ledger is still opening (the Cases table shows its first page
        before, store/first_page) runs once it is open, instead of being lost."""
        def run(*_checked: object) -> None:
            if self.context.db is None and self._opening:
                self._after_open.append(slot)
                self.statusBar().showMessage(self.tr("正在打开数据库，打开后继续……"), 3000)
                return
            slot()
        return run

    def open_when_painted(self) -> None:
        """Open the ledger once the window has painted (it shows at once; the Cases tab is built then),
        or after PAINT_WAIT_MS if no paint comes (a window started minimised). Meanwhile, off the GUI
        thread, the Cases tab's code is imported and a ledger file's first page read in the sort the
        table had last time (`remember_order`): the window paints in C++, beside them."""
        self._open_on_paint = True
        path = self.location.path
        if not self.tabs.count() and path is not None:
            self.runner.prepare(lambda: load_modules(FIRST_MODULES))
            order = remembered_order(self.settings)
            early = self.runner.read(lambda: read_first_page(path, order, PAGE_SIZE))
            self._early_page = None if early is None else (order, early)
        QTimer.singleShot(PAINT_WAIT_MS, self._painted)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._open_on_paint:
            QTimer.singleShot(0, self._painted)

    def _painted(self) -> None:
        if self._open_on_paint:
            self._open_on_paint = False
            self.open_database()

    def open_database(self) -> None:
        """After the window is painted: the Cases tab, and on a ledger file its first page read on the
        reading thread with the sqlite3 driver alone (store/first_page), shown before SQLAlchemy is
        imported; then the ledger opens (`_open_ledger`)."""
        self._opening = True
        path = self.location.path
        if self.tabs.count() or path is None:  # reopened after a restore, or a team server
            self._open_ledger()
            return

        def check_then_open() -> None:
            # The file's integrity check (SQLite's, no SQLAlchemy: 0.5 s at most) on the worker, then the
            # opening there. Queued once the first page is painted: beside the tab's building and the
            # first page's read it made three busy threads on two cores at the very time of the launch.
            self._open_ledger(self.runner.run(lambda: check_integrity(path)))

        def shown(page: FirstPage | None) -> None:
            if page is not None and self.context.db is None and self.cases_tab.show_first_page(page):
                self._set_enabled(True)  # commands chosen now run once the ledger is open
                # The opening imports SQLAlchemy and the panes' code on other threads: after the rows
                # are painted, which would otherwise share Python's lock with it (ui/widgets/after_paint).
                self.after_rows_painted(check_then_open)
                return
            check_then_open()

        early, self._early_page = self._early_page, None

        def first_page(order: CaseOrder) -> FirstPage | None:
            # On the reading thread, after the early read queued there (if any): its page when the
            # table's restored sort is the one it was read in.
            if early is not None and early[0] == order:
                return early[1].result()
            return read_first_page(path, order, PAGE_SIZE)

        def build(_loaded: object = None) -> None:
            if not self.cases_tab_built:  # (a command may have asked for the tabs meanwhile)
                self._build_first_tab()
            order = self.cases_tab.model.order  # as restored (the saved sort)
            self.runner.read(lambda: first_page(order), show_later, lambda _e: check_then_open())

        def show_later(page: FirstPage | None) -> None:
            # Read while the tab was built, the page arrives in the same event-loop pass: a turn of the
            # loop between building and showing (painting) it, instead of one long freeze.
            release = self.runner.hold()

            def show() -> None:
                release()
                shown(page)
            QTimer.singleShot(1, self, show)

        # The tab's code is imported off the GUI thread (the window stays responsive), then built here.
        if self.runner.prepare(lambda: load_modules(FIRST_MODULES), build) is None:
            build()

    def after_rows_painted(self, work: Callable[[], object]) -> None:
        """`work` (which queues imports on other threads) once the Cases tab's rows (or its empty
        page) are painted: the imports would share Python's lock with that paint (ui/widgets/after_paint).
        Counted in the runner's `busy` meanwhile."""
        release = self.runner.hold()

        def run() -> None:
            release()
            work()
        after_paint(self.cases_tab.shown_page(), run)

    def _open_ledger(self, checked: Future[IntegrityReport] | None = None) -> None:
        """Open (create, migrate) the ledger on the worker thread while the reading thread imports the
        ledger's and the table's code (the worker's import waits for the same modules). The detail
        panes' code comes after the table's first read on the open ledger (`_first_page_shown`): the
        ledger is delivered, and a search typed meanwhile read and painted, without waiting for it or
        sharing Python's lock with it. `checked`: the file's integrity check, queued on the worker before."""
        location = self.location
        self.runner.read(lambda: load_modules(OPEN_MODULES))

        def work() -> Database:
            from desktop_app.store.database import open_database

            report = checked.result() if checked is not None and checked.done() else None
            return open_database(location, seat=seat_name, checked=report)

        self.runner.run(work, self._database_opened, self._database_failed)

    def _pane_code_loaded(self, _loaded: object = None) -> None:
        self._pane_code_ready = True
        if self.context.db is not None and self.cases_tab_built and self.cases_tab.detail is None:
            self._build_panes()  # the ledger opened first
