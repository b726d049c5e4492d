"""A team ledger's rule edits and every other write take turns: an edit alone, the others together.

A rule edit recomputes, in its own transaction, the open cases its change concerns (services.ledger_rules).
On PostgreSQL (READ COMMITTED) that transaction did not see the cases another seat's import was writing
meanwhile, nor the step a seat was recording on a case: the import then committed its new cases computed
with the rules it had read before the edit, and the edit had recorded those rules as the ones every case
was computed with, so nothing recomputed them (measured: a 拼多多 answer shortened to 24 h, four imported
refund requests kept 48 h). A transaction-scoped advisory lock orders them: every write transaction of a
team ledger holds it shared from its first statement, so no rule edit commits between the moment it reads
the rules and its commit; a rule edit takes it alone, once no write is under way, and the writes begun
after it wait for its commit, then read the new rules. Taken first in each transaction, before any row
is locked, it cannot deadlock with the rows' locks.

A recompute of the cases whose rules changed (at a start after an upgrade, or after an older seat's rule
edit: every seat's window runs it at the same moment) takes it alone as well: two seats recomputing the
same cases at once each inserted their new deadlines, and every case had each of them twice.

The one alone asks for it again and again rather than queueing for it: the server grants no shared turn
past a waiting one, so queued it would hold up every seat's writes for as long as an import ahead of it
ran. On SQLite nothing is taken: a ledger file is one seat's, its write lock already orders writers
(BEGIN IMMEDIATE).
"""

from __future__ import annotations

import time

from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.errors import LedgerBusy

RULES_TURN = 0x5A1E_5003
_RETRY_SECONDS = 0.05


def share_rules_turn(session: Session) -> None:
    """Wait for a rule edit under way to commit; no rule edit commits until this transaction ends."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock_shared({RULES_TURN})")


def take_rules_turn(session: Session, wait_seconds: float) -> None:
    """Wait (at most `wait_seconds`) until no other write is under way; none starts until this one ends.
    Raises LedgerBusy when another seat's writing lasts longer (a large import)."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return
    given_up = time.monotonic() + wait_seconds
    while not conn.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({RULES_TURN})").scalar():
        if time.monotonic() >= given_up:
            raise LedgerBusy(msg.say(msg.SERVER_WRITING, f"{wait_seconds:.0f}"))
        time.sleep(_RETRY_SECONDS)
