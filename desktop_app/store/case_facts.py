"""What the 统计 dashboard reads on the case row instead of joining other tables (migration 0007_dash),
who keeps each column right, and how to compute them all again from the tables they copy.

- `met_timers`, `missed_timers`, `open_timers`, `open_due_first`, `open_due_last`: the case's
  platform timers (deadlines without a claim) by status, and the earliest and latest due time of the
  open ones, not counting an open answer the platform settles by itself when it runs out
  (`Deadline.automatic`: never overdue, no work once it ran out) nor one a later platform action ends
  (`met_at` on an open row). Kept by the deadline engine, the only
  writer of those rows (`services.deadlines`), which every case write calls.
- `resolve_seconds`: from the request to the case's latest action. Kept by every case action
  (`services.cases.apply_action`: acting, bulk actions, the returns desk, reship and claim steps that
  act on the case, imports moving a case) and by an after-sales import's new cases
  (`services.case_import`).
- `carrier`: the courier of the case's order. Kept by a new case (`services.cases.open_case`,
  `services.case_import`) and by every order import that writes an order (`store.order_upsert`).
- `goods` (migration 0008_dash), on the order and copied onto its cases: the order's lines as one
  string (`GOODS_LINE`: product key, title and quantity of each line), so the products figure groups
  the cases of a period, and pieces sold groups the orders paid in it, by this column instead of
  joining every case and order to its lines. Kept by the store for every writer of order lines and
  cases: the order import (`store.order_upsert`, after it wrote an order's lines), the bulk inserts of
  `store.bulk_rows` (an after-sales import's lines and cases) and, for the ORM, a listener on every
  flush (`keep_goods`: a new case, lines added or changed) — `refresh_goods` of the orders touched,
  which also recomputes what the months those orders were paid in sold (`store.order_sales`).

- `paid_out` (migration 0017_money): the buyer was paid the case's refund or compensation (a step of
  `core.case_costs.PAID_MILESTONES` in force). Kept by every case action (`services.case_writes.apply_action`)
  and by an after-sales import's new cases; never cleared (those steps are never undone).

An undo keeps `resolve_seconds`: the dashboard counts the latest action, taken back or not, as it
did when it read the events. A change of kind, a cost edit, a claim or reship write changes none of
these columns (the timers they move are rewritten by the deadline engine they call).
`recompute_case_facts` fills them from scratch (tests compare it with what the writers kept; the
benchmark's ledger is inserted without the writers).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from itertools import chain
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    ScalarSelect,
    String,
    Update,
    and_,
    bindparam,
    cast,
    event,
    func,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.orm import InstanceState, Session, UOWTransaction, sessionmaker

from desktop_app.core.case_costs import PAID_MILESTONES
from desktop_app.store.models import AuditEvent, Case, Deadline, Order, OrderItem
from desktop_app.store.order_sales import paid_span, recompute_sales, widen

FACT_COLUMNS = ("met_timers", "missed_timers", "open_timers", "open_due_first", "open_due_last", "resolve_seconds",
                "carrier", "goods", "paid_out")


def _goods_line() -> ColumnElement[str]:
    """One order line as `goods` holds it: `<n>:<key><m>:<title><quantity>;` with n and m the lengths
    in characters of the product key (商家编码, else the title) and the title — unambiguous whatever the
    texts hold, and the same on both databases (`length` counts characters on each)."""
    key = func.coalesce(func.nullif(OrderItem.sku_code, ""), OrderItem.title)
    return (cast(func.length(key), String) + ":" + key + cast(func.length(OrderItem.title), String) + ":"
            + OrderItem.title + cast(OrderItem.quantity, String) + ";")


def order_goods() -> ScalarSelect[Any]:
    """The goods string of the order of the row being updated, its lines in order (NULL without lines)."""
    orders = Order.__table__
    lines = (select(_goods_line().label("line")).where(OrderItem.order_id == orders.c.id)
             .order_by(OrderItem.position, OrderItem.id).correlate(orders).subquery())
    return select(func.aggregate_strings(lines.c.line, "")).correlate(orders).scalar_subquery()


def goods_text(lines: Iterable[tuple[str | None, str, int]]) -> str | None:
    """`order_goods` of lines given as (商家编码, title, quantity) in their order, in Python (the order import
    writes a new order's goods with the order itself)."""
    text = "".join(f"{len(key)}:{key}{len(title)}:{title}{quantity};"
                   for sku, title, quantity in lines for key in (sku or title,))
    return text or None


def refresh_goods(connection: Connection, order_ids: Iterable[int | None], lines: bool = True) -> None:
    """Bring the goods of these orders (after their lines were written; `lines=False`: only new cases
    were) and of their cases up to date."""
    ids = sorted({i for i in order_ids if i is not None})
    span: tuple[Any, Any] = (None, None)
    for start in range(0, len(ids), 500):
        for statement in goods_refresh(ids[start:start + 500])[0 if lines else 1:]:
            connection.execute(statement)
        if lines:
            span = widen(span, *paid_span(connection, ids[start:start + 500]))
    if span[0] is not None:
        recompute_sales(connection, *span)  # what the months of paid orders sold


def keep_goods(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """The session factory, its flushes keeping `goods` right: order lines added, changed or deleted, and
    cases added or moved to another order, through the ORM (bulk writers call `refresh_goods`)."""
    event.listen(sessions, "after_flush", _goods_flushed)
    return sessions


def _goods_flushed(session: Session, _flush: UOWTransaction) -> None:
    lines: set[int | None] = set()  # orders whose lines changed
    cases: set[int | None] = set()  # orders with a new case, or a case moved to them
    for row in chain(session.new, session.deleted):
        if isinstance(row, OrderItem):
            lines.add(row.order_id)
        elif isinstance(row, Case) and row in session.new:
            cases.add(row.order_id)
    for row in session.dirty:
        if isinstance(row, OrderItem | Case):
            state: InstanceState[Any] = inspect(row)
            history = state.attrs.order_id.history
            if isinstance(row, OrderItem) and session.is_modified(row):
                lines.update((row.order_id, *(history.deleted or ())))
            elif isinstance(row, Case) and history.has_changes():
                cases.add(row.order_id)
    if lines - {None}:
        refresh_goods(session.connection(), lines)
    if cases - lines - {None}:
        refresh_goods(session.connection(), cases - lines, lines=False)


def goods_refresh(order_ids: Any) -> list[Update]:
    """The statements giving these orders (ids or a SELECT of ids) the goods of their lines as stored
    now, then their cases their order's. The orders are rewritten (their lines were just written: comparing
    first cost an import more than the write), cases only where their copy differs."""
    orders, cases = Order.__table__, Case.__table__
    own = select(orders.c.goods).where(orders.c.id == cases.c.order_id).scalar_subquery()
    return [
        update(orders).where(orders.c.id.in_(order_ids)).values(goods=order_goods(), updated_at=orders.c.updated_at),
        update(cases).where(cases.c.order_id.in_(order_ids), func.coalesce(cases.c.goods, "") != func.coalesce(own, ""))
        .values(goods=own),
    ]


def resolve_seconds(requested: datetime, acted: datetime) -> int:
    """Whole seconds from the request to an action."""
    return round((acted - requested).total_seconds())


def later_resolve(stored: int | None, requested: datetime, acted: datetime) -> int:
    """`resolve_seconds` after one more action: the latest action counts (a back-dated one may be earlier)."""
    seconds = resolve_seconds(requested, acted)
    return seconds if stored is None else max(stored, seconds)


def carrier_copy(order_ids: Any) -> Update:
    """The statement giving the cases of these orders (ids or a SELECT of ids) their order's courier;
    cases already holding it are not rewritten."""
    cases = Case.__table__
    carrier = select(Order.__table__.c.carrier).where(Order.__table__.c.id == cases.c.order_id).scalar_subquery()
    return (update(cases).where(cases.c.order_id.in_(order_ids),
                                func.coalesce(cases.c.carrier, "") != func.coalesce(carrier, ""))
            .values(carrier=carrier))


def recompute_case_facts(session: Session, case_ids: Iterable[int] | None = None) -> None:
    """Every fact column of these cases (all when None) computed again from the tables it copies."""
    ids = None if case_ids is None else list(case_ids)
    where = [] if ids is None else [Case.id.in_(ids)]
    order_where = [] if ids is None else [Order.id.in_(select(Case.order_id).where(*where))]
    session.execute(update(Order).where(*order_where).values(goods=order_goods(), updated_at=Order.updated_at)
                    .execution_options(synchronize_session=False))
    session.execute(update(Case).where(*where).values(
        goods=select(Order.goods).where(Order.id == Case.order_id).scalar_subquery(),
        carrier=select(Order.carrier).where(Order.id == Case.order_id).scalar_subquery(),
        met_timers=0, missed_timers=0, open_timers=0, open_due_first=None, open_due_last=None, resolve_seconds=None,
        paid_out=Case.id.in_(select(AuditEvent.case_id).where(
            AuditEvent.subject == "case", AuditEvent.milestone.in_(sorted(PAID_MILESTONES)),
            AuditEvent.undone_by.is_(None), AuditEvent.case_id.is_not(None))),
    ).execution_options(synchronize_session=False))
    # The timers in one grouped read, as migration 0007_dash fills them: min/max(due_at) per case as
    # correlated subqueries made SQLite walk ix_deadlines_status_due_at through every open deadline for
    # each case on a ledger not yet ANALYZEd (quadratic: 4 minutes for 10,000 cases).
    case_where = [] if ids is None else [Deadline.case_id.in_(ids)]
    grouped = session.execute(
        select(Deadline.case_id, Deadline.status, func.count(), func.min(Deadline.due_at), func.max(Deadline.due_at))
        .where(Deadline.case_id.is_not(None), Deadline.claim_id.is_(None),
               Deadline.status.in_(("met", "missed", "open")),
               or_(Deadline.status != "open", and_(Deadline.automatic.is_(False), Deadline.met_at.is_(None))),
               *case_where)
        .group_by(Deadline.case_id, Deadline.status))
    facts: dict[int | None, dict[str, Any]] = {}
    for case_id, status, number, earliest, latest in grouped:
        fact = facts.setdefault(case_id, {"b_id": case_id, "b_met": 0, "b_missed": 0, "b_open": 0, "b_first": None,
                                          "b_last": None})
        fact[f"b_{status}"] = number
        if status == "open":
            fact["b_first"], fact["b_last"] = earliest, latest
    cases = Case.__table__
    if facts:
        session.execute(update(cases).where(cases.c.id == bindparam("b_id")).values(
            met_timers=bindparam("b_met"), missed_timers=bindparam("b_missed"), open_timers=bindparam("b_open"),
            open_due_first=bindparam("b_first"), open_due_last=bindparam("b_last")), list(facts.values()))
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
            update(cases).where(cases.c.id == bindparam("b_id"))
            .values(resolve_seconds=bindparam("b_seconds")), values)
    session.expire_all()


def stored_case_facts(session: Session) -> dict[int, tuple[Any, ...]]:
    """case id → its fact columns as stored (for comparing with `recompute_case_facts`)."""
    columns = [getattr(Case, name) for name in FACT_COLUMNS]
    return {row[0]: tuple(row[1:]) for row in session.execute(select(Case.id, *columns))}
