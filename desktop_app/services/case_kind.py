"""Correcting the kind of a case (#13 item 8): a return & refund the buyer turned into refund-only,
a reship that became a partial refund, a kind picked wrongly when the case was recorded.

One transaction: the state moves where the new kind has it (core.lifecycle.change_kind), the amount
moves between refund and compensation when the new kind counts money the other way, the reship
follows (cancelled, or asked again), the deadlines are recomputed for the new kind, and the
timeline says what changed from what.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop_app.core.clock import Moment
from desktop_app.core.lifecycle import CaseStatus, change_kind, is_open
from desktop_app.core.money import format_yuan
from desktop_app.core.rule_pack_model import KIND_CHANGED
from desktop_app.core.vocabulary import CaseKind
from desktop_app.services.case_writes import check_in_order, current_author, load_case, record_event, remember_kind
from desktop_app.services.cases import COMPENSATION_KINDS, CaseStep
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.deadlines import recompute_case
from desktop_app.services.reship_records import follow_kind_change
from desktop_app.store.case_lookups import return_on_its_way
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.models import Case, utcnow


def _move_amount(case: Case, old_kind: CaseKind, new_kind: CaseKind) -> str | None:
    """A refund becomes a compensation (or back) when the new kind counts it so; what moved, in words."""
    was, becomes = old_kind in COMPENSATION_KINDS, new_kind in COMPENSATION_KINDS
    if was == becomes:
        return None
    if case.paid_out:
        # Paid already: the buyer got it as what it was (a partial refund's 补偿 stays a compensation). Moved,
        # the new kind's own payment (退款 --amount 233) took its place and the 10 元 paid before left 统计.
        paid, what = (case.compensation_fen, "补偿") if was else (case.refund_fen, "退款")
        return None if paid is None else f"已付给买家的{what} {format_yuan(paid)} 元仍记为{what}"
    if becomes and case.refund_fen is not None and case.compensation_fen is None:
        case.compensation_fen, case.refund_fen = case.refund_fen, None
        return f"退款金额 {format_yuan(case.compensation_fen)} 元改记为补偿金额"
    if was and case.compensation_fen is not None and case.refund_fen is None:
        case.refund_fen, case.compensation_fen = case.compensation_fen, None
        return f"补偿金额 {format_yuan(case.refund_fen)} 元改记为退款金额"
    return None


def change_kind_in_session(session: Session, case_id: int, new_kind: CaseKind, note: str | None, who: str,
                           expected_version: int | None = None, rules: RuleContext | None = None,
                           at: Moment | None = None) -> CaseStatus:
    """`at`: when the buyer changed the request (default now): the new kind's answer timers run from it."""
    case = load_case(session, case_id, expected_version)
    old_kind, before = CaseKind(case.kind), CaseStatus(case.status)
    # An agreed return asked anew before its parcel left waits for the shop's new agreement (处理中): its answer
    # timers run from the change, and 处理中 lets the shop give it.
    sent = before is not CaseStatus.AWAITING_RETURN or return_on_its_way(session, case.id)
    after = change_kind(old_kind, before, new_kind, parcel_sent=sent)
    if at is not None:
        check_in_order(session, case, "修改售后类型", at)  # the default, now, comes after every step
    remember_kind(case, old_kind.value)
    case.kind = new_kind.value
    case.status = after.value
    case.is_open = is_open(after)
    case.updated_at = utcnow()
    parts = [f"售后类型：{old_kind.label} → {new_kind.label}"]
    moved = _move_amount(case, old_kind, new_kind)
    if moved:
        parts.append(moved)
    if note and note.strip():
        parts.append(note.strip())
    # The change is the request of the new kind: its answer timers run from here (KIND_CHANGED).
    record_event(session, case, kind="edit", author=who, milestone=KIND_CHANGED, from_state=before.value,
                 to_state=after.value, note="；".join(parts), at=None if at is None else at.at,
                 date_only=at is not None and at.date_only)
    session.flush()
    follow_kind_change(session, case, old_kind, who)
    recompute_case(session, case.id, rules)
    return after


def change_case_kind(db: Database, case_id: int, new_kind: CaseKind, note: str | None = None,
                     author: str | None = None, expected_version: int | None = None,
                     at: Moment | None = None) -> CaseStep:
    """Correct the kind of one case; refused (ActionNotAllowed) for a closed case or the same kind."""
    who = current_author() if author is None else author
    with db.transaction() as session:
        status = change_kind_in_session(session, case_id, new_kind, note, who, expected_version, at=at)
        return CaseStep(status, changes_in(session))
