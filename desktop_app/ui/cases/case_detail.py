"""The detail pane of the Cases tab: the order, the case, its timeline, notes and actions."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_app.core.case_costs import paying_milestone
from desktop_app.core.claims import CLAIM_ACTION_TITLE, ClaimAction, ClaimStatus
from desktop_app.core.clock import CHINA, Moment, now
from desktop_app.core.lifecycle import CaseAction, CaseStatus, allowed_actions, event_title, is_open
from desktop_app.core.money import format_yuan
from desktop_app.core.vocabulary import CaseKind
from desktop_app.services import cases as case_service
from desktop_app.services.case_costs import CaseMoney, case_money
from desktop_app.services.late_steps import late_step
from desktop_app.services.returns import ReturnParcel, buyer_shipped_return
from desktop_app.store.case_queries import case_detail
from desktop_app.store.return_queries import UnmatchedParcelRow
from desktop_app.store.rows import CaseDetail, EventRow
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.cases.case_dialogs import ActionDialog
from desktop_app.ui.cases.case_edits import CaseEdits
from desktop_app.ui.cases.case_money_rows import money_rows
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.flow_layout import FlowLayout
from desktop_app.ui.widgets.status_colours import shade
from desktop_app.ui.widgets.table_menu import explain
from desktop_app.ui.widgets.timeline import TimelineEntry, TimelineView, transition

if TYPE_CHECKING:
    from desktop_app.store.database import Database


class CaseDetailPane(CaseEdits, QWidget):
    """Shows one case; acts on it through the services, off the GUI thread."""

    case_loaded = Signal(int)
    case_cleared = Signal()  # no case shown any more (a filter or a bulk action hid it)
    message = Signal(str)
    claim_requested = Signal(int)  # case id: open a carrier claim for this case's order

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._case_id: int | None = None
        self._detail: CaseDetail | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)

        self.edit_button = QPushButton(self.tr("编辑"))
        self.edit_button.setObjectName("edit_case")
        self.edit_button.clicked.connect(self.edit_case)
        header = QHBoxLayout()
        self.claim_button = QPushButton(self.tr("快递理赔"))
        self.claim_button.setObjectName("claim_for_case")
        self.claim_button.setToolTip(self.tr("包裹丢失或破损：向快递申请赔偿"))
        self.claim_button.clicked.connect(self._request_claim)
        self.costs_button = QPushButton(self.tr("费用"))
        self.costs_button.setObjectName("case_costs")
        self.costs_button.setToolTip(self.tr("运费、货损、平台处罚和净损失"))
        self.costs_button.clicked.connect(self.edit_costs)
        # The state under the title, in a label of its own: beside it in the title's rich text a pane
        # of a 1366-px window broke it mid-word ("等待买/家退货").
        self.state = QLabel()
        self.state.setObjectName("case_state")
        self.state.setStyleSheet("background:#e3f2fd;color:#0d47a1;padding:2px 4px")
        self.state.hide()
        heading = QVBoxLayout()
        heading.setSpacing(2)
        heading.addWidget(self.title)
        heading.addWidget(self.state, 0, Qt.AlignmentFlag.AlignLeft)
        header.addLayout(heading, 1)
        header.addWidget(self.costs_button)
        header.addWidget(self.claim_button)
        header.addWidget(self.edit_button)
        self.kind_button: QPushButton | None = None  # 更改类型, rebuilt with the action buttons
        layout.addLayout(header)

        # The steps right under the title, above the order and case facts: below them a 1366×768 window
        # showed the buttons' top edge only (the pane scrolls), the one thing the shop came to press.
        self.actions_box = QGroupBox(self.tr("操作"))
        # Wrapping, not a grid of four columns: in English four buttons asked for 680 px of a 460-px pane.
        self.actions_flow = FlowLayout(self.actions_box, margin=6)
        layout.addWidget(self.actions_box)

        self.summary = QTextBrowser()
        self.summary.setOpenLinks(False)
        self.summary.setMinimumHeight(160)
        layout.addWidget(self.summary, 3)

        timeline_box = QGroupBox(self.tr("时间线"))
        timeline_layout = QVBoxLayout(timeline_box)
        self.timeline = TimelineView()
        self.timeline.setAlternatingRowColors(True)
        timeline_layout.addWidget(self.timeline)
        note_row = QHBoxLayout()
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(self.tr("添加跟进备注，回车保存"))
        self.note_edit.returnPressed.connect(self._add_note)
        self.note_button = QPushButton(self.tr("添加备注"))
        self.note_button.clicked.connect(self._add_note)
        note_row.addWidget(self.note_edit, 1)
        note_row.addWidget(self.note_button)
        timeline_layout.addLayout(note_row)
        layout.addWidget(timeline_box, 3)
        self.show_case(None)

    # --- loading ---------------------------------------------------------------------------
    @property
    def case_id(self) -> int | None:
        return self._case_id

    @property
    def current_detail(self) -> CaseDetail | None:
        """The case as shown (None while none is), for 编辑 → 撤销."""
        return self._detail

    def show_case(self, case_id: int | None) -> None:
        self._case_id = case_id
        if case_id is None:
            self._detail = None
            self.title.setText(self.tr("<b>未选择售后单</b>"))
            self.state.hide()
            self.summary.setHtml(f"<p style='color:{shade('secondary')}'>"
                                 + escape(self.tr("在左侧列表中选择一张售后单查看详情。")) + "</p>")
            self.timeline.clear()
            self._set_actions([])
            why = self.tr("先在左侧列表中选择一张售后单")
            explain(self.edit_button, False, why)
            explain(self.claim_button, False, why)
            explain(self.costs_button, False, why)
            self.note_edit.setEnabled(False)
            explain(self.note_button, False, why)
            self.case_cleared.emit()
            return
        self.reload()

    def reload(self) -> None:
        case_id = self._case_id
        if case_id is None:
            return

        def work(session: Session) -> tuple[CaseDetail, CaseMoney]:
            # Its money beside it: the net loss counts a platform penalty its timers put on it once they ran out.
            return case_detail(session, case_id), case_money(session, case_id)

        def failed(error: Exception) -> None:
            if self._case_id == case_id:
                self.message.emit(describe_error(error))
                self.show_case(None)

        self._context.look_up(work, lambda got: self._show(*got) if self._case_id == got[0].row.id else None, failed)

    def _show(self, d: CaseDetail, money: CaseMoney) -> None:
        self._detail = d
        r = d.row
        self.title.setText(f"<span style='font-size:14pt'><b>#{r.id} {escape(labels.kind(r.kind))}</b></span>")
        self.state.setText(labels.status(r.status))
        self.state.show()
        self.summary.setHtml(self._summary_html(d, money))
        self.timeline.show_entries((self._timeline_entry(e) for e in d.events), scroll_to_end=True)
        self._set_actions(allowed_actions(CaseKind(r.kind), CaseStatus(r.status)), with_kind=True)
        explain(self.edit_button, True, "")
        explain(self.claim_button, True, "", self.tr("为这张售后单的订单向快递公司理赔"))
        explain(self.costs_button, True, "", self.tr("运费、货损、平台处罚和净损失"))
        if self.kind_button is not None:
            explain(self.kind_button, is_open(CaseStatus(r.status)), self.tr("售后单已结束，请先重新打开再更改类型"),
                    self.tr("更正售后类型（如退货退款改为仅退款）"))
        self.note_edit.setEnabled(True)
        explain(self.note_button, True, "")
        self.case_loaded.emit(r.id)

    def _timeline_entry(self, e: EventRow) -> TimelineEntry:
        title = labels.text(event_title(e))
        if e.subject == "claim" and e.action:  # "快递理赔：%1" with the claim action's label
            title = labels.text(CLAIM_ACTION_TITLE).replace("%1", labels.label_of(ClaimAction, e.action))
        if e.from_state and e.to_state and e.from_state != e.to_state:
            if e.subject == "claim":
                title = transition(title, labels.label_of(ClaimStatus, e.from_state),
                                   labels.label_of(ClaimStatus, e.to_state))
            else:
                title = transition(title, labels.status(e.from_state), labels.status(e.to_state))
        if e.undone_by is not None:
            title += self.tr("（已撤销）")
        return TimelineEntry(e.at, e.date_only, e.author, title, e.note, recorded_at=e.recorded_at)

    def _summary_html(self, d: CaseDetail, money: CaseMoney) -> str:
        r, o = d.row, d.order.order
        tr = self.tr

        def row(name: str, value: str | None) -> str:
            return f"<tr><td style='color:{shade('secondary')};padding-right:8px'>{escape(name)}</td>" \
                   f"<td>{escape(value or '—')}</td></tr>"

        parts = [f"<h4 style='margin:0'>{escape(tr('订单'))}</h4><table>"]
        parts.append(row(tr("平台 / 店铺"), f"{labels.platform(o.platform)} {o.shop or ''}".strip()))
        parts.append(row(tr("订单号"), o.order_no))
        if not o.imported:
            parts.append(row(tr("订单状态"), tr("尚未导入（导入订单后自动补全）")))
        else:
            parts.append(row(tr("订单状态"), o.status))
        parts.append(row(tr("收货人"), f"{o.receiver or ''} {o.phone or ''}".strip()))
        parts.append(row(tr("收货地址"), o.address))
        if o.paid_fen is not None:
            parts.append(row(tr("实付金额"), tr("￥%1").replace("%1", format_yuan(o.paid_fen))))
        parts.append(row(tr("付款 / 发货"), f"{labels.when(o.paid_at) or '—'} / {labels.when(o.shipped_at) or '—'}"))
        parts.append(row(tr("物流"), f"{o.carrier or ''} {o.tracking_no or ''}".strip()))
        if o.buyer_note:
            parts.append(row(tr("买家留言"), o.buyer_note))
        parts.append("</table>")
        if d.order.items:
            parts.append("<table border='0' cellspacing='0' cellpadding='2' style='margin-top:4px'>")
            parts.append(f"<tr style='color:{shade('secondary')}'><td>{escape(tr('商品'))}</td>"
                         f"<td>{escape(tr('规格'))}</td>"
                         f"<td align='right'>{escape(tr('数量'))}</td><td align='right'>{escape(tr('金额'))}</td></tr>")
            for item in d.order.items:
                parts.append(
                    f"<tr><td>{escape(item.title)}</td><td>{escape(item.spec or '')}</td>"
                    f"<td align='right'>{item.quantity}</td><td align='right'>{format_yuan(item.line_fen)}</td></tr>"
                )
            parts.append("</table>")
        parts.append(f"<h4 style='margin:8px 0 0 0'>{escape(tr('售后单'))}</h4><table>")
        parts.append(row(tr("原因"), labels.reason(r.reason)))
        if d.refund_fen is not None:
            parts.append(row(tr("退款金额"), format_yuan(d.refund_fen)))
        if d.compensation_fen is not None:
            parts.append(row(tr("补偿金额"), format_yuan(d.compensation_fen)))
        parts.append(row(tr("责任方"), labels.responsible(r.responsible)))
        parts.append(row(tr("平台售后单号"), d.platform_case_no))
        if r.platform_status:
            parts.append(row(tr("平台状态"), r.platform_status))
        if d.platform_reason and d.platform_reason != labels.reason(r.reason):
            parts.append(row(tr("平台原因"), d.platform_reason))
        if d.return_tracking_no:
            parts.append(row(tr("退货物流"), f"{d.return_carrier or ''} {d.return_tracking_no}".strip()))
        parts.append(row(tr("申请时间"), labels.when(d.requested_at)))
        if d.signed_at is not None:
            signed = d.signed_at.astimezone(CHINA).strftime("%Y-%m-%d") + tr("（仅日期）") if d.signed_date_only \
                else labels.when(d.signed_at)
            parts.append(row(tr("签收时间"), signed))
        shown = r.shown(now())
        if shown.acted:
            parts.append(row(tr("下一个时限"), tr("平台已超时自动处理：%1").replace("%1", labels.text(shown.acted))))
        if shown.timer is not None:
            estimated = tr("（估算）") if shown.timer.estimated else ""
            parts.append(row(tr("下一个时限"),
                             f"{labels.text(shown.timer.name)} {labels.when(shown.timer.due_at)}{estimated}"))
            if shown.then is not None:
                # The answer shown is one the platform gives by itself when it runs out: what follows then.
                estimated = tr("（估算）") if shown.then.estimated else ""
                parts.append(row(tr("平台超时自动处理后"),
                                 f"{labels.text(shown.then.name)} {labels.when(shown.then.due_at)}{estimated}"))
        # The penalties at stake or fallen due, the one the net loss counts, the net loss (issue 13 item 9, 17).
        parts.extend(row(name, value) for name, value in money_rows(d, money, now()))
        if r.platform_due_at is not None and r.is_open:
            # The platform's own deadline beside ours: a difference means a rule pack may be out of date.
            parts.append(row(tr("平台时限"), labels.when(r.platform_due_at)))
        parts.append(row(tr("登记"), f"{labels.when(d.created_at)} {d.created_by}".strip()))
        if d.description:
            parts.append(row(tr("说明"), d.description))
        parts.append("</table>")
        return "".join(parts)

    def _set_actions(self, actions: list[CaseAction], with_kind: bool = False) -> None:
        """The lifecycle's buttons, then 更改类型 (a correction, not a step of the lifecycle)."""
        self.actions_flow.clear()
        shipped = self._detail is not None and self._detail.return_shipped
        for action in actions:
            button = QPushButton(labels.action(action))
            if shipped and action is CaseAction.BUYER_SHIPPED_RETURN:  # the step taken: now a correction
                button.setText(self.tr("更正退货运单…"))
                button.setToolTip(self.tr("买家换了运单号或先前填错时，登记正确的运单号（确认收货的时限不变）"))
            button.setObjectName(f"action_{action.value}")
            button.clicked.connect(lambda _checked=False, a=action: self.request_action(a))
            self.actions_flow.add_widget(button)
        if with_kind:
            self.kind_button = QPushButton(self.tr("更改类型…"))
            self.kind_button.setObjectName("change_kind")
            self.kind_button.clicked.connect(lambda _checked=False: self.change_kind())
            self.actions_flow.add_widget(self.kind_button)
        self.actions_box.setVisible(bool(actions) or with_kind)

    def action_buttons(self) -> dict[str, QPushButton]:
        found = self.actions_box.findChildren(QPushButton)
        return {b.objectName().removeprefix("action_"): b for b in found if b.objectName().startswith("action_")}

    # --- acting ----------------------------------------------------------------------------
    def request_action(self, action: CaseAction) -> None:
        d = self._detail
        if d is None:
            return
        paying = paying_milestone(CaseKind(d.row.kind), CaseStatus(d.row.status), action)
        recorded = d.compensation_fen if paying == "compensated" else d.refund_fen
        # Paid so before (refunded, reopened, refunded again): the step's amount adds to it, so it is asked
        # for empty, with what was paid before beside it (filled, a confirmation paid it twice).
        before = recorded if recorded is not None and any(
            e.subject == "case" and e.milestone == paying and e.undone_by is None for e in d.events) else None
        dialog = ActionDialog(action, f"#{d.row.id} {labels.kind(d.row.kind)}", self, paying,
                              None if before is not None else recorded, before, CaseKind(d.row.kind))
        dialog.setObjectName("action_dialog")
        case_id = d.row.id
        # Open until the step is recorded: a write refused (another seat's change, the server gone) keeps the
        # reason typed, says why, and is sent again on the case as the pane reloads it.
        dialog.saw_version(d.version)
        dialog.send_with(lambda: self.perform_action(action, dialog.note.toPlainText(), dialog.moment(),
                                                     dialog.parcel(), dialog.paid_fen(), (case_id, dialog)))
        dialog.open()

    def perform_action(self, action: CaseAction, note: str, at: Moment | None = None,
                       parcel: ReturnParcel | None = None, paid_fen: int | None = None,
                       from_dialog: tuple[int, ActionDialog] | None = None) -> None:
        """`from_dialog`: the case its step dialog was opened on, and the dialog, told how the write went."""
        d = self._detail
        if from_dialog is not None:
            # The case as the dialog showed it (at its opening, or as read again after a refusal it said), not as
            # the pane behind it reloaded meanwhile: another seat's 同意补发 arrived behind an open 关闭 dialog and
            # its OK closed the agreed reship, a state its user never saw. A change since is refused naming its seat.
            case_id, dialog = from_dialog
            version = dialog.version
        elif d is None:
            return
        else:
            case_id, version = d.row.id, d.version

        def work(db: Database) -> tuple[CaseStatus, UnmatchedParcelRow | None, str | None]:
            if parcel is None:
                status = case_service.act_on_case(db, case_id, action, note=note, at=at,
                                                  expected_version=version, paid_fen=paid_fen).status
                return status, None, late_step(db, case_id)
            shipped = buyer_shipped_return(db, case_id, parcel, note=note, at=at, expected_version=version).value
            return shipped.status, shipped.waiting_parcel, late_step(db, case_id)

        def done(result: tuple[CaseStatus, UnmatchedParcelRow | None, str | None]) -> None:
            status, waiting, late = result
            text = self.tr("#%1 已%2，当前状态：%3").replace("%1", str(case_id)).replace(
                "%2", labels.action(action)).replace("%3", labels.status(status.value))
            if waiting is not None:  # the parcel came before its number: match it at the returns desk
                text += self.tr("。运单 %1 已作为无主件 #%2 入库，请在“退货入库”把它关联到本单").replace(
                    "%1", waiting.tracking_no).replace("%2", str(waiting.id))
            if from_dialog is not None and from_dialog[1].still_open():
                from_dialog[1].written()
            if late is not None:  # typed days later: the platform had acted by then (services/late_steps)
                QMessageBox.information(self, self.tr("平台已先处理"), labels.message(late))
            self.message.emit(text)

        def failed(error: Exception) -> None:
            if from_dialog is None or not from_dialog[1].still_open():
                self._failed(error)
                return
            dialog = from_dialog[1]
            # The version the refusal names, for the next OK (read again only when it names none); the case as it
            # is now behind the dialog (a list that no longer lists it may clear the pane: the dialog keeps it).
            if not dialog.not_written_because(error):
                self._context.read(lambda db: case_service.case_version(db, case_id), dialog.saw_version,
                                   lambda _error: None)
            self.show_case(case_id)

        self._context.write(work, on_success=done, on_failure=failed, origin=self)

    def _request_claim(self) -> None:
        if self._case_id is not None:
            self.claim_requested.emit(self._case_id)

    def _add_note(self) -> None:
        text = self.note_edit.text().strip()
        case_id = self._case_id
        if not text or case_id is None:
            return
        typed = self.note_edit.text()
        self.note_edit.clear()

        def failed(error: Exception) -> None:
            # Not saved (the team server gone, the ledger locked): the note typed comes back to be sent again,
            # unless the user has begun another meanwhile. It was cleared at the click and lost.
            if not self.note_edit.text() and self._case_id == case_id:
                self.note_edit.setText(typed)
            self._failed(error)

        self._context.write(lambda db: case_service.add_note(db, case_id, text), on_failure=failed, origin=self)

    def _failed(self, error: Exception) -> None:
        QMessageBox.warning(self, self.tr("操作未完成"), describe_error(error))
        self.reload()
