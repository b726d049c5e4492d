"""Read-only queries of the returns desk: cases by the buyer's return parcel, returns still on the way,
parcels that matched no case (无主件). Plain frozen rows out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, ScalarSelect, Select, func, select
from sqlalchemy.orm import Session

from desktop_app.core.deadline_display import OpenTimer, ShownDue, case_next_due
from desktop_app.core.lifecycle import CaseStatus
from desktop_app.store.deadline_lists import open_timers_of
from desktop_app.store.models import AuditEvent, Case, Order, OrderItem, ReturnInspection, Shop, UnmatchedParcel
from desktop_app.store.rows import OrderItemRow


@dataclass(frozen=True, slots=True)
class InspectionRow:
    id: int
    case_id: int
    tracking_no: str | None
    result: str
    note: str | None
    received_at: datetime
    inspected_by: str


@dataclass(frozen=True, slots=True)
class ReturnCaseRow:
    """A case as the returns desk shows it: the buyer, what should be inside, the parcel and its timer."""

    id: int
    platform: str
    shop: str | None
    order_no: str
    receiver: str | None
    phone: str | None
    kind: str
    reason: str | None
    status: str
    is_open: bool
    refund_fen: int | None
    return_carrier: str | None
    return_tracking_no: str | None
    return_shipped_at: datetime | None
    version: int = 0  # as read: the desk's suggested step names it, so a change by another seat meanwhile refuses
    items: tuple[OrderItemRow, ...] = ()
    inspections: tuple[InspectionRow, ...] = ()
    # Its open deadlines (store.deadline_lists.open_timers_of): the deadline shown is read from them with
    # the clock, as the Cases tab's 下一个时限 — the stored earliest one may be one the platform has
    # settled by itself (淘宝 refunds when the shop does not confirm the return in 10 days).
    timers: tuple[OpenTimer, ...] = ()

    def shown(self, now: datetime) -> ShownDue:
        """The case's deadline at `now` (`core.deadline_display.case_next_due`); nothing for a closed case."""
        return case_next_due(self.timers, now) if self.is_open else ShownDue(None, None, None)


@dataclass(frozen=True, slots=True)
class UnmatchedParcelRow:
    id: int
    tracking_no: str
    carrier_guess: str | None
    result: str
    note: str | None
    received_at: datetime
    recorded_by: str
    matched_case_id: int | None
    matched_at: datetime | None


_SHIPPED = "return_shipped"  # the milestone of 买家寄回 (core/lifecycle.py)


def tracking_variants(tracking_no: str) -> list[str]:
    """A scanner may send upper or lower case letters; imports keep the platform's spelling."""
    return sorted({tracking_no, tracking_no.upper(), tracking_no.lower()})


def _shipped_at() -> ScalarSelect[datetime]:
    """The latest 买家寄回 step in force of the case in the outer query."""
    return (
        select(func.max(AuditEvent.at))
        .where(AuditEvent.case_id == Case.id, AuditEvent.milestone == _SHIPPED, AuditEvent.undone_by.is_(None))
        .correlate(Case)
        .scalar_subquery()
    )


def _select(shipped_at: ColumnElement[datetime] | None = None) -> Select[*tuple[Any, ...]]:
    return (
        select(
            Case.id, Case.platform, Shop.name.label("shop"), Order.order_no, Order.receiver, Order.phone, Case.kind,
            Case.reason,
            Case.status, Case.is_open, Case.refund_fen, Case.return_carrier, Case.return_tracking_no,
            (_shipped_at() if shipped_at is None else shipped_at).label("return_shipped_at"), Case.order_id,
            Case.version,
        )
        .join(Order, Order.id == Case.order_id)
        .outerjoin(Shop, Shop.id == Order.shop_id)
    )


def _rows(session: Session, raw: Sequence[Row[Any]]) -> list[ReturnCaseRow]:
    order_ids = sorted({r.order_id for r in raw})
    case_ids = [r.id for r in raw]
    items: dict[int, list[OrderItemRow]] = {}
    inspections: dict[int, list[InspectionRow]] = {}
    timers = open_timers_of(session, case_ids) if raw else {}
    if raw:
        for i in session.execute(
            select(OrderItem).where(OrderItem.order_id.in_(order_ids)).order_by(OrderItem.position, OrderItem.id)
        ).scalars():
            items.setdefault(i.order_id, []).append(OrderItemRow(
                i.title, i.spec, i.quantity, i.unit_price_fen, i.paid_fen, i.sku_code, i.sub_order_no))
        for x in session.execute(
            select(ReturnInspection).where(ReturnInspection.case_id.in_(case_ids)).order_by(ReturnInspection.id)
        ).scalars():
            inspections.setdefault(x.case_id, []).append(InspectionRow(
                x.id, x.case_id, x.tracking_no, x.result, x.note, x.received_at, x.inspected_by))
    return [
        ReturnCaseRow(
            id=r.id, platform=r.platform, shop=r.shop, order_no=r.order_no, receiver=r.receiver, phone=r.phone,
            kind=r.kind, reason=r.reason, status=r.status, is_open=r.is_open, refund_fen=r.refund_fen,
            return_carrier=r.return_carrier, return_tracking_no=r.return_tracking_no,
            return_shipped_at=r.return_shipped_at, version=r.version, items=tuple(items.get(r.order_id, ())),
            inspections=tuple(inspections.get(r.id, ())), timers=timers.get(r.id, ()),
        )
        for r in raw
    ]


def cases_by_return_tracking(session: Session, tracking_no: str) -> list[ReturnCaseRow]:
    """Every case whose buyer's return parcel has this number: open ones first, then the newest.

    One parcel can hold the returns of several cases (two items of one order, each with its own
    platform after-sales number).
    """
    stmt = (
        _select()
        .where(Case.return_tracking_no.in_(tracking_variants(tracking_no)))
        .order_by(Case.is_open.desc(), Case.updated_at.desc(), Case.id.desc())
    )
    return _rows(session, session.execute(stmt).all())




def returns_in_transit(session: Session, shipped_before: datetime, limit: int = 500) -> list[ReturnCaseRow]:
    """Cases still waiting for the buyer's return that the buyer shipped before `shipped_before`,
    the longest on the way first.

    A waiting case qualifies only if one of its 买家寄回 steps in force is older than the moment, so the planner
    may start from those steps (the milestone index of migration 0021_transit) instead of reading every waiting
    case's row: at a million cases with 143,285 waiting that read was 0.8 s and 225 MB of PostgreSQL's cache at
    each start-up. The latest step of each case decides, read from the same index; the cases listed are chosen
    first and only they are joined to their orders (the join came before the sort, for every waiting case)."""
    shipped = _shipped_at()
    shipped_early = select(AuditEvent.case_id).where(
        AuditEvent.milestone == _SHIPPED, AuditEvent.undone_by.is_(None), AuditEvent.at < shipped_before)
    chosen = (
        select(Case.id, shipped.label("at"))
        .where(Case.status == CaseStatus.AWAITING_RETURN.value, Case.id.in_(shipped_early), shipped < shipped_before)
        .order_by(shipped.asc(), Case.id.asc())
        .limit(limit)
        .subquery("chosen")
    )
    stmt = (
        _select(chosen.c.at)
        .join(chosen, chosen.c.id == Case.id)
        .order_by(chosen.c.at.asc(), Case.id.asc())
    )
    return _rows(session, session.execute(stmt).all())


def return_case(session: Session, case_id: int) -> ReturnCaseRow | None:
    return next(iter(_rows(session, session.execute(_select().where(Case.id == case_id)).all())), None)


def _parcel_row(p: UnmatchedParcel) -> UnmatchedParcelRow:
    return UnmatchedParcelRow(p.id, p.tracking_no, p.carrier_guess, p.result, p.note, p.received_at,
                              p.recorded_by, p.matched_case_id, p.matched_at)


def unmatched_parcels(session: Session, include_matched: bool = False, limit: int = 1000) -> list[UnmatchedParcelRow]:
    """Parcels that matched no case, newest first (also those matched later, if asked)."""
    stmt = select(UnmatchedParcel)
    if not include_matched:
        stmt = stmt.where(UnmatchedParcel.matched_case_id.is_(None), UnmatchedParcel.matched_at.is_(None))
    stmt = stmt.order_by(UnmatchedParcel.received_at.desc(), UnmatchedParcel.id.desc()).limit(limit)
    return [_parcel_row(p) for p in session.execute(stmt).scalars()]


def parcel_number(session: Session, parcel_id: int) -> str | None:
    """The tracking number of unmatched parcel `parcel_id` (None: no such parcel), read without loading
    the parcel (a use case locks it afterwards: store/row_locks.py)."""
    return session.execute(select(UnmatchedParcel.tracking_no).where(UnmatchedParcel.id == parcel_id)).scalar()


def waiting_parcel(session: Session, tracking_no: str) -> UnmatchedParcelRow | None:
    """The unmatched parcel with this number still waiting to be matched, if any."""
    stmt = (
        select(UnmatchedParcel)
        .where(UnmatchedParcel.tracking_no.in_(tracking_variants(tracking_no)), UnmatchedParcel.matched_at.is_(None))
        .order_by(UnmatchedParcel.id.desc())
        .limit(1)
    )
    parcel = session.execute(stmt).scalar_one_or_none()
    return _parcel_row(parcel) if parcel is not None else None
