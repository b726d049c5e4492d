"""The case write primitives every case-changing use case shares: who writes, the order number typed,
loading a case for writing, its timeline entries and applying a lifecycle action.

What else a case action changes is registered here explicitly, in ACTION_EFFECTS: today the reship
row of a reship case (services/reship_records.follow_case_action). `services.cases` (open, act, note,
edit, undo), `services.case_kind` and `services.reships` (agree, refuse, ship ...) all build on this
module; none of them imports another for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from desktop_app.core.case_costs import PAID_MILESTONES
from desktop_app.core.clock import Moment
from desktop_app.core.errors import NotFound, StaleData, UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus, is_open, resume_target, transition
from desktop_app.core.vocabulary import CaseKind
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.reship_records import follow_case_action
from desktop_app.services.team import seat_name
from desktop_app.store.case_facts import later_resolve
from desktop_app.store.case_lookups import last_author, return_on_its_way, state_before_escalation
from desktop_app.store.models import AuditEvent, Case, utcnow

_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")
_ORDER_NO = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_\-]{0,63}$")

# What follows a case action beyond the case row and its timeline, in this order; each gets the
# session, the case (already moved), the action, its time and the rules loaded for a batch (or None).
ActionEffect = Callable[[Session, Case, CaseAction, Moment, RuleContext | None], None]
ACTION_EFFECTS: tuple[ActionEffect, ...] = (follow_case_action,)


def current_author() -> str:
    """The seat name every change is recorded under (services/team.py)."""
    return seat_name()


def clean_order_no(text: str) -> str:
    value = text.strip().strip("\t").lstrip("'").strip()
    if value.startswith('="') and value.endswith('"'):
        value = value[2:-1]
    if not value:
        raise UserError("订单号不能为空")
    if _SCIENTIFIC.match(value):
        raise UserError(
            f"订单号“{text}”是科学计数法（被 Excel 转成了数字，已丢失位数），请从平台重新导出或手工输入完整订单号"
        )
    if len(value) > 64:
        raise UserError(f"订单号“{text[:30]}…”太长（最多 64 个字符）")
    if not _ORDER_NO.match(value):
        raise UserError(f"订单号“{text if len(text) <= 30 else text[:30] + '…'}”含有无效字符，只能包含数字、字母和“-”")
    return value


def record_event(session: Session, case: Case, *, kind: str, author: str, at: datetime | None = None,
                 action: str | None = None, milestone: str | None = None, from_state: str | None = None,
                 to_state: str | None = None, note: str | None = None, date_only: bool = False) -> AuditEvent:
    """One entry on the case's own timeline (subject 'case'): created, action, milestone, edit, note."""
    event = AuditEvent(
        case_id=case.id, subject="case", subject_id=case.id, kind=kind, action=action, milestone=milestone,
        from_state=from_state, to_state=to_state, note=note, author=author, at=at or utcnow(),
        date_only=date_only, recorded_at=utcnow(),
    )
    session.add(event)
    return event


def load_case(session: Session, case_id: int, expected_version: int | None) -> Case:
    """The case, refused when missing or when `expected_version` says someone changed it meanwhile."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"找不到售后单 #{case_id}")
    if expected_version is not None and case.version != expected_version:
        raise changed_meanwhile(session, f"售后单 #{case_id}", "case", case_id, CaseStatus(case.status).label)
    return case


def changed_meanwhile(session: Session, what: str, subject: str, subject_id: int, now: str) -> StaleData:
    """The losing seat's message: who changed the record since it was shown, and its state now (which the
    window shows beside the message). It said only "已被他人修改，请刷新后再操作", with the window refreshed."""
    author = last_author(session, subject, subject_id)
    by = f"被 {author} " if author else "被他人"
    return StaleData(f"{what} 刚{by}修改了（现在是“{now}”），本次操作未保存。请看过最新内容后再操作。")


def apply_action(session: Session, case: Case, action: CaseAction, note: str | None, when: Moment,
                 who: str, rules: RuleContext | None = None) -> CaseStatus:
    """Move the case by `action` (refused if its state does not allow it), write the timeline entry, then
    let every effect in ACTION_EFFECTS follow (the reship row of a reship case)."""
    before = CaseStatus(case.status)
    step = transition(CaseKind(case.kind), before, action)
    after = step.target or before
    if action is CaseAction.RESUME:
        after = resume_state(session, case.id, CaseKind(case.kind))
    case.status = after.value
    case.is_open = is_open(after)
    case.updated_at = utcnow()
    case.resolve_seconds = later_resolve(case.resolve_seconds, case.requested_at or case.created_at, when.at)
    if step.milestone in PAID_MILESTONES:
        case.paid_out = True  # and stays so: a refund is never undone, closing or reopening keeps it
    milestone = step.milestone
    if action is CaseAction.BUYER_SHIPPED_RETURN and return_on_its_way(session, case.id):
        # A corrected parcel number: the platform's 10 days to confirm run from the shipping, not from the
        # correction (a later deadline than the platform's is the dangerous direction).
        milestone = None
    record_event(session, case, kind="action", author=who, at=when.at, action=action.value,
                 milestone=milestone, from_state=before.value, to_state=after.value,
                 note=(note or "").strip() or None, date_only=when.date_only)
    session.flush()
    for effect in ACTION_EFFECTS:
        effect(session, case, action, when, rules)
    return after


def resume_state(session: Session, case_id: int, kind: CaseKind) -> CaseStatus:
    """Where 恢复处理 takes this case out of the platform's intervention (`lifecycle.resume_target`)."""
    return resume_target(kind, _state_before_intervention(session, case_id))


def _state_before_intervention(session: Session, case_id: int) -> CaseStatus | None:
    """The state the case left when it was last escalated (from its timeline)."""
    before = state_before_escalation(session, case_id)
    try:
        return CaseStatus(before) if before else None
    except ValueError:
        return None
