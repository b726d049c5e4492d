"""A list of deadlines beside the 时效日历 (a day's, the overdue, the due today or tomorrow): double-click,
Enter or the right-click menu opens a row's case; the menu also copies its order number."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTreeWidget, QTreeWidgetItem, QWidget

from desktop_app.core.deadline_display import Urgency
from desktop_app.core.money import format_yuan
from desktop_app.core.vocabulary import Platform
from desktop_app.store.deadline_lists import DeadlineRow
from desktop_app.ui import labels
from desktop_app.ui.cases.case_table_model import OVERDUE, SOON, countdown
from desktop_app.ui.widgets.column_fit import fit_columns, moment, vocabulary
from desktop_app.ui.widgets.full_text_tips import show_full_texts
from desktop_app.ui.widgets.status_colours import WAITING
from desktop_app.ui.widgets.table_menu import add_copy_entry, install_menu

LATER = WAITING  # open, more than 24 hours left (ui/widgets/status_colours.py)
URGENCY_COLOURS = {Urgency.OVERDUE: OVERDUE, Urgency.SOON: SOON, Urgency.LATER: LATER}
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the item's DeadlineRow


class DeadlineList(QTreeWidget):
    """Deadlines as rows; double-click or Enter on one asks to open its case."""

    case_activated = Signal(int)
    filled = Signal()  # new rows listed (a filter box counts what it still shows)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHeaderLabels([self.tr("到期时间"), self.tr("剩余"), self.tr("售后单"), self.tr("订单号"),
                              self.tr("平台"), self.tr("时限"), self.tr("到期后果")])
        # 订单号: a 拼多多 number whole, with room to spare beside a tree's item margins
        fit_columns(self, self.header(), (moment(), 90, ("#99999",), 190, vocabulary(Platform), 220))
        show_full_texts(self)
        self.itemActivated.connect(self._activated)
        install_menu(self, self.menu_at)
        self._filter = ""  # Ctrl+F's text (casefolded): rows without it are hidden, not dropped

    def menu_at(self, index: QModelIndex) -> QMenu | None:
        """The row's right-click menu: open its case, copy its order number (None off the rows)."""
        item = self.topLevelItem(index.row()) if index.isValid() else None
        row = item.data(0, ROW_ROLE) if item is not None else None
        if item is None or not isinstance(row, DeadlineRow):
            return None
        self.setCurrentItem(item)
        menu = QMenu(self)
        menu.setObjectName("row_menu")
        open_entry = menu.addAction(self.tr("打开售后单"))
        open_entry.setObjectName("open_case")
        open_entry.setEnabled(row.case_id is not None)
        open_entry.setToolTip(self.tr("打开售后单") if row.case_id is not None
                              else self.tr("这个时限不属于售后单（是一条理赔的跟进）"))
        open_entry.triggered.connect(lambda _c=False, r=row: self._activated_row(r))
        menu.addSeparator()
        add_copy_entry(menu, "copy_order_no", self.tr("复制订单号"), row.order_no, self.tr("这一行没有订单号"))
        return menu

    def set_rows(self, rows: Sequence[DeadlineRow], now: datetime) -> None:
        self.clear()
        items: list[QTreeWidgetItem] = []
        for row in rows:
            # Working days counted in a year without an official schedule: as the command line says it.
            due = labels.when(row.due_at) + (self.tr("（估算）") if row.estimated else "")
            consequence = self._consequence(row)
            item = QTreeWidgetItem([
                due, countdown(row.due_at, now), _owner(row), row.order_no or "",
                labels.platform(row.platform), labels.text(row.name), consequence,
            ])
            item.setData(0, ROW_ROLE, row)
            colour = URGENCY_COLOURS[row.urgency(now) or Urgency.LATER]
            if colour is not LATER:
                for column in (0, 1):
                    item.setForeground(column, colour)
            # The side lists are narrow: every cell's tooltip tells the whole item.
            tip = self.tr("售后单 #%1 · %2 · 订单 %3\n%4\n%5 到期（%6）\n到期后果：%7")
            for placeholder, value in (
                ("%1", _owner(row).lstrip("#")), ("%2", labels.platform(row.platform)), ("%3", row.order_no or "—"),
                ("%4", labels.text(row.name)), ("%5", due), ("%6", countdown(row.due_at, now)),
                ("%7", consequence),
            ):
                tip = tip.replace(placeholder, value)
            for column in range(self.columnCount()):
                item.setToolTip(column, tip)
            items.append(item)
        self.addTopLevelItems(items)
        self._apply_filter()
        self.filled.emit()

    def _consequence(self, row: DeadlineRow) -> str:
        """The consequence with the money a penalty puts at stake (or took), as `deadlines` and the 补发队列 say it:
        赔付3元，买家可申请平台介入（3.00 元）; Taobao's late shipment: 5 % of the price, capped at 30 元."""
        action = labels.text(row.action)
        if row.penalty_fen is None:
            return action
        return self.tr("%1（%2 元）").replace("%1", action).replace("%2", format_yuan(row.penalty_fen))

    def set_filter(self, text: str) -> None:
        """Show only the rows whose case, order number, platform, timer or consequence contain `text`."""
        self._filter = text.strip().casefold()
        self._apply_filter()

    def _apply_filter(self) -> None:
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            row = item.data(0, ROW_ROLE) if item is not None else None
            if item is not None and isinstance(row, DeadlineRow):
                item.setHidden(bool(self._filter) and self._filter not in _searched_text(row))

    def shown_count(self) -> int:
        items = (self.topLevelItem(i) for i in range(self.topLevelItemCount()))
        return sum(1 for item in items if item is not None and not item.isHidden())

    def rows(self) -> list[DeadlineRow]:
        items = (self.topLevelItem(i) for i in range(self.topLevelItemCount()))
        return [item.data(0, ROW_ROLE) for item in items if item is not None]

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        row = item.data(0, ROW_ROLE)
        if isinstance(row, DeadlineRow):
            self._activated_row(row)

    def _activated_row(self, row: DeadlineRow) -> None:
        if row.case_id is not None:
            self.case_activated.emit(row.case_id)


def _searched_text(row: DeadlineRow) -> str:
    """What Ctrl+F looks in: the row as shown (in the language shown), and its case number."""
    return " ".join((_owner(row), row.order_no or "", labels.platform(row.platform), labels.text(row.name),
                     labels.text(row.action))).casefold()


def _owner(row: DeadlineRow) -> str:
    """'#12' for a case; a claim follow-up without a case names the claim's timer instead."""
    return f"#{row.case_id}" if row.case_id is not None else "—"
