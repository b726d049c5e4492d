"""新建快递理赔: choose the order (or come from a case), tick the affected or lost items, check the amount."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_app.core.carriers import canonical_carrier, carrier_names, guess_carrier
from desktop_app.core.claims import ClaimIncident
from desktop_app.core.errors import UserError
from desktop_app.core.money import fen_to_yuan, format_yuan
from desktop_app.services.claims import (
    ChosenLine,
    ClaimDraft,
    ClaimExists,
    NewClaim,
    OpenedClaim,
    draft_for_case,
    draft_for_order,
)
from desktop_app.services.claims import open_claim as open_claim_service
from desktop_app.store.rows import OrderRow
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.dialog_buttons import add_ok_cancel, submit_write
from desktop_app.ui.widgets.order_picker import OrderPicker
from desktop_app.ui.widgets.screen_fit import keep_contents_in_view
from desktop_app.ui.widgets.status_colours import tint
from desktop_app.ui.widgets.yuan_field import fen_or_none

# Columns of the item table in the New Claim dialog.
ITEM_COLUMN, SPEC_COLUMN, QUANTITY_COLUMN, PAID_COLUMN, VALUE_COLUMN = range(5)


class NewClaimDialog(QDialog):
    """新建理赔: choose the order (or come from a case), tick the affected items, check the amount."""

    created = Signal(int)
    draft_loaded = Signal()

    def __init__(self, context: AppContext, order: OrderRow | None = None, case_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._draft: ClaimDraft | None = None
        self.warning: str | None = None  # what recording the claim had to say (OpenedClaim.warning), shown
        self._case_id = case_id
        self._amount_touched = False
        self._spins: list[QSpinBox] = []
        self.setWindowTitle(self.tr("新建快递理赔"))
        self.setMinimumWidth(680)
        self.body = layout = QVBoxLayout(self)

        order_box = QGroupBox(self.tr("订单"))
        order_layout = QVBoxLayout(order_box)
        self.picker = OrderPicker(context, search_name="claim_order_search", results_name="claim_order_results",
                                  results_height=110)
        self.search, self.results = self.picker.search, self.picker.results
        order_layout.addWidget(self.picker)
        self.order_label = QLabel(self.tr("尚未选择订单"))
        self.order_label.setObjectName("claim_order_label")
        self.order_label.setWordWrap(True)
        order_layout.addWidget(self.order_label)
        layout.addWidget(order_box)

        items_box = QGroupBox(self.tr("受损/丢失的商品"))
        items_layout = QVBoxLayout(items_box)
        self.items = QTableWidget(0, 5)
        self.items.setObjectName("claim_items")
        self.items.setHorizontalHeaderLabels([self.tr("商品"), self.tr("规格"), self.tr("数量"), self.tr("实付"),
                                              self.tr("理赔金额")])
        self.items.verticalHeader().setVisible(False)
        self.items.horizontalHeader().setSectionResizeMode(ITEM_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.items.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.items.setMaximumHeight(160)
        items_layout.addWidget(self.items)
        self.items_hint = QLabel()
        tint(self.items_hint, "secondary")
        self.items_hint.setWordWrap(True)
        items_layout.addWidget(self.items_hint)
        layout.addWidget(items_box)

        claim_box = QGroupBox(self.tr("理赔"))
        form = QFormLayout(claim_box)
        self.incident = QComboBox()
        self.incident.setObjectName("claim_incident")
        for incident in ClaimIncident:
            self.incident.addItem(labels.label(incident), incident.value)
        form.addRow(self.tr("原因"), self.incident)
        self.amount = QLineEdit()
        self.amount.setObjectName("claim_amount")
        self.amount.setPlaceholderText(self.tr("元；默认为买家为所选商品实付的金额"))
        form.addRow(self.tr("申请金额"), self.amount)
        self.declared = QLineEdit()
        self.declared.setObjectName("claim_declared")
        self.declared.setPlaceholderText(self.tr("元（保价时填写）"))
        form.addRow(self.tr("保价金额"), self.declared)
        self.carrier = QLineEdit()
        self.carrier.setObjectName("claim_carrier")
        self.carrier.setCompleter(QCompleter(carrier_names(), self.carrier))  # one name per carrier
        form.addRow(self.tr("快递公司"), self.carrier)
        self.tracking = QLineEdit()
        self.tracking.setObjectName("claim_tracking")
        form.addRow(self.tr("运单号"), self.tracking)
        self.description = QPlainTextEdit()
        self.description.setObjectName("claim_description")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(60)
        self.description.setPlaceholderText(self.tr("事故经过：网点、联系人、快递员说法……"))
        form.addRow(self.tr("说明"), self.description)
        layout.addWidget(claim_box)

        self.buttons = add_ok_cancel(self, layout, self.submit, self.tr("保存"))
        keep_contents_in_view(self, layout)  # the order's lines and hint in, the 说明 box still above the buttons

        self.picker.found.connect(self._show_results)
        self.picker.chosen.connect(self.choose_order)
        self.items.itemChanged.connect(lambda _item: self._update_values())
        self.amount.textEdited.connect(self._amount_edited)

        if case_id is not None:
            self.search.setEnabled(False)
            self.results.setVisible(False)
            self._load(lambda session: draft_for_case(session, case_id))
        elif order is not None:
            self.choose_order(order)
        else:
            self.search.setFocus()

    # --- choosing the order ------------------------------------------------------------------
    def _show_results(self, rows: list[OrderRow]) -> None:
        if not rows:
            self.order_label.setText(self.tr("没有找到订单。快递理赔需要订单信息，请先导入该订单。"))

    def choose_order(self, row: OrderRow) -> None:
        order_id = row.id
        self._load(lambda session: draft_for_order(session, order_id))

    def _load(self, build: Callable[[Session], ClaimDraft]) -> None:
        def failed(error: Exception) -> None:
            QMessageBox.warning(self, self.windowTitle(), describe_error(error))

        self._context.look_up(build, self._show_draft, failed)

    def _show_draft(self, draft: ClaimDraft) -> None:
        self._draft = draft
        o = draft.order
        parts = [labels.platform(o.platform), o.order_no, o.receiver, o.phone, o.address]
        if o.paid_fen is not None:
            parts.append(self.tr("实付 ￥%1").replace("%1", format_yuan(o.paid_fen)))
        if draft.case_id is not None:
            parts.append(self.tr("售后单 #%1").replace("%1", str(draft.case_id)))
        self.order_label.setText(self.tr("已选订单：%1").replace("%1", "  ".join(p for p in parts if p)))
        if draft.incident is not None:  # a claim started from a 破损 case is a 破损 claim (it said 丢件)
            self.incident.setCurrentIndex(max(self.incident.findData(draft.incident.value), 0))
        self.carrier.setText(canonical_carrier(o.carrier) or guess_carrier(o.tracking_no) or "")
        self.tracking.setText(o.tracking_no or "")
        self.items.blockSignals(True)
        self.items.setRowCount(0)
        self._spins = []
        for n, line in enumerate(draft.lines):
            self.items.insertRow(n)
            title = QTableWidgetItem(line.title)
            title.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            title.setCheckState(Qt.CheckState.Checked)
            self.items.setItem(n, ITEM_COLUMN, title)
            self.items.setItem(n, SPEC_COLUMN, QTableWidgetItem(line.spec or ""))
            spin = QSpinBox()
            spin.setRange(1, max(line.quantity, 1))
            spin.setValue(line.quantity)
            spin.setSuffix(self.tr(" / %1 件").replace("%1", str(line.quantity)))
            spin.valueChanged.connect(lambda _v: self._update_values())
            self._spins.append(spin)
            self.items.setCellWidget(n, QUANTITY_COLUMN, spin)
            paid = QTableWidgetItem(format_yuan(line.paid_fen))
            paid.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.items.setItem(n, PAID_COLUMN, paid)
            value = QTableWidgetItem()
            value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.items.setItem(n, VALUE_COLUMN, value)
        self.items.blockSignals(False)
        self._amount_touched = False
        self._update_values()  # the claim values in their cells before the columns are measured
        self.items.resizeColumnsToContents()
        # The two amounts side by side, equally wide: 理赔金额 was as wide as its title, "17,3…" under it.
        money = max(self.items.columnWidth(PAID_COLUMN), self.items.columnWidth(VALUE_COLUMN))
        for column in (PAID_COLUMN, VALUE_COLUMN):
            self.items.setColumnWidth(column, money)
        self.items.horizontalHeader().setSectionResizeMode(ITEM_COLUMN, QHeaderView.ResizeMode.Stretch)
        if draft.lines:
            self.items_hint.setText(self.tr("勾选受损或丢失的商品；只坏了几件时调整数量。"))
        else:
            self.items_hint.setText(self.tr("订单没有商品明细：请直接填写申请金额。"))
        self.draft_loaded.emit()

    # --- the amount --------------------------------------------------------------------------
    def chosen_lines(self) -> tuple[ChosenLine, ...] | None:
        """The ticked lines with their quantities; None when the whole order is affected."""
        draft = self._draft
        if draft is None or not draft.lines:
            return None
        chosen: list[ChosenLine] = []
        whole = True
        for n, line in enumerate(draft.lines):
            item = self.items.item(n, ITEM_COLUMN)
            if item is None or item.checkState() != Qt.CheckState.Checked:
                whole = False
                continue
            quantity = self._spins[n].value()
            whole = whole and quantity == line.quantity
            chosen.append(ChosenLine(line.position, quantity))
        return None if whole else tuple(chosen)

    def _update_values(self) -> None:
        draft = self._draft
        if draft is None:
            return
        self.items.blockSignals(True)
        for n, line in enumerate(draft.lines):
            ticked = (item := self.items.item(n, ITEM_COLUMN)) is not None \
                and item.checkState() == Qt.CheckState.Checked
            self._spins[n].setEnabled(ticked)
            value = line.value_of(self._spins[n].value()) if ticked else None
            cell = self.items.item(n, VALUE_COLUMN)
            if cell is not None:
                cell.setText(format_yuan(value) if ticked else "")
        self.items.blockSignals(False)
        if self._amount_touched:
            return
        chosen = self.chosen_lines()
        default = draft.value(chosen) if chosen is None or chosen else None
        self.amount.setText(str(fen_to_yuan(default)) if default is not None else "")

    def _amount_edited(self, _text: str) -> None:
        self._amount_touched = True

    # --- saving ------------------------------------------------------------------------------
    def collect(self) -> NewClaim:
        draft = self._draft
        if draft is None:
            raise UserError(self.tr("请先选择订单。"))
        lines = self.chosen_lines()
        if lines == ():
            raise UserError(self.tr("请至少勾选一件商品。"))
        return NewClaim(
            incident=ClaimIncident(self.incident.currentData()), order_id=draft.order.id, case_id=draft.case_id,
            lines=lines, claimed_fen=fen_or_none(self.amount, self.tr("申请金额")),
            declared_fen=fen_or_none(self.declared, self.tr("保价金额")),
            description=self.description.toPlainText(), carrier=self.carrier.text(), tracking_no=self.tracking.text(),
        )

    def submit(self, again: bool = False) -> None:
        submit_write(self, self.buttons, self._context, lambda: replace(self.collect(), again=again),
                     open_claim_service, self._opened, self._ask_again)

    def _opened(self, opened: OpenedClaim) -> None:
        # read by the tab with `created` (the dialog closes after)
        self.warning = labels.message(opened.warning) if opened.warning else None
        self.created.emit(opened.claim_id)

    def _ask_again(self, error: Exception) -> bool:
        """A second claim for a parcel with an open one is asked about, not refused outright."""
        if not isinstance(error, ClaimExists):
            return False
        question = self.tr("%1。\n\n仍要为这个包裹再新建一张理赔吗（如同一包裹的另一件商品）？")
        question = question.replace("%1", labels.message(error))
        answer = QMessageBox.question(self, self.windowTitle(), question,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self.submit(again=True)
        return True
