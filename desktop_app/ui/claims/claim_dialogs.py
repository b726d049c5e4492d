"""Dialogs on one claim in the 快递理赔 tab: act on it, follow-up date, edit, link to cases
(新建理赔 is ui/claims/new_claim_dialog.py)."""

from __future__ import annotations

from datetime import datetime, time

from PySide6.QtCore import QDate, QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

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
from desktop_app.core.money import fen_to_yuan, format_yuan
from desktop_app.services.claims import ClaimEdit
from desktop_app.store.claim_rows import ClaimDetail
from desktop_app.ui import labels
from desktop_app.ui.widgets.china_time import CHINA_ZONE, china_time_edit, qt_to_moment, time_confirmed
from desktop_app.ui.widgets.dialog_buttons import add_ok_cancel
from desktop_app.ui.widgets.qt_dates import to_date
from desktop_app.ui.widgets.status_colours import tint
from desktop_app.ui.widgets.writing_dialog import WritingDialog
from desktop_app.ui.widgets.yuan_field import fen_or_none


def _morning(day: QDate) -> datetime:
    """A follow-up day means 10:00 China time, like the automatic ones."""
    return datetime.combine(to_date(day), time(10, 0), tzinfo=CHINA)


def _qdate(value: datetime) -> QDate:
    local = value.astimezone(CHINA)
    return QDate(local.year, local.month, local.day)


class ClaimActionDialog(WritingDialog):
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
        self.at = china_time_edit()
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
        add_ok_cancel(self, layout, self._accept, labels.label(action))
        self.amount_fen: int | None = None

    @property
    def action(self) -> ClaimAction:
        return self._action

    def brings_money(self) -> bool:
        """Whether this step records money received (赔付, or an amount typed)."""
        return self._rule is AmountRule.FULL or bool(self.amount_fen)

    def payout_channel(self) -> PayoutChannel | None:
        """How the money came; None when not said or when no money comes with this action."""
        value = self.channel.currentData()
        return PayoutChannel(value) if value and self.brings_money() else None

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
            self.amount_fen = fen_or_none(self.amount, self.tr("到账金额")) \
                if self._rule is not AmountRule.NONE else None
        except UserError as error:
            QMessageBox.warning(self, self.windowTitle(), labels.message(error))
            return
        if self._rule is AmountRule.PARTIAL and not self.amount_fen:
            QMessageBox.warning(self, self.windowTitle(), self.tr("部分赔付请填写本次到账金额。"))
            return
        if time_confirmed(self, self.at):
            self.accept()

    def moment(self) -> Moment | None:
        """None when the time was left alone: the service stamps the exact moment."""
        return self.at.moment()

    def follow_up_at(self) -> datetime | None:
        """The chosen follow-up (10:00 that day); None for finished claims."""
        if follow_up_for(self._target, now()) is None:
            return None
        return _morning(self.follow_up.date())


class FollowUpDialog(WritingDialog):
    """Move the next follow-up of a claim, or clear it."""

    def __init__(self, claim: ClaimDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("修改跟进时间"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        current = claim.follow_up_at or follow_up_for(ClaimStatus(claim.status), now()) or now()
        self.when = china_time_edit(QDateTime.fromSecsSinceEpoch(int(current.timestamp()), CHINA_ZONE))
        self.when.setObjectName("follow_up_when")
        form.addRow(self.tr("跟进时间"), self.when)
        self.clear = QCheckBox(self.tr("不再提醒（清除跟进时间）"))
        self.clear.setObjectName("follow_up_clear")
        form.addRow("", self.clear)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("原因（可选）"))
        form.addRow(self.tr("备注"), self.note)
        layout.addLayout(form)
        add_ok_cancel(self, layout, self.accept)

    def value(self) -> datetime | None:
        if self.clear.isChecked():
            return None
        return qt_to_moment(self.when.dateTime()).at


class EditClaimDialog(WritingDialog):
    """Change the incident, the amounts, carrier and tracking number, the description."""

    def __init__(self, claim: ClaimDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("编辑理赔 #%1").replace("%1", str(claim.id)))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.incident = QComboBox()
        for incident in ClaimIncident:
            self.incident.addItem(labels.label(incident), incident.value)
        form.addRow(self.tr("原因"), self.incident)
        self.claimed = QLineEdit()
        self.claimed.setObjectName("edit_claimed")
        form.addRow(self.tr("申请金额（元）"), self.claimed)
        self.declared = QLineEdit()
        form.addRow(self.tr("保价金额（元）"), self.declared)
        self.carrier = QLineEdit()
        form.addRow(self.tr("快递公司"), self.carrier)
        self.tracking = QLineEdit()
        form.addRow(self.tr("运单号"), self.tracking)
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(70)
        form.addRow(self.tr("说明"), self.description)
        layout.addLayout(form)
        add_ok_cancel(self, layout, self._accept)
        self.edit: ClaimEdit | None = None
        self.show_record(self.record_values(claim))

    @staticmethod
    def record_values(claim: ClaimDetail) -> dict[str, object]:
        def yuan(fen: int | None) -> str:
            return str(fen_to_yuan(fen)) if fen is not None else ""

        return {"incident": claim.incident, "claimed": yuan(claim.claimed_fen), "declared": yuan(claim.declared_fen),
                "carrier": claim.carrier or "", "tracking": claim.tracking_no or "",
                "description": claim.description or ""}

    def form_values(self) -> dict[str, object]:
        return {"incident": self.incident.currentData(), "claimed": self.claimed.text(),
                "declared": self.declared.text(), "carrier": self.carrier.text(), "tracking": self.tracking.text(),
                "description": self.description.toPlainText()}

    def put_value(self, key: str, value: object) -> None:
        if key == "incident":
            self.incident.setCurrentIndex(max(self.incident.findData(value), 0))
        elif key == "description":
            self.description.setPlainText(str(value))
        elif key in ("claimed", "declared", "carrier", "tracking"):
            field: QLineEdit = getattr(self, key)
            field.setText(str(value))

    def _accept(self) -> None:
        try:
            self.edit = ClaimEdit(
                claimed_fen=fen_or_none(self.claimed, self.tr("申请金额")),
                declared_fen=fen_or_none(self.declared, self.tr("保价金额")),
                carrier=self.carrier.text(), tracking_no=self.tracking.text(),
                description=self.description.toPlainText(), incident=ClaimIncident(self.incident.currentData()),
            )
        except UserError as error:
            QMessageBox.warning(self, self.windowTitle(), labels.message(error))
            return
        self.accept()


class LinkDialog(WritingDialog):
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
        form.addRow(self.tr("售后单 #"), self.case)
        self.reship_case = QSpinBox()
        self.reship_case.setObjectName("link_reship_case")
        self.reship_case.setRange(0, 2_000_000_000)
        self.reship_case.setSpecialValueText(self.tr("（不关联）"))
        form.addRow(self.tr("理赔款用于补发：售后单 #"), self.reship_case)
        layout.addLayout(form)
        hint = QLabel(self.tr("快递赔付后由店铺补发给买家：关联补发所在的售后单，两边的时间线都会记录。"))
        hint.setWordWrap(True)
        tint(hint, "secondary")
        layout.addWidget(hint)
        add_ok_cancel(self, layout, self.accept)
        self.show_record(self.record_values(claim))

    @staticmethod
    def record_values(claim: ClaimDetail) -> dict[str, object]:
        return {"case": claim.case_id or 0, "reship_case": claim.reship_case_id or 0}

    def form_values(self) -> dict[str, object]:
        return {"case": self.case.value(), "reship_case": self.reship_case.value()}

    def put_value(self, key: str, value: object) -> None:
        box = self.case if key == "case" else self.reship_case
        box.setValue(value if isinstance(value, int) else 0)

    def case_id(self) -> int | None:
        return self.case.value() or None

    def reship_case_id(self) -> int | None:
        return self.reship_case.value() or None
