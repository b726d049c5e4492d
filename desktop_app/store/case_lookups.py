"""Case facts a write use case reads inside its unit of work: the kind and state of cases, a case's state
before its last escalation and whether its return is on its way, the holder of a platform after-sales
number, a claim's follow-up deadline, a case's latest shipped reship, an order's other unsettled cases of a
kind, a playbook's ticked steps, who changed a case or claim last and its recent edits. Plain values, or the
one mapped row the use case changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from desktop_app.core.lifecycle import IN_PROGRESS_STATUSES, CaseAction
from desktop_app.core.rule_pack_model import KIND_CHANGED
from desktop_app.store.models import AuditEvent, Case, Deadline, PlaybookCheck, Reship

_CHUNK = 500  # ids per IN (...) list


def case_states(session: Session, case_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Kind and status of each of these cases that exists, by id."""
    found: dict[int, tuple[str, str]] = {}
    for start in range(0, len(case_ids), _CHUNK):
        chunk = list(case_ids[start:start + _CHUNK])
        for case_id, kind, status in session.execute(
            select(Case.id, Case.kind, Case.status).where(Case.id.in_(chunk))
        ):
            found[case_id] = (kind, status)
    return found


def state_before_escalation(session: Session, case_id: int) -> str | None:
    """The state the case left when it was last escalated (from its timeline, undone steps skipped)."""
    return session.scalars(
        select(AuditEvent.from_state)
        .where(AuditEvent.case_id == case_id, AuditEvent.subject == "case",
               AuditEvent.action == CaseAction.ESCALATE.value, AuditEvent.undone_by.is_(None))
        .order_by(AuditEvent.id.desc()).limit(1)
    ).first()


def last_step(session: Session, case_id: int) -> AuditEvent | None:
    """The case's latest step in force: an action other than 交易成功 (a fact about the order, which may come
    before the request) or a change of kind; undone steps skipped. Its creation is not one: the request's time
    defaults to the moment the case is typed in, and steps the shop took before that are recorded with --at."""
    return session.scalars(
        select(AuditEvent)
        .where(AuditEvent.case_id == case_id, AuditEvent.subject == "case", AuditEvent.undone_by.is_(None),
               or_(and_(AuditEvent.kind == "action", AuditEvent.action != CaseAction.TRADE_SUCCEEDED.value),
                   AuditEvent.milestone == KIND_CHANGED))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1)
    ).first()


def first_step(session: Session, case_id: int) -> AuditEvent | None:
    """The case's earliest step in force, as `last_step` counts steps: the request may not come after it."""
    return session.scalars(
        select(AuditEvent)
        .where(AuditEvent.case_id == case_id, AuditEvent.subject == "case", AuditEvent.undone_by.is_(None),
               or_(and_(AuditEvent.kind == "action", AuditEvent.action != CaseAction.TRADE_SUCCEEDED.value),
                   AuditEvent.milestone == KIND_CHANGED))
        .order_by(AuditEvent.at, AuditEvent.id).limit(1)
    ).first()


def request_entries(session: Session, case_id: int) -> list[AuditEvent]:
    """The case's 新建 entries that carry the buyer's request (the deadline engine reads its time from them)."""
    return list(session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.subject == "case",
                                 AuditEvent.kind == "created", AuditEvent.milestone == "requested")))


def request_date_only(session: Session, case_id: int) -> bool:
    """Whether the case's request (its 新建 entry) was given by its day only."""
    return bool(session.scalars(
        select(AuditEvent.date_only).where(AuditEvent.case_id == case_id, AuditEvent.subject == "case",
                                           AuditEvent.kind == "created").limit(1)
    ).first())


def paid_this_way(session: Session, case_id: int, milestone: str) -> bool:
    """The case has a step in force that paid the buyer so (`milestone`: "refunded" or "compensated")."""
    return session.execute(
        select(AuditEvent.id).where(AuditEvent.case_id == case_id, AuditEvent.subject == "case",
                                    AuditEvent.milestone == milestone, AuditEvent.undone_by.is_(None)).limit(1)
    ).first() is not None


def return_on_its_way(session: Session, case_id: int) -> bool:
    """Whether the case's timeline has the buyer's return shipped: a 买家寄回 milestone in force recorded
    after the latest 同意退货 in force (a return agreed again waits for a new parcel)."""
    latest = session.scalars(
        select(AuditEvent.milestone)
        .where(AuditEvent.case_id == case_id, AuditEvent.subject == "case", AuditEvent.undone_by.is_(None),
               AuditEvent.milestone.in_(("return_agreed", "return_shipped")))
        .order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return latest == "return_shipped"


def last_author(session: Session, subject: str, subject_id: int) -> str | None:
    """Who wrote the latest timeline entry of this case or claim (`subject` "case" or "claim"): the seat that
    changed it last. A case's reship items edited (subject "reship", on the case's timeline) change the case too:
    the refusal after 小王's 编辑补发商品 named the seat of the step before it."""
    subjects = (subject, "reship") if subject == "case" else (subject,)
    return session.scalars(
        select(AuditEvent.author).where(AuditEvent.subject.in_(subjects),
                                        AuditEvent.case_id == subject_id if subject == "case"
                                        else AuditEvent.subject_id == subject_id)
        .order_by(AuditEvent.id.desc()).limit(1)
    ).first()


def last_entry(session: Session, subject: str, subject_id: int) -> AuditEvent | None:
    """The latest timeline entry of this case or claim (`subject` "case" or "claim"): who changed it last,
    when and how."""
    return session.scalars(
        select(AuditEvent).where(AuditEvent.subject == subject, AuditEvent.subject_id == subject_id)
        .order_by(AuditEvent.id.desc()).limit(1)
    ).first()


def edits_since(session: Session, subject: str, subject_id: int, since: datetime) -> list[AuditEvent]:
    """The edits (their notes name the fields changed) recorded on this case or claim since `since`, newest
    first: whose change a command's save would write over."""
    return list(session.scalars(
        select(AuditEvent).where(AuditEvent.subject == subject, AuditEvent.subject_id == subject_id,
                                 AuditEvent.kind == "edit", AuditEvent.recorded_at >= since)
        .order_by(AuditEvent.id.desc())
    ))


def platform_case_holder(session: Session, key: str, other_than: int) -> int | None:
    """The case (other than `other_than`) holding this platform after-sales number key."""
    return session.execute(
        select(Case.id).where(Case.platform_case_key == key, Case.id != other_than)
    ).scalar_one_or_none()


def claim_follow_up(session: Session, claim_id: int, timer_id: str) -> Deadline | None:
    """The claim's follow-up row in the deadlines table, if any."""
    return session.execute(
        select(Deadline).where(Deadline.claim_id == claim_id, Deadline.timer_id == timer_id)
    ).scalars().first()


def latest_shipped_reship(session: Session, case_id: int) -> tuple[str | None, str | None] | None:
    """(carrier, tracking number) of the case's latest reship with a tracking number."""
    row = session.execute(
        select(Reship.carrier, Reship.tracking_no).where(Reship.case_id == case_id, Reship.tracking_no.is_not(None))
        .order_by(Reship.id.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def checked_steps(session: Session, case_id: int, playbook_id: str) -> frozenset[str]:
    return frozenset(session.execute(
        select(PlaybookCheck.step_id).where(PlaybookCheck.case_id == case_id, PlaybookCheck.playbook_id == playbook_id)
    ).scalars())


def playbook_check(session: Session, case_id: int, playbook_id: str, step_id: str) -> PlaybookCheck | None:
    return session.execute(select(PlaybookCheck).where(
        PlaybookCheck.case_id == case_id, PlaybookCheck.playbook_id == playbook_id,
        PlaybookCheck.step_id == step_id)).scalar_one_or_none()


def unsettled_cases_of_kind(session: Session, order_id: int, kind: str, but: int) -> list[int]:
    """The order's other cases of this kind the shop still has a step to take on, oldest first."""
    return list(session.scalars(select(Case.id).where(
        Case.order_id == order_id, Case.kind == kind, Case.id != but,
        Case.status.in_(sorted(s.value for s in IN_PROGRESS_STATUSES)),
    ).order_by(Case.id)))
