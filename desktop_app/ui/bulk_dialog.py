"""批量操作: one action (or one note) on the cases selected in the Cases tab.

The dialog offers only what every selected case allows, says what will happen before it happens
(read fresh from the ledger), and lists each case's result afterwards; one case refused never
stops the others (services.bulk: one transaction per case).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.lifecycle import CaseAction, CaseStatus, allowed_actions
from desktop_app.core.vocabulary import CaseKind, ResponsibleParty
from desktop_app.services.bulk import (
    BulkPlan,
    CaseResult,
    act_on_cases,
    assign_responsible,
    note_on_cases,
    plan,
)
from desktop_app.store.database import Database
from desktop_app.store.rows import CaseRow
from desktop_app.ui import labels
from desktop_app.ui.background import Changes, describe_error
from desktop_app.ui.context import AppContext

NOTE = "note"  # the combo's entry for "add the same note"
RESPONSIBLE = "responsible"  # ... for "assign the responsible party"
FAILED = QColor("#c62828")


def shared_actions(rows: Sequence[CaseRow]) -> list[CaseAction]:
    """The actions every row allows, as the table last showed them."""
    if not rows:
        return []
    allowed = [set(allowed_actions(CaseKind(r.kind), CaseStatus(r.status))) for r in rows]
    shared = set.intersection(*allowed)
    return [a for a in CaseAction if a in shared]


class BulkActionDialog(QDialog):
    finished_bulk = Signal(list)  # list[CaseResult]

    def __init__(self, context: AppContext, rows: Sequence[CaseRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.case_ids = [r.id for r in rows]
        self.results: list[CaseResult] = []
        self.setWindowTitle(self.tr("批量操作（%1 张售后单）").replace("%1", str(len(rows))))
        self.resize(520, 460)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.action = QComboBox()
        self.action.setObjectName("bulk_action")
        for action in shared_actions(rows):
            self.action.addItem(labels.action(action), action.value)
        self.action.addItem(self.tr("添加备注"), NOTE)
        self.action.addItem(self.tr("指定责任方"), RESPONSIBLE)
        form.addRow(self.tr("操作："), self.action)
        self.party = QComboBox()
        self.party.setObjectName("bulk_party")
        for party in ResponsibleParty:
            self.party.addItem(labels.label(party), party.value)
        self.party.addItem(self.tr("（清空）"), None)
        self.party.setEnabled(False)
        form.addRow(self.tr("责任方："), self.party)
        self.note = QPlainTextEdit()
        self.note.setObjectName("bulk_note")
        self.note.setPlaceholderText(self.tr("备注（写入每张售后单的时间线）"))
        self.note.setFixedHeight(70)
        form.addRow(self.tr("备注："), self.note)
        layout.addLayout(form)
        self.summary = QLabel()
        self.summary.setObjectName("bulk_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.result_list = QListWidget()
        self.result_list.setObjectName("bulk_results")
        layout.addWidget(self.result_list, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.run_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.run_button.setText(self.tr("执行"))
        self.buttons.accepted.connect(self.run)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.action.currentIndexChanged.connect(self.preview)
        self.preview()

    def chosen(self) -> CaseAction | None:
        value = self.action.currentData()
        return None if value in (NOTE, RESPONSIBLE) else CaseAction(value)

    def preview(self) -> None:
        """What will happen, from the cases as they are in the ledger now."""
        action = self.chosen()
        self.party.setEnabled(self.action.currentData() == RESPONSIBLE)
        self.note.setEnabled(self.action.currentData() != RESPONSIBLE)
        if self.action.currentData() == RESPONSIBLE:
            self.summary.setText(self.tr("将把 %1 张售后单的责任方设为所选").replace("%1", str(len(self.case_ids))))
            return
        if action is None:
            self.summary.setText(self.tr("将给 %1 张售后单添加同一条备注").replace("%1", str(len(self.case_ids))))
            return
        ids = list(self.case_ids)

        def work(db: Database) -> BulkPlan:
            with db.reading() as session:
                return plan(session, ids, action)

        self.context.read(work, self._show_plan, lambda error: self.summary.setText(describe_error(error)))

    def _show_plan(self, bulk: BulkPlan) -> None:
        if self.chosen() is bulk.action:
            self.summary.setText(bulk.summary())

    def run(self) -> None:
        if self.results:  # second press: the results were read, close
            self.accept()
            return
        action, note, ids = self.chosen(), self.note.toPlainText(), list(self.case_ids)
        party_value = self.party.currentData() if self.action.currentData() == RESPONSIBLE else None
        assign = self.action.currentData() == RESPONSIBLE

        def work(db: Database) -> list[CaseResult]:
            if assign:
                return assign_responsible(db, ids, ResponsibleParty(party_value) if party_value else None)
            if action is None:
                return note_on_cases(db, ids, note)
            return act_on_cases(db, ids, action, note=note or None)

        self.run_button.setEnabled(False)
        self.context.write(work, Changes(cases=True, deadlines=True, reships=True), self._show_results, self._failed)

    def _show_results(self, results: list[CaseResult]) -> None:
        self.results = results
        self.result_list.clear()
        for r in results:
            if r.ok:
                text = f"#{r.case_id}  ✓  {labels.status(r.status.value) if r.status else self.tr('已添加备注')}"
            else:
                text = f"#{r.case_id}  ✗  {r.error}"
            item = QListWidgetItem(text)
            if not r.ok:
                item.setForeground(QBrush(FAILED))
            self.result_list.addItem(item)
        failed = sum(1 for r in results if not r.ok)
        self.summary.setText(self.tr("完成 %1 张，未执行 %2 张").replace("%1", str(len(results) - failed))
                             .replace("%2", str(failed)))
        self.action.setEnabled(False)
        self.party.setEnabled(False)
        self.note.setReadOnly(True)
        self.run_button.setText(self.tr("关闭"))
        self.run_button.setEnabled(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setVisible(False)
        self.finished_bulk.emit(results)

    def _failed(self, error: Exception) -> None:
        self.run_button.setEnabled(True)
        self.summary.setText(describe_error(error))
