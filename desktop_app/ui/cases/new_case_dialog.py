"""New case (新建售后单): pick an imported order by number/receiver/phone, or type the number by hand."""

from __future__ import annotations

from datetime import datetime, time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.clock import CHINA, Moment
from desktop_app.core.errors import UserError
from desktop_app.core.vocabulary import REASONS_BY_KIND, CaseKind, CaseReason, Platform, ResponsibleParty
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.rows import OrderRow
from desktop_app.ui import labels
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.china_time import china_time_edit, qt_to_moment
from desktop_app.ui.widgets.dialog_buttons import add_ok_cancel, submit_write
from desktop_app.ui.widgets.order_picker import OrderPicker
from desktop_app.ui.widgets.qt_dates import to_date
from desktop_app.ui.widgets.status_colours import tint
from desktop_app.ui.widgets.table_menu import explain
from desktop_app.ui.widgets.yuan_field import fen_or_none


class NewCaseDialog(QDialog):
    created = Signal(int)

    def __init__(self, context: AppContext, order: OrderRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._chosen: OrderRow | None = None
        self.setWindowTitle(self.tr("新建售后单"))
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)

        # --- the order -------------------------------------------------------------------
        order_box = QGroupBox(self.tr("订单"))
        order_layout = QVBoxLayout(order_box)
        self.picker = OrderPicker(context, search_name="order_search", results_name="order_results",
                                  results_height=130)
        self.search, self.results = self.picker.search, self.picker.results
        order_layout.addWidget(self.picker)
        self.results_hint = QLabel()
        tint(self.results_hint, "secondary")
        order_layout.addWidget(self.results_hint)
        manual = QFormLayout()
        self.platform = QComboBox()
        for p in Platform:
            self.platform.addItem(labels.label(p), p.value)
        manual.addRow(self.tr("平台"), self.platform)
        self.order_no = QLineEdit()
        self.order_no.setObjectName("order_no")
        self.order_no.setPlaceholderText(self.tr("订单未导入时直接输入订单号"))
        manual.addRow(self.tr("订单号"), self.order_no)
        self.manual_fields = QWidget()
        extra = QFormLayout(self.manual_fields)
        extra.setContentsMargins(0, 0, 0, 0)
        self.receiver = QLineEdit()
        self.phone = QLineEdit()
        extra.addRow(self.tr("收货人"), self.receiver)
        extra.addRow(self.tr("手机"), self.phone)
        self.chosen_label = QLabel()
        self.chosen_label.setWordWrap(True)
        self.order_info = QStackedWidget()
        self.order_info.addWidget(self.manual_fields)
        self.order_info.addWidget(self.chosen_label)
        manual.addRow(self.order_info)
        order_layout.addLayout(manual)
        layout.addWidget(order_box)

        # --- the case --------------------------------------------------------------------
        case_box = QGroupBox(self.tr("售后"))
        form = QFormLayout(case_box)
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for k in CaseKind:
            self.kind.addItem(labels.label(k), k.value)
        form.addRow(self.tr("类型"), self.kind)
        self.reason = QComboBox()
        self.reason.setObjectName("reason")
        form.addRow(self.tr("原因"), self.reason)
        amounts = QHBoxLayout()
        self.refund = QLineEdit()
        self.refund.setObjectName("refund")
        self.refund.setPlaceholderText(self.tr("元"))
        self.compensation = QLineEdit()
        self.compensation.setObjectName("compensation")
        self.compensation.setPlaceholderText(self.tr("元"))
        amounts.addWidget(QLabel(self.tr("退款")))
        amounts.addWidget(self.refund)
        amounts.addWidget(QLabel(self.tr("补偿")))
        amounts.addWidget(self.compensation)
        form.addRow(self.tr("金额"), amounts)
        self.responsible = QComboBox()
        self.responsible.addItem(self.tr("（未定）"), None)
        for party in ResponsibleParty:
            self.responsible.addItem(labels.label(party), party.value)
        form.addRow(self.tr("责任方"), self.responsible)
        self.platform_case_no = QLineEdit()
        self.platform_case_no.setPlaceholderText(self.tr("平台上的售后/退款编号（可选）"))
        form.addRow(self.tr("平台售后单号"), self.platform_case_no)
        self.requested = china_time_edit()
        form.addRow(self.tr("买家申请时间"), self.requested)
        signed_row = QHBoxLayout()
        self.signed_known = QCheckBox(self.tr("已签收"))
        self.signed_at = china_time_edit()
        self.signed_date_only = QCheckBox(self.tr("只知道日期"))
        self.signed_date = QDateEdit(self.requested.started_at.date())  # China's date, not the PC's
        self.signed_date.setDisplayFormat("yyyy-MM-dd")
        self.signed_date.setCalendarPopup(True)
        for w in (self.signed_known, self.signed_at, self.signed_date, self.signed_date_only):
            signed_row.addWidget(w)
        signed_row.addStretch(1)
        form.addRow(self.tr("签收时间"), signed_row)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(64)
        self.note.setPlaceholderText(self.tr("买家诉求、沟通情况……"))
        form.addRow(self.tr("说明"), self.note)
        layout.addWidget(case_box)

        self.buttons = add_ok_cancel(self, layout, self.submit, self.tr("保存"))

        self.picker.found.connect(self._show_results)
        self.picker.cleared.connect(self.results_hint.clear)
        self.picker.chosen.connect(self.choose_order)
        self.order_no.textEdited.connect(self._typed_by_hand)
        self.kind.currentIndexChanged.connect(self._fill_reasons)
        self.signed_known.toggled.connect(self._update_signed)
        self.signed_date_only.toggled.connect(self._update_signed)
        self._fill_reasons()
        self._update_signed()
        if order is not None:
            self.choose_order(order)
            self.kind.setFocus()
        else:
            self.search.setFocus()

    # --- order search ----------------------------------------------------------------------
    def _show_results(self, rows: list[OrderRow]) -> None:
        self.results_hint.setText(self.tr("找到 %n 个订单，选择一个；找不到时在下方直接输入订单号。", "",
                                          len(rows)) if rows else self.tr("没有找到订单，可在下方直接输入订单号。"))

    def choose_order(self, row: OrderRow) -> None:
        self._chosen = row
        index = self.platform.findData(row.platform)
        if index >= 0:
            self.platform.setCurrentIndex(index)
        self.order_no.setText(row.order_no)
        text = self.tr("已选订单：%1").replace("%1", "  ".join(filter(None, [
            row.shop, row.receiver, row.phone, row.address])))
        if row.case_count:  # a request recorded twice counts twice in 统计 and runs its timers twice
            text += "\n" + self.tr("这个订单已有 %n 张售后单：如是同一个售后，请在“售后单”页打开它，不要重复登记。", "",
                                   row.case_count)
        self.chosen_label.setText(text)
        self.order_info.setCurrentWidget(self.chosen_label)

    def _typed_by_hand(self, _text: str) -> None:
        self._chosen = None
        self.order_info.setCurrentWidget(self.manual_fields)

    def _fill_reasons(self) -> None:
        kind = CaseKind(self.kind.currentData())
        current = self.reason.currentData()
        self.reason.clear()
        self.reason.addItem(self.tr("（未选）"), None)
        for reason in REASONS_BY_KIND[kind]:
            self.reason.addItem(labels.label(reason), reason.value)
        index = self.reason.findData(current)
        self.reason.setCurrentIndex(index if index >= 0 else 1)

    def _update_signed(self) -> None:
        known = self.signed_known.isChecked()
        date_only = self.signed_date_only.isChecked()
        explain(self.signed_date_only, known, self.tr("先勾选“已签收”"),
                self.tr("只知道签收日期、不知道具体时间时勾选"))
        self.signed_at.setVisible(known and not date_only)
        self.signed_date.setVisible(known and date_only)

    # --- saving ----------------------------------------------------------------------------
    def collect(self) -> NewCase:
        """The form as a NewCase; UserError with what is wrong."""
        kind = CaseKind(self.kind.currentData())
        reason = self.reason.currentData()
        party = self.responsible.currentData()
        signed: Moment | None = None
        if self.signed_known.isChecked():
            if self.signed_date_only.isChecked():
                day = to_date(self.signed_date.date())
                signed = Moment(datetime.combine(day, time(0, 0), tzinfo=CHINA), date_only=True)
            else:
                signed = qt_to_moment(self.signed_at.dateTime())
        if not self.order_no.text().strip():
            raise UserError(self.tr("请选择一个订单，或输入订单号。"))
        return NewCase(
            platform=Platform(self.platform.currentData()), order_no=self.order_no.text(), kind=kind,
            reason=CaseReason(reason) if reason else None,
            refund_fen=fen_or_none(self.refund, self.tr("退款金额")),
            compensation_fen=fen_or_none(self.compensation, self.tr("补偿金额")),
            responsible=ResponsibleParty(party) if party else None,
            platform_case_no=self.platform_case_no.text(), note=self.note.toPlainText(),
            requested=self.requested.moment(), signed=signed,
            receiver=self.receiver.text().strip() or None if self._chosen is None else None,
            phone=self.phone.text().strip() or None if self._chosen is None else None,
        )

    def submit(self) -> None:
        submit_write(self, self.buttons, self._context, self.collect, open_case,
                     lambda opened: self.created.emit(opened.case_id))
