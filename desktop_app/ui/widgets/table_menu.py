"""Right-click menus on the tables, and buttons that say why they are disabled.

The menu of a row offers what the tab's own buttons offer for it (the same enabled state, so never
an action the row's state forbids) plus copying its order and tracking numbers, which shop owners
paste into the platforms' back-offices all day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QApplication, QMenu, QTableView

from desktop_app.ui.widgets.row_table_model import ROW_ROLE

RowAction = tuple[str, Callable[[Any], None]]  # a frozen row of the table's model


def _tr(text: str) -> str:
    return QCoreApplication.translate("TableMenu", text)


def row_menu(table: QTableView, index: QModelIndex, buttons: Sequence[QAbstractButton] = (),
             actions: Sequence[RowAction] = ()) -> QMenu | None:
    """The menu for the row at `index` (selected first, so the buttons act on it); None off the rows."""
    row = index.data(ROW_ROLE) if index.isValid() else None
    if row is None:
        return None
    if index.row() not in {i.row() for i in table.selectionModel().selectedRows()}:
        table.selectRow(index.row())
    menu = QMenu(table)
    menu.setObjectName("row_menu")
    for text, act in actions:
        menu.addAction(text).triggered.connect(lambda _c=False, a=act, r=row: a(r))
    for button in buttons:
        if button.isVisible() or not button.isHidden():
            entry = menu.addAction(button.text())
            entry.setEnabled(button.isEnabled())
            entry.setToolTip(button.toolTip())
            entry.triggered.connect(lambda _c=False, b=button: b.click())
    if not menu.isEmpty():
        menu.addSeparator()
    # Only the numbers a row of this table has: a case row carries no tracking number, and its menu
    # offered 复制运单号 greyed out on every case.
    if hasattr(row, "order_no"):
        add_copy_entry(menu, "copy_order_no", _tr("复制订单号"), row.order_no, _tr("这一行没有订单号"))
    if hasattr(row, "tracking_no"):
        add_copy_entry(menu, "copy_tracking_no", _tr("复制运单号"), row.tracking_no, _tr("这一行没有运单号"))
    menu.setToolTipsVisible(True)
    return menu


def add_copy_entry(menu: QMenu, name: str, text: str, value: object, why_not: str) -> None:
    """复制… : the value to the clipboard; greyed out without one, its tooltip saying so."""
    entry = menu.addAction(text)
    entry.setObjectName(name)
    entry.setEnabled(bool(value))
    entry.setToolTip(text if value else why_not)
    entry.triggered.connect(lambda _c=False, v=value: QApplication.clipboard().setText(str(v)))
    menu.setToolTipsVisible(True)


def install_menu(view: QAbstractItemView, menu_at: Callable[[QModelIndex], QMenu | None]) -> None:
    """Right-click on a row of any item view: `menu_at` builds the row's menu (None off the rows)."""
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show(pos: QPoint) -> None:
        menu = menu_at(view.indexAt(pos))
        if menu is not None:
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(view.viewport().mapToGlobal(pos))

    view.customContextMenuRequested.connect(show)


def install_row_menu(table: QTableView, buttons: Sequence[QAbstractButton] = (),
                     actions: Sequence[RowAction] = ()) -> None:
    install_menu(table, lambda index: row_menu(table, index, buttons, actions))


def explain(button: QAbstractButton, enabled: bool, why_not: str, tip: str = "") -> None:
    """Enable a button; when disabled, its tooltip says why (else its usual tooltip)."""
    button.setEnabled(enabled)
    button.setToolTip(tip if enabled else why_not)
