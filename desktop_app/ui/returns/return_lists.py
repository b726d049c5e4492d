"""The returns desk's two lists under the scan: 在途退货 (returns the buyer sent more than N days ago and
the shop has not received, to chase before the platform's confirmation timer runs out) and 无主件
(parcels that matched no case, to link to one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.clock import now
from desktop_app.core.returns import InspectionResult
from desktop_app.core.vocabulary import Platform
from desktop_app.services.returns import match_parcel
from desktop_app.store.database import Database
from desktop_app.store.return_queries import ReturnCaseRow, UnmatchedParcelRow, returns_in_transit, unmatched_parcels
from desktop_app.ui import labels
from desktop_app.ui.context import AppContext
from desktop_app.ui.returns.return_menus import transit_menu, unmatched_menu
from desktop_app.ui.widgets.column_fit import ORDER_NO, Fit, fit_columns, moment, vocabulary
from desktop_app.ui.widgets.full_text_tips import show_full_texts
from desktop_app.ui.widgets.status_colours import urgency
from desktop_app.ui.widgets.table_menu import install_menu

DEFAULT_TRANSIT_DAYS = 5


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReturnsTab", text)  # the tab's texts, translated as they always were


@dataclass(frozen=True, slots=True)
class Lists:
    in_transit: list[ReturnCaseRow]
    unmatched: list[UnmatchedParcelRow]


class ReturnLists(QTabWidget):
    open_case = Signal(int)
    said = Signal(str)  # what a link did, or why it did not: the tab shows it
    failed = Signal(object)  # an Exception: the tab says it

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        transit_page = QWidget()
        transit_layout = QVBoxLayout(transit_page)
        days_row = QHBoxLayout()
        days_row.addWidget(QLabel(_tr("买家寄出超过")))
        self.days = QSpinBox()
        self.days.setObjectName("transit_days")
        self.days.setRange(0, 60)
        self.days.setValue(DEFAULT_TRANSIT_DAYS)
        days_row.addWidget(self.days)
        days_row.addWidget(QLabel(_tr("天仍未收到的退货（在平台确认收货时限前催一催）")))
        days_row.addStretch(1)
        transit_layout.addLayout(days_row)
        self.transit_table = _table("transit_table", [
            _tr("编号"), _tr("平台"), _tr("订单号"), _tr("买家"), _tr("退货运单"),
            _tr("寄出时间"), _tr("时限")], (("99999",), vocabulary(Platform), (ORDER_NO,), 80, 200, moment()))
        transit_layout.addWidget(self.transit_table)
        unmatched_page = QWidget()
        unmatched_layout = QVBoxLayout(unmatched_page)
        self.unmatched_table = _table("unmatched_table", [
            _tr("编号"), _tr("运单号"), _tr("快递（推测）"), _tr("收到时间"), _tr("验货"),
            _tr("备注")], (("99999",), 200, 110, moment(), vocabulary(InspectionResult)))
        unmatched_layout.addWidget(self.unmatched_table)
        match_row = QHBoxLayout()
        self.match_button = QPushButton(_tr("关联到售后单…"))
        self.match_button.clicked.connect(self.match_selected)
        match_row.addWidget(self.match_button)
        match_row.addStretch(1)
        unmatched_layout.addLayout(match_row)
        self.addTab(transit_page, _tr("在途退货"))
        self.addTab(unmatched_page, _tr("无主件"))

        self.transit_table.cellDoubleClicked.connect(self._open_transit)
        self.unmatched_table.cellDoubleClicked.connect(lambda _row, _column: self.match_selected())
        self._lists = Lists([], [])  # as the two tables show them (their right-click menus read the rows)
        install_menu(self.transit_table, self.transit_menu_at)
        install_menu(self.unmatched_table, self.unmatched_menu_at)

    def transit_menu_at(self, index: QModelIndex) -> QMenu | None:
        return transit_menu(self.transit_table, self._lists.in_transit, index, self.open_case.emit)

    def unmatched_menu_at(self, index: QModelIndex) -> QMenu | None:
        return unmatched_menu(self.unmatched_table, self._lists.unmatched, index, self.match_selected)

    def refresh(self) -> None:
        days = self.days.value()
        self._context.look_up(lambda session: Lists(returns_in_transit(session, now() - timedelta(days=days)),
                                                    unmatched_parcels(session)), self._fill, self.failed.emit)

    def _fill(self, lists: Lists) -> None:
        self._lists = lists
        self.transit_table.setRowCount(len(lists.in_transit))
        moment = now()
        for row, r in enumerate(lists.in_transit):
            parcel = " ".join(x for x in (r.return_carrier, r.return_tracking_no) if x)
            # As the Cases tab's 下一个时限: a deadline the platform settled by itself (淘宝 refunds when the
            # return is not confirmed in 10 days) is said to be settled, not shown as a time still ahead.
            shown = r.shown(moment)
            if shown.timer is not None:
                due = f"{labels.when(shown.timer.due_at)} {labels.text(shown.timer.name)}"
            else:
                due = _tr("平台已超时自动处理：%1").replace("%1", labels.text(shown.acted)) if shown.acted else ""
            items = _fill_row(self.transit_table, row, r.id, [
                str(r.id), labels.platform(r.platform), r.order_no, r.receiver or "", parcel,
                labels.when(r.return_shipped_at), due])
            if shown.timer is not None:
                items[-1].setForeground(urgency(shown.timer.due_at, moment))
        self.unmatched_table.setRowCount(len(lists.unmatched))
        for row, p in enumerate(lists.unmatched):
            _fill_row(self.unmatched_table, row, p.id, [
                str(p.id), p.tracking_no, p.carrier_guess or _tr("未知"), labels.when(p.received_at),
                labels.label(InspectionResult(p.result)), p.note or ""])
        self.setTabText(0, _tr("在途退货（%1）").replace("%1", str(len(lists.in_transit))))
        self.setTabText(1, _tr("无主件（%1）").replace("%1", str(len(lists.unmatched))))

    def match_selected(self) -> None:
        row = self.unmatched_table.currentRow()
        item = self.unmatched_table.item(row, 0) if row >= 0 else None
        if item is None:
            self.said.emit(_tr("请先在无主件列表中选一个包裹"))
            return
        parcel_id = int(item.data(Qt.ItemDataRole.UserRole))
        case_id, ok = QInputDialog.getInt(self, _tr("关联到售后单"), _tr("售后单编号："), 1, 1)
        if ok:
            self.match_parcel(parcel_id, case_id)

    def match_parcel(self, parcel_id: int, case_id: int) -> None:
        def work(db: Database) -> object:
            return match_parcel(db, parcel_id, case_id)

        def done(_received: object) -> None:
            self.said.emit(_tr("无主件 #%1 已关联到售后单 #%2").replace("%1", str(parcel_id)).replace(
                "%2", str(case_id)))

        self._context.write(work, done, self.failed.emit, origin=self)

    def _open_transit(self, row: int, _column: int) -> None:
        item = self.transit_table.item(row, 0)
        if item is not None:
            self.open_case.emit(int(item.data(Qt.ItemDataRole.UserRole)))


def _table(name: str, headers: list[str], widths: tuple[Fit, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(24)
    fit_columns(table, table.horizontalHeader(), widths)
    show_full_texts(table)
    return table


def _fill_row(table: QTableWidget, row: int, key: int, texts: list[str]) -> list[QTableWidgetItem]:
    items = []
    for column, text in enumerate(texts):
        item = QTableWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, key)
        table.setItem(row, column, item)
        items.append(item)
    return items
