"""What a launch reads of a ledger file before the window is built (issue 15).

The Cases table's first page (store/first_page: the sqlite3 driver alone) and the file's integrity
check are read on a thread of their own from the start of `run_gui`, while the GUI thread imports the
window's code and paints it: both run in SQLite, without Python's lock, on the core the GUI thread
leaves idle then. The page is read in the sort the table had when the window was last closed
(`remember_order`); the window shows it if the table restores that sort, and reads its first page again
otherwise.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from PySide6.QtCore import QSettings

from desktop_app.store.case_filters import CaseOrder, CaseSort
from desktop_app.store.first_page import FirstPage, read_first_page
from desktop_app.store.ledger_files import IntegrityReport, check_integrity
from desktop_app.store.locations import LedgerLocation
from desktop_app.ui.widgets.paged_model import PAGE_SIZE

ORDER_KEY = "tabs/CasesTab/first_sort"  # the Cases table's sort at the last close: "<column> asc|desc"


@dataclass(frozen=True, slots=True)
class EarlyReads:
    order: CaseOrder  # the sort `first_page` is read in
    first_page: Future[FirstPage | None]
    checked: Future[IntegrityReport] | None  # None: the window queues the check itself


def remembered_order(settings: QSettings) -> CaseOrder:
    """The Cases table's sort when the window was last closed (its header state says the same, but
    only once the tab is built)."""
    column, _, direction = str(settings.value(ORDER_KEY, "")).partition(" ")
    if column not in CaseSort._value2member_map_ or direction not in ("asc", "desc"):
        return CaseOrder()
    return CaseOrder(CaseSort(column), direction == "desc")


def remember_order(settings: QSettings, order: CaseOrder) -> None:
    settings.setValue(ORDER_KEY, f"{order.column.value} {'desc' if order.descending else 'asc'}")


def start_early_reads(location: LedgerLocation, settings: QSettings) -> EarlyReads | None:
    """A ledger file's first page, then its integrity check, on a thread of their own; None for a team
    server (its tab is built once it has opened)."""
    path = location.path
    if path is None:
        return None
    order = remembered_order(settings)
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-early")
    try:
        first_page = executor.submit(read_first_page, path, order, PAGE_SIZE)
        checked = executor.submit(check_integrity, path)
    finally:
        executor.shutdown(wait=False)  # the thread ends after these two
    return EarlyReads(order, first_page, checked)
