"""The 快递理赔 tab: every courier claim, what was claimed, received and is still owed, per carrier.

Left: the claims table with its filters, the totals and the per-carrier subtotals. Right: one claim
in full — order and receiver, affected items, the actions its state allows, evidence thumbnails and
its history. Selected claims can be handed to the goods value statement (`statement_requested`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import QFileInfo, QItemSelection, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIcon, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFileIconProvider,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.claims import (
    ClaimAction,
    ClaimContactLevel,
    ClaimIncident,
    ClaimStatus,
    PayoutChannel,
    allowed_actions,
)
from desktop_app.core.clock import CHINA, Moment, now
from desktop_app.core.money import format_yuan
from desktop_app.services import claims as claim_service
from desktop_app.services.claim_details import set_claim_ticket
from desktop_app.store.case_queries import OpenState
from desktop_app.store.claim_rows import (
    ClaimDetail,
    ClaimFilter,
    ClaimRow,
    ClaimSums,
    ClaimTotals,
    claim_carriers,
    claim_detail,
    claim_totals,
    end_of_china_day,
    list_claims,
)
from desktop_app.store.database import Database
from desktop_app.store.rows import OrderRow
from desktop_app.ui import labels
from desktop_app.ui.background import Changes, describe_error
from desktop_app.ui.base_tab import BaseTab, configure_table
from desktop_app.ui.claim_dialogs import (
    CLAIM_CHANGES,
    ClaimActionDialog,
    EditClaimDialog,
    FollowUpDialog,
    LinkDialog,
    NewClaimDialog,
)
from desktop_app.ui.claim_table_model import ClaimTableModel
from desktop_app.ui.claim_ticket_dialog import ClaimTicketDialog
from desktop_app.ui.context import AppContext
from desktop_app.ui.scroll_pane import scrolling
from desktop_app.ui.status_colours import legend
from desktop_app.ui.table_menu import explain, install_row_menu

THUMBNAIL = 96
_COLUMN_WIDTHS = (44, 50, 150, 64, 76, 110, 60, 90, 72, 72, 72, 90, 60)
_EVIDENCE_PATH_ROLE = Qt.ItemDataRole.UserRole
_EVIDENCE_ID_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True, slots=True)
class Thumbnail:
    """An evidence file as the pane shows it; `image` is null for files that are not pictures."""

    evidence_id: int
    path: Path
    name: str
    image: QImage


def load_thumbnail(path: Path, size: int = THUMBNAIL) -> QImage:
    """A small copy of a picture, decoded at that size (cheap for large phone photos); a null
    image for anything Qt cannot read as a picture. QImage is safe off the GUI thread."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)  # phone photos carry their rotation in EXIF
    if not path.is_file() or not reader.canRead():
        return QImage()
    full = reader.size()
    if full.isValid():
        reader.setScaledSize(full.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return image if not image.isNull() else QImage()


@dataclass(frozen=True, slots=True)
class _Loaded:
    detail: ClaimDetail
    thumbnails: tuple[Thumbnail, ...]


class ClaimDetailPane(QWidget):
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
        self._icons = QFileIconProvider()

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
        layout.addWidget(self.items, 1)

        self.actions_box = QGroupBox(self.tr("操作"))
        actions_layout = QVBoxLayout(self.actions_box)
        self.actions_grid = QGridLayout()
        actions_layout.addLayout(self.actions_grid)
        tools = QHBoxLayout()
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
        for button in (self.follow_up_button, self.edit_button, self.link_button, self.ticket_button):
            tools.addWidget(button)
        tools.addStretch(1)
        actions_layout.addLayout(tools)
        layout.addWidget(self.actions_box)

        evidence_box = QGroupBox(self.tr("证据"))
        evidence_layout = QVBoxLayout(evidence_box)
        self.evidence = QListWidget()
        self.evidence.setObjectName("claim_evidence")
        self.evidence.setViewMode(QListView.ViewMode.IconMode)
        self.evidence.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.evidence.setGridSize(QSize(THUMBNAIL + 24, THUMBNAIL + 36))
        self.evidence.setResizeMode(QListView.ResizeMode.Adjust)
        self.evidence.setMovement(QListView.Movement.Static)
        self.evidence.setWordWrap(True)
        self.evidence.setMinimumHeight(THUMBNAIL + 44)
        self.evidence.itemActivated.connect(self._open_evidence)
        evidence_layout.addWidget(self.evidence)
        evidence_buttons = QHBoxLayout()
        self.add_evidence_button = QPushButton(self.tr("添加证据"))
        self.add_evidence_button.setObjectName("claim_add_evidence")
        self.add_evidence_button.clicked.connect(self.choose_evidence)
        self.remove_evidence_button = QPushButton(self.tr("删除所选证据"))
        self.remove_evidence_button.setObjectName("claim_remove_evidence")
        self.remove_evidence_button.clicked.connect(self.remove_selected_evidence)
        hint = QLabel(self.tr("外箱和面单照片、破损照片、称重记录、聊天截图"))
        hint.setStyleSheet("color:#777")
        evidence_buttons.addWidget(self.add_evidence_button)
        evidence_buttons.addWidget(self.remove_evidence_button)
        evidence_buttons.addWidget(hint, 1)
        evidence_layout.addLayout(evidence_buttons)
        layout.addWidget(evidence_box, 2)

        history_box = QGroupBox(self.tr("记录"))
        history_layout = QVBoxLayout(history_box)
        self.history = QTreeWidget()
        self.history.setObjectName("claim_history")
        self.history.setRootIsDecorated(False)
        self.history.setHeaderLabels([self.tr("时间"), self.tr("操作人"), self.tr("事件"), self.tr("备注")])
        self.history.setWordWrap(True)
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

    def show_claim(self, claim_id: int | None) -> None:
        self._claim_id = claim_id
        if claim_id is None:
            self._detail = None
            self.title.setText(self.tr("<b>未选择理赔</b>"))
            self.summary.setHtml("<p style='color:#777'>" + escape(self.tr("在左侧列表中选择一条理赔查看详情。"))
                                 + "</p>")
            self.items.clear()
            self.evidence.clear()
            self.history.clear()
            self._set_actions([])
            self._enable(False)
            return
        self.reload()

    def _enable(self, enabled: bool) -> None:
        for widget in (self.statement_button, self.follow_up_button, self.edit_button, self.link_button,
                       self.ticket_button, self.add_evidence_button, self.remove_evidence_button):
            explain(widget, enabled, self.tr("先在左侧列表中选择一条理赔"), widget.property("usual_tip") or "")

    def reload(self) -> None:
        claim_id = self._claim_id
        if claim_id is None:
            return

        def work(db: Database) -> _Loaded:
            with db.reading() as session:
                detail = claim_detail(session, claim_id)
            thumbnails = tuple(
                Thumbnail(e.id, path, e.original_name, load_thumbnail(path))
                for e in detail.evidence
                for path in (claim_service.evidence_path(e.stored_path),)
            )
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
        self.summary.setHtml(self._summary_html(d))
        self.items.clear()
        for item in d.items:
            row = QTreeWidgetItem([item.title, item.spec or "", str(item.quantity), format_yuan(item.unit_price_fen),
                                   format_yuan(item.claimed_fen)])
            for column in (2, 3, 4):
                row.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.items.addTopLevelItem(row)
        self.items.resizeColumnToContents(0)
        self._show_evidence(loaded.thumbnails)
        self._show_history(d)
        self._set_actions(allowed_actions(ClaimStatus(d.status)))
        self._enable(True)
        self.follow_up_button.setEnabled(d.is_open)
        self.loaded.emit(d.id)

    def _summary_html(self, d: ClaimDetail) -> str:
        o: OrderRow = d.order
        tr = self.tr

        def row(name: str, value: str | None, html: bool = False) -> str:
            shown = (value or "—") if html else escape(value or "—")
            return f"<tr><td style='color:#666;padding-right:8px'>{escape(name)}</td><td>{shown}</td></tr>"

        def case_link(case_id: int | None) -> str | None:
            return f"<a href='case:{case_id}'>#{case_id}</a>" if case_id is not None else None

        outstanding = max((d.claimed_fen or 0) - (d.received_fen or 0), 0) if d.is_open else 0
        parts = ["<table>"]
        parts.append(row(tr("订单"), f"{labels.platform(o.platform)} {o.order_no}"))
        parts.append(row(tr("收货人"), f"{o.receiver or ''} {o.phone or ''}".strip()))
        parts.append(row(tr("收货地址"), o.address))
        if o.paid_fen is not None:
            parts.append(row(tr("订单实付"), tr("￥%1").replace("%1", format_yuan(o.paid_fen))))
        parts.append(row(tr("快递"), f"{d.carrier or ''} {d.tracking_no or ''}".strip()))
        parts.append(row(tr("发货时间"), labels.when(d.shipped_at)))
        parts.append(row(tr("申请金额"), format_yuan(d.claimed_fen)))
        if d.declared_fen is not None:
            parts.append(row(tr("保价金额"), format_yuan(d.declared_fen)))
        parts.append(row(tr("已到账"), format_yuan(d.received_fen)))
        for payout in d.payouts:
            how = labels.label_of(PayoutChannel, payout.channel) or tr("未注明方式")
            parts.append(row("", f"{labels.when(payout.paid_at)}  ￥{format_yuan(payout.amount_fen)}（{how}）"))
        if d.ticket_no or d.contact_level or d.contact or d.reported_at:
            parts.append(row(tr("理赔单号"), d.ticket_no))
            parts.append(row(tr("对接方"), " ".join(
                v for v in (labels.label_of(ClaimContactLevel, d.contact_level), d.contact or "") if v)))
            parts.append(row(tr("报案时间"), labels.when(d.reported_at)))
        if d.is_open:
            parts.append(row(tr("待追回"), format_yuan(outstanding)))
            parts.append(row(tr("下次跟进"), labels.when(d.follow_up_at)))
        else:
            parts.append(row(tr("结束时间"), labels.when(d.closed_at)))
        if d.submitted_at is not None:
            parts.append(row(tr("提交货值说明"), labels.when(d.submitted_at)))
        parts.append(row(tr("售后单"), case_link(d.case_id), html=True))
        if d.reship_id is not None:
            parts.append(row(tr("理赔款用于补发"), case_link(d.reship_case_id), html=True))
        if d.description:
            parts.append(row(tr("说明"), d.description))
        parts.append("</table>")
        return "".join(parts)

    def _show_evidence(self, thumbnails: tuple[Thumbnail, ...]) -> None:
        self.evidence.clear()
        for thumb in thumbnails:
            if thumb.image.isNull():
                icon = self._icons.icon(QFileInfo(str(thumb.path))) if thumb.path.is_file() \
                    else self._icons.icon(QFileIconProvider.IconType.File)
            else:
                icon = QIcon(QPixmap.fromImage(thumb.image))
            item = QListWidgetItem(icon, thumb.name)
            item.setToolTip(str(thumb.path))
            item.setData(_EVIDENCE_PATH_ROLE, str(thumb.path))
            item.setData(_EVIDENCE_ID_ROLE, thumb.evidence_id)
            self.evidence.addItem(item)

    def _show_history(self, d: ClaimDetail) -> None:
        self.history.clear()
        kinds = {"created": self.tr("新建理赔"), "note": self.tr("备注"), "edit": self.tr("修改"),
                 "evidence": self.tr("证据")}
        for e in d.events:
            title = labels.label_of(ClaimAction, e.action) if e.action else kinds.get(e.kind, e.kind)
            if e.from_state and e.to_state and e.from_state != e.to_state:
                before, after = labels.label_of(ClaimStatus, e.from_state), labels.label_of(ClaimStatus, e.to_state)
                title += f"（{before} → {after}）"
            when = e.at.astimezone(CHINA).strftime("%Y-%m-%d") if e.date_only else labels.when(e.at)
            item = QTreeWidgetItem([when, e.author, title, e.note or ""])
            item.setToolTip(3, e.note or "")
            self.history.addTopLevelItem(item)
        for column in range(3):
            self.history.resizeColumnToContents(column)

    def _set_actions(self, actions: list[ClaimAction]) -> None:
        while self.actions_grid.count():
            widget = self.actions_grid.takeAt(0).widget()
            if widget is not None:
                widget.setEnabled(False)  # gone at once, even before Qt deletes it
                widget.setParent(None)
                widget.deleteLater()
        for i, action in enumerate(actions):
            button = QPushButton(labels.label(action))
            button.setObjectName(f"claim_action_{action.value}")
            button.clicked.connect(lambda _checked=False, a=action: self.request_action(a))
            self.actions_grid.addWidget(button, i // 4, i % 4)
        self.actions_box.setVisible(self._claim_id is not None)

    def action_buttons(self) -> dict[str, QPushButton]:
        found = self.actions_box.findChildren(QPushButton)
        prefix = "claim_action_"
        return {b.objectName().removeprefix(prefix): b for b in found
                if b.objectName().startswith(prefix) and b.parent() is not None}

    # --- acting ------------------------------------------------------------------------------
    def _changes(self) -> Changes:
        d = self._detail
        linked = d is not None and (d.case_id is not None or d.reship_case_id is not None)
        return CLAIM_CHANGES | Changes(cases=linked)

    def request_action(self, action: ClaimAction) -> ClaimActionDialog | None:
        d = self._detail
        if d is None:
            return None
        dialog = ClaimActionDialog(action, d, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setObjectName("claim_action_dialog")
        dialog.accepted.connect(lambda: self.perform_action(
            action, amount_fen=dialog.amount_fen, note=dialog.note.toPlainText(), at=dialog.moment(),
            follow_up_at=dialog.follow_up_at(), channel=dialog.payout_channel()))
        dialog.open()
        return dialog

    def perform_action(self, action: ClaimAction, *, amount_fen: int | None = None, note: str = "",
                       at: Moment | None = None, follow_up_at: datetime | None = None,
                       channel: PayoutChannel | None = None) -> None:
        d = self._detail
        if d is None:
            return
        claim_id, version = d.id, d.version
        self._context.write(
            lambda db: claim_service.act_on_claim(db, claim_id, action, amount_fen=amount_fen, at=at,
                                                  follow_up_at=follow_up_at, note=note, expected_version=version,
                                                  channel=channel),
            self._changes(),
            on_success=lambda outcome: self.message.emit(
                self.tr("理赔 #%1 已%2，当前状态：%3").replace("%1", str(claim_id)).replace(
                    "%2", labels.label(action)).replace("%3", labels.label(outcome.status))),
            on_failure=self._failed,
        )

    def change_follow_up(self) -> FollowUpDialog | None:
        d = self._detail
        if d is None:
            return None
        dialog = FollowUpDialog(d, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setObjectName("claim_follow_up_dialog")
        claim_id = d.id

        def save() -> None:
            # Read on the GUI thread: the write runs on the worker, and the dialog deletes itself on close.
            when, note = dialog.value(), dialog.note.text()
            self._context.write(lambda db: claim_service.set_follow_up(db, claim_id, when, note),
                                self._changes(), on_failure=self._failed)

        dialog.accepted.connect(save)
        dialog.open()
        return dialog

    def edit_claim(self) -> EditClaimDialog | None:
        d = self._detail
        if d is None:
            return None
        dialog = EditClaimDialog(d, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setObjectName("claim_edit_dialog")
        claim_id, version = d.id, d.version

        def save() -> None:
            edit = dialog.edit
            if edit is not None:
                self._context.write(lambda db: claim_service.edit_claim(db, claim_id, edit, version),
                                    self._changes(), on_failure=self._failed)

        dialog.accepted.connect(save)
        dialog.open()
        return dialog

    def edit_ticket(self) -> ClaimTicketDialog | None:
        d = self._detail
        if d is None:
            return None
        dialog = ClaimTicketDialog(d, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setObjectName("claim_ticket_dialog")
        claim_id, version = d.id, d.version

        def save() -> None:
            ticket = dialog.ticket()
            self._context.write(lambda db: set_claim_ticket(db, claim_id, ticket, expected_version=version),
                                self._changes(), on_failure=self._failed)

        dialog.accepted.connect(save)
        dialog.open()
        return dialog

    def link_claim(self) -> LinkDialog | None:
        d = self._detail
        if d is None:
            return None
        dialog = LinkDialog(d, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setObjectName("claim_link_dialog")
        claim_id, old_reship_case = d.id, d.reship_case_id

        def save() -> None:
            case_id, reship_case = dialog.case_id(), dialog.reship_case_id()

            def work(db: Database) -> None:
                claim_service.link_case(db, claim_id, case_id)
                if reship_case != old_reship_case:
                    if reship_case is None:
                        claim_service.link_reship(db, claim_id, None)
                    else:
                        claim_service.link_reship_case(db, claim_id, reship_case)

            self._context.write(work, CLAIM_CHANGES | Changes(cases=True, reships=True), on_failure=self._failed)

        dialog.accepted.connect(save)
        dialog.open()
        return dialog

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
            lambda db: claim_service.add_evidence(db, claim_id, paths), self._changes(),
            on_success=lambda ids: self.message.emit(
                self.tr("已为理赔 #%1 添加 %2 个证据文件").replace("%1", str(claim_id)).replace("%2", str(len(ids)))),
            on_failure=self._failed,
        )

    def remove_selected_evidence(self) -> None:
        items = self.evidence.selectedItems()
        if not items:
            return
        ids = [int(item.data(_EVIDENCE_ID_ROLE)) for item in items]

        def work(db: Database) -> None:
            for evidence_id in ids:
                claim_service.remove_evidence(db, evidence_id)

        self._context.write(work, self._changes(), on_failure=self._failed)

    def _open_evidence(self, item: QListWidgetItem) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(item.data(_EVIDENCE_PATH_ROLE))))

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


class ClaimsTab(BaseTab):
    """快递理赔: the claims, filtered, with totals; the lead connects `statement_requested`."""

    statement_requested = Signal(list)  # claim ids, for the goods value statement
    open_case = Signal(int)
    count_changed = Signal(int)  # open claims (for the tab's title)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.model = ClaimTableModel(self)
        self._generation = 0
        self._pending_select: int | None = None
        self._totals = ClaimTotals(ClaimSums(), ())

        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        bar = QHBoxLayout()
        self.carrier_filter = QComboBox()
        self.carrier_filter.setObjectName("claim_carrier_filter")
        self.carrier_filter.addItem(self.tr("全部快递"), None)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("claim_status_filter")
        self.status_filter.addItem(self.tr("全部状态"), None)
        for status in ClaimStatus:
            self.status_filter.addItem(labels.label(status), status.value)
        self.open_filter = QComboBox()
        self.open_filter.setObjectName("claim_open_filter")
        for text, value in ((self.tr("全部"), OpenState.ALL), (self.tr("未结束"), OpenState.OPEN),
                            (self.tr("已结束"), OpenState.CLOSED)):
            self.open_filter.addItem(text, value)
        self.due_filter = QCheckBox(self.tr("今天需跟进"))
        self.due_filter.setObjectName("claim_due_filter")
        for combo in (self.carrier_filter, self.status_filter, self.open_filter):
            bar.addWidget(combo)
            combo.currentIndexChanged.connect(self.refresh)
        bar.addWidget(self.due_filter)
        self.due_filter.toggled.connect(self.refresh)
        bar.addStretch(1)
        self.new_button = QPushButton(self.tr("新建理赔"))
        self.new_button.setObjectName("new_claim")
        self.new_button.clicked.connect(lambda: self.new_claim())
        self.statement_button = QPushButton(self.tr("打印货值说明"))
        self.statement_button.setObjectName("claims_statement")
        self.statement_button.setToolTip(self.tr("为所选理赔生成货值说明（可多选，同一快递一次打印）"))
        self.statement_button.setEnabled(False)
        self.statement_button.clicked.connect(self._request_statement)
        bar.addWidget(self.new_button)
        bar.addWidget(self.statement_button)
        outer.addLayout(bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableView()
        self.table.setObjectName("claim_table")
        configure_table(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setModel(self.model)
        for column, width in enumerate(_COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        left_layout.addWidget(self.table, 1)
        self.totals_label = QLabel()
        self.totals_label.setObjectName("claim_totals")
        self.totals_label.setTextFormat(Qt.TextFormat.RichText)
        status_line = QHBoxLayout()  # the totals, and what the colours mean (the same in every tab)
        status_line.addWidget(self.totals_label, 1)
        status_line.addWidget(legend())
        left_layout.addLayout(status_line)
        self.subtotals = QTreeWidget()
        self.subtotals.setObjectName("carrier_subtotals")
        self.subtotals.setRootIsDecorated(False)
        self.subtotals.setHeaderLabels([self.tr("快递公司"), self.tr("条数"), self.tr("已申请"), self.tr("已到账"),
                                        self.tr("待追回")])
        self.subtotals.setMaximumHeight(120)
        left_layout.addWidget(self.subtotals)
        self.detail = ClaimDetailPane(context)
        self.detail.message.connect(self.message)
        self.detail.open_case.connect(self.open_case)
        self.detail.statement_requested.connect(self.statement_requested)
        self.splitter.addWidget(left)
        self.splitter.addWidget(scrolling(self.detail))
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([760, 500])  # the list through 申请金额 at the default size
        outer.addWidget(self.splitter, 1)

        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda index: self._show_row(index.row()))
        install_row_menu(self.table, [self.statement_button],
                         actions=[(self.tr("打开"), lambda row: self.detail.show_claim(row.id))])

    # --- data --------------------------------------------------------------------------------
    def wants(self, changes: Changes) -> bool:
        return changes.claims or changes.orders or changes.cases or changes.reships

    def current_filter(self) -> ClaimFilter:
        return ClaimFilter(
            carrier=self.carrier_filter.currentData(),
            status=self.status_filter.currentData(),
            open_state=OpenState(self.open_filter.currentData()),
            follow_up_by=end_of_china_day(now()) if self.due_filter.isChecked() else None,
        )

    def refresh(self) -> None:
        if self.context.db is None:
            return
        self._generation += 1
        generation = self._generation
        f = self.current_filter()

        def work(db: Database) -> tuple[list[ClaimRow], ClaimTotals, list[str]]:
            with db.reading() as session:
                return list_claims(session, f), claim_totals(session, f), claim_carriers(session)

        def done(result: tuple[list[ClaimRow], ClaimTotals, list[str]]) -> None:
            if generation == self._generation:
                self._apply(*result)

        self.context.read(work, done, lambda error: self.message.emit(describe_error(error)))
        self.detail.reload()
        self.refresh_hidden()

    def refresh_hidden(self) -> None:
        """The number of open claims, for the tab's title (kept current while the tab is hidden)."""
        def count(db: Database) -> int:
            with db.reading() as session:
                return claim_totals(session, ClaimFilter(open_state=OpenState.OPEN)).total.count

        self.context.read(count, self.count_changed.emit)

    def _apply(self, rows: list[ClaimRow], totals: ClaimTotals, carriers: list[str]) -> None:
        selected = self.selected_claim_ids()
        current = self.detail.claim_id
        self._fill_carriers(carriers)
        self.model.set_rows(rows)
        self._totals = totals
        self._show_totals(totals)
        wanted = [self._pending_select] if self._pending_select is not None else selected or (
            [current] if current is not None else [])
        self._pending_select = None
        self._select_ids(wanted)
        if current is not None and self.model.row_of(current) is None:
            self.detail.show_claim(None)  # filtered out: no live buttons on a claim the list hides

    def _fill_carriers(self, carriers: list[str]) -> None:
        current = self.carrier_filter.currentData()
        self.carrier_filter.blockSignals(True)
        self.carrier_filter.clear()
        self.carrier_filter.addItem(self.tr("全部快递"), None)
        for carrier in carriers:
            self.carrier_filter.addItem(carrier, carrier)
        index = self.carrier_filter.findData(current)
        self.carrier_filter.setCurrentIndex(max(index, 0))
        self.carrier_filter.blockSignals(False)

    def _show_totals(self, totals: ClaimTotals) -> None:
        t = totals.total
        text = self.tr("共 %1 条 &nbsp; 已申请 %2 &nbsp; 已到账 %3 &nbsp; 待追回 %4")
        money = "<b>￥{}</b>"
        self.totals_label.setText(
            text.replace("%1", str(t.count)).replace("%2", money.format(format_yuan(t.claimed_fen)))
            .replace("%3", money.format(format_yuan(t.received_fen)))
            .replace("%4", f"<b style='color:#c62828'>￥{format_yuan(t.outstanding_fen)}</b>"))
        self.subtotals.clear()
        for subtotal in totals.by_carrier:
            s = subtotal.sums
            item = QTreeWidgetItem([subtotal.carrier or self.tr("（未填快递）"), str(s.count),
                                    format_yuan(s.claimed_fen), format_yuan(s.received_fen),
                                    format_yuan(s.outstanding_fen)])
            for column in range(1, 5):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.subtotals.addTopLevelItem(item)
        self.subtotals.resizeColumnToContents(0)

    @property
    def totals(self) -> ClaimTotals:
        return self._totals

    # --- selection ---------------------------------------------------------------------------
    def selected_claim_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [r.id for row in rows if (r := self.model.row_object(row)) is not None]

    def _select_ids(self, ids: list[int]) -> None:
        selection = QItemSelection()
        for claim_id in ids:
            row = self.model.row_of(claim_id)
            if row is not None:
                selection.select(self.model.index(row, 0), self.model.index(row, self.model.columnCount() - 1))
        model = self.table.selectionModel()
        model.select(selection, model.SelectionFlag.ClearAndSelect)
        if ids and (row := self.model.row_of(ids[0])) is not None:
            model.setCurrentIndex(self.model.index(row, 0), model.SelectionFlag.NoUpdate)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        ids = self.selected_claim_ids()
        self.statement_button.setEnabled(bool(ids))
        if len(ids) == 1 and ids[0] != self.detail.claim_id:
            self.detail.show_claim(ids[0])

    def _show_row(self, row: int) -> None:
        r = self.model.row_object(row)
        if r is not None:
            self.detail.show_claim(r.id)

    def select_claim(self, claim_id: int) -> None:
        """Show a claim (after creating it): clear the filters that would hide it."""
        self._pending_select = claim_id
        self.detail.show_claim(claim_id)
        for combo in (self.carrier_filter, self.status_filter, self.open_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.due_filter.blockSignals(True)
        self.due_filter.setChecked(False)
        self.due_filter.blockSignals(False)
        self.refresh()

    def _request_statement(self) -> None:
        ids = self.selected_claim_ids()
        if ids:
            self.statement_requested.emit(ids)

    # --- new claims --------------------------------------------------------------------------
    def new_claim(self, order: OrderRow | None = None, case_id: int | None = None) -> NewClaimDialog | None:
        """新建理赔 from an order (searched in the dialog or given) or from a case."""
        if self.context.db is None:
            return None
        dialog = NewClaimDialog(self.context, order, case_id, self)
        dialog.setObjectName("new_claim_dialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(self._claim_created)
        dialog.open()
        return dialog

    def _claim_created(self, claim_id: int) -> None:
        self.select_claim(claim_id)
        self.message.emit(self.tr("已新建快递理赔 #%1").replace("%1", str(claim_id)))

