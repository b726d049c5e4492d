"""What every claim use case shares: loading a claim (refusing a stale one), writing its audit event
(subject "claim", on its case's timeline), and keeping its follow-up deadline (timer
"claim_follow_up") in step for the deadline calendar."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.claims import ClaimStatus
from desktop_app.core.errors import NotFound
from desktop_app.services.case_writes import changed_meanwhile
from desktop_app.store.case_lookups import claim_follow_up
from desktop_app.store.models import AuditEvent, CarrierClaim, Deadline, utcnow
from desktop_app.store.row_locks import row_for_writing

FOLLOW_UP_TIMER = "claim_follow_up"
FOLLOW_UP_NAME = "快递理赔跟进"
FOLLOW_UP_ACTION = "联系快递催办理赔"  # what the shop does when it comes due (shown as the consequence)


def text_or_none(value: str | None) -> str | None:
    return (value or "").strip() or None


def load_claim(session: Session, claim_id: int, expected_version: int | None = None) -> CarrierClaim:
    claim = row_for_writing(session, CarrierClaim, claim_id)  # another seat's step waits (store/row_locks.py)
    if claim is None:
        raise NotFound(msg.say(msg.NO_CLAIM, claim_id))
    if expected_version is not None and claim.version != expected_version:
        raise changed_meanwhile(session, msg.say(msg.CLAIM_NO, claim_id), "claim", claim_id,
                                   ClaimStatus(claim.status).label, claim.version)
    return claim


def claim_event(session: Session, claim: CarrierClaim, *, kind: str, author: str, at: datetime | None = None,
           action: str | None = None, from_state: str | None = None, to_state: str | None = None,
           note: str | None = None, date_only: bool = False, case_id: int | None = None) -> AuditEvent:
    event = AuditEvent(
        case_id=claim.case_id if case_id is None else case_id, subject="claim", subject_id=claim.id, kind=kind,
        action=action, from_state=from_state, to_state=to_state, note=note, author=author, at=at or utcnow(),
        date_only=date_only, recorded_at=utcnow(),
    )
    session.add(event)
    return event


def sync_follow_up(session: Session, claim: CarrierClaim, at: datetime) -> None:
    """Keep the claim's row in the deadlines table in step with its follow-up date.

    Open with a date: an open deadline due then. Finished: the deadline is met (kept, so the
    calendar's history shows when the claim ended). Open without a date: no deadline.
    """
    session.flush()
    row = claim_follow_up(session, claim.id, FOLLOW_UP_TIMER)
    if claim.is_open and claim.follow_up_at is not None:
        if row is None:
            row = Deadline(claim_id=claim.id, timer_id=FOLLOW_UP_TIMER, name=FOLLOW_UP_NAME,
                           action=FOLLOW_UP_ACTION, starts_at=at, due_at=claim.follow_up_at,
                           estimated=False, status="open")
            session.add(row)
        elif row.status != "open" or row.due_at != claim.follow_up_at:
            row.starts_at = at
            row.due_at = claim.follow_up_at
        row.case_id = claim.case_id
        row.action = FOLLOW_UP_ACTION  # rows written before it was a Chinese text said "chase_carrier"
        row.status = "open"
        row.met_at = None
    elif row is not None:
        if claim.is_open:
            session.delete(row)
        else:
            row.case_id = claim.case_id
            row.status = "met"
            row.met_at = claim.closed_at or at
