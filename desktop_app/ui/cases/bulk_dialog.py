"""批量操作: one action (or one note) on the cases selected in the Cases tab or the Reship queue.

The dialog offers only what every selected case allows, says what will happen before it happens
(read fresh from the ledger), and lists each case's result afterwards; one case refused never
stops the others (services.bulk: one transaction per case). 打印货值说明 lists which cases have a
claim or an order to state and opens the statement dialog (preview, print, PDF) for those.

The Reship queue's dialog (ui/reships/reship_bulk.py) adds its own choices through the hooks `_choices`,
`_describe`, `_work` and `_run_other`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
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

from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus, allowed_actions, change_kind
from desktop_app.core.vocabulary import CaseKind, ResponsibleParty
from desktop_app.services.bulk import (
    BulkOutcome,
    BulkPlan,
    CaseResult,
    act_on_cases,
    assign_responsible,
    change_kind_of_cases,
    note_on_cases,
    plan,
)
from desktop_app.services.statements import CaseSource, StatementRequest, case_sources
from desktop_app.store.database import Database
from desktop_app.store.rows import CaseRow
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.cases.bulk_undo import KIND, NOTE, RESPONSIBLE, cannot_undo, undo_note
from desktop_app.ui.context import AppContext
from desktop_app.ui.statements.statement_dialog import StatementDialog
from desktop_app.ui.widgets.dialog_buttons import add_ok_cancel
from desktop_app.ui.widgets.screen_fit import resize_within_screen
from desktop_app.ui.widgets.status_colours import OVERDUE, tint
from desktop_app.ui.widgets.table_menu import explain

# The combo's entries besides the actions: add the same note, assign the responsible party, correct the
# kind (bulk_undo: whether each can be undone), print goods value statements.
STATEMENTS = "statements"
# Actions that end or refuse something: the note says why (as in the detail pane).
_NEEDS_REASON = frozenset({CaseAction.REJECT, CaseAction.CLOSE, CaseAction.ESCALATE})

Progress = Callable[[int], None]  # cases done so far, called on the worker thread
BulkWork = Callable[[Database, Progress], BulkOutcome]


@dataclass(frozen=True, slots=True)
class SelectedCase:
    """A selected row as the table last showed it: enough to offer the actions it allows."""

    case_id: int
    kind: CaseKind
    status: CaseStatus


def selected_cases(rows: Sequence[CaseRow]) -> list[SelectedCase]:
    return [SelectedCase(r.id, CaseKind(r.kind), CaseStatus(r.status)) for r in rows]


def shared_actions(selected: Sequence[SelectedCase]) -> list[CaseAction]:
    """The actions every selected case allows, as the table last showed them."""
    if not selected:
        return []
    allowed = [set(allowed_actions(s.kind, s.status)) for s in selected]
    shared = set.intersection(*allowed)
    return [a for a in CaseAction if a in shared]


class BulkActionDialog(QDialog):
    finished_bulk = Signal(list)  # list[CaseResult]
    progressed = Signal(int)  # cases done so far (emitted on the worker thread, shown on the GUI thread)

    def __init__(self, context: AppContext, selected: Sequence[SelectedCase], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.selected = list(selected)
        self.case_ids = [s.case_id for s in selected]
        self.results: list[CaseResult] = []
        self.statement_dialog: StatementDialog | None = None
        self.setWindowTitle(self.tr("批量操作（%1 张售后单）").replace("%1", str(len(selected))))
        resize_within_screen(self, 560, 480)
        self.body = layout = QVBoxLayout(self)
        self.form = QFormLayout()
        self.action = QComboBox()
        self.action.setObjectName("bulk_action")
        # Nothing chosen at first: the first shared action stood preselected with 执行 as the default
        # button, so Enter recorded 退款 on every selected case (money paid cannot be undone).
        self.action.addItem(self.tr("（选择操作）"), None)
        for text, value in self._choices():
            self.action.addItem(text, value)
        self.action.setCurrentIndex(max(self.action.findData(self._preselected()), 0))
        self.form.addRow(self.tr("操作："), self.action)
        self.party = QComboBox()
        self.party.setObjectName("bulk_party")
        for party in ResponsibleParty:
            self.party.addItem(labels.label(party), party.value)
        self.party.addItem(self.tr("（清空）"), None)
        self.party.setEnabled(False)
        self.form.addRow(self.tr("责任方："), self.party)
        self.kind = QComboBox()
        self.kind.setObjectName("bulk_kind")
        for kind in CaseKind:
            self.kind.addItem(labels.label(kind), kind.value)
        self.kind.setEnabled(False)
        self.kind.currentIndexChanged.connect(lambda _i: self.preview())
        self.form.addRow(self.tr("新类型："), self.kind)
        self.note = QPlainTextEdit()
        self.note.setObjectName("bulk_note")
        self.note.setPlaceholderText(self.tr("备注（写入每张售后单的时间线）"))
        self.note.setFixedHeight(60)
        self.form.addRow(self.tr("备注："), self.note)
        layout.addLayout(self.form)
        self.extra = QVBoxLayout()  # room for a subclass's own fields (the reship queue's tracking numbers)
        layout.addLayout(self.extra)
        self.summary = QLabel()
        self.summary.setObjectName("bulk_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.undo_note = QLabel()  # before the click: whether 编辑 → 撤销 takes the whole batch back
        self.undo_note.setObjectName("bulk_undo_note")
        self.undo_note.setWordWrap(True)
        layout.addWidget(self.undo_note)
        self.result_list = QListWidget()
        self.result_list.setObjectName("bulk_results")
        layout.addWidget(self.result_list, 1)
        self.buttons = add_ok_cancel(self, layout, self.run)
        self.run_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.run_button.setText(self.tr("执行"))
        self.action.currentIndexChanged.connect(self.preview)
        self.progressed.connect(self._show_progress)

    def open(self) -> None:
        """Shown with the summary of the first choice (read once every field exists)."""
        self.preview()
        super().open()

    # --- hooks a subclass extends --------------------------------------------------------------
    def _choices(self) -> list[tuple[str, object]]:
        """The combo's entries: (text, data)."""
        choices: list[tuple[str, object]] = [(labels.action(a), a.value) for a in shared_actions(self.selected)]
        return [*choices, (self.tr("添加备注"), NOTE), (self.tr("指定责任方"), RESPONSIBLE),
                (self.tr("更改售后类型"), KIND), (self.tr("打印货值说明"), STATEMENTS)]

    def _preselected(self) -> object:
        """The choice shown at first: none (a subclass may offer one that writes nothing by itself)."""
        return None

    def _describe(self, key: object) -> str | None:
        """The summary of a choice that needs no reading; None: read a plan from the ledger."""
        count = str(len(self.case_ids))
        if key is None:
            return self.tr("选择要对这 %1 张售后单执行的操作").replace("%1", count)
        if key == RESPONSIBLE:
            return self.tr("将把 %1 张售后单的责任方设为所选").replace("%1", count)
        if key == NOTE:
            return self.tr("将给 %1 张售后单添加同一条备注").replace("%1", count)
        if key == KIND:
            return self._kind_plan(CaseKind(self.kind.currentData()))
        return None

    def _kind_plan(self, new: CaseKind) -> str:
        """Where each case lands (core.lifecycle.change_kind), as the table last showed them."""
        moves: dict[tuple[CaseStatus, CaseStatus], int] = {}
        refused: list[str] = []
        for s in self.selected:
            try:
                after = change_kind(s.kind, s.status, new)
            except UserError:
                refused.append(self.tr("#%1（%2）").replace("%1", str(s.case_id)).replace(
                    "%2", labels.label(s.kind) if s.kind is new else labels.label(s.status)))
                continue
            moves[(s.status, after)] = moves.get((s.status, after), 0) + 1
        text = self.tr("%1 张售后单将改为“%2”").replace("%1", str(sum(moves.values()))).replace(
            "%2", labels.label(new))
        if moves:
            text += self.tr("：") + self.tr("，").join(
                self.tr("%1 → %2 ×%3").replace("%1", labels.label(a)).replace("%2", labels.label(b))
                .replace("%3", str(n)) for (a, b), n in moves.items())
        if refused:
            text += self.tr("；%1 张不能更改：%2").replace("%1", str(len(refused))).replace(
                "%2", self.tr("，").join(refused[:10])) + (self.tr(" 等") if len(refused) > 10 else "")
        if (CaseStatus.AWAITING_RETURN, CaseStatus.AWAITING_RETURN) in moves:
            # The table does not know whose parcel left: those still at the buyer's are asked anew (core change_kind).
            text += self.tr("；等待买家退货而买家还没寄回的改为处理中，须重新同意退货")
        return text

    def _uses_note(self, key: object) -> bool:
        return key not in (RESPONSIBLE, STATEMENTS)

    def _work(self, key: object) -> BulkWork | None:
        """The write a choice makes, one transaction per case; None: not a write (or not valid now)."""
        ids, note = list(self.case_ids), self.note.toPlainText()
        if key == RESPONSIBLE:
            party = self.party.currentData()
            return lambda db, done: assign_responsible(db, ids, ResponsibleParty(party) if party else None,
                                                       progress=done)
        if key == NOTE:
            return lambda db, done: note_on_cases(db, ids, note, progress=done)
        if key == KIND:
            kind = CaseKind(self.kind.currentData())
            return lambda db, done: change_kind_of_cases(db, ids, kind, note=note or None, progress=done)
        action = self.chosen()
        if action is None:
            return None
        if action in _NEEDS_REASON and not note.strip():
            self.summary.setText(self.tr("“%1”请在备注中写明原因").replace("%1", labels.action(action)))
            self.note.setFocus()  # where the reason goes
            return None
        return lambda db, done: act_on_cases(db, ids, action, note=note or None, progress=done)

    def _run_other(self, key: object) -> bool:
        """A choice that is not a write (printing, exporting); True when handled."""
        if key == STATEMENTS:
            self._statements()
            return True
        return False

    # --- the common part -----------------------------------------------------------------------
    def chosen(self) -> CaseAction | None:
        value = self.action.currentData()
        try:
            return CaseAction(value)
        except ValueError:
            return None

    def preview(self) -> None:
        """What will happen, from the cases as they are in the ledger now."""
        key = self.action.currentData()
        self.party.setEnabled(key == RESPONSIBLE)
        self.kind.setEnabled(key == KIND)
        self.note.setEnabled(key is not None and self._uses_note(key))
        if not self.results:
            explain(self.run_button, key is not None, self.tr("先在“操作”中选择要执行的操作"))
            kinds = [c.kind for c in self.selected]
            self.undo_note.setText(undo_note(key, self.chosen(), kinds))
            tint(self.undo_note, "overdue" if cannot_undo(key, self.chosen(), kinds)[0] else "secondary")
        described = self._describe(key)
        if described is not None:
            self.summary.setText(described)
            return
        ids = list(self.case_ids)
        if key == STATEMENTS:
            self.context.look_up(lambda session: case_sources(session, ids), self._show_sources,
                              lambda error: self.summary.setText(describe_error(error)))
            return
        action = self.chosen()
        if action is None:
            return

        self.context.look_up(lambda session: plan(session, ids, action), self._show_plan,
                             lambda error: self.summary.setText(describe_error(error)))

    def _show_plan(self, bulk: BulkPlan) -> None:
        if self.chosen() is bulk.action and not self.results:
            self.summary.setText(self._plan_text(bulk))

    def _plan_text(self, bulk: BulkPlan) -> str:
        """What the plan will do (services' BulkPlan.summary, in the window's language)."""
        text = (self.tr("%1 张售后单将执行“%2”").replace("%1", str(len(bulk.possible)))
                .replace("%2", labels.action(bulk.action)))
        moves = [self.tr("%1 → %2 ×%3").replace("%1", labels.status(a.value) if a else "")
                 .replace("%2", labels.status(b.value) if b else "").replace("%3", str(n))
                 for (a, b), n in bulk.moves().items()]
        if moves:
            text += self.tr("：") + self.tr("，").join(moves)
        if bulk.refused:
            why = self.tr("，").join(self.tr("#%1（%2）").replace("%1", str(s.case_id)).replace(
                "%2", labels.status(s.before.value) if s.before else self.tr("不存在")) for s in bulk.refused[:10])
            more = self.tr(" 等") if len(bulk.refused) > 10 else ""
            text += (self.tr("；%1 张不能执行：%2").replace("%1", str(len(bulk.refused))).replace("%2", why)
                     + more)
        return text

    def run(self) -> None:
        if self.results:  # second press: the results were read, close
            self.accept()
            return
        key = self.action.currentData()
        if key is None or self._run_other(key):
            return
        work = self._work(key)
        if work is None:
            return
        self.run_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(False)  # it runs to the end
        self.context.write(lambda db: work(db, self._progress), self._show_results, self._failed, origin=self)

    def _progress(self, done: int) -> None:
        """On the worker thread: tell the dialog (a signal crosses threads safely)."""
        with contextlib.suppress(RuntimeError):  # the dialog is gone: the work goes on, nobody is watching
            self.progressed.emit(done)

    def _show_progress(self, done: int) -> None:
        if not self.results:
            self.summary.setText(self.tr("正在处理 %1 / %2 …").replace("%1", str(done))
                                 .replace("%2", str(len(self.case_ids))))

    def _result_text(self, result: CaseResult) -> str:
        if result.ok:
            return labels.status(result.status.value) if result.status else self.tr("已添加备注")
        return labels.message(result.error or "")

    def _show_results(self, outcome: BulkOutcome) -> None:
        results = list(outcome.results)
        self._list(results, self._result_text)
        failed = sum(1 for r in results if not r.ok)
        self.summary.setText(self.tr("完成 %1 张，未执行 %2 张").replace("%1", str(len(results) - failed))
                             .replace("%2", str(failed)))
        self._finish()
        self.finished_bulk.emit(results)

    def _list(self, results: Sequence[CaseResult], text: Callable[[CaseResult], str]) -> None:
        self.results = list(results)
        self.result_list.clear()
        for r in results:
            item = QListWidgetItem(f"#{r.case_id}  {'✓' if r.ok else '✗'}  {text(r)}")
            if not r.ok:
                item.setForeground(QBrush(OVERDUE))
            self.result_list.addItem(item)

    def _finish(self) -> None:
        """After running: the choices are frozen, the button closes."""
        self.action.setEnabled(False)
        self.party.setEnabled(False)
        self.kind.setEnabled(False)
        self.note.setReadOnly(True)
        self.run_button.setText(self.tr("关闭"))
        self.run_button.setEnabled(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setVisible(False)

    def _failed(self, error: Exception) -> None:
        self.run_button.setEnabled(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(True)
        self.summary.setText(describe_error(error))

    # --- goods value statements ------------------------------------------------------------------
    def _show_sources(self, sources: list[CaseSource]) -> None:
        if self.action.currentData() != STATEMENTS or self.results:
            return
        possible = [s for s in sources if s.possible]
        claims = sum(1 for s in possible if s.claim_id is not None)
        text = self.tr("将为 %1 张售后单生成货值说明（每份一页 A4）：%2 份按理赔，%3 份按订单").replace(
            "%1", str(len(possible))).replace("%2", str(claims)).replace("%3", str(len(possible) - claims))
        refused = [s for s in sources if not s.possible]
        if refused:
            text += self.tr("；%1 张不能生成：%2").replace("%1", str(len(refused))).replace(
                "%2", self.tr("，").join(f"#{s.case_id}" for s in refused[:10])) + (
                self.tr(" 等") if len(refused) > 10 else "")
        self.summary.setText(text)

    def _statements(self) -> None:
        ids = list(self.case_ids)
        self.run_button.setEnabled(False)
        self.context.look_up(lambda session: case_sources(session, ids), self._open_statements, self._failed)

    def _open_statements(self, sources: list[CaseSource]) -> None:
        results = [CaseResult(s.case_id, s.possible, error=s.why_not) for s in sources]
        by_case = {s.case_id: s for s in sources}

        def said(r: CaseResult) -> str:
            claim = by_case[r.case_id].claim_id
            if not r.ok:
                return labels.message(r.error or "")
            return self.tr("按理赔 #%1").replace("%1", str(claim)) if claim is not None else self.tr("按订单")

        self._list(results, said)
        possible = tuple(s.case_id for s in sources if s.possible)
        self._finish()
        if not possible:
            self.summary.setText(self.tr("所选售后单都没有可写的货值说明（订单尚未导入，也没有理赔）"))
            return
        self.summary.setText(self.tr("已打开 %1 份货值说明：可打印预览、保存 PDF 或 Excel").replace(
            "%1", str(len(possible))))
        dialog = StatementDialog(self.context, StatementRequest(case_ids=possible), self.parentWidget())
        dialog.setObjectName("bulk_statements")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.statement_dialog = dialog
        dialog.open()
