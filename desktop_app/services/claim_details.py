"""What the courier asks for on a claim: its ticket number, whom the shop deals with (网点 / 客服 /
总部) and how to reach them, and when the loss was reported. One transaction, audit-logged; the
payouts themselves are recorded by the claim's pay actions (`services.claims.act_on_claim`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop_app.core import messages as msg
from desktop_app.core.claims import ClaimContactLevel
from desktop_app.core.clock import format_china
from desktop_app.core.errors import UserError
from desktop_app.core.op_changes import OpChanges
from desktop_app.services.case_writes import current_author, overwrite_of_another_seats_edit
from desktop_app.services.claim_upkeep import load_claim
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent, utcnow


@dataclass(frozen=True, slots=True)
class ClaimTicket:
    ticket_no: str | None
    contact_level: ClaimContactLevel | None
    contact: str | None
    reported_at: datetime | None


_FIELDS = {"ticket_no": "理赔单号", "contact_level": "对接方", "contact": "联系人", "reported_at": "报案时间"}


def _show(column: str, value: object) -> str:
    if value is None:
        return "（空）"
    if column == "contact_level":
        return ClaimContactLevel(str(value)).label
    if isinstance(value, datetime):
        return format_china(value)
    return str(value)


def set_claim_ticket(db: Database, claim_id: int, ticket: ClaimTicket, author: str | None = None,
                     expected_version: int | None = None, own_fields_only: bool = False) -> OpChanges:
    """Record the courier's ticket details (None clears a field); the claim's timeline says what changed.
    `own_fields_only` (`claim ticket`, which shows nothing before it saves): not over a field another seat has
    just changed (case_writes.overwrite_of_another_seats_edit)."""
    who = current_author() if author is None else author
    if ticket.reported_at is not None and ticket.reported_at.tzinfo is None:
        raise UserError("报案时间缺少时区")
    values: dict[str, object] = {
        "ticket_no": (ticket.ticket_no or "").strip() or None,
        "contact_level": ticket.contact_level.value if ticket.contact_level else None,
        "contact": (ticket.contact or "").strip() or None,
        "reported_at": ticket.reported_at,
    }
    number = values["ticket_no"]
    if isinstance(number, str) and len(number) > 80:
        raise UserError("理赔单号太长（最多 80 个字符）")
    contact = values["contact"]
    if isinstance(contact, str) and len(contact) > 120:
        raise UserError("联系人太长（最多 120 个字符）")
    with db.transaction() as session:
        # Locked as it is read: another seat's save waits for this one, then is told who saved first.
        claim = load_claim(session, claim_id, expected_version)
        changes = []
        changed = set()
        for column, value in values.items():
            old = getattr(claim, column)
            if old != value:
                changed.add(column)
                changes.append(f"{_FIELDS[column]}：{_show(column, old)} → {_show(column, value)}")
                setattr(claim, column, value)
        if not changes:
            return OpChanges()
        if own_fields_only and (refused := overwrite_of_another_seats_edit(
                session, msg.say(msg.CLAIM_NO, claim_id), "claim", claim_id,
                [_FIELDS[column] for column in values if column in changed], who)):
            raise refused
        claim.updated_at = utcnow()
        session.add(AuditEvent(
            case_id=claim.case_id, subject="claim", subject_id=claim.id, kind="edit", note="；".join(changes),
            author=who, at=utcnow(), recorded_at=utcnow(),
        ))
        return changes_in(session)
