"""The reship queue's reads: which cases it lists (by scope), their count, and for the listed cases their
chosen reship items, their reship deadlines and their orders' items, one query each however long the
queue. `services.reship_queue` turns these records into `ReshipRow`s with the rule packs."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from desktop_app.core.lifecycle import CaseStatus
from desktop_app.core.reship_states import ASKING_CASE, OPEN_STATUSES, ReshipItemRow, ReshipStatus
from desktop_app.core.vocabulary import CaseKind
from desktop_app.store.in_lists import in_lists
from desktop_app.store.models import Case, Deadline, Order, OrderItem, Reship, ReshipItem
from desktop_app.store.reship_queries import LATEST_RESHIP

_RESHIP = CaseKind.RESHIP.value


class QueueScope(StrEnum):
    OPEN = "open"  # agreed (or asked) and not shipped: the work to do
    WITH_SHIPPED = "with_shipped"  # ... and the shipped ones, with their tracking numbers
    ALL = "all"  # ... and refused, out of stock, cancelled


class QueueCase(NamedTuple):
    """A case of the queue with its order and its latest reship row (None fields: no reship row yet)."""

    case_id: int
    case_version: int
    platform: str
    kind: str
    reason: str | None
    case_status: str
    case_open: bool
    requested_at: datetime | None
    order_id: int
    order_no: str
    receiver: str | None
    phone: str | None
    address: str | None
    reship_id: int | None
    reship_status: str | None
    promised_at: datetime | None
    ship_by: datetime | None
    carrier: str | None
    tracking_no: str | None
    shipped_at: datetime | None
    note: str | None


class QueueDeadline(NamedTuple):
    case_id: int | None
    timer_id: str
    name: str
    due_at: datetime
    action: str
    status: str
    estimated: bool
    penalty_fen: int | None  # money at stake (open) or lost (missed), Deadline.penalty_fen


def _scope_condition(scope: QueueScope) -> ColumnElement[bool]:
    is_reship_case = or_(Case.kind == _RESHIP, Reship.id.is_not(None))
    open_condition = and_(
        Case.is_open.is_(True), Case.kind == _RESHIP,
        or_(and_(Reship.id.is_(None), Case.status.in_(sorted(ASKING_CASE))),
            Reship.status.in_(sorted(OPEN_STATUSES))),
    )
    if scope is QueueScope.OPEN:
        return open_condition
    if scope is QueueScope.WITH_SHIPPED:
        return or_(open_condition, Reship.status == ReshipStatus.SHIPPED.value,
                   and_(Reship.id.is_(None), Case.kind == _RESHIP, Case.status == CaseStatus.RESHIPPED.value))
    return is_reship_case


def _chosen(scope: QueueScope, case_ids: Collection[int] | None) -> ColumnElement[bool]:
    chosen = _scope_condition(scope)
    if case_ids is not None:
        chosen = and_(chosen, Case.id.in_(sorted(set(case_ids))))
    return chosen


def count_reship_rows(session: Session, scope: QueueScope = QueueScope.OPEN,
                      overdue_at: datetime | None = None) -> int:
    """How many rows the queue would list; with `overdue_at`, only those whose case's next deadline
    is due by then (what a cut queue says about the rows it does not list): after an answer the
    platform gave by itself, the deadline that follows it (as `core.deadline_display.case_next_due`)."""
    stmt = (select(func.count()).select_from(Case).outerjoin(Reship, Reship.id == LATEST_RESHIP)
            .where(_scope_condition(scope)))
    if overdue_at is not None:
        stmt = stmt.where(Case.next_due_at <= overdue_at,
                          or_(Case.next_due_automatic.is_(False), Case.after_due_at <= overdue_at))
    return int(session.execute(stmt).scalar_one())


def queue_cases(session: Session, scope: QueueScope, case_ids: Collection[int] | None = None,
                limit: int | None = None) -> list[QueueCase]:
    """The cases in `scope` (and among `case_ids`); with `limit`, only that many: the cases whose next
    deadline comes first (an indexed read), open ones first. Unordered without a limit."""
    stmt = (
        select(
            Case.id, Case.version, Case.platform, Case.kind, Case.reason, Case.status, Case.is_open,
            Case.requested_at, Order.id, Order.order_no, Order.receiver, Order.phone, Order.address,
            Reship.id, Reship.status, Reship.promised_at, Reship.ship_by, Reship.carrier, Reship.tracking_no,
            Reship.shipped_at, Reship.note,
        )
        .join(Order, Order.id == Case.order_id)
        .outerjoin(Reship, Reship.id == LATEST_RESHIP)
        .where(_chosen(scope, case_ids))
    )
    if limit is not None:
        stmt = stmt.order_by(Case.is_open.desc(), Case.next_due_at.is_(None), Case.next_due_at, Case.id).limit(limit)
    return [QueueCase._make(row) for row in session.execute(stmt).all()]


def chosen_reship_items(session: Session, scope: QueueScope,
                        case_ids: Collection[int] | None) -> dict[int, list[ReshipItemRow]]:
    """The items chosen for the latest reship of each case in `scope` (and among `case_ids`), by reship id."""
    chosen_reships = (select(Reship.id).select_from(Case).join(Reship, Reship.id == LATEST_RESHIP)
                      .where(_chosen(scope, case_ids)))
    items: dict[int, list[ReshipItemRow]] = {}
    for reship_id, title, spec, quantity in session.execute(
        select(ReshipItem.reship_id, ReshipItem.title, ReshipItem.spec, ReshipItem.quantity)
        .where(ReshipItem.reship_id.in_(chosen_reships)).order_by(ReshipItem.reship_id, ReshipItem.id)
    ).all():
        items.setdefault(reship_id, []).append(ReshipItemRow(title, spec, quantity))
    return items


def queue_deadlines(session: Session, scope: QueueScope, case_ids: Collection[int] | None,
                    timer_ids: Sequence[str]) -> list[QueueDeadline]:
    """The stored deadlines of these timers for the cases in `scope` (and among `case_ids`), by case and
    due time."""
    chosen_cases = select(Case.id).outerjoin(Reship, Reship.id == LATEST_RESHIP).where(_chosen(scope, case_ids))
    return [QueueDeadline._make(row) for row in session.execute(
        select(Deadline.case_id, Deadline.timer_id, Deadline.name, Deadline.due_at, Deadline.action,
               Deadline.status, Deadline.estimated, Deadline.penalty_fen)
        .where(Deadline.case_id.in_(chosen_cases), Deadline.timer_id.in_(list(timer_ids)))
        .order_by(Deadline.case_id, Deadline.due_at)
    ).all()]


def order_item_rows(session: Session, order_ids: list[int]) -> dict[int, list[ReshipItemRow]]:
    """The items of these orders, by order id, in the order's own order."""
    found: dict[int, list[ReshipItemRow]] = {}
    for chunk in in_lists(order_ids):
        for order_id, title, spec, quantity in session.execute(
            select(OrderItem.order_id, OrderItem.title, OrderItem.spec, OrderItem.quantity)
            .where(OrderItem.order_id.in_(chunk)).order_by(OrderItem.order_id, OrderItem.position, OrderItem.id)
        ).all():
            found.setdefault(order_id, []).append(ReshipItemRow(title, spec, quantity))
    return found
