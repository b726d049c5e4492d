"""The ledger's clock: on a team server the server's, one clock for every seat; on a file this computer's.

"Just now" between seats (a refusal naming the seat that changed a case in the last 10 minutes, an undo that
takes back only this seat's own step: services/case_writes.JUST_CHANGED) compares when another seat's entry
was written with now. Each seat wrote `recorded_at` from its own computer's clock and compared it with its
own: a seat whose clock ran 15 minutes behind wrote its steps 15 minutes in the past, and one whose clock ran
ahead saw every colleague's step of a second ago as 15 minutes old — its `case undo` took that step back.
On a server both sides now read the server's clock: the entries' `recorded_at` is stamped at the flush
(`stamped_by_the_ledger`, on the session factory), and `ledger_now` is what they are compared with.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

from desktop_app.store.models import AuditEvent, ClaimPayout, ReturnInspection, utcnow

# The rows whose `recorded_at` says when they were written (a claim's payout is matched to the step that
# recorded it by that time: services/claim_undo._SAME_STEP).
_STAMPED = (AuditEvent, ClaimPayout, ReturnInspection)


def ledger_now(session: Session) -> datetime:
    """Now on the ledger's clock (aware, UTC): the server's on a team ledger, this computer's on a file."""
    if session.get_bind().dialect.name != "postgresql":
        return utcnow()
    # clock_timestamp(), not now(): a transaction that waited for another seat's row is stamped after it.
    stamp: datetime = session.connection().exec_driver_sql("SELECT clock_timestamp()").scalar_one()
    return stamp.astimezone(UTC)


def stamped_by_the_ledger(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """The team ledger's session factory, its new timeline entries, payouts and inspections stamped with the
    server's clock whatever the service set (this computer's `utcnow()`)."""
    event.listen(sessions, "before_flush", _stamp)
    return sessions


def _stamp(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    rows = [row for row in session.new if isinstance(row, _STAMPED)]
    if rows:
        stamp = ledger_now(session)
        for row in rows:
            row.recorded_at = stamp


def clock_offset(session: Session) -> timedelta | None:
    """How far the team server's clock is ahead of this computer's (negative: behind), read halfway through the
    question's round trip; None on a file ledger, whose clock is this computer's."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    before = utcnow()
    server = ledger_now(session)
    after = utcnow()
    return server - (before + (after - before) / 2)
