"""The 退货入库 tab: scan a returned parcel, see what should be inside, record the inspection in one
click, take the suggested next step; returns still on the way and parcels that matched no case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_app.core.case_costs import paying_milestone
from desktop_app.core.case_undo import IRREVERSIBLE
from desktop_app.core.clock import Moment
from desktop_app.core.errors import StaleData, UserError
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.money import format_yuan
from desktop_app.core.op_changes import OpChanges, Written
from desktop_app.core.returns import InspectionResult
from desktop_app.services.case_evidence import add_case_evidence
from desktop_app.services.cases import act_on_case, case_version
from desktop_app.services.returns import ReceiveOutcome, clean_return_tracking, receive_return
from desktop_app.store.database import Database
from desktop_app.store.return_queries import (
    ReturnCaseRow,
    UnmatchedParcelRow,
    cases_by_return_tracking,
    waiting_parcel,
)
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.base_tab import BaseTab
from desktop_app.ui.cases.case_dialogs import ActionDialog
from desktop_app.ui.context import AppContext
from desktop_app.ui.returns.return_lists import ReturnLists
from desktop_app.ui.widgets.status_colours import shade
from desktop_app.ui.widgets.table_menu import explain
from desktop_app.ui.widgets.writing_dialog import refusal_version, write_from


@dataclass(frozen=True, slots=True)
class Found:
    tracking_no: str
    cases: list[ReturnCaseRow]
    parcel: UnmatchedParcelRow | None


class ReturnsTab(BaseTab):
    open_case = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.found: Found | None = None
        self.outcome: ReceiveOutcome | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)

        bar = QHBoxLayout()
        self.scan = QLineEdit()
        self.scan.setObjectName("return_scan")
        self.scan.setClearButtonEnabled(True)
        self.scan.setPlaceholderText(self.tr("扫描或输入退货运单号，回车查找"))
        self.scan.setStyleSheet("font-size:14pt")
        bar.addWidget(self.scan, 1)
        self.find_button = QPushButton(self.tr("查找"))
        bar.addWidget(self.find_button)
        outer.addLayout(bar)

        parcel_box = QGroupBox(self.tr("包裹"))
        parcel_layout = QVBoxLayout(parcel_box)
        self.found_label = QLabel(self.tr("扫描退货包裹上的运单号：找到售后单后显示应退回的商品。"))
        self.found_label.setObjectName("return_found")
        self.found_label.setWordWrap(True)
        self.found_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        parcel_layout.addWidget(self.found_label)
        results = QHBoxLayout()
        results.addWidget(QLabel(self.tr("验货结果：")))
        self.result_buttons: dict[InspectionResult, QPushButton] = {}
        # Alt+1 … Alt+5: Ctrl+1 … Ctrl+7 are 视图's tab keys, and a key two shortcuts want does neither
        # (Qt: "Ambiguous shortcut overload"): with a parcel found, Ctrl+1 for 良品 did nothing.
        for position, result in enumerate(InspectionResult, start=1):
            key = QKeySequence(f"Alt+{position}")
            button = QPushButton(f"{labels.label(result)} ({key.toString(QKeySequence.SequenceFormat.NativeText)})")
            button.setObjectName(f"inspect_{result.value}")
            button.setShortcut(key)
            explain(button, False, self.tr("先扫描或输入退货包裹的运单号"))
            button.clicked.connect(lambda _checked=False, r=result: self.record(r))
            self.result_buttons[result] = button
            results.addWidget(button)
        parcel_layout.addLayout(results)
        note_row = QHBoxLayout()
        note_row.addWidget(QLabel(self.tr("备注：")))
        self.note = QLineEdit()
        self.note.setObjectName("inspection_note")
        self.note.setPlaceholderText(self.tr("例如：吊牌已剪、少一只袜子、箱内是别家商品"))
        note_row.addWidget(self.note, 1)
        parcel_layout.addLayout(note_row)
        outer.addWidget(parcel_box)

        next_box = QGroupBox(self.tr("下一步"))
        next_layout = QVBoxLayout(next_box)
        self.outcome_label = QLabel()
        self.outcome_label.setObjectName("return_outcome")
        self.outcome_label.setWordWrap(True)
        next_layout.addWidget(self.outcome_label)
        buttons = QHBoxLayout()
        self.suggest_button = QPushButton()
        self.suggest_button.setObjectName("take_suggestion")
        self.suggest_button.setVisible(False)
        self.suggest_button.clicked.connect(self.take_suggestion)
        self.open_button = QPushButton(self.tr("查看售后单"))
        self.open_button.setObjectName("open_found_case")
        explain(self.open_button, False, self.tr("先扫描或输入退货包裹的运单号"))
        self.open_button.clicked.connect(self._open_found)
        self.photo_button = QPushButton(self.tr("添加验货照片…"))
        self.photo_button.setObjectName("inspection_photos")
        explain(self.photo_button, False, self.tr("先记录一个有售后单的包裹的验货结果"))
        self.photo_button.clicked.connect(self.choose_photos)
        buttons.addWidget(self.suggest_button)
        buttons.addWidget(self.photo_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        next_layout.addLayout(buttons)
        outer.addWidget(next_box)

        self.lists = ReturnLists(context)
        self.lists.open_case.connect(self.open_case)
        self.lists.said.connect(self._say)
        self.lists.failed.connect(self._failed)
        outer.addWidget(self.lists, 1)
        # The lists' tables and actions by their usual names (tests, the window).
        self.days, self.transit_table, self.unmatched_table = self.lists.days, self.lists.transit_table, \
            self.lists.unmatched_table
        self.transit_menu_at, self.unmatched_menu_at = self.lists.transit_menu_at, self.lists.unmatched_menu_at
        self.match_parcel = self.lists.match_parcel

        self.scan.returnPressed.connect(self.lookup)
        self.find_button.clicked.connect(self.lookup)
        self.days.valueChanged.connect(lambda _v: self.refresh())

    # --- data --------------------------------------------------------------------------------
    def wants(self, changes: OpChanges) -> bool:
        return changes.cases

    def focus_search(self) -> bool:
        self.scan.setFocus()
        self.scan.selectAll()
        return True

    def refresh(self) -> None:
        self.lists.refresh()

    # --- scanning ----------------------------------------------------------------------------
    def lookup(self) -> None:
        try:
            number = clean_return_tracking(self.scan.text())
        except UserError as error:
            self._say(labels.message(error))
            return
        self._find(number, self._show_found)

    def _find(self, number: str, show: Callable[[Found], None]) -> None:

        def work(session: Session) -> Found:
            rows = cases_by_return_tracking(session, number)
            return Found(number, rows, None if rows else waiting_parcel(session, number))

        self.context.look_up(work, show, self._failed)

    def _show_found(self, found: Found) -> None:
        self.found = found
        self.outcome = None
        self.suggest_button.setVisible(False)
        self.outcome_label.clear()
        for button in self.result_buttons.values():
            explain(button, True, "")
        explain(self.open_button, bool(found.cases), self.tr("没有售后单登记这个运单号"))
        if not found.cases:
            text = self.tr("没有售后单登记了运单号 %1。验货后记录为无主件，之后可关联到售后单。").replace(
                "%1", found.tracking_no)
            if found.parcel is not None:
                text += self.tr("（此包裹已于 %1 作为无主件 #%2 入库）").replace(
                    "%1", labels.when(found.parcel.received_at)).replace("%2", str(found.parcel.id))
            self.found_label.setText(text)
        else:
            self.found_label.setText("<hr>".join(self._case_html(r) for r in found.cases))
        self.scan.selectAll()

    def _show_parcel(self, found: Found) -> None:
        if found.cases:
            self.found = found
            self.found_label.setText("<hr>".join(self._case_html(r) for r in found.cases))

    def _case_html(self, r: ReturnCaseRow) -> str:
        # The punctuation is the language's own: "（…）" and "：" read as stray marks in English.
        kind = labels.kind(r.kind)
        if r.reason:
            kind = self.tr("%1（%2）").replace("%1", kind).replace("%2", labels.reason(r.reason))
        head = (f"<b>#{r.id}</b> {escape(labels.platform(r.platform))} {self.tr('订单')} {escape(r.order_no)} "
                f"{escape(kind)} <b>{escape(labels.status(r.status))}</b>")
        buyer = escape(self.tr("买家：%1").replace("%1", r.receiver or "—") + "   "
                       + self.tr("退款：%1").replace("%1", format_yuan(r.refund_fen) or "—"))
        if r.items:
            items = "".join(f"<li>{escape(i.title)} {escape(i.spec or '')} ×{i.quantity}</li>" for i in r.items)
            inside = f"{self.tr('应退回：')}<ul>{items}</ul>"
        else:
            inside = self.tr("应退回：（订单未导入，没有商品明细）")
        seen = "".join(
            f"<br>{self.tr('已验货：')}{labels.when(x.received_at)} {escape(labels.label(InspectionResult(x.result)))}"
            for x in r.inspections)
        return f"{head}<br>{buyer}<br>{inside}{seen}"

    def record(self, result: InspectionResult) -> None:
        """One click: receipt and inspection (or an unmatched parcel), then the suggested next step."""
        text = self.scan.text().strip() or (self.found.tracking_no if self.found else "")
        if not text:
            self._say(self.tr("请先扫描或输入退货运单号"))
            return
        note = self.note.text()

        def work(db: Database) -> ReceiveOutcome:
            return receive_return(db, text, result, note=note)

        self.context.write(work, self._received, self._failed, origin=self)

    def _received(self, outcome: ReceiveOutcome) -> None:
        self.outcome = outcome
        self.note.clear()
        self.scan.clear()
        self.scan.setFocus()
        for button in self.result_buttons.values():
            explain(button, False, self.tr("已记录验货结果；扫描下一个包裹"))
        result = labels.label(outcome.result)
        explain(self.photo_button, outcome.matched, self.tr("这个包裹没有对应的售后单（已作为无主件入库）"),
                self.tr("开箱照片、称重照片作为证据加到这个包裹的售后单上"))
        if not outcome.matched:
            parcel = outcome.parcel
            assert parcel is not None
            self.outcome_label.setText(
                self.tr("运单 %1 没有对应的售后单：已登记为无主件 #%2（%3，%4）。").replace("%1", outcome.tracking_no)
                .replace("%2", str(parcel.id)).replace("%3", parcel.carrier_guess or self.tr("快递未知"))
                .replace("%4", result))
            self.suggest_button.setVisible(False)
            self.lists.setCurrentIndex(1)  # the list reloads: the write announced changed cases
            return
        lines = []
        for c in outcome.cases:
            done = self.tr("已确认收货") if c.received else self.tr("状态未变")
            step = self.tr("%1（%2）").replace("%1", done).replace("%2", labels.status(c.status.value))
            s = c.suggestion
            text, reason = labels.filled(s.template, s.values), labels.filled(s.reason_template, s.values)
            said = self.tr("%1，%2").replace("%1", result).replace("%2", step)
            lines.append(f"<b>#{c.case_id}</b> {escape(said)}<br>{self.tr('建议：')}{escape(text)}"
                         f"<br><span style='color:{shade('secondary')}'>{escape(reason)}</span>")
        self.outcome_label.setText("<br>".join(lines))
        self._find(outcome.tracking_no, self._show_parcel)  # the cases as they are now
        first = next((c for c in outcome.cases if c.suggestion.action is not None), None)
        if first is not None and first.suggestion.action is not None:
            self.suggest_button.setText(self.tr("记为“%1”（#%2）").replace(
                "%1", labels.action(first.suggestion.action)).replace("%2", str(first.case_id)))
            self.suggest_button.setProperty("case_id", first.case_id)
            self.suggest_button.setProperty("action", first.suggestion.action.value)
        self.suggest_button.setVisible(first is not None)

    def take_suggestion(self) -> ActionDialog | None:
        """The suggested step. One that pays the buyer or sends a parcel cannot be undone: it opens the case
        pane's confirmation first, which asks what was paid (a 少件 return is refunded for what came back)
        and says so; it was recorded in one click with the whole amount. Returns that dialog."""
        case_id = int(self.suggest_button.property("case_id"))
        action = CaseAction(str(self.suggest_button.property("action")))
        # Stored on the timeline in the ledger's language, like every note the services write.
        note = f"验货{self.outcome.result.label}后" if self.outcome else ""
        case = next((c for c in self.outcome.cases if c.case_id == case_id), None) if self.outcome else None
        paying = paying_milestone(case.kind, case.status, action) if case is not None else None
        # The case as this desk shows it (read after the receipt): a step another seat took on it since refuses
        # the suggestion, which was made for the case as it was.
        shown = next((r for r in self.found.cases if r.id == case_id), None) if self.found else None
        version = shown.version if shown is not None else None
        if action not in IRREVERSIBLE and paying is None:
            self._take(case_id, action, note, version=version)
            return None
        recorded = shown.refund_fen if shown is not None and paying == "refunded" else None
        kind = labels.kind(case.kind.value) if case is not None else ""
        dialog = ActionDialog(action, f"#{case_id} {kind}".strip(), self, paying, recorded,
                              kind=case.kind if case is not None else None)
        dialog.setObjectName("action_dialog")
        dialog.note.setPlainText(note)
        if version is not None:
            dialog.saw_version(version)
        # Open until the step is recorded (ui/widgets/writing_dialog.py): refused, the amount and note typed stay.
        dialog.send_with(lambda: self._take(case_id, action, dialog.note.toPlainText(), dialog.moment(),
                                            dialog.paid_fen(), dialog.version, dialog))
        dialog.open()
        return dialog

    def _take(self, case_id: int, action: CaseAction, note: str, at: Moment | None = None,
              paid_fen: int | None = None, version: int | None = None, dialog: ActionDialog | None = None) -> None:
        def work(db: Database) -> object:
            return act_on_case(db, case_id, action, note=note or None, at=at, paid_fen=paid_fen,
                               expected_version=version)

        def done(_status: object) -> None:
            self.suggest_button.setVisible(False)
            self._say(self.tr("售后单 #%1 已记为“%2”").replace("%1", str(case_id)).replace(
                "%2", labels.action(action)))

        if dialog is None:
            self.context.write(work, done, self._failed, origin=self)
            return

        def refused(error: Exception) -> None:
            # Said at the desk too, the parcel's cases shown as they are now; the dialog keeps what was typed, to be
            # recorded over the case as it is now once seen, or cancelled.
            self._failed(error)
            if refusal_version(error) is None:  # else the dialog took it from the refusal, as it said it
                self.context.read(lambda db: case_version(db, case_id), dialog.saw_version, lambda _error: None)

        write_from(dialog, self.context, work, origin=self, lost=self._failed, done=done, refused=refused)

    def choose_photos(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("选择验货照片"), str(Path.home()),
                                                self.tr("图片和文档 (*.jpg *.jpeg *.png *.heic *.pdf);;所有文件 (*)"))
        if paths:
            self.add_photos([Path(p) for p in paths])

    def add_photos(self, paths: list[Path]) -> None:
        """The inspection's photos as evidence on every case of the parcel just received."""
        case_ids = [c.case_id for c in self.outcome.cases] if self.outcome else []
        if not case_ids or not paths:
            return

        def work(db: Database) -> Written[int]:
            changes = OpChanges()
            for case_id in case_ids:
                changes |= add_case_evidence(db, case_id, paths).changes
            return Written(len(paths), changes)

        self.context.write(work, lambda added: self._say(
            self.tr("已添加 %1 个文件到售后单 %2").replace("%1", str(added.value)).replace(
                "%2", "、".join(f"#{i}" for i in case_ids))), self._failed, origin=self)

    def _open_found(self) -> None:
        if self.found and self.found.cases:
            self.open_case.emit(self.found.cases[0].id)

    def _say(self, text: str) -> None:
        self.outcome_label.setText(escape(text))
        self.message.emit(text)

    def _failed(self, error: Exception) -> None:
        self._say(describe_error(error))
        if isinstance(error, StaleData) and self.found is not None:
            # Another seat acted on the case meanwhile: the suggestion was for the case as it was. The
            # message says who; the parcel's cases are shown as they are now.
            self.suggest_button.setVisible(False)
            self._find(self.found.tracking_no, self._show_parcel)
