"""What taking back a claim's step reads (`services.claim_undo`): its audit events still in force,
and its payouts, newest first."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.case_undo import UNDO_KIND
from desktop_app.store.models import AuditEvent, CarrierClaim, ClaimPayout


def steps_in_force(session: Session, claim_id: int) -> list[AuditEvent]:
    """The claim's events neither undone nor an undo themselves, oldest first (for update)."""
    return list(session.scalars(
        select(AuditEvent).where(AuditEvent.subject == "claim", AuditEvent.subject_id == claim_id,
                                 AuditEvent.kind != UNDO_KIND, AuditEvent.undone_by.is_(None))
        .order_by(AuditEvent.id)
    ))


def payouts_newest_first(session: Session, claim_id: int, limit: int = 2) -> list[ClaimPayout]:
    return list(session.scalars(
        select(ClaimPayout).where(ClaimPayout.claim_id == claim_id).order_by(ClaimPayout.id.desc()).limit(limit)
    ))


def money_of_order_claims(session: Session, order_id: int) -> list[tuple[int, str, int | None, int | None]]:
    """Every claim of the order: (id, status, claimed, received), oldest first."""
    rows = session.execute(
        select(CarrierClaim.id, CarrierClaim.status, CarrierClaim.claimed_fen, CarrierClaim.received_fen)
        .where(CarrierClaim.order_id == order_id).order_by(CarrierClaim.id)
    ).all()
    return [(int(r[0]), str(r[1]), r[2], r[3]) for r in rows]
