"""The Orders table: imported orders (and placeholders typed by hand), windowed like the cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QBrush, QColor
from sqlalchemy.orm import Session

from desktop_app.core.money import format_yuan
from desktop_app.core.privacy import mask_phone
from desktop_app.store import case_queries
from desktop_app.store.case_queries import OrderFilter, OrderSort
from desktop_app.store.rows import OrderRow
from desktop_app.store.search import SearchHits, is_phone_tail, search_hits
from desktop_app.ui import labels
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.widgets.paged_model import Column, PagedTableModel
from desktop_app.ui.widgets.status_colours import search_match

PLACEHOLDER_GREY = QColor("#8a8a8a")


def _tr(text: str) -> str:
    return QCoreApplication.translate("OrderTableModel", text)


def _columns(full_phones: Callable[[], bool]) -> list[Column[OrderRow]]:
    """`full_phones()` says whether phones are shown in full (设置) or masked, as by default."""
    return [
        Column(OrderSort.PLATFORM, _tr("平台"), lambda r: labels.platform(r.platform), lambda r: r.platform),
        Column(OrderSort.SHOP, _tr("店铺"), lambda r: r.shop or "", lambda r: r.shop or ""),
        Column(OrderSort.ORDER_NO, _tr("订单号"), lambda r: r.order_no, lambda r: r.order_no),
        Column(OrderSort.STATUS, _tr("订单状态"),
               lambda r: r.status or ("" if r.imported else _tr("（未导入）")), lambda r: r.status or ""),
        Column(OrderSort.RECEIVER, _tr("收货人"), lambda r: r.receiver or "", lambda r: r.receiver or ""),
        Column(OrderSort.PHONE, _tr("手机"), lambda r: (r.phone or "") if full_phones() else mask_phone(r.phone),
               lambda r: r.phone or ""),
        Column(OrderSort.PAID, _tr("实付金额"), lambda r: format_yuan(r.paid_fen), lambda r: r.paid_fen or 0,
               align_right=True),
        Column(OrderSort.PAID_AT, _tr("付款时间"), lambda r: labels.when(r.paid_at),
               lambda r: r.paid_at.timestamp() if r.paid_at else 0.0),
        Column(OrderSort.CARRIER, _tr("物流公司"), lambda r: r.carrier or "", lambda r: r.carrier or ""),
        Column(OrderSort.TRACKING, _tr("物流单号"), lambda r: r.tracking_no or "", lambda r: r.tracking_no or ""),
        Column("cases", _tr("售后单"), lambda r: str(r.case_count) if r.case_count else "",
               lambda r: r.case_count, align_right=True),
    ]


@dataclass(frozen=True, slots=True)
class OrderQuery:
    filter: OrderFilter
    sort: OrderSort = OrderSort.PAID_AT
    descending: bool = True
    hits: SearchHits | None = None  # the search's orders, read once per load (`prepare`)

    def prepare(self, session: Session) -> OrderQuery:
        if not self.filter.search.strip():
            return self
        return replace(self, hits=search_hits(session, self.filter.search))

    def count(self, session: Session) -> int:
        return case_queries.count_orders(session, self.filter, self.hits)

    def page(self, session: Session, offset: int, limit: int) -> list[OrderRow]:
        return case_queries.order_rows(session, self.filter, self.sort, self.descending, offset, limit, self.hits)


class OrderTableModel(PagedTableModel[OrderRow]):
    def __init__(self, runner: BackgroundRunner, parent: QObject | None = None,
                 full_phones: Callable[[], bool] = lambda: False) -> None:
        self._query_state = OrderQuery(OrderFilter())
        super().__init__(_columns(full_phones), runner, self._query_state, parent)

    @property
    def filter(self) -> OrderFilter:
        return self._query_state.filter

    @property
    def query(self) -> OrderQuery:
        return self._query_state

    def set_filter(self, f: OrderFilter) -> None:
        self._query_state = replace(self._query_state, filter=f)
        self.set_query(self._query_state)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.column_key(column)
        if key not in OrderSort._value2member_map_:
            return  # the case count is not a stored column; keep the current order
        self._query_state = replace(self._query_state, sort=OrderSort(key),
                                    descending=order == Qt.SortOrder.DescendingOrder)
        self.set_query(self._query_state)

    def decorate(self, row: OrderRow, column: Column[OrderRow], role: int) -> object:
        if column.key == OrderSort.PHONE and is_phone_tail(self.filter.search):  # the field that matched
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(search_match())
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#f5f5f5" if search_match().lightness() < 128 else "#202020"))
            if role == Qt.ItemDataRole.ToolTipRole:
                return _tr("按手机号后四位匹配")
        if role == Qt.ItemDataRole.ForegroundRole and not row.imported:
            return QBrush(PLACEHOLDER_GREY)
        return None
