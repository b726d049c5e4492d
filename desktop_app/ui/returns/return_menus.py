"""Right-click menus of the returns desk's lists: 在途退货 (open the case, copy the order number and the
return parcel's tracking number, to chase the courier) and 无主件 (match it to a case, copy its number)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QModelIndex
from PySide6.QtWidgets import QMenu, QTableWidget

from desktop_app.store.return_queries import ReturnCaseRow, UnmatchedParcelRow
from desktop_app.ui.widgets.table_menu import add_copy_entry


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReturnMenus", text)


def _menu(table: QTableWidget, index: QModelIndex) -> QMenu:
    table.selectRow(index.row())
    menu = QMenu(table)
    menu.setObjectName("row_menu")
    return menu


def transit_menu(table: QTableWidget, rows: Sequence[ReturnCaseRow], index: QModelIndex,
                 open_case: Callable[[int], None]) -> QMenu | None:
    """The menu of a return on its way (None off the rows)."""
    if not index.isValid() or not 0 <= index.row() < len(rows):
        return None
    row = rows[index.row()]
    menu = _menu(table, index)
    menu.addAction(_tr("打开售后单")).triggered.connect(lambda _c=False: open_case(row.id))
    menu.addSeparator()
    add_copy_entry(menu, "copy_order_no", _tr("复制订单号"), row.order_no, _tr("这一行没有订单号"))
    add_copy_entry(menu, "copy_tracking_no", _tr("复制退货运单号"), row.return_tracking_no,
                   _tr("买家还没有填写退货运单号"))
    return menu


def unmatched_menu(table: QTableWidget, rows: Sequence[UnmatchedParcelRow], index: QModelIndex,
                   match: Callable[[], None]) -> QMenu | None:
    """The menu of a parcel no case claimed (None off the rows)."""
    if not index.isValid() or not 0 <= index.row() < len(rows):
        return None
    row = rows[index.row()]
    menu = _menu(table, index)
    menu.addAction(_tr("关联到售后单…")).triggered.connect(lambda _c=False: match())
    menu.addSeparator()
    add_copy_entry(menu, "copy_tracking_no", _tr("复制运单号"), row.tracking_no, _tr("这一行没有运单号"))
    return menu
