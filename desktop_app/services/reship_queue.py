"""The reship queue (补发队列): promised reships, what to send, by when, and their tracking numbers,
as frozen `ReshipRow`s, soonest due first (ship-by, or answer-by for requests).

The ship-by and answer-by are the stored deadlines the engine computed from the platform's rule pack
(services/reship_rules says which timers those are)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from desktop_app.core.deadlines import DeadlineStatus
from desktop_app.core.errors import NotFound
from desktop_app.core.lifecycle import CaseAction, CaseStatus, find_transition
from desktop_app.core.rule_packs import RulePack, pack_for_platform
from desktop_app.core.vocabulary import CaseKind
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.reship_records import (
    ASKING_CASE,
    EARLY_CASE,
    ENDED_STATUSES,
    LATEST_RESHIP,
    OPEN_STATUSES,
    ReshipItemRow,
    ReshipStatus,
    derive_status,
    in_chunks,
)
from desktop_app.services.reship_rules import is_answer_timer, is_ship_timer, penalty_of, ship_rule, timer_of
from desktop_app.store.models import Case, Deadline, Order, OrderItem, Reship, ReshipItem

_RESHIP = CaseKind.RESHIP.value


class QueueScope(StrEnum):
    OPEN = "open"  # agreed (or asked) and not shipped: the work to do
    WITH_SHIPPED = "with_shipped"  # ... and the shipped ones, with their tracking numbers
    ALL = "all"  # ... and refused, out of stock, cancelled


@dataclass(frozen=True, slots=True)
class ReshipRow:
    """One line of the reship queue. Known by its case number; never a live ORM object."""

    case_id: int
    case_version: int
    reship_id: int | None
    platform: str
    order_no: str
    receiver: str | None
    phone: str | None
    address: str | None
    items: tuple[ReshipItemRow, ...]
    items_from_order: bool  # no items chosen yet: the order's items are shown
    reason: str | None
    status: ReshipStatus
    case_kind: str
    case_status: str
    case_open: bool
    requested_at: datetime | None
    promised_at: datetime | None
    ship_by: datetime | None  # from the platform's ship timer
    ship_timer: str | None  # its name
    ship_estimated: bool  # counted on a holiday calendar that is not yet official
    answer_by: datetime | None  # for a request not answered yet (Douyin: 48 h)
    answer_timer: str | None
    answer_expiry: str | None  # what happens then (自动同意补寄)
    penalty: str | None  # what a late shipment costs, in the pack's words
    late: bool  # shipped (or cancelled) after its ship-by
    carrier: str | None
    tracking_no: str | None
    shipped_at: datetime | None
    note: str | None

    @property
    def due_at(self) -> datetime | None:
        """The time that matters now: answer-by while asked, ship-by while promised."""
        if self.status is ReshipStatus.REQUESTED:
            return self.answer_by
        return self.ship_by if self.status is ReshipStatus.AGREED else None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES and self.case_open

    def can(self, action: CaseAction) -> bool:
        """Whether the case's state allows the action now (for enabling buttons)."""
        return find_transition(CaseKind(self.case_kind), CaseStatus(self.case_status), action) is not None

    @property
    def can_mark_out_of_stock(self) -> bool:
        return (self.case_kind == _RESHIP and self.case_open
                and self.case_status in EARLY_CASE | {CaseStatus.RESHIP_AGREED.value})

    @property
    def can_edit_items(self) -> bool:
        return self.case_kind == _RESHIP and self.status not in ENDED_STATUSES


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


@dataclass
class _Due:
    ship: tuple[datetime, str, bool, DeadlineStatus] | None = None
    answer: tuple[datetime, str, str] | None = None


@dataclass
class _Gathered:
    items: dict[int, list[ReshipItemRow]] = field(default_factory=dict)
    dues: dict[int, _Due] = field(default_factory=dict)


def _reship_timer_ids(packs: Mapping[str, RulePack]) -> list[str]:
    """Ids of every pack's ship and answer timers: the only deadlines the queue reads."""
    return sorted({t.id for pack in packs.values() for t in pack.timers if is_ship_timer(t) or is_answer_timer(t)})


def _gather(session: Session, chosen: ColumnElement[bool], platforms: Mapping[int, str],
            packs: Mapping[str, RulePack]) -> _Gathered:
    """Items and reship deadlines of the chosen cases: one query each, however long the queue."""
    got = _Gathered()
    chosen_cases = select(Case.id).outerjoin(Reship, Reship.id == LATEST_RESHIP).where(chosen)
    chosen_reships = select(Reship.id).select_from(Case).join(Reship, Reship.id == LATEST_RESHIP).where(chosen)
    for reship_id, title, spec, quantity in session.execute(
        select(ReshipItem.reship_id, ReshipItem.title, ReshipItem.spec, ReshipItem.quantity)
        .where(ReshipItem.reship_id.in_(chosen_reships)).order_by(ReshipItem.reship_id, ReshipItem.id)
    ).all():
        got.items.setdefault(reship_id, []).append(ReshipItemRow(title, spec, quantity))
    by_platform = {platform: pack_for_platform(packs, platform) for platform in set(platforms.values())}
    open_status = DeadlineStatus.OPEN.value
    for case_id, timer_id, name, due_at, action, status, estimated in session.execute(
        select(Deadline.case_id, Deadline.timer_id, Deadline.name, Deadline.due_at, Deadline.action,
               Deadline.status, Deadline.estimated)
        .where(Deadline.case_id.in_(chosen_cases), Deadline.timer_id.in_(_reship_timer_ids(packs)))
        .order_by(Deadline.case_id, Deadline.due_at)
    ).all():
        if case_id is None:  # (selected by case id: never)
            continue
        timer = timer_of(by_platform[platforms[case_id]], timer_id)
        if timer is None:
            continue
        due = got.dues.setdefault(case_id, _Due())
        if is_ship_timer(timer) and due.ship is None:
            due.ship = (due_at, name, bool(estimated), DeadlineStatus(status))
        elif is_answer_timer(timer) and due.answer is None and status == open_status:
            due.answer = (due_at, name, action)
    return got


def _gatherorder_items(session: Session, order_ids: list[int]) -> dict[int, list[ReshipItemRow]]:
    found: dict[int, list[ReshipItemRow]] = {}
    for chunk in in_chunks(order_ids):
        for order_id, title, spec, quantity in session.execute(
            select(OrderItem.order_id, OrderItem.title, OrderItem.spec, OrderItem.quantity)
            .where(OrderItem.order_id.in_(chunk)).order_by(OrderItem.order_id, OrderItem.position, OrderItem.id)
        ).all():
            found.setdefault(order_id, []).append(ReshipItemRow(title, spec, quantity))
    return found


def count_reship_rows(session: Session, scope: QueueScope = QueueScope.OPEN,
                      overdue_at: datetime | None = None) -> int:
    """How many rows `reship_rows` would list; with `overdue_at`, only those whose case's next deadline
    is due by then (what a cut queue says about the rows it does not list)."""
    stmt = (select(func.count()).select_from(Case).outerjoin(Reship, Reship.id == LATEST_RESHIP)
            .where(_scope_condition(scope)))
    if overdue_at is not None:
        stmt = stmt.where(Case.next_due_at <= overdue_at)
    return int(session.execute(stmt).scalar_one())


def reship_rows(session: Session, scope: QueueScope = QueueScope.OPEN, case_ids: Iterable[int] | None = None,
                context: RuleContext | None = None, limit: int | None = None) -> list[ReshipRow]:
    """The queue, soonest due first (ship-by, or answer-by for requests); those without one last.

    With `limit`, only that many rows: the cases whose next deadline comes first (an indexed read),
    then in queue order.
    """
    chosen = _scope_condition(scope)
    if case_ids is not None:
        chosen = and_(chosen, Case.id.in_(sorted(set(case_ids))))
    stmt = (
        select(
            Case.id, Case.version, Case.platform, Case.kind, Case.reason, Case.status, Case.is_open,
            Case.requested_at, Order.id, Order.order_no, Order.receiver, Order.phone, Order.address,
            Reship.id, Reship.status, Reship.promised_at, Reship.ship_by, Reship.carrier, Reship.tracking_no,
            Reship.shipped_at, Reship.note,
        )
        .join(Order, Order.id == Case.order_id)
        .outerjoin(Reship, Reship.id == LATEST_RESHIP)
        .where(chosen)
    )
    if limit is not None:
        stmt = stmt.order_by(Case.is_open.desc(), Case.next_due_at.is_(None), Case.next_due_at, Case.id).limit(limit)
    found = session.execute(stmt).all()
    if not found:
        return []
    if limit is not None:  # what follows gathers items and deadlines for the listed cases only
        chosen = and_(chosen, Case.id.in_([r[0] for r in found]))
    packs = (context or RuleContext.load()).packs
    platforms = {r[0]: r[2] for r in found}
    got = _gather(session, chosen, platforms, packs)
    # The order's items stand in where no items were chosen: fetched only for those.
    missing = sorted({r[8] for r in found if r[13] is None or r[13] not in got.items})
    order_items = _gatherorder_items(session, missing)
    rules = {(platform, reason): ship_rule(pack_for_platform(packs, platform), reason)
             for platform, reason in {(r[2], r[4]) for r in found}}
    rows: list[ReshipRow] = []
    for (case_id, version, platform, kind, reason, case_status, case_open, requested_at, order_id, order_no,
         receiver, phone, address, reship_id, reship_status, promised_at, stored_ship_by, carrier, tracking,
         shipped_at, note) in found:
        status = derive_status(kind, case_status, reship_status if reship_id is not None else None)
        chosen_items = got.items.get(reship_id, []) if reship_id is not None else []
        items = chosen_items or order_items.get(order_id, [])
        due = got.dues.get(case_id, _Due())
        rule = rules[(platform, reason)]
        ship_by = due.ship[0] if due.ship else stored_ship_by
        late = bool(due.ship and due.ship[3] is DeadlineStatus.MISSED)
        rows.append(ReshipRow(
            case_id=case_id, case_version=version, reship_id=reship_id, platform=platform, order_no=order_no,
            receiver=receiver, phone=phone, address=address, items=tuple(items), items_from_order=not chosen_items,
            reason=reason, status=status, case_kind=kind, case_status=case_status, case_open=bool(case_open),
            requested_at=requested_at, promised_at=promised_at,
            ship_by=None if status is ReshipStatus.REQUESTED else ship_by,
            ship_timer=due.ship[1] if due.ship else (rule.name if rule else None),
            ship_estimated=bool(due.ship and due.ship[2]),
            answer_by=due.answer[0] if due.answer and status is ReshipStatus.REQUESTED else None,
            answer_timer=due.answer[1] if due.answer else None,
            answer_expiry=due.answer[2] if due.answer else None,
            penalty=penalty_of(rule) if rule else None, late=late, carrier=carrier, tracking_no=tracking,
            shipped_at=shipped_at, note=note,
        ))
    rows.sort(key=_queue_order)
    return rows


def _queue_order(row: ReshipRow) -> tuple[int, float, int]:
    due = row.due_at
    if row.status in OPEN_STATUSES and row.case_open:
        return (0, due.timestamp(), row.case_id) if due else (1, 0.0, row.case_id)
    # Ended ones after the open work, the most recent first.
    moment = row.shipped_at or row.promised_at or row.requested_at
    return (2, -moment.timestamp() if moment else 0.0, -row.case_id)


def reship_row(session: Session, case_id: int, context: RuleContext | None = None) -> ReshipRow:
    rows = reship_rows(session, QueueScope.ALL, [case_id], context)
    if not rows:
        raise NotFound(f"售后单 #{case_id} 不是补发售后单，或不存在")
    return rows[0]


def total_items(rows: Iterable[ReshipRow]) -> list[ReshipItemRow]:
    """Everything to pick for these reships, one line per product and spec (the picking list's top)."""
    totals: dict[tuple[str, str | None], int] = {}
    for row in rows:
        for item in row.items:
            key = (item.title, item.spec)
            totals[key] = totals.get(key, 0) + item.quantity
    return [ReshipItemRow(title, spec, quantity) for (title, spec), quantity in totals.items()]

