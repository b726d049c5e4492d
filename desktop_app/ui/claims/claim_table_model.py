"""The claims table: columns over `ClaimRow`, sorted in memory.

A shop has hundreds of claims, not millions: the tab loads every claim its filter matches (with
the totals, in one read) and this model sorts them without going back to the database.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.core.claim_escalation import DeadlineKind
from desktop_app.core.claims import ClaimIncident, ClaimStatus
from desktop_app.core.clock import CHINA, now
from desktop_app.core.money import format_yuan
from desktop_app.store.claim_rows import ClaimRow
from desktop_app.ui import labels
from desktop_app.ui.claims.claim_summary import step_deadline
from desktop_app.ui.widgets.row_table_model import Column, ListTableModel
from desktop_app.ui.widgets.status_colours import DONE, DUE_SOON, OVERDUE, urgency

SOON = DUE_SOON
CLOSED_GREY = QColor("#8a8a8a")


def _tr(text: str) -> str:
    return QCoreApplication.translate("ClaimTableModel", text)


def _platform(row: ClaimRow) -> str:
    return labels.platform(row.platform)


def _day(value: datetime | None) -> str:
    return labels.when(value)


def _next_step(row: ClaimRow) -> str:
    """The next step's action and its day: "升级快递总部 11-12起" / "提交货值说明 截止11-05"."""
    step = row.escalation
    if step is None or not row.is_open:
        return ""
    day = step.due_at.astimezone(CHINA).strftime("%m-%d")
    when = _tr("截止%1").replace("%1", day) if step.step.kind is DeadlineKind.BY else _tr("%1起").replace("%1", day)
    return f"{labels.label(step.step.action)} {when}"


def _next_step_tip(row: ClaimRow) -> str | None:
    step = row.escalation
    if step is None or not row.is_open:
        return None
    lines = [labels.text(step.title), step_deadline(step)]
    if step.step.explain:
        lines.append(labels.text(step.step.explain))
    missing = step.missing(row.holding)
    if missing:
        lines.append(_tr("还缺：%1").replace("%1", _tr("、").join(labels.text(name) for name in missing)))
    return "\n".join(lines)


def _columns() -> list[Column[ClaimRow]]:
    # The money (申请金额, 已到账, 待追回) before the next step, the receiver and the parcel: at 1366 px the
    # list shows through 下一步, and the amounts were past its right edge.
    return [
        Column("id", _tr("编号"), lambda r: str(r.id), lambda r: r.id, align_right=True),
        Column("platform", _tr("平台"), _platform, lambda r: r.platform),
        Column("order_no", _tr("订单号"), lambda r: r.order_no, lambda r: r.order_no),
        Column("incident", _tr("原因"), lambda r: labels.label_of(ClaimIncident, r.incident), lambda r: r.incident),
        Column("status", _tr("状态"), lambda r: labels.label_of(ClaimStatus, r.status), lambda r: r.status),
        Column("claimed", _tr("申请金额"), lambda r: format_yuan(r.claimed_fen), lambda r: r.claimed_fen or 0,
               align_right=True),
        Column("received", _tr("已到账"), lambda r: format_yuan(r.received_fen), lambda r: r.received_fen or 0,
               align_right=True),
        # Nothing to say while the amount is unknown (goods without a price): "0.00" read as nothing to chase.
        Column("outstanding", _tr("待追回"),
               lambda r: format_yuan(r.outstanding_fen) if r.is_open and r.claimed_fen is not None else "",
               lambda r: r.outstanding_fen, align_right=True),
        Column("next_step", _tr("下一步"), _next_step,
               lambda r: r.escalation.due_at.timestamp() if r.escalation and r.is_open else float("inf")),
        Column("follow_up", _tr("跟进日期"), lambda r: _day(r.follow_up_at) if r.is_open else "",
               lambda r: r.follow_up_at.timestamp() if r.follow_up_at and r.is_open else float("inf")),
        Column("receiver", _tr("收货人"), lambda r: r.receiver or "", lambda r: r.receiver or ""),
        Column("carrier", _tr("快递公司"), lambda r: r.carrier or "", lambda r: r.carrier or ""),
        Column("tracking", _tr("运单号"), lambda r: r.tracking_no or "", lambda r: r.tracking_no or ""),
        Column("case", _tr("售后单"), lambda r: f"#{r.case_id}" if r.case_id else "", lambda r: r.case_id or 0),
    ]


class ClaimTableModel(ListTableModel[ClaimRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(_columns(), parent)
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def rows_replaced(self) -> None:
        if self._sort is not None:
            self._sort_rows(*self._sort)

    def row_of(self, claim_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == claim_id), None)

    def decorate(self, row: ClaimRow, column: Column[ClaimRow], role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column.key == "next_step":
            return _next_step_tip(row)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column.key == "status":  # the one status-colour system (ui/widgets/status_colours.py)
                return QBrush(DONE if not row.is_open else urgency(row.follow_up_at, now()))
            if not row.is_open:
                return QBrush(CLOSED_GREY)
            if column.key == "follow_up" and row.follow_up_at is not None:
                left = row.follow_up_at - now()
                if left < timedelta(0):
                    return QBrush(OVERDUE)
                if left < timedelta(hours=24):
                    return QBrush(SOON)
            if column.key == "next_step" and row.escalation is not None:
                return QBrush(urgency(row.escalation.due_at, now()))
            if column.key == "outstanding" and row.outstanding_fen > 0:
                return QBrush(OVERDUE)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self.layoutAboutToBeChanged.emit()
        # Persistent indexes (the selection) follow their rows to the new places.
        before = self.persistentIndexList()
        ids = [self._rows[i.row()].id if 0 <= i.row() < len(self._rows) else None for i in before]
        self._sort = (column, order)
        self._sort_rows(column, order)
        places = {r.id: n for n, r in enumerate(self._rows)}
        after = [
            self.index(places[claim_id], old.column()) if claim_id in places else QModelIndex()
            for old, claim_id in zip(before, ids, strict=True)
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        key = self._columns[column].sort_value
        # Ties keep the database's order (open first, nearest follow-up first).
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
