"""The 快递理赔 tab: every courier claim, what was claimed, received and is still owed, per carrier.

Left: the claims table with its filters, the totals and the per-carrier subtotals. Right: one claim
in full (`ui.claim_detail.ClaimDetailPane`). Selected claims can be handed to the goods value
statement (`statement_requested`).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_app.core.claims import ClaimIncident, ClaimStatus
from desktop_app.core.clock import now
from desktop_app.core.money import format_yuan
from desktop_app.core.op_changes import OpChanges
from desktop_app.core.vocabulary import Platform
from desktop_app.store.case_queries import OpenState
from desktop_app.store.claim_rows import (
    ClaimFilter,
    ClaimRow,
    ClaimSums,
    ClaimTotals,
    claim_carriers,
    claim_totals,
    end_of_china_day,
    list_claims,
)
from desktop_app.store.rows import OrderRow
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.base_tab import BaseTab, data_table
from desktop_app.ui.claims.claim_detail import ClaimDetailPane
from desktop_app.ui.claims.claim_table_model import ClaimTableModel
from desktop_app.ui.claims.new_claim_dialog import NewClaimDialog
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.column_fit import Fit, amount, moment, vocabulary
from desktop_app.ui.widgets.grow_column import grow_column
from desktop_app.ui.widgets.scroll_pane import scrolling
from desktop_app.ui.widgets.status_colours import legend, shade
from desktop_app.ui.widgets.table_menu import install_row_menu

# The first run's 1280 px window shows the list through 待追回 and 下一步 in English too: a reason or status
# label wider than this is cut, and so are a 拼多多 number's last digits (their tooltips say them whole).
CLAIM_LABELS = "已升级到总部"  # six characters, ~12 letters


def _column_fits() -> tuple[Fit, ...]:
    """The columns' starting widths (in the model's order), from their texts in the language shown."""
    money = amount(999_999)  # a claim is the goods of one parcel
    return (("99999",), vocabulary(Platform), 150, vocabulary(ClaimIncident), vocabulary(ClaimStatus),
            money, money, money, 165, moment(), 64, 76, 110, 60)


class ClaimsTab(BaseTab):
    """快递理赔: the claims, filtered, with totals; the lead connects `statement_requested`."""

    statement_requested = Signal(list)  # claim ids, for the goods value statement
    open_case = Signal(int)
    count_changed = Signal(int)  # open claims (for the tab's title)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.model = ClaimTableModel(self)
        self._generation = 0
        self._pending_select: int | None = None
        self._totals = ClaimTotals(ClaimSums(), ())

        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("claim_search")
        self.search.setClearButtonEnabled(True)
        # Short enough to be read whole in English at 1366 px beside the filters; the tooltip names every field.
        self.search.setPlaceholderText(self.tr("搜索 运单号 / 订单号 / 收货人 / #编号  (Ctrl+F)"))
        self.search.setToolTip(self.tr("按运单号、快递工单号、订单号、收货人或理赔编号（#12）查找，输入一部分即可"))
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.search_timer.timeout.connect(self.refresh)
        bar.addWidget(self.search, 1)  # the bar's spare room goes to the search
        self.carrier_filter = QComboBox()
        self.carrier_filter.setObjectName("claim_carrier_filter")
        self.carrier_filter.addItem(self.tr("全部快递"), None)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("claim_status_filter")
        self.status_filter.addItem(self.tr("全部状态"), None)
        for status in ClaimStatus:
            self.status_filter.addItem(labels.label(status), status.value)
        self.open_filter = QComboBox()
        self.open_filter.setObjectName("claim_open_filter")
        for text, value in ((self.tr("全部"), OpenState.ALL), (self.tr("未结束"), OpenState.OPEN),
                            (self.tr("已结束"), OpenState.CLOSED)):
            self.open_filter.addItem(text, value)
        self.due_filter = QCheckBox(self.tr("今天需跟进"))
        self.due_filter.setObjectName("claim_due_filter")
        for combo in (self.carrier_filter, self.status_filter, self.open_filter):
            bar.addWidget(combo)
            combo.currentIndexChanged.connect(self.refresh)
        bar.addWidget(self.due_filter)
        self.due_filter.toggled.connect(self.refresh)
        self.new_button = QPushButton(self.tr("新建理赔"))
        self.new_button.setObjectName("new_claim")
        self.new_button.clicked.connect(lambda: self.new_claim())
        self.statement_button = QPushButton(self.tr("打印货值说明"))
        self.statement_button.setObjectName("claims_statement")
        self.statement_button.setToolTip(self.tr("为所选理赔生成货值说明（可多选，同一快递一次打印）"))
        self.statement_button.setEnabled(False)
        self.statement_button.clicked.connect(self._request_statement)
        bar.addWidget(self.new_button)
        bar.addWidget(self.statement_button)
        outer.addLayout(bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table = data_table("claim_table", self.model, _column_fits(), several=True, widest=CLAIM_LABELS)
        next_step = self.model.column_index("next_step")
        # A wide window's room goes to 下一步; a narrow one's keeps it in view.
        grow = grow_column(self.table, next_step, keep_in_view=next_step)
        # The splitter gives the list no less than its columns through 下一步 (its English titles are wider).
        self.table.setMinimumWidth(grow.needed_width())
        left_layout.addWidget(self.table, 1)
        self.totals_label = QLabel()
        self.totals_label.setObjectName("claim_totals")
        self.totals_label.setTextFormat(Qt.TextFormat.RichText)
        status_line = QHBoxLayout()  # the totals, and what the colours mean (the same in every tab)
        status_line.addWidget(self.totals_label, 1)
        status_line.addWidget(legend())
        left_layout.addLayout(status_line)
        self.subtotals = QTreeWidget()
        self.subtotals.setObjectName("carrier_subtotals")
        self.subtotals.setRootIsDecorated(False)
        self.subtotals.setHeaderLabels([self.tr("快递公司"), self.tr("条数"), self.tr("已申请"), self.tr("已到账"),
                                        self.tr("待追回")])
        self.subtotals.setMaximumHeight(120)
        # Figures beside their titles, not pushed to the far right by a stretched last column.
        self.subtotals.header().setStretchLastSection(False)
        self.subtotals.itemActivated.connect(self._show_carrier)  # double-click or Enter: that carrier's claims
        left_layout.addWidget(self.subtotals)
        self.detail = ClaimDetailPane(context)
        self.detail.message.connect(self.message)
        self.detail.open_case.connect(self.open_case)
        self.detail.statement_requested.connect(self.statement_requested)
        self.splitter.addWidget(left)
        self.splitter.addWidget(scrolling(self.detail))
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([760, 500])  # the list through 下一步 at the default size
        outer.addWidget(self.splitter, 1)

        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda index: self._show_row(index.row()))
        install_row_menu(self.table, [self.statement_button],
                         actions=[(self.tr("打开"), lambda row: self.detail.show_claim(row.id))])

    def focus_search(self) -> bool:
        self.search.setFocus()
        self.search.selectAll()
        return True

    # --- data --------------------------------------------------------------------------------
    def wants(self, changes: OpChanges) -> bool:
        return changes.claims or changes.orders or changes.cases or changes.reships

    def current_filter(self) -> ClaimFilter:
        return ClaimFilter(
            carrier=self.carrier_filter.currentData(),
            status=self.status_filter.currentData(),
            open_state=OpenState(self.open_filter.currentData()),
            follow_up_by=end_of_china_day(now()) if self.due_filter.isChecked() else None,
            search=self.search.text(),
        )

    def refresh(self) -> None:
        if self.context.db is None:
            return
        self._generation += 1
        generation = self._generation
        f = self.current_filter()

        def work(session: Session) -> tuple[list[ClaimRow], ClaimTotals, list[str]]:
            return list_claims(session, f), claim_totals(session, f), claim_carriers(session)

        def done(result: tuple[list[ClaimRow], ClaimTotals, list[str]]) -> None:
            if generation == self._generation:
                self._apply(*result, filtered=replace(f, search=f.search.strip()) != ClaimFilter())

        self.context.look_up(work, done, lambda error: self.message.emit(describe_error(error)))
        self.detail.reload()
        self.refresh_hidden()

    def refresh_hidden(self) -> None:
        """The number of open claims, for the tab's title (kept current while the tab is hidden)."""
        self.context.aside.look_up(
            "claim count", lambda session: claim_totals(session, ClaimFilter(open_state=OpenState.OPEN)).total.count,
            self.count_changed.emit)

    def _apply(self, rows: list[ClaimRow], totals: ClaimTotals, carriers: list[str], filtered: bool = False) -> None:
        selected = self.selected_claim_ids()
        current = self.detail.claim_id
        self._fill_carriers(carriers)
        self.model.set_rows(rows)
        self._totals = totals
        self._show_totals(totals)
        wanted = [self._pending_select] if self._pending_select is not None else selected or (
            [current] if current is not None else [])
        self._pending_select = None
        self._select_ids(wanted)
        if not rows:
            # An empty list beside "在左侧列表中选择一条理赔" said nothing of what to do (the first day: no claim yet).
            self.detail.show_claim(None, self._empty_hint(filtered))
        elif current is not None and self.model.row_of(current) is None:
            self.detail.show_claim(None)  # filtered out: no live buttons on a claim the list hides

    def _empty_hint(self, filtered: bool) -> str:
        if filtered:
            return self.tr("没有符合条件的理赔：清空搜索，或把筛选改回“全部”。")
        return self.tr("还没有快递理赔。包裹丢件或破损时，在售后单或订单上点“快递理赔”，或点上方的“新建理赔”；"
                       "登记后打印货值说明，交快递网点理赔。")

    def _fill_carriers(self, carriers: list[str]) -> None:
        current = self.carrier_filter.currentData()
        self.carrier_filter.blockSignals(True)
        self.carrier_filter.clear()
        self.carrier_filter.addItem(self.tr("全部快递"), None)
        for carrier in carriers:
            self.carrier_filter.addItem(carrier, carrier)
        index = self.carrier_filter.findData(current)
        self.carrier_filter.setCurrentIndex(max(index, 0))
        self.carrier_filter.blockSignals(False)

    def _show_totals(self, totals: ClaimTotals) -> None:
        t = totals.total
        text = self.tr("共 %1 条 &nbsp; 已申请 %2 &nbsp; 已到账 %3 &nbsp; 待追回 %4")
        yuan = self.tr("￥%1")  # ¥ in English: the CJK font draws ￥ full-width

        def money(fen: int, style: str = "") -> str:
            return f"<b{style}>{yuan.replace('%1', format_yuan(fen))}</b>"

        self.totals_label.setText(
            text.replace("%1", str(t.count)).replace("%2", money(t.claimed_fen))
            .replace("%3", money(t.received_fen))
            .replace("%4", money(t.outstanding_fen, f" style='color:{shade('overdue')}'") if t.outstanding_fen
                     else money(0)))
        self.subtotals.clear()
        for subtotal in totals.by_carrier:
            s = subtotal.sums
            item = QTreeWidgetItem([subtotal.carrier or self.tr("（未填快递）"), str(s.count),
                                    format_yuan(s.claimed_fen), format_yuan(s.received_fen),
                                    format_yuan(s.outstanding_fen)])
            for column in range(1, 5):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if subtotal.carrier:
                item.setData(0, Qt.ItemDataRole.UserRole, subtotal.carrier)
                item.setToolTip(0, self.tr("双击只看这家快递的理赔"))
            self.subtotals.addTopLevelItem(item)
        for column in range(5):
            self.subtotals.resizeColumnToContents(column)

    def _show_carrier(self, item: QTreeWidgetItem) -> None:
        """A double-click on a carrier's subtotal: the list shows that carrier's claims (快递 filter)."""
        index = self.carrier_filter.findData(item.data(0, Qt.ItemDataRole.UserRole))
        if item.data(0, Qt.ItemDataRole.UserRole) and index > 0:
            self.carrier_filter.setCurrentIndex(index)

    @property
    def totals(self) -> ClaimTotals:
        return self._totals

    # --- selection ---------------------------------------------------------------------------
    def selected_claim_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [r.id for row in rows if (r := self.model.row_object(row)) is not None]

    def _select_ids(self, ids: list[int]) -> None:
        selection = QItemSelection()
        for claim_id in ids:
            row = self.model.row_of(claim_id)
            if row is not None:
                selection.select(self.model.index(row, 0), self.model.index(row, self.model.columnCount() - 1))
        model = self.table.selectionModel()
        model.select(selection, model.SelectionFlag.ClearAndSelect)
        if ids and (row := self.model.row_of(ids[0])) is not None:
            model.setCurrentIndex(self.model.index(row, 0), model.SelectionFlag.NoUpdate)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        ids = self.selected_claim_ids()
        self.statement_button.setEnabled(bool(ids))
        if len(ids) == 1 and ids[0] != self.detail.claim_id:
            self.detail.show_claim(ids[0])

    def _show_row(self, row: int) -> None:
        r = self.model.row_object(row)
        if r is not None:
            self.detail.show_claim(r.id)

    def select_claim(self, claim_id: int) -> None:
        """Show a claim (after creating it): clear the filters that would hide it."""
        self._pending_select = claim_id
        self.detail.show_claim(claim_id)
        for combo in (self.carrier_filter, self.status_filter, self.open_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.due_filter.blockSignals(True)
        self.due_filter.setChecked(False)
        self.due_filter.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.refresh()

    def _request_statement(self) -> None:
        ids = self.selected_claim_ids()
        if ids:
            self.statement_requested.emit(ids)

    # --- new claims --------------------------------------------------------------------------
    def new_claim(self, order: OrderRow | None = None, case_id: int | None = None) -> NewClaimDialog | None:
        """新建理赔 from an order (searched in the dialog or given) or from a case."""
        if self.context.db is None:
            return None
        dialog = NewClaimDialog(self.context, order, case_id, self)
        dialog.setObjectName("new_claim_dialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(lambda claim_id: self._claim_created(claim_id, dialog.warning))
        dialog.open()
        return dialog

    def _claim_created(self, claim_id: int, warning: str | None = None) -> None:
        self.select_claim(claim_id)
        done = self.tr("已新建快递理赔 #%1").replace("%1", str(claim_id))
        self.message.emit(f"{done}　{warning}" if warning else done)
        if warning:  # the status bar is easy to miss: a double claim inflates 统计's 向快递索赔
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("请核对理赔金额"), warning,
                              QMessageBox.StandardButton.Ok, self)
            box.setObjectName("claim_over_order")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

