"""Where a reship stands, read from its case and its reship row, and the items to send: the pure rules
the reship queue, the reship services and the table models share (no SQL, no Qt)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.core import messages as msg
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseStatus
from desktop_app.core.vocabulary import CaseKind


class ReshipStatus(StrEnum):
    REQUESTED = "requested"  # the buyer asked; not agreed yet (or agreed, then sent back by the platform)
    AGREED = "agreed"  # promised: in the queue until shipped
    SHIPPED = "shipped"
    REFUSED = "refused"
    OUT_OF_STOCK = "out_of_stock"  # switched to a refund
    CANCELLED = "cancelled"  # the case was refunded or closed some other way before shipping


OPEN_STATUSES = frozenset({ReshipStatus.REQUESTED, ReshipStatus.AGREED})
ENDED_STATUSES = frozenset({ReshipStatus.SHIPPED, ReshipStatus.REFUSED, ReshipStatus.OUT_OF_STOCK,
                    ReshipStatus.CANCELLED})
EARLY_CASE = frozenset({CaseStatus.PENDING.value, CaseStatus.PROCESSING.value})
# Case states in which a reship that was never agreed is still waiting for the shop's answer.
ASKING_CASE = EARLY_CASE | {CaseStatus.PLATFORM_INTERVENTION.value}
_RESHIP = CaseKind.RESHIP.value
MAX_QUANTITY = 9999

_STATUS_LABELS = {
    ReshipStatus.REQUESTED: "待答复",
    ReshipStatus.AGREED: "待补发",
    ReshipStatus.SHIPPED: "已发出",
    ReshipStatus.REFUSED: "已拒绝",
    ReshipStatus.OUT_OF_STOCK: "缺货改退款",
    ReshipStatus.CANCELLED: "已取消",
}


def status_label(status: ReshipStatus) -> str:
    return _STATUS_LABELS[status]


def derive_status(kind: str, case_status: str, reship_status: str | None) -> ReshipStatus:
    """The reship's status; for a reship case without a reship row yet, read from the case."""
    if reship_status is not None:
        return ReshipStatus(reship_status)
    if case_status in ASKING_CASE and kind == _RESHIP:
        return ReshipStatus.REQUESTED
    if case_status == CaseStatus.RESHIP_AGREED.value:
        return ReshipStatus.AGREED
    if case_status == CaseStatus.RESHIPPED.value:
        return ReshipStatus.SHIPPED
    if case_status == CaseStatus.REJECTED.value:
        return ReshipStatus.REFUSED
    return ReshipStatus.CANCELLED


@dataclass(frozen=True, slots=True)
class ReshipItemRow:
    title: str
    spec: str | None
    quantity: int


def clean_items(items: Iterable[ReshipItemRow]) -> list[ReshipItemRow]:
    cleaned: list[ReshipItemRow] = []
    for number, item in enumerate(items, start=1):
        title = item.title.strip()
        if not title:
            raise UserError(msg.say(msg.ITEM_WITHOUT_NAME, number))
        if not 1 <= item.quantity <= MAX_QUANTITY:
            raise UserError(msg.say(msg.ITEM_QUANTITY, title, MAX_QUANTITY))
        cleaned.append(ReshipItemRow(title, (item.spec or "").strip() or None, item.quantity))
    if not cleaned:
        raise UserError("至少要有一件补发商品")
    return cleaned


def format_items(items: Iterable[ReshipItemRow]) -> str:
    """'袜子 白色 ×1；T恤 L ×2' — one line for tables, notes and the picking list."""
    return "；".join(f"{i.title}{' ' + i.spec if i.spec else ''} ×{i.quantity}" for i in items)
