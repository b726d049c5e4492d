"""What the 统计 dashboard reads on the case row instead of joining other tables (migration 0007_dash),
who keeps each column right, and how to compute them all again from the tables they copy.

- `met_timers`, `missed_timers`, `open_timers`, `open_due_first`, `open_due_last`: the case's
  platform timers (deadlines without a claim) by status, and the earliest and latest due time of the
  open ones. Kept by the deadline engine, the only writer of those rows (`services.deadlines`), which
  every case write calls.
- `resolve_seconds`: from the request to the case's latest action. Kept by every case action
  (`services.cases.apply_action`: acting, bulk actions, the returns desk, reship and claim steps that
  act on the case, imports moving a case) and by an after-sales import's new cases
  (`services.case_import`).
- `carrier`: the courier of the case's order. Kept by a new case (`services.cases.open_case`,
  `services.case_import`) and by every order import that writes an order (`io.order_upsert`).

An undo keeps `resolve_seconds`: the dashboard counts the latest action, taken back or not, as it
did when it read the events. A change of kind, a cost edit, a claim or reship write changes none of
these columns (the timers they move are rewritten by the deadline engine they call).
`recompute_case_facts` fills them from scratch (tests compare it with what the writers kept; the
benchmark's ledger is inserted without the writers).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Update, bindparam, func, select, update
from sqlalchemy.orm import Session

from desktop_app.store.models import AuditEvent, Case, Deadline, Order

FACT_COLUMNS = ("met_timers", "missed_timers", "open_timers", "open_due_first", "open_due_last", "resolve_seconds",
                "carrier")


def resolve_seconds(requested: datetime, acted: datetime) -> int:
    """Whole seconds from the request to an action."""
    return round((acted - requested).total_seconds())


def later_resolve(stored: int | None, requested: datetime, acted: datetime) -> int:
    """`resolve_seconds` after one more action: the latest action counts (a back-dated one may be earlier)."""
    seconds = resolve_seconds(requested, acted)
    return seconds if stored is None else max(stored, seconds)


def timer_facts(deadlines: Iterable[tuple[str, datetime]]) -> tuple[int, int, int, datetime | None, datetime | None]:
    """(met, missed, open, earliest open due, latest open due) of a case's platform timers, given as
    (status, due time) pairs."""
    met = missed = opened = 0
    first: datetime | None = None
    last: datetime | None = None
    for status, due in deadlines:
        if status == "met":
            met += 1
        elif status == "missed":
            missed += 1
        elif status == "open":
            opened += 1
            first = due if first is None or due < first else first
            last = due if last is None or due > last else last
    return met, missed, opened, first, last


def carrier_copy(order_ids: Any) -> Update:
    """The statement giving the cases of these orders (ids or a SELECT of ids) their order's courier;
    cases already holding it are not rewritten."""
    cases = Case.__table__
    carrier = select(Order.__table__.c.carrier).where(Order.__table__.c.id == cases.c.order_id).scalar_subquery()
    return (update(cases).where(cases.c.order_id.in_(order_ids),
                                func.coalesce(cases.c.carrier, "") != func.coalesce(carrier, ""))
            .values(carrier=carrier))


def _timers(value: ColumnElement[Any], status: str) -> ScalarSelect[Any]:
    return (select(value).where(Deadline.case_id == Case.id, Deadline.claim_id.is_(None), Deadline.status == status)
            .scalar_subquery())


def recompute_case_facts(session: Session, case_ids: Iterable[int] | None = None) -> None:
    """Every fact column of these cases (all when None) computed again from the tables it copies."""
    ids = None if case_ids is None else list(case_ids)
    where = [] if ids is None else [Case.id.in_(ids)]
    count = func.count()
    session.execute(update(Case).where(*where).values(
        carrier=select(Order.carrier).where(Order.id == Case.order_id).scalar_subquery(),
        met_timers=_timers(count, "met"), missed_timers=_timers(count, "missed"), open_timers=_timers(count, "open"),
        open_due_first=_timers(func.min(Deadline.due_at), "open"),
        open_due_last=_timers(func.max(Deadline.due_at), "open"), resolve_seconds=None,
    ).execution_options(synchronize_session=False))
    last = (
        select(AuditEvent.case_id, func.max(AuditEvent.at).label("at"))
        .where(AuditEvent.subject == "case", AuditEvent.kind == "action", AuditEvent.case_id.is_not(None))
        .group_by(AuditEvent.case_id).subquery()
    )
    rows = session.execute(
        select(Case.id, Case.requested_at, Case.created_at, last.c.at)
        .join(last, last.c.case_id == Case.id).where(*where)
    ).all()
    values = [{"b_id": case_id, "b_seconds": resolve_seconds(requested or created, at)}
              for case_id, requested, created, at in rows]
    if values:
        session.execute(
            update(Case.__table__).where(Case.__table__.c.id == bindparam("b_id"))
            .values(resolve_seconds=bindparam("b_seconds")), values)
    session.expire_all()


def stored_case_facts(session: Session) -> dict[int, tuple[Any, ...]]:
    """case id → its fact columns as stored (for comparing with `recompute_case_facts`)."""
    columns = [getattr(Case, name) for name in FACT_COLUMNS]
    return {row[0]: tuple(row[1:]) for row in session.execute(select(Case.id, *columns))}
