"""更改售后类型: correct the kind of a case from its detail pane (a return & refund the buyer turned
into refund-only, a kind picked wrongly). The dialog says beforehand where the state lands
(core.lifecycle.change_kind) and what follows; the pane does the writing (services.case_kind)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseStatus, change_kind
from desktop_app.core.vocabulary import CaseKind
from desktop_app.services.cases import COMPENSATION_KINDS
from desktop_app.ui import labels
from desktop_app.ui.widgets.dialog_buttons import add_ok_cancel
from desktop_app.ui.widgets.writing_dialog import WritingDialog


class ChangeKindDialog(WritingDialog):
    def __init__(self, case_id: int, kind: CaseKind, status: CaseStatus, has_amount: bool = False,
                 parent: QWidget | None = None, parcel_sent: bool = True) -> None:
        super().__init__(parent)
        self._kind, self._status, self._has_amount = kind, status, has_amount
        self._parcel_sent = parcel_sent  # the buyer's return is on its way (core.lifecycle.change_kind)
        self.setWindowTitle(self.tr("更改售后类型 #%1").replace("%1", str(case_id)))
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("当前：%1，%2").replace("%1", labels.label(kind))
                                .replace("%2", labels.label(status))))
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.setObjectName("new_kind")
        for other in CaseKind:
            if other is not kind:
                self.kind.addItem(labels.label(other), other.value)
        form.addRow(self.tr("改为"), self.kind)
        self.note = QPlainTextEdit()
        self.note.setObjectName("kind_note")
        self.note.setPlaceholderText(self.tr("原因（可选），例如：买家改为仅退款，不退货了"))
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(64)
        form.addRow(self.tr("备注"), self.note)
        layout.addLayout(form)
        self.outcome = QLabel()
        self.outcome.setObjectName("kind_outcome")
        self.outcome.setWordWrap(True)
        layout.addWidget(self.outcome)
        self.buttons = add_ok_cancel(self, layout, self.accept)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("更改"))
        self.kind.currentIndexChanged.connect(self._preview)
        self._preview()

    def chosen(self) -> CaseKind:
        return CaseKind(self.kind.currentData())

    def note_text(self) -> str:
        return self.note.toPlainText().strip()

    def _preview(self) -> None:
        new = self.chosen()
        try:
            after = change_kind(self._kind, self._status, new, self._parcel_sent)
        except UserError as error:
            self.outcome.setText(labels.message(error))
            self.ok_button.setEnabled(False)
            return
        lines = [self.tr("状态：%1 → %2").replace("%1", labels.label(self._status)).replace("%2", labels.label(after))]
        if self._has_amount and (self._kind in COMPENSATION_KINDS) != (new in COMPENSATION_KINDS):
            lines.append(self.tr("金额将按新类型记为补偿金额") if new in COMPENSATION_KINDS
                         else self.tr("金额将按新类型记为退款金额"))
        if self._kind is CaseKind.RESHIP:
            lines.append(self.tr("尚未发出的补发将取消，离开补发队列"))
        elif new is CaseKind.RESHIP:
            lines.append(self.tr("将进入补发队列，等待答复"))
        lines.append(self.tr("时限按新类型重新计算；时间线记录这次更改"))
        self.outcome.setText("\n".join(lines))
        self.ok_button.setEnabled(True)
