"""Taking back a claim's last step (撤销上一步): a payout typed wrong (80 for 8.00, a partial payment
recorded as 已赔付), a step clicked on the wrong claim. The case's 撤销 sends the shop here for claim
records ("请在对应的标签页中更正"), so the claim needs one of its own.

Like a case's undo, the step keeps its audit row, marked `undone_by` the undo event, and the timeline
shows both. Money is the shop's own record of what the courier paid, so a payout is taken back with its
step: the payout row goes, 已到账 drops by it, and 统计's received and net loss follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.case_undo import UNDO_KIND
from desktop_app.core.claims import ClaimAction, ClaimStatus, follow_up_for, is_open
from desktop_app.core.errors import ActionNotAllowed, NotFound
from desktop_app.core.money import format_yuan
from desktop_app.core.op_changes import OpChanges
from desktop_app.services.case_writes import undo_of_another_seats_step
from desktop_app.services.cases import current_author
from desktop_app.services.claim_upkeep import claim_event, load_claim, sync_follow_up
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.claim_history import payouts_newest_first, steps_in_force
from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent, CarrierClaim, ClaimPayout, utcnow

# A payout and the event of the step that recorded it are written in one transaction; older rows
# have their own clock reads, a few milliseconds apart.
_SAME_STEP = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class UndoneClaimStep:
    title: str  # the step taken back, in the shop's words
    status: ClaimStatus  # the claim's status now
    returned_fen: int  # the payout taken back with it (0: none)
    changes: OpChanges


def claim_version(db: Database, claim_id: int) -> int:
    """The claim's version now: `claim undo` reads it before it acts, as `case undo` does (`cases.case_version`)."""
    with db.reading() as session:
        claim = session.get(CarrierClaim, claim_id)
        if claim is None:
            raise NotFound(msg.say(msg.NO_CLAIM, claim_id))
        return claim.version


def undo_claim_step(db: Database, claim_id: int, expected_version: int | None = None,
                    author: str | None = None, own_step_only: bool = False) -> UndoneClaimStep:
    """Take back the newest lifecycle step of a claim still in force, with the payout it recorded;
    ActionNotAllowed saying why when there is none, or (`own_step_only`, `claim undo`) when another seat just
    took it."""
    who = current_author() if author is None else author
    with db.transaction() as session:
        claim = load_claim(session, claim_id, expected_version)
        step = _last_step(session, claim)
        if own_step_only and (
                refused := undo_of_another_seats_step(session, step, msg.say(msg.CLAIM_NO, claim_id), who)):
            raise refused
        before = ClaimStatus(claim.status)
        after = ClaimStatus(step.from_state or before.value)
        title = _title(step.action)
        payouts = payouts_newest_first(session, claim.id)
        payout = _payout_of(step, payouts[0] if payouts else None)
        returned = payout.amount_fen if payout is not None else 0
        if payout is not None:
            session.delete(payout)
            rest = (claim.received_fen or 0) - returned
            claim.received_fen = rest if rest or len(payouts) > 1 else None
        claim.status = after.value
        claim.is_open = is_open(after)
        if step.action == ClaimAction.SUBMIT_STATEMENT.value:
            claim.submitted_at = None
        entered = _entered_at(session, claim, step, after)
        claim.closed_at = None if claim.is_open else entered
        claim.follow_up_at = follow_up_for(after, entered or step.at) if claim.is_open else None
        claim.updated_at = utcnow()
        note = f"撤销“{title}”" + (f"：{step.note}" if step.note else "")
        if returned:
            note += f"；撤回到账 {format_yuan(returned)} 元，累计 {format_yuan(claim.received_fen or 0)} 元"
        undo = claim_event(session, claim, kind=UNDO_KIND, author=who, from_state=before.value,
                           to_state=after.value, note=note)
        session.flush()
        step.undone_by = undo.id
        sync_follow_up(session, claim, utcnow())
        return UndoneClaimStep(title, after, returned, changes_in(session))


def _title(action: str | None) -> str:
    try:
        return ClaimAction(action or "").label
    except ValueError:
        return action or ""


def _last_step(session: Session, claim: CarrierClaim) -> AuditEvent:
    """The newest step in force; notes, edits and evidence after it do not hide it (they are not steps)."""
    steps = [e for e in steps_in_force(session, claim.id) if e.kind == "action" and e.action]
    if not steps:
        raise ActionNotAllowed(msg.say(msg.CLAIM_NOTHING_TO_UNDO, claim.id))
    last = steps[-1]
    try:
        ClaimAction(last.action or "")
        ClaimStatus(last.from_state or "")
    except ValueError:
        raise ActionNotAllowed("最后一步是新版本软件记录的操作，无法撤销") from None
    if last.to_state != claim.status:
        raise ActionNotAllowed(msg.say(msg.CLAIM_MOVED_ON, claim.id, _title(last.action)))
    return last


def _payout_of(step: AuditEvent, newest: ClaimPayout | None) -> ClaimPayout | None:
    """The payout the step recorded: the newest one, paid at the step's time and written with it."""
    if step.action not in {ClaimAction.PAY.value, ClaimAction.PAY_PARTIALLY.value, ClaimAction.CLOSE.value}:
        return None
    if newest is None or newest.paid_at != step.at or abs(newest.recorded_at - step.recorded_at) > _SAME_STEP:
        return None
    return newest


def _entered_at(session: Session, claim: CarrierClaim, step: AuditEvent, status: ClaimStatus) -> datetime | None:
    """When the claim entered the status it goes back to: the step in force before `step` that led there."""
    earlier = [e for e in steps_in_force(session, claim.id)
               if e.id < step.id and e.to_state == status.value and e.kind in {"created", "action"}]
    return earlier[-1].at if earlier else None
