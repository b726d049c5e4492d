"""Counts in the tab titles: 售后单（12） open cases, 退货入库（3） returns waiting too long and parcels
without a case, 时效日历（5） overdue deadlines, 订单（1,204） orders. (补发队列 and 快递理赔 count their
own, kept current by their tabs.) Each title's tooltip says what its number counts.

One read on the worker thread after the ledger opens and after each change, debounced so a burst of
writes (an import, a batch) is counted once; the titles change only when a number does. It gives way
to the user's reads (ui/aside_reads.py): at a million cases it is ≈ 1 s of work for the server and a
core, which a keystroke's search beside it waited for (issue 18).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QTabWidget, QWidget

from desktop_app.core.clock import now
from desktop_app.store.case_queries import CaseFilter, OpenState, OrderFilter, count_cases, count_orders
from desktop_app.store.deadline_lists import count_overdue
from desktop_app.store.return_queries import returns_in_transit, unmatched_parcels
from desktop_app.ui.background import Announcement
from desktop_app.ui.context import AppContext

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DEBOUNCE_MS = 1500  # a burst of writes (an import, a batch) is counted once


@dataclass(frozen=True, slots=True)
class TabCounts:
    open_cases: int
    returns: int  # on the way longer than the returns desk's limit, plus parcels without a case
    overdue: int
    orders: int


def read_counts(session: Session, transit_days: int) -> TabCounts:
    moment = now()
    open_cases = count_cases(session, CaseFilter(open_state=OpenState.OPEN))
    returns = (len(returns_in_transit(session, moment - timedelta(days=transit_days)))
               + len(unmatched_parcels(session)))
    overdue = count_overdue(session, moment)
    orders = count_orders(session, OrderFilter())
    return TabCounts(open_cases, returns, overdue, orders)


def titled(title: str, count: int) -> str:
    """补发队列（3）: the title with the number of things in it (none: the title alone)."""
    text = QCoreApplication.translate("TabTitles", "%1（%2）")  # English: "Orders (1,204)"
    return text.replace("%1", title).replace("%2", f"{count:,}") if count else title


class TabTitles(QObject):
    """Keeps the counts in the titles of the cases, returns, calendar and orders tabs."""

    def __init__(self, tabs: QTabWidget, context: AppContext, pages: dict[str, QWidget],
                 transit_days: Callable[[], int]) -> None:
        super().__init__(tabs)
        self._tabs = tabs
        self._context = context
        self._pages = pages  # "cases" / "returns" / "calendar" / "orders" → the tab's widget
        self._titles = {key: tabs.tabText(tabs.indexOf(page)) for key, page in pages.items()}
        self._transit_days = transit_days
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.read)
        tips = {"cases": self.tr("括号中是未结束的售后单数"),
                "returns": self.tr("括号中是寄出多日仍未收到的退货和无主件数"),
                "calendar": self.tr("括号中是已逾期的时限数"), "orders": self.tr("括号中是订单总数")}
        for key, page in pages.items():
            tabs.setTabToolTip(tabs.indexOf(page), tips[key])
        context.runner.changed.connect(self._changed)
        context.database_opened.connect(lambda _db: self._timer.start())
        if context.db is not None:  # made after the ledger opened (the tabs after 售后单 come later)
            self._timer.start()

    def _changed(self, announced: Announcement) -> None:
        if announced.changes.any:
            self._timer.start()

    def read(self) -> None:
        """Count (after a count under way, if any); a failed count keeps the titles, the next change retries."""
        if self._context.db is None:
            return
        days = self._transit_days()
        self._context.aside.look_up("tab titles", lambda session: read_counts(session, days), self._show)

    def _show(self, counts: TabCounts) -> None:
        numbers = {"cases": counts.open_cases, "returns": counts.returns, "calendar": counts.overdue,
                   "orders": counts.orders}
        for key, page in self._pages.items():
            index = self._tabs.indexOf(page)
            text = titled(self._titles[key], numbers[key])
            if index >= 0 and self._tabs.tabText(index) != text:
                self._tabs.setTabText(index, text)
