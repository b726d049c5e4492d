"""The Cases table: columns over `CaseRow`, filtered and sorted by the database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.core.clock import now
from desktop_app.core.deadline_display import OpenTimer
from desktop_app.core.money import format_yuan
from desktop_app.core.privacy import mask_phone
from desktop_app.store.case_filters import CaseFilter, CaseOrder, CaseSort
from desktop_app.store.rows import CaseRow
from desktop_app.store.search_terms import is_phone_tail
from desktop_app.ui import labels
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.widgets.paged_model import ROW_ROLE, SORT_ROLE, Column, PagedTableModel
from desktop_app.ui.widgets.status_colours import DONE, DUE_SOON, OVERDUE, search_match, urgency

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop_app.store.case_listing import CasePages
    from desktop_app.store.database import Database
    from desktop_app.store.first_page import FirstPage

log = logging.getLogger(__name__)
SOON = DUE_SOON
CLOSED_GREY = QColor("#8a8a8a")  # the other cells of a finished row


def _tr(text: str) -> str:
    return QCoreApplication.translate("CaseTableModel", text)


def countdown(due: datetime | None, reference: datetime | None = None) -> str:
    """'剩 5 小时' / '已逾期 2 天' — how a shop owner reads a timer."""
    if due is None:
        return ""
    delta = due - (reference or now())
    late = delta < timedelta(0)
    span = abs(delta)
    # Under two days the hours matter (47 h is not "1 天"); from two days on, whole days left.
    if span >= timedelta(days=2):
        amount = _tr("%n 天").replace("%n", str(span.days))
    elif span >= timedelta(days=1):
        amount = _tr("%n 小时").replace("%n", str(int(span.total_seconds() // 3600)))
    elif span >= timedelta(hours=1):
        amount = _tr("%n 小时").replace("%n", str(span.seconds // 3600))
    else:
        amount = _tr("%n 分钟").replace("%n", str(max(1, span.seconds // 60)))
    return (_tr("已逾期 %1") if late else _tr("剩 %1")).replace("%1", amount)


def urgency_colour(due: datetime | None, reference: datetime | None = None) -> QColor | None:
    if due is None:
        return None
    left = due - (reference or now())
    if left < timedelta(0):
        return OVERDUE
    if left < timedelta(hours=24):
        return SOON
    return None


def _next_due_text(row: CaseRow) -> str:
    shown = row.shown(now())
    if shown.timer is not None:
        return f"{countdown(shown.timer.due_at)}{_estimated(shown.timer)} {labels.text(shown.timer.name)}".strip()
    return _tr("平台已超时自动处理：%1").replace("%1", labels.text(shown.acted)) if shown.acted else ""


def _columns() -> list[Column[CaseRow]]:
    return [
        Column("id", _tr("编号"), lambda r: str(r.id), lambda r: r.id, align_right=True),
        Column(CaseSort.PLATFORM, _tr("平台"), lambda r: labels.platform(r.platform), lambda r: r.platform),
        Column(CaseSort.SHOP, _tr("店铺"), lambda r: r.shop or "", lambda r: r.shop or ""),
        Column(CaseSort.ORDER_NO, _tr("订单号"), lambda r: r.order_no, lambda r: r.order_no),
        Column(CaseSort.RECEIVER, _tr("买家/收货人"), lambda r: r.receiver or "", lambda r: r.receiver or ""),
        Column(CaseSort.KIND, _tr("类型"), lambda r: labels.kind(r.kind), lambda r: r.kind),
        Column(CaseSort.REASON, _tr("原因"), lambda r: labels.reason(r.reason), lambda r: r.reason or ""),
        Column(CaseSort.STATUS, _tr("状态"), lambda r: labels.status(r.status), lambda r: r.status),
        Column(CaseSort.AMOUNT, _tr("金额"), lambda r: format_yuan(r.amount_fen), lambda r: r.amount_fen or 0,
               align_right=True),
        Column(CaseSort.RESPONSIBLE, _tr("责任方"), lambda r: labels.responsible(r.responsible),
               lambda r: r.responsible or ""),
        # Sorted by the stored next deadline (indexed), which the minute tick keeps at what the cell shows
        # (ui/cases/next_due_clock.py): once an answer the platform gives by itself ran out, what follows.
        Column(CaseSort.NEXT_DUE, _tr("下一个时限"), _next_due_text,
               lambda r: r.next_due_at.timestamp() if r.next_due_at else float("inf")),
        Column(CaseSort.UPDATED, _tr("更新时间"), lambda r: labels.when(r.updated_at),
               lambda r: r.updated_at.timestamp()),
    ]


@dataclass(frozen=True, slots=True)
class CaseQuery:
    filter: CaseFilter
    order: CaseOrder

    def prepare(self, session: Session) -> ListedCases | SearchedCases:
        """A search lists the cases of at most SEARCH_LIMIT orders: they are found once, in screen order.
        Otherwise the load's pages are read through one `CasePages` (its anchors live as long as the load)."""
        if not self.filter.search.strip():
            return ListedCases(self.filter, self.order)
        from desktop_app.store.search import search_hits  # on the reading thread (see _queries)

        hits = search_hits(session, self.filter.search)
        ids = _queries().listed_case_ids(session, self.filter, self.order, hits)
        return SearchedCases(tuple(ids), hits.cut)

    def count(self, session: Session) -> int:
        return _queries().count_cases(session, self.filter)

    def page(self, session: Session, offset: int, limit: int) -> list[CaseRow]:
        return _queries().case_rows(session, self.filter, self.order, offset, limit)


class ListedCases:
    """The cases one load lists without a search: its pages are read through one store `CasePages`,
    made by the first page read (on the reading thread, where the store is imported), whose anchors make
    a page deep down a seek instead of an OFFSET walk (issue 15). The next load makes a new one, so
    anchors never outlive the data they were read from."""

    def __init__(self, f: CaseFilter, order: CaseOrder) -> None:
        self.filter, self.order = f, order
        self._pages: CasePages | None = None
        self._total: int | None = None  # the load's count: a page in the lower half is read from the end

    def prepare(self, session: Session) -> ListedCases:
        return self

    def count(self, session: Session) -> int:
        self._total = _queries().count_cases(session, self.filter)
        return self._total

    def page(self, session: Session, offset: int, limit: int) -> list[CaseRow]:
        if self._pages is None:
            self._pages = _listing().CasePages(self.filter, self.order)
        return _queries().rows_of_cases(session, self._pages.ids(session, offset, limit, self._total))


@dataclass(frozen=True, slots=True)
class SearchedCases:
    """The cases a search lists, in screen order; `cut`: more orders matched than are listed."""

    ids: tuple[int, ...]
    cut: bool

    def prepare(self, session: Session) -> SearchedCases:
        return self

    def count(self, session: Session) -> int:
        return len(self.ids)

    def page(self, session: Session, offset: int, limit: int) -> list[CaseRow]:
        return _queries().rows_of_cases(session, self.ids[offset:offset + limit])


# Each kind of search the box runs (one character, two, a substring with a trigram), with letters no
# ledger holds: nothing matches, so each costs a few index probes.
_PROBES = ("ꙮ", "ꙮꙮ", "ꙮꙮꙮ")


def _warm(db: Database, order: CaseOrder) -> None:
    with db.reading() as session:
        for probe in _PROBES:
            CaseQuery(CaseFilter(search=probe), order).prepare(session)
        _queries().rows_of_cases(session, [0])  # a search's page (no case 0)


def _queries() -> ModuleType:
    """store.case_queries, imported by the first read that needs it — on the reading thread: the
    table's first screen comes from store/first_page before SQLAlchemy is imported (issue 15)."""
    from desktop_app.store import case_queries

    return case_queries


def _listing() -> ModuleType:
    """store.case_listing, as `_queries`."""
    from desktop_app.store import case_listing

    return case_listing


# The roles this model answers; a view asks each cell for more (font, check state, icon) on every paint.
_ANSWERED_ROLES = frozenset(int(r) for r in (
    Qt.ItemDataRole.DisplayRole, ROW_ROLE, SORT_ROLE, Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole))


class CaseTableModel(PagedTableModel[CaseRow]):
    def __init__(self, runner: BackgroundRunner, parent: QObject | None = None) -> None:
        self._query_state = CaseQuery(CaseFilter(), CaseOrder())
        self._phone_tail = False  # the search is a phone's last four: asked by every cell painted
        super().__init__(_columns(), runner, self._query_state, parent)
        self._early: int | None = None  # the generation of a first page read before the ledger opened
        self.kept_first_page = False  # the ledger opened on that page: no load followed

    # --- the first screen, before the ledger is open (issue 15) ----------------------------------
    def show_first_page(self, f: CaseFilter, page: FirstPage) -> None:
        """Rows read by store/first_page while the ledger opens: shown as a load of (`f`, its order).
        A search, filter or sort asked for meanwhile waits for the ledger (the rows stay until then)."""
        self._query_state = CaseQuery(f, page.order)
        self._query = self._query_state
        self._generation += 1
        self._early = self._generation
        self._listing, self._listed = ListedCases(f, page.order), self._generation
        self._apply(page.total, list(page.rows))

    @property
    def showing_first_page(self) -> bool:
        """The rows shown are still the early first page of what the table lists now."""
        return self._early is not None and self._early == self._generation

    def reload(self, on_done: Callable[[], None] | None = None) -> None:
        if self._db is None and self._early is not None:
            self._generation += 1  # asked for before the ledger opened: `set_database` reads it
            return
        super().reload(on_done)

    def set_database(self, db: Database | None, load: bool = True) -> None:
        """The ledger is open: an early first page still current stays when `load` is False (its other
        pages are read from now on); otherwise what the table lists now is read (`kept_first_page`
        says which: the window starts the start-up jobs only after that read)."""
        early, self._early = self.showing_first_page, None
        self.kept_first_page = early and db is not None and not load
        if not self.kept_first_page:
            super().set_database(db, load)
            return
        self._db = db
        if self._total:  # rows scrolled to meanwhile show "…": the view asks for them again
            self.dataChanged.emit(self.index(0, 0), self.index(self._total - 1, self.columnCount() - 1))

    def warm_searches(self) -> None:
        """Each kind of search once, matching nothing, on the reading thread (after start-up): the first
        keystroke of each kind then does not pay for building its statements and the server's first
        plans (on PostgreSQL ≈ 40 ms of the first search)."""
        db, order = self._db, self.order
        if db is not None:
            # A failed warm-up costs nothing but its time: the searches themselves report their errors.
            self._runner.read(lambda: _warm(db, order), None, lambda error: log.warning("search warm-up: %s", error))

    @property
    def filter(self) -> CaseFilter:
        return self._query_state.filter

    @property
    def order(self) -> CaseOrder:
        return self._query_state.order

    @property
    def search_cut(self) -> bool:
        """The rows shown are a search's first SEARCH_LIMIT orders' cases: more orders matched."""
        listing = self.listing
        return isinstance(listing, SearchedCases) and listing.cut

    def set_filter(self, f: CaseFilter) -> None:
        self._query_state = replace(self._query_state, filter=f)
        self._phone_tail = is_phone_tail(f.search)
        self.set_query(self._query_state)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.column_key(column)
        sort = CaseSort(key) if key in CaseSort._value2member_map_ else CaseSort.ID
        descending = order == Qt.SortOrder.DescendingOrder
        self._query_state = replace(self._query_state, order=CaseOrder(sort, descending))
        self.set_query(self._query_state)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A phone's last four found the case: the 买家/收货人 cell says so, with the phone's tail."""
        if role not in _ANSWERED_ROLES:
            return None
        if (role == Qt.ItemDataRole.DisplayRole and self._phone_tail and index.isValid()
                and self.column_key(index.column()) == CaseSort.RECEIVER):
            row = self.data(index, ROW_ROLE)
            if isinstance(row, CaseRow) and row.phone:
                tail = _tr("手机尾号%1").replace("%1", self.filter.search.strip())
                return f"{row.receiver} · {tail}" if row.receiver else tail
        return super().data(index, role)

    def decorate(self, row: CaseRow, column: Column[CaseRow], role: int) -> object:
        if column.key == CaseSort.RECEIVER and self._phone_tail:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(search_match())
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#f5f5f5" if search_match().lightness() < 128 else "#202020"))
            if role == Qt.ItemDataRole.ToolTipRole:
                return _tr("按手机号后四位匹配：%1").replace("%1", mask_phone(row.phone))
        if role == Qt.ItemDataRole.ForegroundRole:
            if column.key == CaseSort.STATUS:  # the one status-colour system (ui/widgets/status_colours.py)
                moment = now()
                return QBrush(DONE if not row.is_open else urgency(row.next_due(moment)[0], moment))
            if column.key == CaseSort.NEXT_DUE and row.is_open:
                moment = now()
                colour = urgency_colour(row.next_due(moment)[0], moment)
                return QBrush(colour) if colour else None
            if not row.is_open:
                return QBrush(CLOSED_GREY)
        if role == Qt.ItemDataRole.ToolTipRole and column.key == CaseSort.NEXT_DUE:
            return _next_due_tip(row)
        return None


def _next_due_tip(row: CaseRow) -> str | None:
    """The shown deadline's time; with a pending answer, also what follows if the platform answers."""
    shown = row.shown(now())
    if shown.timer is None:
        return None
    tip = labels.when(shown.timer.due_at) + _estimated(shown.timer)
    if shown.then is not None:
        then = _tr("平台超时自动处理后：%1 %2 到期").replace("%1", labels.text(shown.then.name))
        tip += "\n" + then.replace("%2", labels.when(shown.then.due_at) + _estimated(shown.then))
    if shown.timer.estimated or (shown.then is not None and shown.then.estimated):
        tip += "\n" + _tr("估算：按工作日计算的时限落在还没有官方节假日与调休安排的年份，"
                           "按周一至周五估算，法定节假日不算工作日，调休未知；"
                           "或活动窗口（如双11）还没有当年的日期，按往年的日期估算")
    return tip


def _estimated(timer: OpenTimer) -> str:
    """"（估算）" after a due counted on working days of a year without an official schedule, as the
    calendar and `deadlines` mark it."""
    return _tr("（估算）") if timer.estimated else ""
