"""Dialogs of the 快递理赔 tab: new claim from an order, act on a claim, follow-up, edit, link."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time

from PySide6.QtCore import QDate, QDateTime, Qt, QTimeZone, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
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
from desktop_app.core.claims import (
    AmountRule,
    ClaimAction,
    ClaimIncident,
    ClaimStatus,
    PayoutChannel,
    follow_up_for,
    transition,
)
from desktop_app.core.clock import CHINA, Moment, now
from desktop_app.core.errors import UserError
from desktop_app.core.money import fen_to_yuan, format_yuan, parse_yuan, yuan_to_fen
from desktop_app.services.claims import ChosenLine, ClaimDraft, ClaimEdit, NewClaim, draft_for_case, draft_for_order
from desktop_app.services.claims import open_claim as open_claim_service
from desktop_app.store.claim_rows import ClaimDetail
from desktop_app.store.rows import OrderRow
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.case_detail import china_now_qt, china_time_edit, qt_to_moment
from desktop_app.ui.context import AppContext
from desktop_app.ui.order_search import OrderSearch

_CHINA_ZONE = QTimeZone(b"Asia/Shanghai")

# Columns of the item table in the New Claim dialog.
ITEM_COLUMN, SPEC_COLUMN, QUANTITY_COLUMN, PAID_COLUMN, VALUE_COLUMN = range(5)


def _fen_or_none(field: QLineEdit, what: str) -> int | None:
    text = field.text().strip()
    return yuan_to_fen(parse_yuan(text, what)) if text else None


def _morning(day: QDate) -> datetime:
    """A follow-up day means 10:00 China time, like the automatic ones."""
    return datetime.combine(day.toPython(), time(10, 0), tzinfo=CHINA)


def _qdate(value: datetime) -> QDate:
    local = value.astimezone(CHINA)
    return QDate(local.year, local.month, local.day)


class NewClaimDialog(QDialog):
    """新建理赔: choose the order (or come from a case), tick the affected items, check the amount."""

    created = Signal(int)
    draft_loaded = Signal()

    def __init__(self, context: AppContext, order: OrderRow | None = None, case_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._draft: ClaimDraft | None = None
        self._case_id = case_id
        self._amount_touched = False
        self._spins: list[QSpinBox] = []
        self.setWindowTitle(self.tr("新建快递理赔"))
        self.setMinimumWidth(680)
        layout = QVBoxLayout(self)

        order_box = QGroupBox(self.tr("订单"))
        order_layout = QVBoxLayout(order_box)
        self.search = QLineEdit()
        self.search.setObjectName("claim_order_search")
        self.search.setPlaceholderText(self.tr("搜索已导入的订单：订单号、收货人、手机（可输后四位）、物流单号"))
        self.search.setClearButtonEnabled(True)
        order_layout.addWidget(self.search)
        self.results = QListWidget()
        self.results.setObjectName("claim_order_results")
        self.results.setMaximumHeight(110)
        order_layout.addWidget(self.results)
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
        self.items_hint.setStyleSheet("color:#777")
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

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("保存"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._order_search = OrderSearch(context, self.search, self)
        self._order_search.found.connect(self._show_results)
        self._order_search.cleared.connect(self._clear_results)
        self.results.currentItemChanged.connect(self._result_chosen)
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
    def _clear_results(self) -> None:
        self.results.clear()

    def _show_results(self, rows: list[OrderRow]) -> None:
        self.results.clear()
        for row in rows:
            text = "  ".join(filter(None, [
                labels.platform(row.platform), row.order_no, row.receiver, row.phone, row.carrier, row.tracking_no,
            ]))
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row)
            self.results.addItem(item)
        if not rows:
            self.order_label.setText(self.tr("没有找到订单。快递理赔需要订单信息，请先导入该订单。"))

    def _result_chosen(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.choose_order(item.data(Qt.ItemDataRole.UserRole))

    def choose_order(self, row: OrderRow) -> None:
        order_id = row.id
        self._load(lambda session: draft_for_order(session, order_id))

    def _load(self, build: Callable[[Session], ClaimDraft]) -> None:
        def work(session: Session) -> ClaimDraft:
            return build(session)

        def failed(error: Exception) -> None:
            QMessageBox.warning(self, self.windowTitle(), describe_error(error))

        self._context.look_up(work, self._show_draft, failed)

    def _show_draft(self, draft: ClaimDraft) -> None:
        self._draft = draft
        o = draft.order
        parts = [labels.platform(o.platform), o.order_no, o.receiver, o.phone, o.address]
        if o.paid_fen is not None:
            parts.append(self.tr("实付 ￥%1").replace("%1", format_yuan(o.paid_fen)))
        if draft.case_id is not None:
            parts.append(self.tr("售后单 #%1").replace("%1", str(draft.case_id)))
        self.order_label.setText(self.tr("已选订单：%1").replace("%1", "  ".join(p for p in parts if p)))
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
        self.items.resizeColumnsToContents()
        self.items.horizontalHeader().setSectionResizeMode(ITEM_COLUMN, QHeaderView.ResizeMode.Stretch)
        if draft.lines:
            self.items_hint.setText(self.tr("勾选受损或丢失的商品；只坏了几件时调整数量。"))
        else:
            self.items_hint.setText(self.tr("订单没有商品明细：请直接填写申请金额。"))
        self._amount_touched = False
        self._update_values()
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
            lines=lines, claimed_fen=_fen_or_none(self.amount, self.tr("申请金额")),
            declared_fen=_fen_or_none(self.declared, self.tr("保价金额")),
            description=self.description.toPlainText(), carrier=self.carrier.text(), tracking_no=self.tracking.text(),
        )

    def submit(self) -> None:
        try:
            new = self.collect()
        except UserError as error:
            QMessageBox.warning(self, self.windowTitle(), error.message)
            return
        self.buttons.setEnabled(False)

        def done(claim_id: int) -> None:
            self.created.emit(claim_id)
            self.accept()

        def failed(error: Exception) -> None:
            self.buttons.setEnabled(True)
            QMessageBox.warning(self, self.windowTitle(), describe_error(error))

        self._context.write(lambda db: open_claim_service(db, new), done, failed, origin=self)


class ClaimActionDialog(QDialog):
    """Confirm a claim action: when it happened, the money received, the next follow-up, a note."""

    def __init__(self, action: ClaimAction, claim: ClaimDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._action = action
        self._claim = claim
        step = transition(ClaimStatus(claim.status), action)
        self._target = step.target
        self._rule = step.amount
        self.setWindowTitle(self.tr("理赔操作：%1").replace("%1", labels.label(action)))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("对理赔 #%1 执行“%2”").replace("%1", str(claim.id)).replace(
            "%2", labels.label(action))))
        form = QFormLayout()
        self.amount = QLineEdit()
        self.amount.setObjectName("action_amount")
        outstanding = max((claim.claimed_fen or 0) - (claim.received_fen or 0), 0)
        if self._rule is AmountRule.FULL:
            hint = self.tr("默认 %1 元（剩余申请金额）")
            self.amount.setPlaceholderText(hint.replace("%1", format_yuan(outstanding)))
        elif self._rule is AmountRule.PARTIAL:
            self.amount.setPlaceholderText(self.tr("本次到账金额（必填）"))
        elif self._rule is AmountRule.FINAL:
            self.amount.setPlaceholderText(self.tr("结案时又到账的金额；没有可留空"))
        self.channel = QComboBox()
        self.channel.setObjectName("action_channel")
        self.channel.addItem(self.tr("（不注明）"), None)
        for channel in PayoutChannel:
            self.channel.addItem(labels.label(channel), channel.value)
        if self._rule is not AmountRule.NONE:
            form.addRow(self.tr("到账金额（元）"), self.amount)
            form.addRow(self.tr("赔付方式"), self.channel)
        self.amount.setVisible(self._rule is not AmountRule.NONE)
        self.channel.setVisible(self._rule is not AmountRule.NONE)
        self._opened_at = china_now_qt()
        self.at = china_time_edit(self._opened_at)
        self.at.setObjectName("action_at")
        form.addRow(self.tr("发生时间"), self.at)
        self.follow_up = QDateEdit()
        self.follow_up.setObjectName("action_follow_up")
        self.follow_up.setDisplayFormat("yyyy-MM-dd")
        self.follow_up.setCalendarPopup(True)
        self._follow_up_touched = False
        self._set_default_follow_up()
        self.follow_up.dateChanged.connect(self._follow_up_edited)
        self.at.dateTimeChanged.connect(lambda _v: self._set_default_follow_up())
        if follow_up_for(self._target, now()) is not None:
            form.addRow(self.tr("下次跟进"), self.follow_up)
        else:
            self.follow_up.setVisible(False)
        self.note = QPlainTextEdit()
        self.note.setObjectName("action_note")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(70)
        self.note.setPlaceholderText(self.tr("网点、联系人、对方说法……（可选）"))
        form.addRow(self.tr("备注"), self.note)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(labels.label(action))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.amount_fen: int | None = None

    @property
    def action(self) -> ClaimAction:
        return self._action

    def payout_channel(self) -> PayoutChannel | None:
        """How the money came; None when not said or when no money comes with this action."""
        value = self.channel.currentData()
        money_comes = self._rule is AmountRule.FULL or bool(self.amount_fen)
        return PayoutChannel(value) if value and money_comes else None

    def _set_default_follow_up(self) -> None:
        if self._follow_up_touched:
            return
        due = follow_up_for(self._target, qt_to_moment(self.at.dateTime()).at)
        if due is not None:
            self.follow_up.blockSignals(True)
            self.follow_up.setDate(_qdate(due))
            self.follow_up.blockSignals(False)

    def _follow_up_edited(self, _date: QDate) -> None:
        self._follow_up_touched = True

    def _accept(self) -> None:
        try:
            self.amount_fen = _fen_or_none(self.amount, self.tr("到账金额")) \
                if self._rule is not AmountRule.NONE else None
        except UserError as error:
            QMessageBox.warning(self, self.windowTitle(), error.message)
            return
        if self._rule is AmountRule.PARTIAL and not self.amount_fen:
            QMessageBox.warning(self, self.windowTitle(), self.tr("部分赔付请填写本次到账金额。"))
            return
        self.accept()

    def moment(self) -> Moment | None:
        """None when the time was left alone: the service stamps the exact moment."""
        if abs(self.at.dateTime().secsTo(self._opened_at)) < 60:
            return None
        return qt_to_moment(self.at.dateTime())

    def follow_up_at(self) -> datetime | None:
        """The chosen follow-up (10:00 that day); None for finished claims."""
        if follow_up_for(self._target, now()) is None:
            return None
        return _morning(self.follow_up.date())


class FollowUpDialog(QDialog):
    """Move the next follow-up of a claim, or clear it."""

    def __init__(self, claim: ClaimDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("修改跟进时间"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        current = claim.follow_up_at or follow_up_for(ClaimStatus(claim.status), now()) or now()
        self.when = china_time_edit(QDateTime.fromSecsSinceEpoch(int(current.timestamp()), _CHINA_ZONE))
        self.when.setObjectName("follow_up_when")
        form.addRow(self.tr("跟进时间"), self.when)
        self.clear = QCheckBox(self.tr("不再提醒（清除跟进时间）"))
        self.clear.setObjectName("follow_up_clear")
        form.addRow("", self.clear)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("原因（可选）"))
        form.addRow(self.tr("备注"), self.note)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def value(self) -> datetime | None:
        if self.clear.isChecked():
            return None
        return qt_to_moment(self.when.dateTime()).at


class EditClaimDialog(QDialog):
    """Change the incident, the amounts, carrier and tracking number, the description."""

    def __init__(self, claim: ClaimDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("编辑理赔 #%1").replace("%1", str(claim.id)))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.incident = QComboBox()
        for incident in ClaimIncident:
            self.incident.addItem(labels.label(incident), incident.value)
        self.incident.setCurrentIndex(max(self.incident.findData(claim.incident), 0))
        form.addRow(self.tr("原因"), self.incident)
        self.claimed = QLineEdit(str(fen_to_yuan(claim.claimed_fen)) if claim.claimed_fen is not None else "")
        self.claimed.setObjectName("edit_claimed")
        form.addRow(self.tr("申请金额（元）"), self.claimed)
        self.declared = QLineEdit(str(fen_to_yuan(claim.declared_fen)) if claim.declared_fen is not None else "")
        form.addRow(self.tr("保价金额（元）"), self.declared)
        self.carrier = QLineEdit(claim.carrier or "")
        form.addRow(self.tr("快递公司"), self.carrier)
        self.tracking = QLineEdit(claim.tracking_no or "")
        form.addRow(self.tr("运单号"), self.tracking)
        self.description = QPlainTextEdit(claim.description or "")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(70)
        form.addRow(self.tr("说明"), self.description)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.edit: ClaimEdit | None = None

    def _accept(self) -> None:
        try:
            self.edit = ClaimEdit(
                claimed_fen=_fen_or_none(self.claimed, self.tr("申请金额")),
                declared_fen=_fen_or_none(self.declared, self.tr("保价金额")),
                carrier=self.carrier.text(), tracking_no=self.tracking.text(),
                description=self.description.toPlainText(), incident=ClaimIncident(self.incident.currentData()),
            )
        except UserError as error:
            QMessageBox.warning(self, self.windowTitle(), error.message)
            return
        self.accept()


class LinkDialog(QDialog):
    """Link the claim to its case, and to the reship its compensation pays for."""

    def __init__(self, claim: ClaimDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("关联售后单 / 补发"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.case = QSpinBox()
        self.case.setObjectName("link_case")
        self.case.setRange(0, 2_000_000_000)
        self.case.setSpecialValueText(self.tr("（不关联）"))
        self.case.setValue(claim.case_id or 0)
        form.addRow(self.tr("售后单 #"), self.case)
        self.reship_case = QSpinBox()
        self.reship_case.setObjectName("link_reship_case")
        self.reship_case.setRange(0, 2_000_000_000)
        self.reship_case.setSpecialValueText(self.tr("（不关联）"))
        self.reship_case.setValue(claim.reship_case_id or 0)
        form.addRow(self.tr("理赔款用于补发：售后单 #"), self.reship_case)
        layout.addLayout(form)
        hint = QLabel(self.tr("快递赔付后由店铺补发给买家：关联补发所在的售后单，两边的时间线都会记录。"))
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#777")
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def case_id(self) -> int | None:
        return self.case.value() or None

    def reship_case_id(self) -> int | None:
        return self.reship_case.value() or None
