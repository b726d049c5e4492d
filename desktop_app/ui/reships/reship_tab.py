"""The 补发队列 tab: everything promised and not yet shipped, across platforms, soonest ship-by first.

Actions: 同意补发 / 拒绝 (with what the platform's rules say follows), enter a tracking number or
paste many from Excel, 缺货改退款, edit what to send, record a chat promise, and print a picking
list (拣货单) for the selected reships. Several selected: 批量处理 (ui/reships/reship_bulk.py) — tracking
numbers for each, 缺货改退款, the shared case actions, statements, picking list, export.
Double-clicking a row asks the window to show its case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.money import format_yuan
from desktop_app.core.op_changes import OpChanges
from desktop_app.core.reship_states import ReshipStatus
from desktop_app.core.vocabulary import CaseReason, Platform
from desktop_app.services.reship_queue import ReshipRow
from desktop_app.services.reship_rules import Consequences
from desktop_app.store.reship_queue_rows import QueueScope, count_reship_rows
from desktop_app.ui.background import describe_error
from desktop_app.ui.base_tab import BaseTab, data_table
from desktop_app.ui.context import AppContext
from desktop_app.ui.reships.reship_actions import ReshipActions
from desktop_app.ui.reships.reship_bulk import ReshipBulkDialog
from desktop_app.ui.reships.reship_picking import ReshipPicking
from desktop_app.ui.reships.reship_queue import QueueView, load_queue
from desktop_app.ui.reships.reship_table_model import ReshipTableModel, status_text
from desktop_app.ui.widgets.column_fit import ORDER_NO, Fit, moment, vocabulary
from desktop_app.ui.widgets.flow_layout import FlowLayout, flow_row
from desktop_app.ui.widgets.full_text_tips import show_whole_placeholder
from desktop_app.ui.widgets.grow_column import grow_column
from desktop_app.ui.widgets.row_table_model import ROW_ROLE, SORT_ROLE
from desktop_app.ui.widgets.status_colours import legend
from desktop_app.ui.widgets.table_menu import explain, install_row_menu

COUNTDOWN_REFRESH_MS = 60_000
DialogT = TypeVar("DialogT", bound=QDialog)
T = TypeVar("T")
# Address and goods are elided (full text in the tooltip) so that 逾期后果 fits a 1366 px screen.


def _column_fits() -> tuple[Fit, ...]:
    """The columns' starting widths (in the model's order), from their texts in the language shown."""
    return (("#99999",), vocabulary(Platform), (ORDER_NO,), 64, 160, 160, vocabulary(CaseReason),
            tuple(status_text(s) for s in ReshipStatus), moment(), 90, 220)


class ReshipTab(ReshipActions, ReshipPicking, BaseTab):
    open_case = Signal(int)  # the lead shows this case in the Cases tab
    count_changed = Signal(int)  # reships waiting for an answer or a shipment (for the tab's title)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._consequences: dict[tuple[str, str | None], Consequences] = {}
        self._carrier: str | None = None  # the last courier used: most days it is the same one
        self._pending_select: list[int] = []
        self._pending_position = -1  # the row the selection was on: a reship that left the list gives it to the next
        self.dialog: QDialog | None = None  # the dialog opened last (tests and the lead may look at it)
        self.error_box: QMessageBox | None = None

        self.model = ReshipTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)  # any column: order no., receiver, items, tracking no.
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        # The commands wrap onto a second line in a window too narrow for them (English: 1,540 px).
        commands, row = flow_row()
        bar = QHBoxLayout()
        bar.addWidget(commands, 1)
        self.agree_button = self._button("agree", self.tr("同意补发"), self.agree_selected, row)
        self.refuse_button = self._button("refuse", self.tr("拒绝"), self.refuse_selected, row)
        self.ship_button = self._button("ship", self.tr("录入运单号"), self.ship_selected, row)
        self.paste_button = self._button("paste", self.tr("批量粘贴运单号"), self.paste_many, row)
        self.out_of_stock_button = self._button("out_of_stock", self.tr("缺货改退款"), self.out_of_stock_selected,
                                                row)
        self.items_button = self._button("edit_items", self.tr("编辑补发商品"), self.edit_items_selected, row)
        row.add_gap(12)
        self.print_button = self._button("print", self.tr("打印拣货单"), self.print_picking_list, row)
        self.pdf_button = self._button("pdf", self.tr("拣货单存为PDF"), self.choose_pdf_file, row)
        row.add_gap(12)
        self.promise_button = self._button("promise", self.tr("记录承诺补发"), self.record_promise, row)
        self.open_button = self._button("open_case", self.tr("查看售后单"), self._open_selected, row)
        self.bulk_button = self._button("bulk", self.tr("批量处理…"), self.open_bulk, row)
        self.bulk_button.setToolTip(self.tr("按住 Ctrl 或 Shift 选择多条补发，一次录入运单号、改退款、打印或导出"))
        self.search = QLineEdit()
        self.search.setObjectName("reship_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("筛选 订单号 / 收货人 / 商品 / 运单号"))
        show_whole_placeholder(self.search)  # the commands beside took its room: "Filter: order no. …"
        self.search.textChanged.connect(self._filter)
        bar.addWidget(self.search)
        self.show_shipped = QCheckBox(self.tr("显示已发出"))
        self.show_shipped.setObjectName("show_shipped")
        self.show_shipped.toggled.connect(lambda _on: self.refresh())
        bar.addWidget(self.show_shipped)
        outer.addLayout(bar)

        # Several rows at once: the picking list is printed for a morning's reships together.
        self.table = data_table("reship_table", self.proxy, _column_fits(), several=True)
        self.table.sortByColumn(self.model.column_index("due"), Qt.SortOrder.AscendingOrder)
        penalty = self.model.column_index("penalty")
        grow_column(self.table, penalty, keep_in_view=penalty)  # a wide window's room; a narrow one's, in view
        outer.addWidget(self.table, 1)
        self.count_label = QLabel()
        self.count_label.setObjectName("reship_count")
        status_line = QHBoxLayout()  # the count, and what the colours mean (the same in every tab)
        status_line.addWidget(self.count_label, 1)
        status_line.addWidget(legend())
        outer.addLayout(status_line)

        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        install_row_menu(self.table, [self.ship_button, self.agree_button, self.refuse_button, self.out_of_stock_button,
                                      self.items_button, self.open_button])
        self.table.activated.connect(self._activated)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(COUNTDOWN_REFRESH_MS)
        self._clock_timer.timeout.connect(self.model.refresh_time)
        self._clock_timer.start()
        self._update_buttons()

    def _button(self, name: str, text: str, slot: Callable[[], object], row: FlowLayout) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(f"reship_{name}")
        button.clicked.connect(lambda _checked=False: slot())
        row.add_widget(button)
        return button

    # --- data --------------------------------------------------------------------------------
    def wants(self, changes: OpChanges) -> bool:
        return changes.reships or changes.cases or changes.orders or changes.deadlines or changes.settings

    def scope(self) -> QueueScope:
        return QueueScope.WITH_SHIPPED if self.show_shipped.isChecked() else QueueScope.OPEN

    def refresh_hidden(self) -> None:
        """Off screen, only the count in the tab's title is kept current (one indexed count)."""
        self.context.aside.look_up("reship count", lambda session: count_reship_rows(session, QueueScope.OPEN),
                                   self.count_changed.emit)

    def refresh(self) -> None:
        if self.context.db is None:
            return
        scope = self.scope()
        self._pending_select = self._pending_select or [r.case_id for r in self.selected_rows()]
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        self._pending_position = rows[0] if rows else -1
        self.context.read(lambda db: load_queue(db, scope), lambda view: self._loaded(scope, view),
                          lambda error: self.message.emit(describe_error(error)))

    def _loaded(self, scope: QueueScope, view: QueueView) -> None:
        if scope is not self.scope():
            return  # the filter changed meanwhile; a newer read is on its way
        self._consequences = view.consequences
        self.model.set_rows(view.rows)
        text = self.tr("待处理 %1 条，其中已逾期 %2 条").replace("%1", str(view.waiting)).replace(
            "%2", str(view.overdue))
        if view.owed_fen:
            text += self.tr("；超时须赔付 %1 元").replace("%1", format_yuan(view.owed_fen))
        if view.total > len(view.rows):
            text += self.tr("（只列出最紧急的 %1 条）").replace("%1", str(len(view.rows)))
        self.count_label.setText(text)
        self.count_changed.emit(view.waiting)
        wanted, self._pending_select = self._pending_select, []
        position, self._pending_position = self._pending_position, -1
        if not self._select_cases(wanted) and wanted and position >= 0 and self.proxy.rowCount():
            # The reship just shipped (refused, switched to a refund) left the queue: the next one in its
            # place is selected, so the day's work goes on from the keyboard instead of a greyed-out bar.
            self.table.selectRow(min(position, self.proxy.rowCount() - 1))
        self._update_buttons()

    def _select_cases(self, case_ids: list[int]) -> bool:
        """Select these reships (those still listed); False when none of them is."""
        selection = self.table.selectionModel()
        selection.clearSelection()
        first = True
        for case_id in case_ids:
            source_row = self.model.row_of_case(case_id)
            if source_row is None:
                continue
            index = self.proxy.mapFromSource(self.model.index(source_row, 0))
            flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            if first:
                selection.setCurrentIndex(index, flags)
                first = False
            else:
                selection.select(index, flags)
        return not first

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_buttons()

    def focus_search(self) -> bool:
        self.search.setFocus()
        self.search.selectAll()
        return True

    def select_case(self, case_id: int) -> None:
        """Select one reship by its case number (after recording a promise, or from elsewhere)."""
        self._select_cases([case_id])
        self._update_buttons()

    def selected_rows(self) -> list[ReshipRow]:
        """The selected reships in the order shown."""
        indexes = sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())
        return [row for i in indexes if (row := i.data(ROW_ROLE)) is not None]

    def current_row(self) -> ReshipRow | None:
        rows = self.selected_rows()
        return rows[0] if len(rows) == 1 else None

    def _update_buttons(self) -> None:
        row = self.current_row()
        has_db = self.context.db is not None
        choose = self.tr("先在列表中选择一条补发") if not self.selected_rows() else self.tr("一次只能对一条补发操作")
        state = self.tr("这条补发当前“%1”，不能这样操作").replace("%1", status_text(row.status)) if row else choose
        for button, allowed in ((self.agree_button, row is not None and row.can(CaseAction.AGREE_RESHIP)),
                                (self.refuse_button, row is not None and row.can(CaseAction.REJECT)),
                                (self.ship_button, row is not None and row.can(CaseAction.SHIP_RESHIP)),
                                (self.out_of_stock_button, row is not None and row.can_mark_out_of_stock),
                                (self.items_button, row is not None and row.can_edit_items)):
            explain(button, allowed, state)
        explain(self.open_button, row is not None, choose)
        count = len(self.selected_rows())
        explain(self.bulk_button, count > 1, self.tr("按住 Ctrl 或 Shift 选择多条补发后批量处理"))
        self.bulk_button.setText(self.tr("批量处理（%1）…").replace("%1", str(count)) if count > 1
                                 else self.tr("批量处理…"))
        for button in (self.paste_button, self.promise_button):
            explain(button, has_db, self.tr("数据库尚未打开"))
        printable = bool(self.picking_rows())
        why = self.tr("没有可打印的补发：所选补发的订单尚未导入（没有商品），或已经发出") if self.selected_rows() \
            else self.tr("列表中没有待发出且有商品的补发（订单尚未导入的补发没有商品可拣）")
        explain(self.print_button, printable, why)
        explain(self.pdf_button, printable, why)

    # --- acting (the single-reship dialogs: ui/reships/reship_actions.py) ----------------------------------
    def open_bulk(self) -> ReshipBulkDialog | None:
        rows = self.selected_rows()
        if len(rows) < 2 or self.context.db is None:
            return None
        dialog = ReshipBulkDialog(self.context, rows, self._carrier, self)
        dialog.setObjectName("reship_bulk_dialog")
        dialog.picking_requested.connect(self.print_picking_list)
        dialog.finished_bulk.connect(lambda results: self.message.emit(
            self.tr("批量处理完成 %1 条，未执行 %2 条").replace("%1", str(sum(1 for r in results if r.ok)))
            .replace("%2", str(sum(1 for r in results if not r.ok)))))
        return self._open(dialog)

    def _open(self, dialog: DialogT) -> DialogT:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _activated(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if row is not None:
            self.open_case.emit(row.case_id)

    def _open_selected(self) -> None:
        row = self.current_row()
        if row is not None:
            self.open_case.emit(row.case_id)

