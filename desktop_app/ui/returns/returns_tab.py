"""The 退货入库 tab: scan a returned parcel, see what should be inside, record the inspection in one
click, take the suggested next step; returns still on the way and parcels that matched no case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from html import escape
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_app.core.case_costs import paying_milestone
from desktop_app.core.case_undo import IRREVERSIBLE
from desktop_app.core.clock import Moment, now
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.money import format_yuan
from desktop_app.core.op_changes import OpChanges, Written
from desktop_app.core.returns import InspectionResult
from desktop_app.services.case_evidence import add_case_evidence
from desktop_app.services.cases import act_on_case
from desktop_app.services.returns import ReceiveOutcome, clean_return_tracking, match_parcel, receive_return
from desktop_app.store.database import Database
from desktop_app.store.return_queries import (
    ReturnCaseRow,
    UnmatchedParcelRow,
    cases_by_return_tracking,
    returns_in_transit,
    unmatched_parcels,
    waiting_parcel,
)
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.base_tab import BaseTab
from desktop_app.ui.cases.case_dialogs import ActionDialog
from desktop_app.ui.context import AppContext
from desktop_app.ui.returns.return_menus import transit_menu, unmatched_menu
from desktop_app.ui.widgets.full_text_tips import fit_titles, show_full_texts
from desktop_app.ui.widgets.status_colours import shade, urgency
from desktop_app.ui.widgets.table_menu import explain, install_menu

# Receipt changes the case's state and stops the seller's confirmation timer.
DEFAULT_TRANSIT_DAYS = 5


@dataclass(frozen=True, slots=True)
class Found:
    tracking_no: str
    cases: list[ReturnCaseRow]
    parcel: UnmatchedParcelRow | None


@dataclass(frozen=True, slots=True)
class Lists:
    in_transit: list[ReturnCaseRow]
    unmatched: list[UnmatchedParcelRow]


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

        self.lists = QTabWidget()
        transit_page = QWidget()
        transit_layout = QVBoxLayout(transit_page)
        days_row = QHBoxLayout()
        days_row.addWidget(QLabel(self.tr("买家寄出超过")))
        self.days = QSpinBox()
        self.days.setObjectName("transit_days")
        self.days.setRange(0, 60)
        self.days.setValue(DEFAULT_TRANSIT_DAYS)
        days_row.addWidget(self.days)
        days_row.addWidget(QLabel(self.tr("天仍未收到的退货（在平台确认收货时限前催一催）")))
        days_row.addStretch(1)
        transit_layout.addLayout(days_row)
        self.transit_table = self._table("transit_table", [
            self.tr("编号"), self.tr("平台"), self.tr("订单号"), self.tr("买家"), self.tr("退货运单"),
            self.tr("寄出时间"), self.tr("时限")], (50, 60, 190, 80, 200, 130))
        transit_layout.addWidget(self.transit_table)
        unmatched_page = QWidget()
        unmatched_layout = QVBoxLayout(unmatched_page)
        self.unmatched_table = self._table("unmatched_table", [
            self.tr("编号"), self.tr("运单号"), self.tr("快递（推测）"), self.tr("收到时间"), self.tr("验货"),
            self.tr("备注")], (50, 200, 110, 130, 60))
        unmatched_layout.addWidget(self.unmatched_table)
        match_row = QHBoxLayout()
        self.match_button = QPushButton(self.tr("关联到售后单…"))
        self.match_button.clicked.connect(self.match_selected)
        match_row.addWidget(self.match_button)
        match_row.addStretch(1)
        unmatched_layout.addLayout(match_row)
        self.lists.addTab(transit_page, self.tr("在途退货"))
        self.lists.addTab(unmatched_page, self.tr("无主件"))
        outer.addWidget(self.lists, 1)

        self.scan.returnPressed.connect(self.lookup)
        self.find_button.clicked.connect(self.lookup)
        self.days.valueChanged.connect(lambda _v: self.refresh())
        self.transit_table.cellDoubleClicked.connect(self._open_transit)
        self.unmatched_table.cellDoubleClicked.connect(lambda _row, _column: self.match_selected())
        self._lists = Lists([], [])  # as the two tables show them (their right-click menus read the rows)
        install_menu(self.transit_table, self.transit_menu_at)
        install_menu(self.unmatched_table, self.unmatched_menu_at)

    def transit_menu_at(self, index: QModelIndex) -> QMenu | None:
        return transit_menu(self.transit_table, self._lists.in_transit, index, self.open_case.emit)

    def unmatched_menu_at(self, index: QModelIndex) -> QMenu | None:
        return unmatched_menu(self.unmatched_table, self._lists.unmatched, index, self.match_selected)

    def _table(self, name: str, headers: list[str], widths: tuple[int, ...]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        table.setWordWrap(False)
        table.verticalHeader().setDefaultSectionSize(24)
        for column, width in enumerate(widths):
            table.setColumnWidth(column, width)
        fit_titles(table.horizontalHeader())
        show_full_texts(table)
        return table

    # --- data --------------------------------------------------------------------------------
    def wants(self, changes: OpChanges) -> bool:
        return changes.cases

    def focus_search(self) -> None:
        self.scan.setFocus()
        self.scan.selectAll()

    def refresh(self) -> None:
        days = self.days.value()

        self.context.look_up(lambda session: Lists(returns_in_transit(session, now() - timedelta(days=days)),
                                                   unmatched_parcels(session)), self._fill_lists, self._failed)

    def _fill_lists(self, lists: Lists) -> None:
        self._lists = lists
        self.transit_table.setRowCount(len(lists.in_transit))
        moment = now()
        for row, r in enumerate(lists.in_transit):
            parcel = " ".join(x for x in (r.return_carrier, r.return_tracking_no) if x)
            # As the Cases tab's 下一个时限: a deadline the platform settled by itself (淘宝 refunds when the
            # return is not confirmed in 10 days) is said to be settled, not shown as a time still ahead.
            shown = r.shown(moment)
            if shown.timer is not None:
                due = f"{labels.when(shown.timer.due_at)} {labels.text(shown.timer.name)}"
            else:
                due = self.tr("平台已超时自动处理：%1").replace("%1", labels.text(shown.acted)) if shown.acted else ""
            items = self._fill_row(self.transit_table, row, r.id, [
                str(r.id), labels.platform(r.platform), r.order_no, r.receiver or "", parcel,
                labels.when(r.return_shipped_at), due])
            if shown.timer is not None:
                items[-1].setForeground(urgency(shown.timer.due_at, moment))
        self.unmatched_table.setRowCount(len(lists.unmatched))
        for row, p in enumerate(lists.unmatched):
            self._fill_row(self.unmatched_table, row, p.id, [
                str(p.id), p.tracking_no, p.carrier_guess or self.tr("未知"), labels.when(p.received_at),
                labels.label(InspectionResult(p.result)), p.note or ""])
        self.lists.setTabText(0, self.tr("在途退货（%1）").replace("%1", str(len(lists.in_transit))))
        self.lists.setTabText(1, self.tr("无主件（%1）").replace("%1", str(len(lists.unmatched))))

    def _fill_row(self, table: QTableWidget, row: int, key: int, texts: list[str]) -> list[QTableWidgetItem]:
        items = []
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            table.setItem(row, column, item)
            items.append(item)
        return items

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
        if action not in IRREVERSIBLE and paying is None:
            self._take(case_id, action, note)
            return None
        shown = next((r for r in self.found.cases if r.id == case_id), None) if self.found else None
        recorded = shown.refund_fen if shown is not None and paying == "refunded" else None
        kind = labels.kind(case.kind.value) if case is not None else ""
        dialog = ActionDialog(action, f"#{case_id} {kind}".strip(), self, paying, recorded,
                              kind=case.kind if case is not None else None)
        dialog.setObjectName("action_dialog")
        dialog.note.setPlainText(note)
        dialog.accepted.connect(lambda: self._take(case_id, action, dialog.note.toPlainText(), dialog.moment(),
                                                   dialog.paid_fen()))
        dialog.open()
        return dialog

    def _take(self, case_id: int, action: CaseAction, note: str, at: Moment | None = None,
              paid_fen: int | None = None) -> None:
        def work(db: Database) -> object:
            return act_on_case(db, case_id, action, note=note or None, at=at, paid_fen=paid_fen)

        def done(_status: object) -> None:
            self.suggest_button.setVisible(False)
            self._say(self.tr("售后单 #%1 已记为“%2”").replace("%1", str(case_id)).replace(
                "%2", labels.action(action)))

        self.context.write(work, done, self._failed, origin=self)

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

    # --- unmatched parcels and links ---------------------------------------------------------
    def match_selected(self) -> None:
        row = self.unmatched_table.currentRow()
        item = self.unmatched_table.item(row, 0) if row >= 0 else None
        if item is None:
            self._say(self.tr("请先在无主件列表中选一个包裹"))
            return
        parcel_id = int(item.data(Qt.ItemDataRole.UserRole))
        case_id, ok = QInputDialog.getInt(self, self.tr("关联到售后单"), self.tr("售后单编号："), 1, 1)
        if ok:
            self.match_parcel(parcel_id, case_id)

    def match_parcel(self, parcel_id: int, case_id: int) -> None:
        def work(db: Database) -> object:
            return match_parcel(db, parcel_id, case_id)

        def done(_received: object) -> None:
            self._say(self.tr("无主件 #%1 已关联到售后单 #%2").replace("%1", str(parcel_id)).replace(
                "%2", str(case_id)))

        self.context.write(work, done, self._failed, origin=self)

    def _open_found(self) -> None:
        if self.found and self.found.cases:
            self.open_case.emit(self.found.cases[0].id)

    def _open_transit(self, row: int, _column: int) -> None:
        item = self.transit_table.item(row, 0)
        if item is not None:
            self.open_case.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _say(self, text: str) -> None:
        self.outcome_label.setText(escape(text))
        self.message.emit(text)

    def _failed(self, error: Exception) -> None:
        self._say(describe_error(error))
