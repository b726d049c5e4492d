"""The reship row of a case (`store.models.Reship` + its items) and how it follows its case.

One reship row belongs to each reship case. It is created when the reship is agreed
(`CaseAction.AGREE_RESHIP`, from any caller: `services.case_writes.apply_action` runs
`follow_case_action`, registered in its ACTION_EFFECTS), when a PDD-style chat promise is recorded,
or when its items are edited before agreeing; a change of the case's kind moves it too
(`follow_kind_change`, from services.case_kind). Reships are known to people by their *case* number.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.core.clock import Moment
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.rule_packs import pack_for_platform
from desktop_app.core.vocabulary import CaseKind
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.deadlines import recompute_case
from desktop_app.services.reship_rules import is_ship_timer, timer_of
from desktop_app.store.models import AuditEvent, Case, Deadline, OrderItem, Reship, ReshipItem, utcnow


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
_CHUNK = 500  # ids per IN (...) list: far below every database's parameter limit
T = TypeVar("T")
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
            raise UserError(f"第 {number} 件商品没有名称")
        if not 1 <= item.quantity <= MAX_QUANTITY:
            raise UserError(f"“{title}”的数量应为 1–{MAX_QUANTITY}")
        cleaned.append(ReshipItemRow(title, (item.spec or "").strip() or None, item.quantity))
    if not cleaned:
        raise UserError("至少要有一件补发商品")
    return cleaned


def format_items(items: Iterable[ReshipItemRow]) -> str:
    """'袜子 白色 ×1；T恤 L ×2' — one line for tables, notes and the picking list."""
    return "；".join(f"{i.title}{' ' + i.spec if i.spec else ''} ×{i.quantity}" for i in items)


LATEST_RESHIP = (
    select(func.max(Reship.id)).where(Reship.case_id == Case.id).correlate(Case).scalar_subquery()
)


def in_chunks(values: Sequence[T]) -> Iterator[list[T]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start:start + _CHUNK])


def reship_of(session: Session, case_id: int) -> Reship | None:
    """The case's reship (one per case; should an old database hold several, the latest counts)."""
    return session.execute(
        select(Reship).where(Reship.case_id == case_id).order_by(Reship.id.desc()).limit(1)
    ).scalar_one_or_none()


def order_items(session: Session, order_id: int) -> list[ReshipItemRow]:
    return [
        ReshipItemRow(i.title, i.spec, i.quantity)
        for i in session.scalars(
            select(OrderItem).where(OrderItem.order_id == order_id).order_by(OrderItem.position, OrderItem.id)
        )
    ]


def ensure_reship(session: Session, case: Case, status: ReshipStatus) -> Reship:
    """The case's reship, created with the order's items when it has none yet."""
    reship = reship_of(session, case.id)
    if reship is None:
        reship = new_reship(session, case, status, order_items(session, case.order_id))
    return reship


def new_reship(session: Session, case: Case, status: ReshipStatus, items: Iterable[ReshipItemRow]) -> Reship:
    reship = Reship(case_id=case.id, status=status.value)
    reship.items = [ReshipItem(title=i.title, spec=i.spec, quantity=i.quantity) for i in items]
    session.add(reship)
    session.flush()
    return reship


def record_reship_event(session: Session, case: Case, reship: Reship, note: str, who: str,
                        at: datetime | None = None) -> None:
    """A change of the reship alone (its items): on the case's timeline, subject 'reship'."""
    session.add(AuditEvent(
        case_id=case.id, subject="reship", subject_id=reship.id, kind="edit", note=note, author=who,
        at=at or utcnow(), recorded_at=utcnow(),
    ))


def sync_ship_by(session: Session, case: Case, reship: Reship, context: RuleContext) -> None:
    """Keep the promised ship-by on the reship row: the due time of its ship timer as computed now."""
    pack = pack_for_platform(context.packs, case.platform)
    dues = [
        due for timer_id, due in session.execute(
            select(Deadline.timer_id, Deadline.due_at).where(Deadline.case_id == case.id)
        ).all()
        if (timer := timer_of(pack, timer_id)) is not None and is_ship_timer(timer)
    ]
    if dues:
        reship.ship_by = min(dues)


def follow_case_action(session: Session, case: Case, action: CaseAction, when: Moment,
                       rules: RuleContext | None = None) -> None:
    """Keep the reship in step with its case: registered in `services.case_writes.ACTION_EFFECTS`, so it
    follows every action `apply_action` applies.

    Agreeing creates the reship (items = the order's items) and records the promise and its ship-by;
    shipping, refusing, refunding, closing or reopening the case moves the reship with it.
    """
    if case.kind != _RESHIP:
        return
    if action is CaseAction.AGREE_RESHIP:
        reship = ensure_reship(session, case, ReshipStatus.AGREED)
        if reship.status == ReshipStatus.SHIPPED:
            # Agreed again after a reshipment (the new parcel got lost too): a new round, the same
            # items; the shipped one keeps its tracking number as history.
            same = [ReshipItemRow(i.title, i.spec, i.quantity) for i in reship.items]
            reship = new_reship(session, case, ReshipStatus.AGREED, same)
        reship.status = ReshipStatus.AGREED.value
        reship.promised_at = when.at
        context = rules or RuleContext.load()
        recompute_case(session, case.id, context)
        sync_ship_by(session, case, reship, context)
        return
    if action is CaseAction.SHIP_RESHIP:
        reship = ensure_reship(session, case, ReshipStatus.SHIPPED)
        reship.status = ReshipStatus.SHIPPED.value
        reship.shipped_at = when.at
        return
    reship = reship_of(session, case.id)  # type: ignore[assignment]
    if reship is None or reship.status == ReshipStatus.SHIPPED:
        return
    if action is CaseAction.REJECT:
        reship.status = ReshipStatus.REFUSED.value
    elif action in (CaseAction.REFUND, CaseAction.CLOSE) and reship.status != ReshipStatus.OUT_OF_STOCK:
        reship.status = ReshipStatus.CANCELLED.value
    elif action is CaseAction.REOPEN and reship.status in (ReshipStatus.REFUSED, ReshipStatus.CANCELLED):
        reship.status = ReshipStatus.REQUESTED.value
    elif action is CaseAction.RESUME and reship.status == ReshipStatus.AGREED:
        # Back from platform intervention the case is 处理中: the reship must be agreed again.
        reship.status = ReshipStatus.REQUESTED.value


def follow_kind_change(session: Session, case: Case, old_kind: CaseKind, who: str) -> None:
    """Keep the reship in step when a case's kind is corrected (services.case_kind).

    No longer a reship: a reship still waiting is cancelled (it leaves the queue). A reship again,
    still to be answered: a reship cancelled or refused earlier is asked again (back in the queue).
    A shipped reship stays as history either way."""
    reship = reship_of(session, case.id)
    if reship is None:
        return
    if old_kind.value == _RESHIP and case.kind != _RESHIP and reship.status in OPEN_STATUSES:
        reship.status = ReshipStatus.CANCELLED.value
        record_reship_event(session, case, reship, "售后类型已更改，补发取消", who)
    elif (case.kind == _RESHIP and case.status in EARLY_CASE
          and reship.status in (ReshipStatus.CANCELLED.value, ReshipStatus.REFUSED.value)):
        reship.status = ReshipStatus.REQUESTED.value
        record_reship_event(session, case, reship, "售后类型改为补发，等待答复", who)

