"""理赔单号/联系人: what the courier asks for on a claim — its ticket number, whom the shop deals with
(网点 / 客服 / 总部) and how to reach them, and the day the loss was reported."""

from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.claims import ClaimContactLevel
from desktop_app.core.clock import CHINA, now
from desktop_app.services.claim_details import ClaimTicket
from desktop_app.store.claim_rows import ClaimDetail
from desktop_app.ui import labels
from desktop_app.ui.widgets.dialog_buttons import add_ok_cancel
from desktop_app.ui.widgets.full_text_tips import show_whole_placeholder
from desktop_app.ui.widgets.writing_dialog import WritingDialog


class ClaimTicketDialog(WritingDialog):
    def __init__(self, claim: ClaimDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("理赔 #%1：理赔单号与联系人").replace("%1", str(claim.id)))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.number = QLineEdit(claim.ticket_no or "")
        self.number.setObjectName("ticket_number")
        self.number.setMaxLength(80)
        self.number.setPlaceholderText(self.tr("快递给的理赔单号/工单号"))
        show_whole_placeholder(self.number)
        form.addRow(self.tr("理赔单号"), self.number)
        self.level = QComboBox()
        self.level.setObjectName("ticket_level")
        self.level.addItem(self.tr("（未填）"), None)
        for level in ClaimContactLevel:
            self.level.addItem(labels.label(level), level.value)
        self.level.setCurrentIndex(max(self.level.findData(claim.contact_level), 0))
        form.addRow(self.tr("对接方"), self.level)
        self.contact = QLineEdit(claim.contact or "")
        self.contact.setObjectName("ticket_contact")
        self.contact.setMaxLength(120)
        self.contact.setPlaceholderText(self.tr("网点名称、联系人、电话"))
        show_whole_placeholder(self.contact)
        form.addRow(self.tr("联系人"), self.contact)
        self.reported_known = QCheckBox(self.tr("已向快递报案"))
        self.reported_known.setObjectName("ticket_reported_known")
        self.reported = QDateEdit()
        self.reported.setObjectName("ticket_reported")
        self.reported.setDisplayFormat("yyyy-MM-dd")
        self.reported.setCalendarPopup(True)
        day = (claim.reported_at or now()).astimezone(CHINA).date()
        self.reported.setDate(QDate(day.year, day.month, day.day))
        self.reported_known.setChecked(claim.reported_at is not None)
        self.reported.setEnabled(claim.reported_at is not None)
        self.reported_known.toggled.connect(self.reported.setEnabled)
        form.addRow(self.reported_known, self.reported)
        layout.addLayout(form)
        add_ok_cancel(self, layout, self.accept, self.tr("保存"))

    def ticket(self) -> ClaimTicket:
        level = self.level.currentData()
        reported = None
        if self.reported_known.isChecked():
            d = self.reported.date()
            reported = datetime.combine(date(d.year(), d.month(), d.day()), time(0, 0), tzinfo=CHINA)
        return ClaimTicket(self.number.text(), ClaimContactLevel(level) if level else None, self.contact.text(),
                           reported)
