"""The 订单 tab: find an order (number, receiver, phone, tracking, product) and start a case from it."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.money import format_yuan
from desktop_app.core.op_changes import OpChanges
from desktop_app.core.vocabulary import Platform
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.order_campaign import CampaignChange, campaign_names, set_order_campaign
from desktop_app.store.case_queries import OrderFilter, order_detail, order_ids
from desktop_app.store.database import Database
from desktop_app.store.rows import OrderDetail, OrderRow
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.base_tab import BaseTab, data_table
from desktop_app.ui.context import AppContext
from desktop_app.ui.orders.order_table_model import OrderTableModel
from desktop_app.ui.widgets.column_fit import ORDER_NO, Fit, amount, moment, vocabulary
from desktop_app.ui.widgets.row_table_model import ROW_ROLE
from desktop_app.ui.widgets.status_colours import shade
from desktop_app.ui.widgets.table_menu import explain, install_row_menu


def _column_fits() -> tuple[Fit, ...]:
    """The columns' starting widths (in the model's order), from their texts in the language shown."""
    return (vocabulary(Platform), 120, (ORDER_NO,), 130, 80, 105, amount(), moment(), 80, 130)
JUHUASUAN = "juhuasuan"  # the campaign id of 聚划算 in the 淘宝/天猫 rule packs


class OrdersTab(BaseTab):
    new_case_for_order = Signal(object)  # OrderRow
    new_claim_for_order = Signal(object)  # OrderRow
    statement_for_order = Signal(object)  # OrderRow

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.model = OrderTableModel(context.runner, self, lambda: context.show_full_phones)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("order_tab_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("搜索 订单号 / 收货人 / 手机（可输后四位）/ 物流单号 / 商品  (Ctrl+F)"))
        bar.addWidget(self.search, 3)
        self.platform_filter = QComboBox()
        self.platform_filter.addItem(self.tr("全部平台"), None)
        for p in Platform:
            self.platform_filter.addItem(labels.label(p), p.value)
        bar.addWidget(self.platform_filter)
        self.new_case_button = QPushButton(self.tr("为此订单新建售后单"))
        self.new_case_button.setObjectName("new_case_for_order")
        self.new_case_button.setEnabled(False)
        bar.addWidget(self.new_case_button)
        self.new_claim_button = QPushButton(self.tr("快递理赔"))
        self.new_claim_button.setObjectName("new_claim_for_order")
        self.statement_button = QPushButton(self.tr("货值说明"))
        self.statement_button.setObjectName("statement_for_order")
        for button, signal in ((self.new_claim_button, self.new_claim_for_order),
                               (self.statement_button, self.statement_for_order)):
            button.setEnabled(False)
            button.clicked.connect(lambda _c=False, s=signal: self._emit_for_current(s))
            bar.addWidget(button)
        self.export_button = QPushButton(self.tr("导出 Excel…"))
        self.export_button.setObjectName("export_orders")
        self.export_button.setToolTip(self.tr("导出当前列表（按当前搜索和筛选）中的订单"))
        self.export_button.clicked.connect(self.choose_export)
        bar.addWidget(self.export_button)
        outer.addLayout(bar)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table = data_table("order_table", self.model, _column_fits())
        self.table.horizontalHeader().setSortIndicator(
            self.model.column_index("paid_at"), Qt.SortOrder.DescendingOrder)
        left_layout.addWidget(self.table)
        self.count_label = QLabel()
        left_layout.addWidget(self.count_label)
        self.detail = QTextBrowser()
        self.detail.setObjectName("order_detail")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        # 聚划算 orders ship within 7 days (seed 002); no export says which orders they are.
        self.juhuasuan_box = QCheckBox(self.tr("聚划算订单（付款后7天内发货）"))
        self.juhuasuan_box.setObjectName("order_juhuasuan")
        self.juhuasuan_box.setToolTip(self.tr("导出文件里没有聚划算标记：勾选后按聚划算的7天发货时效计算，改动记入操作日志"))
        self.juhuasuan_box.setVisible(False)
        self.juhuasuan_box.clicked.connect(self._mark_juhuasuan)
        right_layout.addWidget(self.juhuasuan_box)
        self._shown_order: OrderRow | None = None
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        outer.addWidget(splitter, 1)

        self.search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.platform_filter.currentIndexChanged.connect(self.apply_filter)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.activated.connect(lambda index: self._new_case(index))
        self.new_case_button.clicked.connect(lambda: self._new_case(self.table.currentIndex()))
        self.model.loaded.connect(lambda n: self.count_label.setText(
            self.tr("共 %1 个订单").replace("%1", f"{n:,}")))
        self.model.load_failed.connect(self.message)
        # A reload (search, filter) resets the selection without a currentRowChanged: the pane and
        # its buttons must not stay on an order the list no longer shows.
        self.model.modelReset.connect(lambda: self._row_changed(QModelIndex(), QModelIndex()))
        install_row_menu(self.table, [self.new_case_button, self.new_claim_button, self.statement_button])
        self._show_detail(None)

    def wants(self, changes: OpChanges) -> bool:
        return changes.orders or changes.cases

    def on_database(self, db: Database) -> None:
        self.model.set_database(db, load=False)
        self.request_refresh()

    def refresh(self) -> None:
        if self.context.db is not None:
            self.model.reload()

    def apply_filter(self) -> None:
        self.search_timer.stop()
        platform = self.platform_filter.currentData()
        self.model.set_filter(OrderFilter(search=self.search.text(),
                                          platforms=frozenset({platform}) if platform else frozenset()))

    def focus_search(self) -> bool:
        self.search.setFocus()
        self.search.selectAll()
        return True

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row: OrderRow | None = current.data(ROW_ROLE) if current.isValid() else None
        for button in (self.new_case_button, self.new_claim_button, self.statement_button):
            explain(button, row is not None, self.tr("先在列表中选择一个订单"))
        if row is None:
            self._show_detail(None)
            return
        order_id = row.id

        def work(db: Database) -> tuple[OrderDetail, dict[str, str]]:
            with db.reading() as session:
                detail = order_detail(session, order_id)
                return detail, campaign_names(detail.order.platform, RuleContext.load(session))

        self.context.read(work, lambda found: self._show_detail(*found))

    def _show_detail(self, d: OrderDetail | None, campaigns: dict[str, str] | None = None) -> None:
        self._shown_order = d.order if d is not None else None
        self.juhuasuan_box.setVisible(d is not None and JUHUASUAN in (campaigns or {}))
        if d is not None:
            self.juhuasuan_box.setChecked(d.order.campaign == JUHUASUAN)
        if d is None:
            self.detail.setHtml(f"<p style='color:{shade('secondary')}'>"
                                + escape(self.tr("选择一个订单查看商品和物流。")) + "</p>")
            return
        o = d.order
        lines = [
            f"<h3>{escape(labels.platform(o.platform))} {escape(o.order_no)}</h3>",
            f"<p>{escape(o.shop or '')} {escape(o.status or '')}</p>",
            f"<p><b>{escape(o.receiver or '')}</b> {escape(o.phone or '')}<br>{escape(o.address or '')}</p>",
            f"<p>{escape(self.tr('实付'))} ￥{format_yuan(o.paid_fen)} &nbsp; "
            f"{escape(self.tr('付款'))} {labels.when(o.paid_at)}<br>"
            f"{escape(self.tr('物流'))} {escape(o.carrier or '')} {escape(o.tracking_no or '')}</p><ul>",
        ]
        for item in d.items:
            # What the line cost: as paid, else unit price × quantity; no bare "￥" when neither is known.
            price = f" ￥{format_yuan(item.line_fen)}" if item.line_fen is not None else ""
            lines.append(f"<li>{escape(item.title)} {escape(item.spec or '')} × {item.quantity}{price}</li>")
        lines.append("</ul>")
        if o.case_count:
            lines.append(f"<p>{escape(self.tr('已有 %1 张售后单').replace('%1', str(o.case_count)))}</p>")
        self.detail.setHtml("".join(lines))

    def _mark_juhuasuan(self, checked: bool) -> None:
        order = self._shown_order
        if order is None:
            return
        order_id = order.id

        def done(change: CampaignChange) -> None:
            text = self.tr("订单 %1 已标记为聚划算订单") if change.after else self.tr("订单 %1 已改回普通订单")
            self.message.emit(text.replace("%1", change.order_no))

        def failed(error: Exception) -> None:
            QMessageBox.warning(self, self.tr("聚划算订单"), describe_error(error))
            self.juhuasuan_box.setChecked(order.campaign == JUHUASUAN)

        self.context.write(lambda db: set_order_campaign(db, order_id, JUHUASUAN if checked else None),
                           done, failed, origin=self)

    def choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出订单"), str(Path.home() / "订单导出.xlsx"),
                                              self.tr("Excel 工作簿 (*.xlsx)"))
        if path:
            self.export_to(Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx"))

    def export_to(self, path: Path) -> None:
        """Export the orders the list shows now (search, platform filter and order as on screen)."""
        query = self.model.query

        def work(db: Database) -> int:
            from desktop_app.services.order_export import export_orders

            with db.reading() as session:
                ids = order_ids(session, query.filter, query.sort, query.descending)
            return export_orders(db, path, order_ids=ids)

        def failed(error: Exception) -> None:
            QMessageBox.warning(self, self.tr("导出订单"), describe_error(error))

        self.context.read(work, lambda n: self.message.emit(
            self.tr("已导出 %1 个订单到 %2").replace("%1", f"{n:,}").replace("%2", str(path))), failed)

    def _emit_for_current(self, signal: SignalInstance) -> None:
        index = self.table.currentIndex()
        row = index.data(ROW_ROLE) if index.isValid() else None
        if row is not None:
            signal.emit(row)

    def _new_case(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE) if index.isValid() else None
        if row is not None:
            self.new_case_for_order.emit(row)
