"""The reship use cases (补发): agree, refuse, ship, out of stock → refund, record a chat promise,
edit the items. One transaction each, every change audit-logged, deadlines recomputed; each returns
what it changed (services/op_changes). The row itself and how it follows its case:
services/reship_records; the queue: services/reship_queue; shipping a pasted list: services/reship_paste.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.carriers import guess_carrier
from desktop_app.core.clock import Moment, now
from desktop_app.core.errors import ActionNotAllowed, UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.op_changes import OpChanges
from desktop_app.core.reship_states import (
    EARLY_CASE,
    ENDED_STATUSES,
    ReshipItemRow,
    ReshipStatus,
    clean_items,
    format_items,
    status_label,
)
from desktop_app.core.rule_pack_model import KIND_CHANGED
from desktop_app.core.tracking_numbers import clean_carrier, clean_tracking
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services import cases as case_service
from desktop_app.services.case_writes import apply_action, current_author, load_case, record_event, remember_kind
from desktop_app.services.cases import OpenedCase
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.deadlines import recompute_case
from desktop_app.services.reship_records import ensure_reship, record_reship_event
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.models import Case, ReshipItem, utcnow
from desktop_app.store.reship_queries import reship_of

_RESHIP = CaseKind.RESHIP.value


def _load_reship_case(session: Session, case_id: int, expected_version: int | None) -> Case:
    case = load_case(session, case_id, expected_version)
    if case.kind != _RESHIP:
        raise ActionNotAllowed(msg.say(msg.NOT_A_RESHIP, case_id, CaseKind(case.kind).label))
    return case


def _author(author: str | None) -> str:
    return current_author() if author is None else author


def agree(db: Database, case_id: int, at: Moment | None = None, note: str | None = None,
          author: str | None = None, expected_version: int | None = None) -> OpChanges:
    """同意补发: the reship joins the queue with its ship-by from the platform's rules."""
    who = _author(author)
    with db.transaction() as session:
        case = _load_reship_case(session, case_id, expected_version)
        apply_action(session, case, CaseAction.AGREE_RESHIP, note, at or Moment(now()), who)
        recompute_case(session, case.id)
        return changes_in(session)


def refuse(db: Database, case_id: int, note: str, at: Moment | None = None, author: str | None = None,
           expected_version: int | None = None) -> OpChanges:
    """拒绝补发 (with a reason: the platform or the buyer will ask for it)."""
    if not note.strip():
        raise UserError("拒绝补发请写明原因")
    who = _author(author)
    with db.transaction() as session:
        case = _load_reship_case(session, case_id, expected_version)
        apply_action(session, case, CaseAction.REJECT, note, at or Moment(now()), who)
        recompute_case(session, case.id)
        return changes_in(session)


def _ship_note(carrier: str | None, tracking: str, note: str | None) -> str:
    text = f"{carrier} {tracking}" if carrier else tracking
    extra = (note or "").strip()
    return f"{text}；{extra}" if extra else text


def ship_in_session(session: Session, case: Case, carrier: str | None, tracking: str, when: Moment,
                    note: str | None, who: str, context: RuleContext) -> None:
    """Ship one reship case inside a transaction the caller owns (a pasted list ships many)."""
    # A time before the agreement (or any later step) is refused by `apply_action` (`check_in_order`); one given by
    # its day only may be the agreement's day.
    apply_action(session, case, CaseAction.SHIP_RESHIP, _ship_note(carrier, tracking, note), when, who)
    reship = ensure_reship(session, case, ReshipStatus.SHIPPED)
    reship.carrier = carrier or guess_carrier(tracking)  # none typed: the one the number shows (YT… 圆通)
    reship.tracking_no = tracking
    recompute_case(session, case.id, context)


def ship(db: Database, case_id: int, carrier: str | None, tracking: str, at: Moment | None = None,
         note: str | None = None, author: str | None = None, expected_version: int | None = None,
         rules: RuleContext | None = None) -> OpChanges:
    """补发已发出: the case action, the carrier and tracking number on the reship, the timer met
    (`rules` loaded once serves a batch)."""
    number = clean_tracking(tracking)
    company = clean_carrier(carrier)
    who = _author(author)
    with db.transaction() as session:
        case = _load_reship_case(session, case_id, expected_version)
        ship_in_session(session, case, company, number, at or Moment(now()), note, who,
                        rules or RuleContext.load(session))
        return changes_in(session)


def mark_out_of_stock(db: Database, case_id: int, note: str | None = None, at: Moment | None = None,
                      author: str | None = None, expected_version: int | None = None) -> OpChanges:
    """缺货: the reship cannot be sent, so the case becomes a refund (仅退款, 处理中) for the shop to pay.

    The switch counts as the buyer's new refund request (milestone `KIND_CHANGED` at `at`): the
    platforms' refund timers run from the changed request, not from the original reship request
    (recorded as `requested` before session 16, which 抖店's and 拼多多's first-request-only timers
    passed over: they "refunded by itself" 48 h after the reship request).
    """
    who = _author(author)
    when = at or Moment(now())
    with db.transaction() as session:
        case = _load_reship_case(session, case_id, expected_version)
        before = case.status
        if before not in EARLY_CASE | {CaseStatus.RESHIP_AGREED.value}:
            raise ActionNotAllowed(msg.say(msg.NO_SHORTAGE_REFUND, case_id, CaseStatus(before).label))
        reship = ensure_reship(session, case, ReshipStatus.OUT_OF_STOCK)
        reship.status = ReshipStatus.OUT_OF_STOCK.value
        extra = (note or "").strip()
        reship.note = extra or reship.note
        remember_kind(case, case.kind)
        case.kind = CaseKind.REFUND_ONLY.value
        case.status = CaseStatus.PROCESSING.value
        case.is_open = True
        case.updated_at = utcnow()
        text = "缺货，补发改为仅退款" + (f"：{extra}" if extra else "")
        record_event(session, case, kind="edit", author=who, at=when.at, milestone=KIND_CHANGED,
                     from_state=before, to_state=case.status, note=text, date_only=when.date_only)
        recompute_case(session, case.id)
        return changes_in(session)


def record_promise(db: Database, platform: Platform, order_no: str, at: Moment | None = None,
                   note: str | None = None, reason: CaseReason | None = None, receiver: str | None = None,
                   author: str | None = None) -> OpenedCase:
    """A reship promised in chat (PDD 承诺履约): a reship case, agreed at the promise; its case number."""
    when = at or Moment(now())
    new = case_service.NewCase(
        platform=platform, order_no=order_no, kind=CaseKind.RESHIP, reason=reason, note=note, requested=when,
        actions=((CaseAction.AGREE_RESHIP, when),), receiver=receiver,
    )
    return case_service.open_case(db, new, author)


def update_items(db: Database, case_id: int, items: Sequence[ReshipItemRow], author: str | None = None,
                 expected_version: int | None = None) -> OpChanges:
    """What to send (a missing sock is one sock, not the whole order). The window names the case's version
    its dialog was filled from: another seat's edit of the items meanwhile was overwritten without a word."""
    cleaned = clean_items(items)
    who = _author(author)
    with db.transaction() as session:
        case = _load_reship_case(session, case_id, expected_version)
        reship = reship_of(session, case.id)
        if reship is not None and ReshipStatus(reship.status) in ENDED_STATUSES:
            raise ActionNotAllowed(msg.say(msg.RESHIP_ENDED, case_id, status_label(ReshipStatus(reship.status))))
        if reship is None:
            reship = ensure_reship(session, case, ReshipStatus.REQUESTED)
        before = [ReshipItemRow(i.title, i.spec, i.quantity) for i in reship.items]
        if before == cleaned:
            return OpChanges()
        reship.items = [ReshipItem(title=i.title, spec=i.spec, quantity=i.quantity) for i in cleaned]
        reship.updated_at = case.updated_at = utcnow()  # the case's version moves: a stale dialog is refused
        record_reship_event(session, case, reship,
                            f"补发商品：{format_items(before) or '（无）'} → {format_items(cleaned)}", who)
        recompute_case(session, case.id)
        return changes_in(session)

