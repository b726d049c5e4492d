"""The 统计's case groups per China month (migration 0025_case_months): what the case groups' pass sums, kept
beside the cases so that a period reads its whole months from a few thousand rows instead of its every case.

`case_months` holds per platform × kind × reason × responsible × China month × shop every figure of
`report_queries.case_group_rows` that does not depend on the moment (counts, money, timers met / missed / open,
resolved, pending). SQLite triggers keep it (the migration): every writer of `cases` or of an order's shop,
the deadline helper's plain `sqlite3` included. A reason or responsible party is stored as '=' + the value, none
as '' (no stored value can be ''); no shop as -1. Rows whose cases all left hold zeros and are not read.

A report (`report_case_group_rows`) reads the whole months from it, the part-months at the period's ends from
the cases (`case_group_rows`' pass, its cases found by `ix_cases_requested`), and what depends on the moment or
needs every value from the cases of the whole period through two partial indexes (`models.OPEN_TIMERS_INDEX_COLUMNS`,
`RESOLVE_INDEX_COLUMNS`): the open timers judged against the moment, the times to resolve. PostgreSQL keeps no
aggregate (`kept_in`): the report there reads the cases as before.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, literal_column, or_, select
from sqlalchemy.orm import Session

from desktop_app.store.models import Case, Order
from desktop_app.store.order_sales import whole_months
from desktop_app.store.raw_reads import fetch_raw
from desktop_app.store.report_queries import (
    _GOODS_SETTLED,
    _MERCHANT,
    ReportScope,
    case_conditions,
    case_group_rows,
    scope_filters,
)

SUMS = ("cases", "open_cases", "refund_fen", "compensation_fen", "postage_fen", "written_off_fen", "penalty_fen",
        "penalised", "met", "missed", "open_timers", "resolved", "pending_fen")
_KEYS = ("platform", "kind", "reason", "responsible", "month", "shop")
_SETTLED = ", ".join(f"'{k}'" for k in _GOODS_SETTLED)
_MONTH = "strftime('%Y-%m', substr(coalesce(c.requested_at, c.created_at), 1, 19), '+8 hours')"


def kept_in(connection: Session | Connection) -> bool:
    """Whether this ledger keeps `case_months`: SQLite files do; a team server does not (every seat's case writes
    would update the same few aggregate rows, one lock each, serialising the seats)."""
    bind = connection.get_bind() if isinstance(connection, Session) else connection
    return bind.dialect.name == "sqlite"


def _value(key: str) -> str | None:
    """A stored reason or responsible party: '' is none, any other has a leading '='."""
    return key[1:] if key else None


def report_case_group_rows(session: Session, scope: ReportScope, moment: datetime) -> list[Any]:
    """`case_group_rows`' rows of `scope`: the whole China months from `case_months` where the ledger keeps it,
    else (or for a period without a whole month, as 近 30 天 mostly is) the one pass over the cases."""
    months, edges = whole_months(scope.start, scope.end)
    if not months or not kept_in(session):
        return case_group_rows(session, scope, moment)
    where = "month >= ? AND month <= ?"
    params: list[Any] = [months[0], months[-1]]
    if scope.platform:
        where += " AND platform = ?"
        params.append(scope.platform)
    if scope.shop_id is not None:
        where += " AND shop = ?"
        params.append(scope.shop_id)
    sums = ", ".join(f"sum({c})" for c in SUMS)
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(f"SELECT platform, kind, reason, responsible, {sums} FROM case_months WHERE {where} "
                       "GROUP BY platform, kind, reason, responsible HAVING sum(cases) != 0", params)
        kept = cursor.fetchall()
    finally:
        cursor.close()
    merged: dict[tuple[Any, ...], list[int]] = {
        (p, k, _value(r), _value(s)): [int(f) for f in figures] for p, k, r, s, *figures in kept}
    for start, end in edges:  # the part-months: the old pass; its timers and times to resolve are read below
        for p, k, r, s, *figures, _overdue, _straddling, resolved, pending, _resolve in case_group_rows(
                session, scope, moment, _requested_in(scope, start, end)):
            figures = [int(f) for f in (*figures, resolved, pending)]
            known = merged.get((p, k, r, s))
            merged[(p, k, r, s)] = figures if known is None else [a + b for a, b in zip(known, figures, strict=True)]
    timers = _moment_timers(session, scope, moment)
    resolve = _resolve_times(session, scope)
    rows = []
    for (p, k, r, s), (*figures, resolved, pending) in merged.items():
        overdue, straddling = timers.get((p, k, r, s), (0, 0))
        rows.append((p, k, r, s, *figures, overdue, straddling, resolved, pending, resolve.pop(p, None)))
    return rows


def _requested_in(scope: ReportScope, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    """The cases of the scope requested in [start, end), spelled for `ix_cases_requested` (a part-month's few
    hundred cases found by their request time; `coalesce(requested_at, created_at)`, as the other reads of the
    period state it, made SQLite scan all of `ix_cases_report` for them, ≈ 35 ms at 100,000 cases)."""
    return [or_(and_(Case.requested_at >= start, Case.requested_at < end),
                and_(Case.requested_at.is_(None), Case.created_at >= start, Case.created_at < end)),
            *scope_filters(scope)]


def _conditions(scope: ReportScope) -> list[ColumnElement[bool]]:
    """`case_conditions`, a shop's orders matched on each entry of the partial index (`+order_id`, SQLite's way of
    keeping an index off a term): through `ix_cases_order_id_is_open` SQLite read every case of the shop's orders
    for the few thousand with open timers (30 ms for a year of one shop's 16,000 cases, against 14)."""
    if scope.shop_id is None:
        return case_conditions(scope)
    conditions = case_conditions(replace(scope, shop_id=None))
    shop_orders = select(Order.id).where(Order.shop_id == scope.shop_id)
    return [*conditions, literal_column("+cases.order_id").in_(shop_orders)]


def _moment_timers(session: Session, scope: ReportScope, moment: datetime) -> dict[tuple[Any, ...], tuple[int, int]]:
    """Per group of the period: the open timers of cases whose every open timer is past the moment, and the cases
    with open timers on both sides of it (`ix_cases_open_timers` alone, in group order)."""
    keys = (Case.platform, Case.kind, Case.reason, Case.responsible)
    stmt = select(
        *keys, func.coalesce(func.sum(case((Case.open_due_last < moment, Case.open_timers), else_=None)), 0),
        func.count(case((and_(Case.open_due_first < moment, Case.open_due_last >= moment), 1), else_=None)),
    ).where(*_conditions(scope), Case.open_due_first.is_not(None)).group_by(*keys)
    return {(p, k, r, s): (int(o), int(st)) for p, k, r, s, o, st in fetch_raw(session, stmt)}


def _resolve_times(session: Session, scope: ReportScope) -> dict[str, str]:
    """Per platform, the seconds to resolve of the period's finished cases, as one text ("," between)
    (`ix_cases_resolve_times` alone; its condition spelled as the index states it, 0 not a parameter)."""
    stmt = select(Case.platform, func.group_concat(Case.resolve_seconds, ",")).where(
        *case_conditions(scope), Case.is_open.is_not(True), Case.resolve_seconds > literal_column("0"),
    ).group_by(Case.platform)
    return {str(p): str(text) for p, text in fetch_raw(session, stmt)}


# --- exactness ----------------------------------------------------------------------------------------------


def stored_case_months(connection: Session | Connection) -> list[tuple[Any, ...]]:
    """Every group and month kept, summed by key, rows of no case left out, sorted (tests compare it with
    `rebuilt_case_months` after every writer)."""
    sums = ", ".join(f"sum({c})" for c in SUMS)
    return _rows(connection, f"SELECT {', '.join(_KEYS)}, {sums} FROM case_months GROUP BY 1, 2, 3, 4, 5, 6 "
                             "HAVING sum(cases) != 0")


def rebuilt_case_months(connection: Session | Connection) -> list[tuple[Any, ...]]:
    """What `case_months` holds, computed again from the cases and their orders' shops."""
    figures = (
        "count(*)", "count(CASE WHEN c.is_open = 1 THEN 1 END)",
        "coalesce(sum(CASE WHEN c.paid_out = 1 THEN c.refund_fen END), 0)",
        "coalesce(sum(CASE WHEN c.paid_out = 1 THEN c.compensation_fen END), 0)",
        "coalesce(sum(c.postage_out_fen), 0) + coalesce(sum(CASE WHEN c.postage_back_payer IS NULL "
        f"OR c.postage_back_payer = '{_MERCHANT}' THEN c.postage_back_fen END), 0)",
        "coalesce(sum(c.written_off_fen), 0)", "coalesce(sum(c.penalty_fen), 0)", "count(c.penalty_fen)",
        "coalesce(sum(c.met_timers), 0)", "coalesce(sum(c.missed_timers), 0)", "coalesce(sum(c.open_timers), 0)",
        "count(c.resolve_seconds)",
        f"coalesce(sum(CASE WHEN c.is_open = 1 AND c.paid_out IS NOT 1 AND c.kind NOT IN ({_SETTLED}) "
        "THEN coalesce(c.refund_fen, 0) + coalesce(c.compensation_fen, 0) END), 0)",
    )
    return _rows(connection, "SELECT c.platform, c.kind, coalesce('=' || c.reason, ''), "
                             f"coalesce('=' || c.responsible, ''), {_MONTH}, coalesce(o.shop_id, -1), "
                             f"{', '.join(figures)} FROM cases c LEFT JOIN orders o ON o.id = c.order_id "
                             "GROUP BY 1, 2, 3, 4, 5, 6")


def _rows(connection: Session | Connection, sql: str) -> list[tuple[Any, ...]]:
    conn = connection.connection() if isinstance(connection, Session) else connection
    return sorted((tuple(row) for row in conn.exec_driver_sql(sql)), key=repr)
