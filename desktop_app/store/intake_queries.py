"""What an after-sales import reads and writes in bulk: cases by platform number, orders by number,
each case's timeline milestones, the deadlines computed for them, and the inserts of new cases,
placeholder orders, their goods and the new cases' events. Chunked IN lists keep every query far
below the database's parameter limit; inserts go as one executemany each (`bulk_rows`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from desktop_app.store.bulk_rows import insert_rows
from desktop_app.store.case_upsert import fetch_in
from desktop_app.store.change_tracking import mark_tables_written
from desktop_app.store.in_lists import in_lists
from desktop_app.store.models import AuditEvent, Case, Deadline, Order, OrderItem, Reship, UtcDateTime
from desktop_app.store.stored_values import stored_time_or_none

# SQLite's page cache during an import (KiB; SQLite's default is 2,000). A new case touches a page of
# each of the cases table's 14 indexes: with the default cache those pages were spilled to the WAL and
# read back again and again (50,000 new cases into 20,000: their insert 9.8–13.3 s → 5.0–6.4 s wall,
# 2.5 → 1.6 s CPU, measured under load; the whole import about −40 % wall, +32 MB peak).
IMPORT_CACHE_KIB = 32_768
_DEFAULT_CACHE_KIB = 2_000


@contextmanager
def import_cache(session: Session) -> Iterator[None]:
    """A larger page cache on SQLite for the import's transaction, the default again after it (the
    connection goes back to the pool). Other databases size their cache themselves."""
    if session.connection().dialect.name != "sqlite":
        yield
        return
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
        yield
    finally:
        with suppress(sqlite3.Error):  # a broken connection: the import's own error is the one to see
            cursor.execute(f"PRAGMA cache_size=-{_DEFAULT_CACHE_KIB}")
        cursor.close()


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """A stored case as the import compares it with the platform's row."""

    id: int
    platform: str
    kind: str
    reason: str | None
    status: str
    refund_fen: int | None
    compensation_fen: int | None
    amount_fen: int | None
    platform_status: str | None
    platform_reason: str | None
    platform_due_at: datetime | None
    return_carrier: str | None
    return_tracking_no: str | None
    requested_at: datetime | None
    paid_out: bool

    def get(self, column: str) -> Any:
        return getattr(self, column)


# Core columns, not the ORM's attributes: a re-import reads 50,000 cases and the ORM's row loading
# cost three times the query (measured).
_CASES = Case.__table__
_FACT_COLUMNS = [_CASES.c[name] for name in CaseFacts.__slots__]  # type: ignore[attr-defined]
_FACT_TIMES = [i for i, column in enumerate(_FACT_COLUMNS) if isinstance(column.type, UtcDateTime)]  # read as stored


def case_facts_by_key(session: Session, keys: Iterable[str]) -> dict[str, CaseFacts]:
    found: dict[str, CaseFacts] = {}
    key_column = _CASES.c.platform_case_key
    for key, *values in fetch_in(session, [key_column, *_FACT_COLUMNS], key_column, keys):
        for position in _FACT_TIMES:
            values[position] = stored_time_or_none(values[position])
        found[str(key)] = CaseFacts(*values)
    return found


def case_ids_by_key(session: Session, keys: Iterable[str]) -> dict[str, int]:
    key_column = _CASES.c.platform_case_key
    return {str(key): case_id for key, case_id in fetch_in(session, [key_column, _CASES.c.id], key_column, keys)}


def typed_open_cases(session: Session, order_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """order id → its open cases without a platform after-sales number (typed by the shop), as
    (case id, kind), oldest first."""
    found: dict[int, list[tuple[int, str]]] = {}
    for chunk in in_lists(sorted(set(order_ids))):
        rows = session.execute(
            select(_CASES.c.order_id, _CASES.c.id, _CASES.c.kind)
            .where(_CASES.c.order_id.in_(chunk), _CASES.c.is_open.is_(True), _CASES.c.platform_case_key.is_(None))
            .order_by(_CASES.c.id))
        for order_id, case_id, kind in rows:
            found.setdefault(order_id, []).append((case_id, kind))
    return found


_ORDERS = Order.__table__


@dataclass(frozen=True, slots=True)
class OrderRef:
    id: int
    imported: bool
    carrier: str | None = None


def order_refs_by_key(session: Session, keys: Iterable[str]) -> dict[str, OrderRef]:
    columns = [_ORDERS.c.order_key, _ORDERS.c.id, _ORDERS.c.imported_at.is_not(None), _ORDERS.c.carrier]
    return {key: OrderRef(order_id, bool(imported), carrier)
            for key, order_id, imported, carrier in fetch_in(session, columns, _ORDERS.c.order_key, keys)}


def paid_by_key(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """What the buyer paid for each of these orders, where an order export said it."""
    columns = [_ORDERS.c.order_key, _ORDERS.c.paid_fen]
    return {key: paid for key, paid in fetch_in(session, columns, _ORDERS.c.order_key, keys) if paid is not None}


def orders_with_items(session: Session, order_ids: Iterable[int]) -> set[int]:
    found: set[int] = set()
    for chunk in in_lists(order_ids):
        found.update(session.scalars(select(OrderItem.order_id).where(OrderItem.order_id.in_(chunk)).distinct()))
    return found


Keyed = type[Case] | type[Order] | type[Reship]


def insert_returning_keys(session: Session, model: Keyed, key_column: str,
                          rows: Sequence[Mapping[str, Any]]) -> dict[Any, int]:
    """Insert rows (one executemany) and map each row's key to its new id. The ids are read back by
    key: SQLAlchemy's batched INSERT … RETURNING splices every batch's rows into the ones before
    (quadratic: 10 s for 5,000 cases, measured)."""
    if not rows:
        return {}
    insert_rows(session, model, rows)
    return _ids_by_key(session, model, key_column, rows)


def _ids_by_key(session: Session, model: Keyed, key_column: str, rows: Sequence[Mapping[str, Any]]) -> dict[Any, int]:
    table = model.__table__
    key = table.c[key_column]
    found: dict[Any, int] = {}
    for chunk in in_lists(row[key_column] for row in rows):
        found.update({k: i for k, i in session.execute(select(key, table.c.id).where(key.in_(chunk)))})
    return found


def insert_placeholder_orders(session: Session, rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """`insert_returning_keys` for placeholder orders. On a server another seat may have added one of them
    since it was looked for (a case typed by hand for the same order): that row is kept and its id
    returned, where the insert failed on the unique key. (On SQLite the import holds the write lock.)"""
    if not rows or session.get_bind().dialect.name != "postgresql":
        return insert_returning_keys(session, Order, "order_key", rows)
    mark_tables_written(session, "orders")
    session.execute(postgresql.insert(Order.__table__).on_conflict_do_nothing(index_elements=["order_key"]),
                    list(rows))
    return _ids_by_key(session, Order, "order_key", rows)


def order_items_by_order(session: Session, order_ids: Iterable[int]) -> dict[int, list[tuple[str, str | None, int]]]:
    """order id → its goods (title, spec, quantity) in order."""
    found: dict[int, list[tuple[str, str | None, int]]] = {}
    for chunk in in_lists(order_ids):
        rows = session.execute(select(OrderItem.order_id, OrderItem.title, OrderItem.spec, OrderItem.quantity)
                               .where(OrderItem.order_id.in_(chunk)).order_by(OrderItem.position, OrderItem.id))
        for order_id, title, spec, quantity in rows:
            found.setdefault(order_id, []).append((title, spec, quantity))
    return found


_EVENTS = AuditEvent.__table__


@dataclass
class CaseHistory:
    milestones: set[str] = field(default_factory=set)
    latest: datetime | None = None  # the time of the latest event on the timeline
    reached: dict[str, datetime] = field(default_factory=dict)  # each milestone's latest time


def case_history(session: Session, case_ids: Iterable[int]) -> dict[int, CaseHistory]:
    """What each case's timeline holds: its milestones and the time of its latest event (grouped in
    the database: a re-import asks this of tens of thousands of cases)."""
    found: dict[int, CaseHistory] = {}
    case_id, at, milestone = _EVENTS.c.case_id, _EVENTS.c.at, _EVENTS.c.milestone
    for chunk in in_lists(case_ids):
        of_cases = and_(case_id.in_(chunk), _EVENTS.c.subject == "case", _EVENTS.c.undone_by.is_(None))
        for found_id, latest in session.execute(select(case_id, func.max(at)).where(of_cases).group_by(case_id)):
            found[found_id] = CaseHistory(latest=latest)
        for found_id, name, when in session.execute(
            select(case_id, milestone, func.max(at)).where(of_cases, milestone.is_not(None))
            .group_by(case_id, milestone)
        ):
            found[found_id].milestones.add(name)
            found[found_id].reached[name] = when
    return found


def case_deadlines(session: Session, case_ids: Sequence[int]) -> dict[int, list[tuple[str, datetime, str]]]:
    """case id → (timer id, due, status) of every deadline computed for it."""
    found: dict[int, list[tuple[str, datetime, str]]] = {}
    for chunk in in_lists(case_ids):
        rows = session.execute(
            select(Deadline.case_id, Deadline.timer_id, Deadline.due_at, Deadline.status)
            .where(Deadline.case_id.in_(chunk))
        )
        for case_id, timer_id, due_at, status in rows:
            if case_id is not None:
                found.setdefault(case_id, []).append((timer_id, due_at, status))
    return found
