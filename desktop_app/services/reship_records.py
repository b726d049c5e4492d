"""The reship row of a case (`store.models.Reship` + its items) and how it follows its case.

One reship row belongs to each reship case. It is created when the reship is agreed
(`CaseAction.AGREE_RESHIP`, from any caller: `services.case_writes.apply_action` runs
`follow_case_action`, registered in its ACTION_EFFECTS), when a PDD-style chat promise is recorded,
or when its items are edited before agreeing; a change of the case's kind moves it too
(`follow_kind_change`, from services.case_kind). Reships are known to people by their *case* number.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from desktop_app.core.clock import Moment
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.reship_states import EARLY_CASE, OPEN_STATUSES, ReshipItemRow, ReshipStatus
from desktop_app.core.rule_packs import pack_for_platform
from desktop_app.core.vocabulary import CaseKind
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.deadlines import recompute_case
from desktop_app.services.reship_rules import is_ship_timer, timer_of
from desktop_app.store.models import AuditEvent, Case, Reship, ReshipItem, utcnow
from desktop_app.store.reship_queries import deadline_dues, order_items, reship_of

_RESHIP = CaseKind.RESHIP.value


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
        due for timer_id, due in deadline_dues(session, case.id)
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
        context = rules or RuleContext.load(session)
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
    elif (action is CaseAction.RESUME and reship.status == ReshipStatus.AGREED
          and case.status != CaseStatus.RESHIP_AGREED.value):
        # Back from platform intervention to 处理中 (no state before it on record): the reship must be
        # agreed again. Back to 待补发 (`resume_target`) the promise and its ship-by stand.
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

