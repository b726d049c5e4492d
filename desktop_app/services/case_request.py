"""Correcting when the buyer asked (`case edit N --requested-at`, the window's 编辑售后单): a case typed in
later without its request time takes the moment it was typed in, and a mistyped day or year stays on
every timer that runs from the request (the answer timers, the holiday windows keyed to it, the 7 days
to ask, 统计's period) until it is corrected. The correction moves the request's timeline entry and the
case's time, says old → new on the timeline, and recomputes the case's deadlines in the same unit of work.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.clock import Moment, as_china, format_china
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import event_title
from desktop_app.core.op_changes import OpChanges
from desktop_app.core.rule_pack_model import KIND_CHANGED
from desktop_app.services.case_writes import current_author, load_case, record_event
from desktop_app.services.deadlines import recompute_case
from desktop_app.store.case_lookups import first_step, request_date_only, request_entries
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.models import Case, utcnow

REQUEST_FIELD = "买家申请时间"


def correct_request(db: Database, case_id: int, requested: Moment, expected_version: int | None = None,
                    author: str | None = None) -> OpChanges:
    """Move the case's request to `requested` (one transaction); nothing changes when it is already there."""
    who = current_author() if author is None else author
    with db.transaction() as session:
        case = load_case(session, case_id, expected_version)
        said = move_request(session, case, requested)
        if said is None:
            return OpChanges()
        case.updated_at = utcnow()
        record_event(session, case, kind="edit", author=who, note=said)
        recompute_case(session, case.id)
        return changes_in(session)


def move_request(session: Session, case: Case, requested: Moment) -> str | None:
    """Give the case its corrected request time, refused when a step of the case came before it; the note that
    says old → new, or None when the time is the same. The caller records the note and recomputes."""
    old = _aware(case.requested_at)
    old_by_day = request_date_only(session, case.id)
    if old == requested.at and old_by_day == requested.date_only:
        return None
    _check_before_first_step(session, case, requested)
    for entry in request_entries(session, case.id):
        entry.at = requested.at
        entry.date_only = requested.date_only
    base = old if old is not None else _aware(case.created_at)
    if case.resolve_seconds is not None and base is not None:
        # From the request to the latest action: the latest action stays, the request moves.
        case.resolve_seconds += round((base - requested.at).total_seconds())
    case.requested_at = requested.at
    return f"{REQUEST_FIELD}：{_shown(old, old_by_day)} → {_shown(requested.at, requested.date_only)}"


def _check_before_first_step(session: Session, case: Case, requested: Moment) -> None:
    """No step of a case comes before its request (`case_writes.check_in_order`); by its day only, either may fall
    on the other's day."""
    first = first_step(session, case.id)
    if first is None:
        return
    step_at = _aware(first.at)
    assert step_at is not None
    if requested.at <= step_at:
        return
    if (requested.date_only or first.date_only) and as_china(requested.at).date() == as_china(step_at).date():
        return
    title = "修改售后类型" if first.milestone == KIND_CHANGED else event_title(first)
    raise UserError(msg.say(msg.REQUEST_AFTER_STEP, _shown(requested.at, requested.date_only), title,
                            _shown(step_at, first.date_only), title, case.id))


def _aware(value: datetime | None) -> datetime | None:
    """A stored time (naive UTC from SQLite) as an aware one."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _shown(value: datetime | None, date_only: bool) -> str:
    if value is None:
        return "（空）"
    return as_china(value).strftime("%Y-%m-%d") if date_only else format_china(value)
