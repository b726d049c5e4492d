"""The cases an export writes: every column the sheet shows, for ids chosen by the Cases filter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.deadline_display import OpenTimer
from desktop_app.store.deadline_lists import open_timers_of
from desktop_app.store.models import Case, Order, OrderItem, Shop


@dataclass(frozen=True, slots=True)
class CaseSheetRow:
    id: int
    platform: str
    shop: str | None
    order_no: str
    receiver: str | None
    phone: str | None
    kind: str
    reason: str | None
    status: str
    refund_fen: int | None
    compensation_fen: int | None
    responsible: str | None
    platform_case_no: str | None
    platform_status: str | None
    return_carrier: str | None
    return_tracking_no: str | None
    goods: str | None
    requested_at: datetime | None
    next_due_name: str | None
    next_due_at: datetime | None
    updated_at: datetime
    description: str | None
    # Its open deadlines: the 下一个时限 shown (`core.deadline_display.case_next_due`).
    timers: tuple[OpenTimer, ...] = ()


_COLUMNS = (
    Case.id, Case.platform, Shop.name, Order.order_no, Order.receiver, Order.phone, Case.kind, Case.reason,
    Case.status, Case.refund_fen, Case.compensation_fen, Case.responsible, Case.platform_case_no,
    Case.platform_status, Case.return_carrier, Case.return_tracking_no, Case.order_id, Case.requested_at,
    Case.next_due_name, Case.next_due_at, Case.updated_at, Case.description,
)


def _goods(items: list[tuple[str, str | None, int]]) -> str | None:
    parts = [f"{title}（{spec}）×{quantity}" if spec else f"{title}×{quantity}" for title, spec, quantity in items]
    return "；".join(parts) or None


def case_sheet_rows(session: Session, case_ids: Sequence[int]) -> list[CaseSheetRow]:
    """The given cases in the given order (ids that no longer exist are skipped)."""
    if not case_ids:
        return []
    stmt = (
        select(*_COLUMNS)
        .join(Order, Order.id == Case.order_id)
        .outerjoin(Shop, Shop.id == Order.shop_id)
        .where(Case.id.in_(list(case_ids)))
    )
    found = {row[0]: row for row in session.execute(stmt)}
    order_ids = sorted({row[16] for row in found.values()})
    items: dict[int, list[tuple[str, str | None, int]]] = {}
    for order_id, title, spec, quantity in session.execute(
        select(OrderItem.order_id, OrderItem.title, OrderItem.spec, OrderItem.quantity)
        .where(OrderItem.order_id.in_(order_ids))
        .order_by(OrderItem.order_id, OrderItem.position, OrderItem.id)
    ):
        items.setdefault(order_id, []).append((title, spec, quantity))
    timers = open_timers_of(session, list(found))
    rows = []
    for case_id in case_ids:
        r = found.get(case_id)
        if r is None:
            continue
        rows.append(CaseSheetRow(*r[:16], _goods(items.get(r[16], [])), *r[17:],  # type: ignore[arg-type,call-arg,misc]
                                 timers=timers.get(case_id, ())))
    return rows
