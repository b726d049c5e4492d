"""Right-click menus on the tables, and buttons that say why they are disabled.

The menu of a row offers what the tab's own buttons offer for it (the same enabled state, so never
an action the row's state forbids) plus copying its order and tracking numbers, which shop owners
paste into the platforms' back-offices all day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QMenu, QTableView

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
    for text, value in ((_tr("复制订单号"), getattr(row, "order_no", None)),
                        (_tr("复制运单号"), getattr(row, "tracking_no", None))):
        entry = menu.addAction(text)
        entry.setObjectName("copy_order_no" if "订单" in text else "copy_tracking_no")
        entry.setEnabled(bool(value))
        entry.triggered.connect(lambda _c=False, v=value: QApplication.clipboard().setText(str(v)))
    menu.setToolTipsVisible(True)
    return menu


def install_row_menu(table: QTableView, buttons: Sequence[QAbstractButton] = (),
                     actions: Sequence[RowAction] = ()) -> None:
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show(pos: QPoint) -> None:
        menu = row_menu(table, table.indexAt(pos), buttons, actions)
        if menu is not None:
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(table.viewport().mapToGlobal(pos))

    table.customContextMenuRequested.connect(show)


def explain(button: QAbstractButton, enabled: bool, why_not: str, tip: str = "") -> None:
    """Enable a button; when disabled, its tooltip says why (else its usual tooltip)."""
    button.setEnabled(enabled)
    button.setToolTip(tip if enabled else why_not)
