"""The 快递理赔 tab's right side: one claim in full — order and receiver, affected items, amounts and
payouts, the next step on the escalation path with its deadline and checklist, the actions its state
allows, evidence thumbnails and its history. Acts through the services; `ClaimsTab` holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.claims import (
    ClaimAction,
    ClaimIncident,
    ClaimStatus,
    PayoutChannel,
    allowed_actions,
)
from desktop_app.core.clock import Moment, now
from desktop_app.core.money import format_yuan
from desktop_app.core.op_changes import OpChanges
from desktop_app.services import claims as claim_service
from desktop_app.services.claim_evidence import evidence_on_disk
from desktop_app.services.claim_undo import claim_version
from desktop_app.store.claim_rows import (
    ClaimDetail,
    claim_detail,
)
from desktop_app.store.database import Database
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.claims.claim_dialogs import (
    ClaimActionDialog,
)
from desktop_app.ui.claims.claim_edits import ClaimEdits, undo_offer
from desktop_app.ui.claims.claim_summary import next_step_html, summary_html
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.evidence_strip import EvidenceStrip
from desktop_app.ui.widgets.evidence_thumbnails import THUMBNAIL, Thumbnail, load_thumbnail
from desktop_app.ui.widgets.flow_layout import flow_row
from desktop_app.ui.widgets.full_text_tips import fit_titles, show_full_texts
from desktop_app.ui.widgets.status_colours import shade, tint
from desktop_app.ui.widgets.table_menu import explain
from desktop_app.ui.widgets.timeline import TimelineEntry, TimelineView, transition


@dataclass(frozen=True, slots=True)
class _Loaded:
    detail: ClaimDetail
    thumbnails: tuple[Thumbnail, ...]


class ClaimDetailPane(ClaimEdits, QWidget):
    """One claim: order, items, amounts, actions, evidence and history; acts through the services."""

    message = Signal(str)
    open_case = Signal(int)
    statement_requested = Signal(list)
    loaded = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._claim_id: int | None = None
        self._detail: ClaimDetail | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        header = QHBoxLayout()
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        header.addWidget(self.title, 1)
        self.statement_button = QPushButton(self.tr("货值说明"))
        self.statement_button.setObjectName("claim_statement")
        self.statement_button.clicked.connect(self._request_statement)
        header.addWidget(self.statement_button)
        layout.addLayout(header)

        self.summary = QTextBrowser()
        self.summary.setObjectName("claim_summary")
        self.summary.setOpenLinks(False)
        self.summary.anchorClicked.connect(self._link_clicked)
        self.summary.setMinimumHeight(150)
        layout.addWidget(self.summary, 3)

        self.items = QTreeWidget()
        self.items.setObjectName("claim_detail_items")
        self.items.setRootIsDecorated(False)
        self.items.setHeaderLabels([self.tr("商品"), self.tr("规格"), self.tr("数量"), self.tr("单价"),
                                    self.tr("申请金额")])
        self.items.setMaximumHeight(110)
        # The figures whole, the goods' name takes what is left (Qty took 100 px, 申请金额 was out of view).
        columns = self.items.header()
        columns.setStretchLastSection(False)
        columns.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._fit_figures()
        show_full_texts(self.items)  # a long name cut short says itself whole
        layout.addWidget(self.items, 1)

        self.actions_box = QGroupBox(self.tr("操作"))
        actions_layout = QVBoxLayout(self.actions_box)
        # Both rows wrap: in English they asked for more than the pane's 460 px (buttons cut off).
        steps, self.actions_flow = flow_row()
        actions_layout.addWidget(steps)
        more, tools = flow_row()
        self.follow_up_button = QPushButton(self.tr("修改跟进时间"))
        self.follow_up_button.setObjectName("claim_follow_up")
        self.follow_up_button.clicked.connect(self.change_follow_up)
        self.edit_button = QPushButton(self.tr("编辑"))
        self.edit_button.setObjectName("claim_edit")
        self.edit_button.clicked.connect(self.edit_claim)
        self.link_button = QPushButton(self.tr("关联售后单/补发"))
        self.link_button.setObjectName("claim_link")
        self.link_button.clicked.connect(self.link_claim)
        self.ticket_button = QPushButton(self.tr("理赔单号/联系人"))
        self.ticket_button.setObjectName("claim_ticket")
        self.ticket_button.clicked.connect(self.edit_ticket)
        self.undo_button = QPushButton(self.tr("撤销上一步"))
        self.undo_button.setObjectName("claim_undo")
        self.undo_button.clicked.connect(self.undo_step)
        for button in (self.follow_up_button, self.edit_button, self.link_button, self.ticket_button,
                       self.undo_button):
            tools.add_widget(button)
        actions_layout.addWidget(more)
        layout.addWidget(self.actions_box)

        evidence_box = QGroupBox(self.tr("证据"))
        evidence_layout = QVBoxLayout(evidence_box)
        self.evidence = EvidenceStrip()
        self.evidence.setObjectName("claim_evidence")
        self.evidence.setMinimumHeight(THUMBNAIL + 44)
        evidence_layout.addWidget(self.evidence)
        evidence_buttons = QHBoxLayout()
        self.add_evidence_button = QPushButton(self.tr("添加证据"))
        self.add_evidence_button.setObjectName("claim_add_evidence")
        self.add_evidence_button.clicked.connect(self.choose_evidence)
        self.remove_evidence_button = QPushButton(self.tr("删除所选证据"))
        self.remove_evidence_button.setObjectName("claim_remove_evidence")
        self.remove_evidence_button.clicked.connect(self.remove_selected_evidence)
        hint = QLabel(self.tr("外箱和面单照片、破损照片、称重记录、聊天截图"))
        tint(hint, "secondary")
        hint.setWordWrap(True)  # English: one line asked for 790 px of a 460-px pane
        evidence_buttons.addWidget(self.add_evidence_button)
        evidence_buttons.addWidget(self.remove_evidence_button)
        evidence_buttons.addWidget(hint, 1)
        evidence_layout.addLayout(evidence_buttons)
        layout.addWidget(evidence_box, 2)

        history_box = QGroupBox(self.tr("记录"))
        history_layout = QVBoxLayout(history_box)
        self.history = TimelineView()
        self.history.setObjectName("claim_history")
        history_layout.addWidget(self.history)
        layout.addWidget(history_box, 2)
        self.show_claim(None)

    # --- loading ---------------------------------------------------------------------------
    @property
    def claim_id(self) -> int | None:
        return self._claim_id

    @property
    def detail(self) -> ClaimDetail | None:
        return self._detail

    def show_claim(self, claim_id: int | None, hint: str | None = None) -> None:
        """One claim, or none (`hint`: what the pane says instead of "choose one on the left")."""
        self._claim_id = claim_id
        if claim_id is None:
            self._detail = None
            self.title.setText(self.tr("<b>未选择理赔</b>"))
            self.summary.setHtml(f"<p style='color:{shade('secondary')}'>"
                                 + escape(hint or self.tr("在左侧列表中选择一条理赔查看详情。")) + "</p>")
            self.items.clear()
            self.evidence.clear()
            self.history.clear()
            self._set_actions([])
            self._enable(False)
            return
        self.reload()

    def _enable(self, enabled: bool) -> None:
        for widget in (self.statement_button, self.follow_up_button, self.edit_button, self.link_button,
                       self.ticket_button, self.undo_button, self.add_evidence_button, self.remove_evidence_button):
            explain(widget, enabled, self.tr("先在左侧列表中选择一条理赔"), widget.property("usual_tip") or "")

    def reload(self) -> None:
        claim_id = self._claim_id
        if claim_id is None:
            return

        def work(db: Database) -> _Loaded:
            with db.reading() as session:
                detail, paths = evidence_on_disk(session, claim_detail(session, claim_id))
            thumbnails = tuple(Thumbnail(e.id, path, e.original_name, load_thumbnail(path))
                               for e, path in zip(detail.evidence, paths, strict=True))
            return _Loaded(detail, thumbnails)

        def failed(error: Exception) -> None:
            if self._claim_id == claim_id:
                self.message.emit(describe_error(error))
                self.show_claim(None)

        self._context.read(work, lambda result: self._show(result) if self._claim_id == result.detail.id else None,
                           failed)

    def _show(self, loaded: _Loaded) -> None:
        d = loaded.detail
        self._detail = d
        self.title.setText(
            f"<span style='font-size:14pt'><b>#{d.id} {escape(labels.label_of(ClaimIncident, d.incident))}</b></span>"
            f" &nbsp; <span style='background:#e3f2fd;color:#0d47a1;padding:2px'>"
            f"{escape(labels.label_of(ClaimStatus, d.status))}</span>"
        )
        self.summary.setHtml(next_step_html(d, now()) + summary_html(d))
        self.items.clear()
        for item in d.items:
            row = QTreeWidgetItem([item.title, item.spec or "", str(item.quantity), format_yuan(item.unit_price_fen),
                                   format_yuan(item.claimed_fen)])
            for column in (2, 3, 4):
                row.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.items.addTopLevelItem(row)
        self._fit_figures()
        self.evidence.show_thumbnails(loaded.thumbnails)
        self._show_history(d)
        self._set_actions(allowed_actions(ClaimStatus(d.status)))
        self._enable(True)
        self.follow_up_button.setEnabled(d.is_open)
        self._offer_undo(d)
        self.loaded.emit(d.id)

    def _fit_figures(self) -> None:
        """The figures' columns as wide as their texts and titles (the name column takes the rest)."""
        for column in range(1, self.items.columnCount()):
            self.items.resizeColumnToContents(column)
        fit_titles(self.items.header())  # an empty list measured "Qty" at 28 px

    def _show_history(self, d: ClaimDetail) -> None:
        kinds = {"created": self.tr("新建理赔"), "note": self.tr("备注"), "edit": self.tr("修改"),
                 "evidence": self.tr("证据"), "undo": self.tr("撤销")}
        entries = []
        for e in d.events:
            title = labels.label_of(ClaimAction, e.action) if e.action else kinds.get(e.kind, e.kind)
            if e.from_state and e.to_state and e.from_state != e.to_state:
                title = transition(title, labels.label_of(ClaimStatus, e.from_state),
                                   labels.label_of(ClaimStatus, e.to_state))
            if e.undone_by is not None:
                title += self.tr("（已撤销）")
            entries.append(TimelineEntry(e.at, e.date_only, e.author, title, e.note))
        self.history.show_entries(entries)

    def _offer_undo(self, d: ClaimDetail) -> None:
        offer = undo_offer(d)
        if offer is None:
            explain(self.undo_button, False,
                    self.tr("这条理赔没有可以撤销的操作（新建理赔不能撤销，不需要时请关闭理赔）"))
            return
        title, returned = offer
        tip = self.tr("撤销“%1”").replace("%1", title)
        if returned:
            tip += self.tr("，撤回到账 %1 元").replace("%1", format_yuan(returned))
        explain(self.undo_button, True, "", tip)

    def _set_actions(self, actions: list[ClaimAction]) -> None:
        self.actions_flow.clear()
        for action in actions:
            button = QPushButton(labels.label(action))
            button.setObjectName(f"claim_action_{action.value}")
            button.clicked.connect(lambda _checked=False, a=action: self.request_action(a))
            self.actions_flow.add_widget(button)
        self.actions_box.setVisible(self._claim_id is not None)

    def action_buttons(self) -> dict[str, QPushButton]:
        found = self.actions_box.findChildren(QPushButton)
        prefix = "claim_action_"
        return {b.objectName().removeprefix(prefix): b for b in found
                if b.objectName().startswith(prefix) and b.parent() is not None}

    # --- acting ------------------------------------------------------------------------------
    def request_action(self, action: ClaimAction) -> ClaimActionDialog | None:
        d = self._detail
        if d is None:
            return None
        dialog = ClaimActionDialog(action, d, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setObjectName("claim_action_dialog")
        claim_id = d.id
        # Open until the step is recorded, as a case's step dialog (ui/widgets/writing_dialog.py).
        dialog.send_with(lambda: self.perform_action(
            action, amount_fen=dialog.amount_fen, note=dialog.note.toPlainText(), at=dialog.moment(),
            follow_up_at=dialog.follow_up_at(), channel=dialog.payout_channel(), from_dialog=(claim_id, dialog)))
        dialog.saw_version(d.version)
        dialog.open()
        return dialog

    def perform_action(self, action: ClaimAction, *, amount_fen: int | None = None, note: str = "",
                       at: Moment | None = None, follow_up_at: datetime | None = None,
                       channel: PayoutChannel | None = None,
                       from_dialog: tuple[int, ClaimActionDialog] | None = None) -> None:
        """`from_dialog`: the claim its step dialog was opened on, and the dialog, told how the write went (as a
        case's: the version the pane shows, or the dialog's last seen when the pane lost the claim)."""
        d = self._detail
        if from_dialog is not None:
            claim_id, dialog = from_dialog
            # Every step is sent against the claim as the dialog showed it (at its opening, or as read again after a
            # refusal it said), not as the pane behind it reloaded meanwhile: another seat's payout of the one
            # transfer counted the money twice, another seat's 受理 was escalated over unseen, without a word.
            version = dialog.version
        elif d is None:
            return
        else:
            claim_id, version = d.id, d.version

        def done(outcome: claim_service.ClaimOutcome) -> None:
            if from_dialog is not None and from_dialog[1].still_open():
                from_dialog[1].written()
            self.message.emit(self.said(claim_id, action, outcome))

        def failed(error: Exception) -> None:
            if from_dialog is None or not from_dialog[1].still_open():
                self._failed(error)
                return
            # The version the refusal names, for the next OK (read again only when it names none), then the pane.
            if not from_dialog[1].not_written_because(error):
                self._context.read(lambda db: claim_version(db, claim_id), from_dialog[1].saw_version,
                                   lambda _error: None)
            self.show_claim(claim_id)

        self._context.write(
            lambda db: claim_service.act_on_claim(db, claim_id, action, amount_fen=amount_fen, at=at,
                                                  follow_up_at=follow_up_at, note=note, expected_version=version,
                                                  channel=channel),
            on_success=done, on_failure=failed, origin=self)

    def said(self, claim_id: int, action: ClaimAction, outcome: claim_service.ClaimOutcome) -> str:
        """The status bar's line after a step: with a payout, how much came, in all, and what is still owed."""
        status = labels.label(outcome.status)
        if not outcome.paid_fen:
            return self.tr("理赔 #%1 已%2，当前状态：%3").replace("%1", str(claim_id)).replace(
                "%2", labels.label(action)).replace("%3", status)
        claimed, received = outcome.claimed_fen, outcome.received_fen or 0
        if claimed is None:
            text = self.tr("理赔 #%1 已%2：本次到账 %3 元，累计到账 %4 元（未填申请金额）；当前状态：%5")
        elif claimed > received:
            text = self.tr("理赔 #%1 已%2：本次到账 %3 元，累计到账 %4 元，还差 %6 元未赔；当前状态：%5").replace(
                "%6", format_yuan(claimed - received))
        else:
            text = self.tr("理赔 #%1 已%2：本次到账 %3 元，累计到账 %4 元，申请的金额已全部到账；当前状态：%5")
        return (text.replace("%1", str(claim_id)).replace("%2", labels.label(action)).replace(
            "%3", format_yuan(outcome.paid_fen)).replace("%4", format_yuan(received)).replace("%5", status))

    def choose_evidence(self) -> None:
        if self._claim_id is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("选择证据文件（可多选）"), str(Path.home()),
            self.tr("图片 (*.jpg *.jpeg *.png *.gif *.bmp *.webp);;所有文件 (*)"))
        if paths:
            self.add_evidence_files([Path(p) for p in paths])

    def add_evidence_files(self, paths: list[Path]) -> None:
        claim_id = self._claim_id
        if claim_id is None or not paths:
            return
        self._context.write(
            lambda db: claim_service.add_evidence(db, claim_id, paths),
            on_success=lambda added: self.message.emit(self.tr("已为理赔 #%1 添加 %2 个证据文件").replace(
                "%1", str(claim_id)).replace("%2", str(len(added.value)))),
            on_failure=self._failed,
        origin=self,
        )

    def remove_selected_evidence(self) -> None:
        ids = self.evidence.selected_ids()
        if not ids:
            return

        def work(db: Database) -> OpChanges:
            changes = OpChanges()
            for evidence_id in ids:
                changes |= claim_service.remove_evidence(db, evidence_id)
            return changes

        self._context.write(work, on_failure=self._failed, origin=self)

    def _request_statement(self) -> None:
        if self._claim_id is not None:
            self.statement_requested.emit([self._claim_id])

    def _link_clicked(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("case:"):
            self.open_case.emit(int(text.removeprefix("case:")))

    def _failed(self, error: Exception) -> None:
        QMessageBox.warning(self, self.tr("操作未完成"), describe_error(error))
        self.reload()
