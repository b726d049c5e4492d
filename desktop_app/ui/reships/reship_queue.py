"""Reading the reship queue for the 补发队列 tab in one background read: the most urgent rows, the counts
over all of them, and what the rules say follows agreeing or refusing each kind."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.clock import now
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.reship_queue import ReshipRow, reship_rows
from desktop_app.services.reship_rules import Consequences, consequences
from desktop_app.store.database import Database
from desktop_app.store.reship_queue_rows import QueueScope, count_reship_rows

# Rows listed at most, the most urgent first. A shop's queue is tens of rows; a ledger with a runaway
# backlog (the 1,000,000-case benchmark has ~100,000 open reships) would otherwise have the table's
# sorting proxy block the window for seconds on every refresh (measured: 3 s).
QUEUE_SHOWN = 2000


@dataclass(frozen=True, slots=True)
class QueueView:
    """One background read: the rows (the first QUEUE_SHOWN), counts over all of them, and what the
    rules say about agreeing/refusing each kind of them."""

    rows: list[ReshipRow]
    consequences: dict[tuple[str, str | None], Consequences]
    waiting: int = 0
    overdue: int = 0
    total: int = 0
    owed_fen: int = 0  # the penalties of the rows listed that fell due (late, or promised and not shipped in time)


def load_queue(db: Database, scope: QueueScope, shown: int = QUEUE_SHOWN) -> QueueView:
    moment = now()
    with db.reading() as session:
        context = RuleContext.load(session)
        rows = reship_rows(session, scope, context=context, limit=shown + 1)
        waiting = sum(1 for r in rows if r.is_open)
        overdue = sum(1 for r in rows if r.is_open and (due := r.due(moment)) is not None and due <= moment)
        total = len(rows)
        if total > shown:
            # A cut queue: count the rest in SQL (the cut rows' own deadlines are not read).
            rows = rows[:shown]
            total = count_reship_rows(session, scope)
            waiting = count_reship_rows(session, QueueScope.OPEN)
            overdue = count_reship_rows(session, QueueScope.OPEN, overdue_at=moment)
    owed = sum(r.penalty_fen or 0 for r in rows if r.penalty_fell_due(moment))  # of the rows listed
    said = {key: consequences(*key, context) for key in {(r.platform, r.reason) for r in rows}}
    return QueueView(rows, said, waiting, overdue, total, owed)
