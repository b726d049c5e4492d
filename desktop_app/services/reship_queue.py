"""The reship queue (补发队列): promised reships, what to send, by when, and their tracking numbers,
as frozen `ReshipRow`s, soonest due first (ship-by, or answer-by for requests).

The ship-by and answer-by are the stored deadlines the engine computed from the platform's rule pack
(services/reship_rules says which timers those are)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from desktop_app.core.deadline_display import settled_by_platform
from desktop_app.core.deadlines import DeadlineStatus
from desktop_app.core.errors import NotFound
from desktop_app.core.lifecycle import CaseAction, CaseStatus, find_transition
from desktop_app.core.reship_states import (
    EARLY_CASE,
    ENDED_STATUSES,
    OPEN_STATUSES,
    ReshipItemRow,
    ReshipStatus,
    derive_status,
)
from desktop_app.core.rule_packs import RulePack, pack_for_platform
from desktop_app.core.vocabulary import CaseKind
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.reship_rules import is_answer_timer, is_ship_timer, penalty_of, ship_rule, timer_of
from desktop_app.store.reship_queue_rows import (
    QueueScope,
    chosen_reship_items,
    order_item_rows,
    queue_cases,
    queue_deadlines,
)

_RESHIP = CaseKind.RESHIP.value


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
    # The platform agrees by itself when the answer runs out (抖店): `ship_by` of a request is then the
    # ship clock that follows that automatic agreement.
    answer_automatic: bool = False
    # The platform acts by itself when the ship clock runs out (抖店 refunds in full a "一直未收到货"
    # reship not shipped in time), and what it does then (`ship_expiry`: 自动全额退款).
    ship_automatic: bool = False
    ship_expiry: str | None = None
    # What the ship clock's penalty costs, computed by the engine (抖店 3 元): at stake while it runs,
    # lost once shipped late; None when the platform names no amount.
    penalty_fen: int | None = None

    @property
    def due_at(self) -> datetime | None:
        """The queue's order: answer-by while asked, ship-by while promised (`due` says what is due now)."""
        if self.status is ReshipStatus.REQUESTED:
            return self.answer_by
        return self.ship_by if self.status is ReshipStatus.AGREED else None

    def settled(self, now: datetime) -> bool:
        """Asked, and the platform has agreed by itself: the answer ran out (`settled_by_platform`)."""
        return (self.status is ReshipStatus.REQUESTED and self.answer_by is not None
                and settled_by_platform(self.answer_automatic, self.answer_by, now))

    def ship_settled(self, now: datetime) -> bool:
        """Promised (by the shop or by the platform itself), not shipped, and the ship clock ran out on
        a timer the platform settles by itself: 抖店 refunded in full, there is nothing to ship any more."""
        promised = self.status is ReshipStatus.AGREED or self.settled(now)
        return promised and self.ship_by is not None and settled_by_platform(self.ship_automatic, self.ship_by, now)

    def due(self, now: datetime) -> datetime | None:
        """The time that matters at `now`: `due_at`, but once the platform agreed by itself the ship
        clock that follows (never the answer as overdue); None once the platform refunded instead."""
        if self.ship_settled(now):
            return None
        return self.ship_by if self.settled(now) else self.due_at

    def penalty_fell_due(self, now: datetime) -> bool:
        """The ship clock's penalty is the shop's cost at `now` (`core.case_costs.penalty_fell_due`): shipped
        or ended late, or promised (by the shop or the platform itself) and not shipped by its ship-by."""
        if self.penalty_fen is None:
            return False
        if self.late:
            return True
        promised = self.status is ReshipStatus.AGREED or self.settled(now)
        return promised and self.case_open and self.ship_by is not None and self.ship_by < now

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


@dataclass
class _Due:
    # due, name, estimated, status, automatic, on expiry, penalty (fen)
    ship: tuple[datetime, str, bool, DeadlineStatus, bool, str, int | None] | None = None
    answer: tuple[datetime, str, str, bool] | None = None  # due, name, on expiry, the platform acts itself


@dataclass
class _Gathered:
    items: dict[int, list[ReshipItemRow]] = field(default_factory=dict)
    dues: dict[int, _Due] = field(default_factory=dict)


def _reship_timer_ids(packs: Mapping[str, RulePack]) -> list[str]:
    """Ids of every pack's ship and answer timers: the only deadlines the queue reads."""
    return sorted({t.id for pack in packs.values() for t in pack.timers if is_ship_timer(t) or is_answer_timer(t)})


def _gather(session: Session, scope: QueueScope, case_ids: Collection[int] | None, platforms: Mapping[int, str],
            packs: Mapping[str, RulePack]) -> _Gathered:
    """Items and reship deadlines of the chosen cases: one query each, however long the queue."""
    got = _Gathered(chosen_reship_items(session, scope, case_ids))
    by_platform = {platform: pack_for_platform(packs, platform) for platform in set(platforms.values())}
    open_status = DeadlineStatus.OPEN.value
    for case_id, timer_id, name, due_at, action, status, estimated, penalty_fen in queue_deadlines(
            session, scope, case_ids, _reship_timer_ids(packs)):
        if case_id is None:  # (selected by case id: never)
            continue
        timer = timer_of(by_platform[platforms[case_id]], timer_id)
        if timer is None:
            continue
        due = got.dues.setdefault(case_id, _Due())
        if is_ship_timer(timer) and due.ship is None:
            due.ship = (due_at, name, bool(estimated), DeadlineStatus(status), timer.automatic, action, penalty_fen)
        elif is_answer_timer(timer) and due.answer is None and status == open_status:
            due.answer = (due_at, name, action, timer.automatic)
    return got


def reship_rows(session: Session, scope: QueueScope = QueueScope.OPEN, case_ids: Iterable[int] | None = None,
                context: RuleContext | None = None, limit: int | None = None) -> list[ReshipRow]:
    """The queue, soonest due first (ship-by, or answer-by for requests); those without one last.

    With `limit`, only that many rows: the cases whose next deadline comes first (an indexed read),
    then in queue order.
    """
    found = queue_cases(session, scope, None if case_ids is None else set(case_ids), limit)
    if not found:
        return []
    # With a limit, what follows gathers items and deadlines for the listed cases only.
    chosen_ids = [r.case_id for r in found] if limit is not None else (None if case_ids is None else set(case_ids))
    packs = (context or RuleContext.load(session)).packs
    platforms = {r.case_id: r.platform for r in found}
    got = _gather(session, scope, chosen_ids, platforms, packs)
    # The order's items stand in where no items were chosen: fetched only for those.
    missing = sorted({r.order_id for r in found if r.reship_id is None or r.reship_id not in got.items})
    order_items = order_item_rows(session, missing)
    rules = {(platform, reason): ship_rule(pack_for_platform(packs, platform), reason)
             for platform, reason in {(r.platform, r.reason) for r in found}}
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
        # A request's ship-by is the clock that follows the platform's automatic agreement, if any.
        automatic = bool(due.answer and due.answer[3] and status is ReshipStatus.REQUESTED)
        late = bool(due.ship and due.ship[3] is DeadlineStatus.MISSED)
        rows.append(ReshipRow(
            case_id=case_id, case_version=version, reship_id=reship_id, platform=platform, order_no=order_no,
            receiver=receiver, phone=phone, address=address, items=tuple(items), items_from_order=not chosen_items,
            reason=reason, status=status, case_kind=kind, case_status=case_status, case_open=bool(case_open),
            requested_at=requested_at, promised_at=promised_at,
            ship_by=(due.ship[0] if automatic and due.ship else None) if status is ReshipStatus.REQUESTED else ship_by,
            ship_timer=due.ship[1] if due.ship else (rule.name if rule else None),
            ship_estimated=bool(due.ship and due.ship[2]),
            answer_by=due.answer[0] if due.answer and status is ReshipStatus.REQUESTED else None,
            answer_timer=due.answer[1] if due.answer else None,
            answer_expiry=due.answer[2] if due.answer else None,
            penalty=penalty_of(rule) if rule else None, late=late, carrier=carrier, tracking_no=tracking,
            shipped_at=shipped_at, note=note, answer_automatic=automatic,
            ship_automatic=bool(due.ship and due.ship[4]), ship_expiry=due.ship[5] if due.ship else None,
            penalty_fen=due.ship[6] if due.ship else None,
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

