"""A step recorded after the platform already acted on its own: said after the step, not refused.

The buyer's shipping typed in days later without --at (recorded at that moment) meets the buyer's 7 days late, and
the engine then shows the platform closing the refund at their end (seed 001 "逾期未退货,退款会被关闭") while the
10 days to confirm run from the late record — later than the platform's, if the buyer really shipped in time. The
engine cannot tell a late record from a late step; the shop can, so `case act`, the returns desk's and the window's
step say which timer ran out when and what the platform did, with the way to record the real time.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from desktop_app.core import messages as msg
from desktop_app.core.case_undo import undo_choice
from desktop_app.core.clock import format_china
from desktop_app.core.deadlines import DeadlineStatus
from desktop_app.core.event_notes import Message
from desktop_app.core.lifecycle import CaseStatus
from desktop_app.core.vocabulary import CaseKind
from desktop_app.store.case_lookups import last_step
from desktop_app.store.case_queries import case_events
from desktop_app.store.database import Database
from desktop_app.store.deadline_lists import case_deadlines
from desktop_app.store.models import Case

_SAME = timedelta(seconds=1)


def late_step(db: Database, case_id: int) -> Message | None:
    """What the case's last step met after the platform had acted at its due (an automatic timer it met late),
    or None."""
    with db.reading() as session:
        last = last_step(session, case_id)
        case = session.get(Case, case_id)
        if last is None or case is None:
            return None
        at = last.at.replace(tzinfo=last.at.tzinfo or UTC)
        late = next((d for d in case_deadlines(session, case_id)
                     if d.automatic and d.status is DeadlineStatus.MISSED and d.met_at is not None
                     and abs(d.met_at - at) < _SAME), None)
        if late is None:
            return None
        undo = undo_choice(CaseKind(case.kind), CaseStatus(case.status), case_events(session, case_id))
        if undo.possible and undo.event_id == last.id:
            return msg.say(msg.STEP_AFTER_PLATFORM_UNDO, late.name, format_china(late.due_at), late.action, case_id)
        return msg.say(msg.STEP_AFTER_PLATFORM, late.name, format_china(late.due_at), late.action)
