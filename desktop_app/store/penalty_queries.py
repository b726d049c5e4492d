"""The platform penalties the case's timers put on it once they ran out (issue 13 item 9, issue 17), read
from the stored deadlines: the engine stores on each deadline whose pack names an amount what it costs
(`Deadline.penalty_fen`; none on a met one), so nothing here is stored twice.

A penalty counts once it fell due (`core.case_costs.penalty_fell_due`: missed, or open past its due),
and only on a case without a penalty recorded by hand (`Case.penalty_fen`, which replaces its timers'). The
统计 counts it in the period holding its due time; `ix_deadlines_penalties` (migration 0019_penalty, a
partial index of the deadlines that carry an amount) answers that read from the index alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_, select
from sqlalchemy.orm import Session

from desktop_app.core.deadline_results import DeadlineStatus
from desktop_app.store.models import UNKNOWN_PENALTY_LIKE, Case, Deadline
from desktop_app.store.raw_reads import fetch_raw
from desktop_app.store.report_queries import ReportScope, scope_filters

_MISSED = DeadlineStatus.MISSED.value
_OPEN = DeadlineStatus.OPEN.value


def fell_due(moment: datetime) -> ColumnElement[bool]:
    """The case deadlines whose penalty is the shop's cost at `moment` (`penalty_fell_due` in SQL), in the
    terms of `ix_deadlines_penalties`' own condition, so that the index serves it. The status is read through
    `coalesce`: compared bare, SQLite (on a ledger without planner statistics, as most are) walked every
    missed deadline of the period by `ix_deadlines_status_due_at` instead, 150–180 ms against 27 ms at
    100,000 cases (bench/README.md, session 22)."""
    status = func.coalesce(Deadline.status, "")
    return and_(
        Deadline.penalty_fen.is_not(None), Deadline.claim_id.is_(None),
        or_(status == _MISSED, and_(status == _OPEN, Deadline.due_at < moment)),
    )


def _total() -> ColumnElement[int]:
    return func.coalesce(func.sum(Deadline.penalty_fen), 0)


def case_timer_penalty_fen(session: Session, case_id: int, moment: datetime) -> int:
    """What the case's timers' penalties that fell due by `moment` come to, in fen (0: none); whether a
    figure recorded by hand replaces it is the caller's (`counted_penalty_fen`)."""
    stmt = select(_total()).where(Deadline.case_id == case_id, fell_due(moment))
    return int(session.execute(stmt).scalar_one())


def order_timer_penalty_fen(session: Session, order_id: int, moment: datetime) -> int:
    """The same for every case of an order that has no penalty recorded by hand (`order_loss`)."""
    cases = select(Case.id).where(Case.order_id == order_id, Case.penalty_fen.is_(None))
    stmt = select(_total()).where(Deadline.case_id.in_(cases), fell_due(moment))
    return int(session.execute(stmt).scalar_one())


def period_penalty_rows(session: Session, scope: ReportScope, moment: datetime) -> list[Any]:
    """The penalties that fell due in the scope's period (by their due time, before `moment` when still
    open) on cases of its platform and shop without one recorded by hand: per (platform, the case's goods),
    their sum in fen and how many cases carry them. The deadlines from `ix_deadlines_penalties` alone, each
    case by its key: a few rows however large the ledger (only deadlines with an amount are in the index)."""
    return fetch_raw(session, period_penalty_statement(scope, moment))


def period_unknown_penalty_cases(session: Session, scope: ReportScope, moment: datetime) -> int:
    """How many cases of the scope's period (without a penalty recorded by hand) have a timer's penalty that fell
    due but whose amount is unknown: a share of an order that was not imported (`PENALTY_UNKNOWN` in the name, no
    `penalty_fen`)."""
    return int(session.execute(period_unknown_statement(scope, moment)).scalar_one())


def period_unknown_statement(scope: ReportScope, moment: datetime) -> Select[int]:
    """The statement of `period_unknown_penalty_cases`: `ix_deadlines_unknown_penalties` serves it, its condition
    stated as the index states it, a literal (its plan is tested)."""
    status = func.coalesce(Deadline.status, "")
    return (
        select(func.count(func.distinct(Deadline.case_id)))
        .join(Case, Case.id == Deadline.case_id)
        .where(Deadline.due_at >= scope.start, Deadline.due_at < scope.end, Deadline.penalty_fen.is_(None),
               Deadline.claim_id.is_(None), Deadline.name.like(literal_column(f"'{UNKNOWN_PENALTY_LIKE}'")),
               or_(status == _MISSED, and_(status == _OPEN, Deadline.due_at < moment)),
               Case.penalty_fen.is_(None), *scope_filters(scope))
    )


def period_penalty_statement(scope: ReportScope, moment: datetime) -> Select[str, str | None, int | None, int]:
    """The statement of `period_penalty_rows` (its plan is tested)."""
    return (
        select(Case.platform, Case.goods, func.sum(Deadline.penalty_fen), func.count(func.distinct(Deadline.case_id)))
        .join(Case, Case.id == Deadline.case_id)
        .where(fell_due(moment), Deadline.due_at >= scope.start, Deadline.due_at < scope.end,
               Case.penalty_fen.is_(None), *scope_filters(scope))
        .group_by(Case.platform, Case.goods)
    )
