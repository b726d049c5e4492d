"""Dialogs on one case in the 售后单 tab: confirm an action (with a note and the time it happened), edit the
case's reason, amounts, responsible party and platform case number."""

from __future__ import annotations

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.case_undo import IRREVERSIBLE, lasting
from desktop_app.core.clock import Moment
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.money import fen_to_yuan, parse_yuan, yuan_to_fen
from desktop_app.core.vocabulary import CaseKind, CaseReason, ResponsibleParty
from desktop_app.services.cases import CaseEdit
from desktop_app.services.returns import ReturnParcel
from desktop_app.store.rows import CaseDetail
from desktop_app.ui import labels
from desktop_app.ui.widgets.china_time import CHINA_ZONE, china_time_edit, time_confirmed
from desktop_app.ui.widgets.dialog_buttons import add_ok_cancel
from desktop_app.ui.widgets.status_colours import OVERDUE
from desktop_app.ui.widgets.writing_dialog import WritingDialog

# Actions that end or refuse something: ask for a reason and confirm.
_NEEDS_REASON = frozenset({CaseAction.REJECT, CaseAction.CLOSE, CaseAction.ESCALATE})


class ActionDialog(WritingDialog):
    """Confirm an action, with an optional note and the time it happened (default: now)."""

    def __init__(self, action: CaseAction, case_label: str, parent: QWidget | None = None,
                 paying: str | None = None, recorded_fen: int | None = None,
                 paid_before_fen: int | None = None, kind: CaseKind | None = None) -> None:
        """`paying`: the step pays the buyer ("refunded" / "compensated"), so it asks what was paid, filled
        with the amount recorded on the case (`recorded_fen`); `paid_before_fen`: what earlier steps paid so,
        to which this one's amount adds. `kind`: the case's, for whether 编辑 → 撤销 can take the step back
        (a reship case's agreement, refusal or closing moves its reship record too)."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("执行操作：%1").replace("%1", labels.action(action)))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("对 %1 执行“%2”").replace("%1", case_label).replace(
            "%2", labels.action(action))))
        form = QFormLayout()
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("原因或说明（可选）") if action not in _NEEDS_REASON
                                     else self.tr("请写明原因"))
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(80)
        form.addRow(self.tr("备注"), self.note)
        self.at = china_time_edit()
        form.addRow(self.tr("发生时间"), self.at)
        # The buyer's return parcel: the returns desk finds the case by its number when it arrives.
        self.carrier = QLineEdit()
        self.carrier.setObjectName("return_carrier")
        self.carrier.setPlaceholderText(self.tr("可选，如 中通快递"))
        self.tracking = QLineEdit()
        self.tracking.setObjectName("return_tracking")
        self.tracking.setPlaceholderText(self.tr("扫描或输入运单号"))
        self.tracking.setToolTip(self.tr("到货时在“退货入库”扫描这个单号即可找到本单"))
        if action is CaseAction.BUYER_SHIPPED_RETURN:
            form.addRow(self.tr("退货快递"), self.carrier)
            form.addRow(self.tr("退货运单号"), self.tracking)
        # What the buyer was paid: 统计's 退款 and the net loss count the case's amount once paid.
        self.paid = QLineEdit("" if recorded_fen is None else str(fen_to_yuan(recorded_fen)))
        self.paid.setObjectName("paid_amount")
        self.paid.setPlaceholderText(self.tr("未填写时统计按 0 元计") if paid_before_fen is None else self.tr(
            "之前已付 %1 元；填写这次付的金额（累加）").replace("%1", f"{fen_to_yuan(paid_before_fen):.2f}"))
        if paying is not None:
            form.addRow(self.tr("补偿金额（元）") if paying == "compensated" else self.tr("退款金额（元）"),
                        self.paid)
        self._paying = paying
        layout.addLayout(form)
        why = lasting(kind, action) if kind is not None else IRREVERSIBLE.get(action)
        if why is not None:  # no undo afterwards: say so before, where the click is
            warning = QLabel(self.tr("记录后无法撤销：%1。请确认已在平台上完成。").replace(
                "%1", labels.text(why)))
            warning.setObjectName("irreversible")
            warning.setWordWrap(True)
            warning.setStyleSheet(f"color:{OVERDUE.name()}")
            layout.addWidget(warning)
        add_ok_cancel(self, layout, self._accept, labels.action(action))
        self._action = action

    def _accept(self) -> None:
        if self._action in _NEEDS_REASON and not self.note.toPlainText().strip():
            QMessageBox.warning(self, self.windowTitle(), self.tr("请填写原因。"))
            return
        try:
            self.parcel()
        except UserError as error:
            QMessageBox.warning(self, self.windowTitle(), labels.message(error))
            self.tracking.setFocus()
            return
        try:
            self.paid_fen()
        except UserError as error:
            QMessageBox.warning(self, self.windowTitle(), labels.text(str(error)))
            self.paid.setFocus()
            return
        if time_confirmed(self, self.at):
            self.accept()

    def parcel(self) -> ReturnParcel | None:
        """The buyer's return parcel typed with 买家已寄回 (None: no number given); UserError when the
        number cannot be one, or a courier is named without it."""
        if self._action is not CaseAction.BUYER_SHIPPED_RETURN:
            return None
        carrier, tracking = self.carrier.text().strip(), self.tracking.text().strip()
        if not tracking:
            if carrier:
                raise UserError("请填写退货运单号（只填快递公司，到货时找不到这张售后单）")
            return None
        return ReturnParcel.of(carrier or None, tracking)

    def paid_fen(self) -> int | None:
        """What the step paid, in fen (None: not a paying step, or left empty); UserError when it is not an
        amount above 0."""
        text = self.paid.text().strip()
        if self._paying is None or not text:
            return None
        fen = yuan_to_fen(parse_yuan(text, self.tr("金额")))
        if fen <= 0:
            raise UserError(self.tr("金额必须大于 0"))
        return fen

    def moment(self) -> Moment | None:
        """None when the user left the time alone: the service stamps the exact moment."""
        return self.at.moment()


class EditCaseDialog(WritingDialog):
    """Change reason, amounts, responsible party, the platform's case number and the buyer's request time."""

    def __init__(self, d: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("编辑售后单 #%1").replace("%1", str(d.row.id)))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.reason = QComboBox()
        self.reason.addItem(self.tr("（未选）"), None)
        for reason in CaseReason:
            self.reason.addItem(labels.label(reason), reason.value)
        form.addRow(self.tr("原因"), self.reason)
        self.refund = QLineEdit()
        self.compensation = QLineEdit()
        form.addRow(self.tr("退款金额（元）"), self.refund)
        form.addRow(self.tr("补偿金额（元）"), self.compensation)
        self.responsible = QComboBox()
        self.responsible.addItem(self.tr("（未定）"), None)
        for party in ResponsibleParty:
            self.responsible.addItem(labels.label(party), party.value)
        form.addRow(self.tr("责任方"), self.responsible)
        self.platform_case_no = QLineEdit()
        form.addRow(self.tr("平台售后单号"), self.platform_case_no)
        # The request's time, which the answer timers run from: correct one typed wrong (or left at the moment
        # the case was typed in); the timers are recomputed with it.
        self.requested = china_time_edit()
        form.addRow(self.tr("买家申请时间"), self.requested)
        layout.addLayout(form)
        add_ok_cancel(self, layout, self._accept)
        self.edit: CaseEdit | None = None
        self.show_record(self.record_values(d))

    @staticmethod
    def record_values(d: CaseDetail) -> dict[str, object]:
        asked = d.requested_at or d.created_at
        return {"reason": d.row.reason, "refund": "" if d.refund_fen is None else str(fen_to_yuan(d.refund_fen)),
                "compensation": "" if d.compensation_fen is None else str(fen_to_yuan(d.compensation_fen)),
                "responsible": d.row.responsible, "platform_case_no": d.platform_case_no or "",
                "requested": int(asked.timestamp())}

    def form_values(self) -> dict[str, object]:
        return {"reason": self.reason.currentData(), "refund": self.refund.text(),
                "compensation": self.compensation.text(), "responsible": self.responsible.currentData(),
                "platform_case_no": self.platform_case_no.text(),
                "requested": self.requested.dateTime().toSecsSinceEpoch() if self.requested.moment() is not None
                else self._shown.get("requested")}

    def put_value(self, key: str, value: object) -> None:
        if key in ("reason", "responsible"):
            box = self.reason if key == "reason" else self.responsible
            box.setCurrentIndex(max(box.findData(value), 0))
        elif key == "requested" and isinstance(value, int):
            self.requested.started_at = QDateTime.fromSecsSinceEpoch(value, CHINA_ZONE)  # left there: not sent
            self.requested.setDateTime(self.requested.started_at)
        elif key in ("refund", "compensation", "platform_case_no"):
            field: QLineEdit = getattr(self, key)
            field.setText(str(value))

    def _accept(self) -> None:
        if not time_confirmed(self, self.requested):
            return
        try:
            refund = self.refund.text().strip()
            compensation = self.compensation.text().strip()
            reason, party = self.reason.currentData(), self.responsible.currentData()
            self.edit = CaseEdit(
                reason=CaseReason(reason) if reason else None,
                refund_fen=yuan_to_fen(parse_yuan(refund, self.tr("退款金额"))) if refund else None,
                compensation_fen=yuan_to_fen(parse_yuan(compensation, self.tr("补偿金额"))) if compensation else None,
                responsible=ResponsibleParty(party) if party else None,
                platform_case_no=self.platform_case_no.text(),
                requested=self.requested.moment(),
            )
        except UserError as error:
            QMessageBox.warning(self, self.windowTitle(), labels.message(error))
            return
        self.accept()
