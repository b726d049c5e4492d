"""The reship queue's table: columns over `ReshipRow`, the ship-by countdown coloured by urgency.

The queue holds what is promised and not yet shipped (tens, at most a few hundred rows), so the
rows are loaded whole and sorted by a proxy; the paged model is for the million-row tables.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QBrush

from desktop_app.core.clock import now
from desktop_app.core.money import format_yuan
from desktop_app.core.reship_states import ReshipStatus
from desktop_app.services.reship_queue import ReshipRow
from desktop_app.ui import labels
from desktop_app.ui.cases.case_table_model import CLOSED_GREY, OVERDUE, countdown, urgency_colour
from desktop_app.ui.widgets.row_table_model import Column, ListTableModel
from desktop_app.ui.widgets.status_colours import DONE, urgency

Clock = Callable[[], datetime]


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReshipTableModel", text)


def status_text(status: ReshipStatus) -> str:
    texts = {
        ReshipStatus.REQUESTED: _tr("待答复"),
        ReshipStatus.AGREED: _tr("待补发"),
        ReshipStatus.SHIPPED: _tr("已发出"),
        ReshipStatus.REFUSED: _tr("已拒绝"),
        ReshipStatus.OUT_OF_STOCK: _tr("缺货改退款"),
        ReshipStatus.CANCELLED: _tr("已取消"),
    }
    return texts[status]


def items_text(row: ReshipRow) -> str:
    if not row.items:
        return _tr("（未定，订单未导入）")
    return _tr("；").join(f"{i.title}{' ' + i.spec if i.spec else ''} ×{i.quantity}" for i in row.items)


def due_text(row: ReshipRow, reference: datetime) -> str:
    """'剩 5 小时' while promised; '答复：剩 1 天' while asked; '平台已同意：剩 1 天' (to ship) once the
    platform agreed by itself; '平台已自动全额退款，不要再发货' once the platform refunded instead of the
    shipment; what happened once ended."""
    if row.ship_settled(reference):
        return _tr("平台已%1，不要再发货").replace("%1", labels.text(row.ship_expiry or ""))
    if row.status is ReshipStatus.AGREED and row.ship_by is not None:
        return countdown(row.ship_by, reference)
    if row.settled(reference):
        if row.ship_by is None:
            return _tr("平台已自动同意")
        return _tr("平台已同意：%1").replace("%1", countdown(row.ship_by, reference))
    if row.status is ReshipStatus.REQUESTED and row.answer_by is not None:
        return _tr("答复：%1").replace("%1", countdown(row.answer_by, reference))
    if row.status is ReshipStatus.SHIPPED:
        return _tr("超时发出") if row.late else _tr("按时发出")
    return ""


def penalty_text(row: ReshipRow, reference: datetime) -> str:
    """What happens when the shown countdown runs out, in the pack's words: for a request not yet
    answered, the answer timer's outcome (Douyin: agreed automatically); for a promise (also one the
    platform made by itself), the penalty for shipping late; once shipped, the penalty only if it was
    shipped late."""
    if row.settled(reference):
        return _with_amount(row, reference)
    if row.status is ReshipStatus.REQUESTED:
        return labels.text(row.answer_expiry or "") if row.answer_by is not None else ""
    if row.status is ReshipStatus.AGREED or row.late:
        return _with_amount(row, reference)
    return ""


def _with_amount(row: ReshipRow, reference: datetime) -> str:
    """The penalty in the pack's words, and the amount the engine computed for it (issue 13 item 9): at stake,
    or owed once it fell due (counted in the case's cost and the 统计)."""
    text = labels.text(row.penalty or "")
    if row.penalty_fen is None:
        return text
    if row.penalty_fell_due(reference):
        return _tr("已超时，须赔付 %2 元（%1）").replace("%1", text).replace("%2", format_yuan(row.penalty_fen))
    return _tr("%1（%2 元）").replace("%1", text).replace("%2", format_yuan(row.penalty_fen))


def tracking_text(row: ReshipRow) -> str:
    return f"{row.carrier or ''} {row.tracking_no or ''}".strip()


def _columns(now_of: Clock) -> list[Column[ReshipRow]]:
    """`now_of` is the model's clock reading: the countdowns move with `refresh_time()`."""
    never = float("inf")
    return [
        Column("case", _tr("售后单"), lambda r: f"#{r.case_id}", lambda r: r.case_id),
        Column("platform", _tr("平台"), lambda r: labels.platform(r.platform), lambda r: r.platform),
        Column("order", _tr("订单号"), lambda r: r.order_no, lambda r: r.order_no),
        Column("receiver", _tr("收货人"), lambda r: r.receiver or "", lambda r: r.receiver or ""),
        Column("address", _tr("地址"), lambda r: r.address or "", lambda r: r.address or ""),
        Column("items", _tr("补发商品"), items_text, items_text),
        Column("reason", _tr("原因"), lambda r: labels.reason(r.reason), lambda r: r.reason or ""),
        Column("status", _tr("状态"), lambda r: status_text(r.status), lambda r: r.status.value),
        Column("promised", _tr("承诺时间"), lambda r: labels.when(r.promised_at),
               lambda r: r.promised_at.timestamp() if r.promised_at else never),
        Column("due", _tr("发货时限"), lambda r: due_text(r, now_of()),
               lambda r: r.due_at.timestamp() if r.due_at else never),
        Column("penalty", _tr("逾期后果"), lambda r: penalty_text(r, now_of()), lambda r: r.penalty or ""),
        Column("tracking", _tr("快递 / 运单号"), tracking_text, lambda r: r.tracking_no or ""),
    ]


class ReshipTableModel(ListTableModel[ReshipRow]):
    """Rows of the queue; `refresh_time()` re-reads the clock so countdowns move without a reload."""

    def __init__(self, parent: QObject | None = None, clock: Clock = now) -> None:
        super().__init__(_columns(lambda: self._now), parent)
        self._clock = clock
        self._now = clock()

    def rows_replaced(self) -> None:
        self._now = self._clock()

    def row_of_case(self, case_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.case_id == case_id), None)

    def refresh_time(self) -> None:
        self._now = self._clock()
        if self._rows:
            column = self.column_index("due")
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column + 1))

    def decorate(self, row: ReshipRow, column: Column[ReshipRow], role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(row, column.key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column.key)
        return None

    def _foreground(self, row: ReshipRow, key: str) -> QBrush | None:
        if key == "status":  # the one status-colour system (ui/widgets/status_colours.py)
            return QBrush(DONE if not row.is_open else urgency(row.due(self._now), self._now))
        if not row.is_open:
            return QBrush(OVERDUE) if key == "due" and row.late else QBrush(CLOSED_GREY)
        if key in ("due", "penalty"):
            colour = urgency_colour(row.due(self._now), self._now)
            return QBrush(colour) if colour else None
        return None

    def _tooltip(self, row: ReshipRow, key: str) -> str | None:
        if key == "due":
            if row.status is ReshipStatus.REQUESTED and row.answer_by is not None and not row.settled(self._now):
                return _tr("%1 前答复（%2），否则%3").replace("%1", labels.when(row.answer_by)).replace(
                    "%2", labels.text(row.answer_timer or "")).replace("%3", labels.text(row.answer_expiry or ""))
            if row.ship_by is not None and row.ship_settled(self._now):
                return _tr("%1 前未发出（%2），平台已%3").replace("%1", labels.when(row.ship_by)).replace(
                    "%2", labels.text(row.ship_timer or "")).replace("%3", labels.text(row.ship_expiry or ""))
            if row.ship_by is not None:
                tip = _tr("%1 前发出（%2）").replace("%1", labels.when(row.ship_by)).replace(
                    "%2", labels.text(row.ship_timer or ""))
                return tip + (_tr("（按估算的节假日计算）") if row.ship_estimated else "")
        if key in ("address", "items", "penalty"):
            return self._columns[self.column_index(key)].display(row) or None
        if key == "tracking" and row.shipped_at is not None:
            return _tr("发出时间：%1").replace("%1", labels.when(row.shipped_at))
        return None
