"""The Cases table's first screen of a ledger file, read with the sqlite3 driver alone (issue 15).

Importing SQLAlchemy and the models takes longer than a shop owner should wait for the window's first
screen. So, before they are imported, the window reads what that screen shows — how many open cases
there are and the first page of them in the table's sort order, no search, no filter (how the table
always starts) — with these few statements, read-only, and shows it; the ledger then opens the usual
way and everything after (the next pages, a search, another sort) goes through case_queries.

The rows are the ones `case_queries.count_cases` and `case_rows` return for the same filter and sort
(tests/unit/test_first_page.py compares both on every sort). A file that cannot be read this way —
missing, not SQLite, an older schema, locked — gives None, and the window waits for the usual path.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from desktop_app.core.deadline_display import OpenTimer
from desktop_app.store.case_filters import CaseOrder, CaseSort
from desktop_app.store.rows import CaseRow

_ROW_COLUMNS = (
    "cases.id, cases.platform, shops.name, orders.order_no, orders.receiver, cases.kind, cases.reason, "
    "cases.status, cases.amount_fen, cases.responsible, cases.next_due_at, cases.next_due_name, "
    "cases.updated_at, cases.is_open, cases.platform_case_no, cases.requested_at, cases.platform_status, "
    "cases.platform_due_at, orders.phone"
)
_TIMES = (10, 12, 15, 17)  # next_due_at, updated_at, requested_at, platform_due_at
_FLAGS = (13,)  # is_open
_SORT_COLUMNS = {
    CaseSort.PLATFORM: "cases.platform", CaseSort.SHOP: "cases.sort_shop", CaseSort.ORDER_NO: "cases.sort_order_no",
    CaseSort.RECEIVER: "cases.sort_receiver", CaseSort.KIND: "cases.kind", CaseSort.REASON: "cases.reason",
    CaseSort.STATUS: "cases.status", CaseSort.AMOUNT: "cases.amount_fen", CaseSort.RESPONSIBLE: "cases.responsible",
    CaseSort.NEXT_DUE: "cases.next_due_at", CaseSort.UPDATED: "cases.updated_at", CaseSort.ID: "cases.id",
}
_ORDER_SIDE = frozenset({CaseSort.SHOP, CaseSort.ORDER_NO, CaseSort.RECEIVER})
# The open cases, counted as every case less the closed ones, in one statement (one snapshot): SQLite
# counts a whole table from its b-tree pages without decoding an entry, and the closed cases are the
# fewer. `is_open IS 1` walked every open case's entry of an index keyed on a timestamp: this read took
# 40 ms CPU against 19 at 760,000 cases (bench/README "Session 23 (million)"); the launch waits for it.
_OPEN_COUNT = "SELECT (SELECT count(*) FROM cases) - (SELECT count(*) FROM cases WHERE cases.is_open IS 0)"
_JOIN_ORDERS = " JOIN orders ON orders.id = cases.order_id"
_JOIN_SHOPS = " LEFT OUTER JOIN shops ON shops.id = orders.shop_id"


@dataclass(frozen=True, slots=True)
class FirstPage:
    """The open cases' count, their first rows in `order`, and whether the ledger has any case at all
    (an empty ledger shows its welcome page, a ledger of closed cases the empty table)."""

    order: CaseOrder
    total: int
    rows: tuple[CaseRow, ...]
    any_case: bool


def read_first_page(path: Path, order: CaseOrder, limit: int) -> FirstPage | None:
    """The open cases' first `limit` rows in `order`, or None when the file cannot be read this way."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1, check_same_thread=False)
    except sqlite3.Error:
        return None
    try:
        total = int(conn.execute(_OPEN_COUNT).fetchone()[0])
        ids = _page_ids(conn, order, limit) if total else []
        rows = _rows_of(conn, ids)
        any_case = total > 0 or conn.execute("SELECT EXISTS (SELECT 1 FROM cases)").fetchone()[0] == 1
    except (sqlite3.Error, ValueError):  # not a ledger, an older schema, a stored value of another shape
        return None
    finally:
        conn.close()
    return FirstPage(order, total, tuple(rows), any_case)


def _page_ids(conn: sqlite3.Connection, order: CaseOrder, limit: int) -> list[int]:
    """As case_listing.CasePages for the open cases: ties by order then case for the order-side sorts (their
    keys carried on the case); cases without a timer after the dated ones. The open state is a term on an
    expression where the sort's index holds `is_open` after its key (case_listing.filter_conditions): SQLite
    without statistics would read the open cases through 更新时间's index and sort them all."""
    direction = " DESC" if order.descending else " ASC"
    column = _SORT_COLUMNS[order.column]
    if order.column in _ORDER_SIDE:
        keys = (column, "cases.order_id", "cases.id")
        sql = (f"SELECT cases.id FROM cases WHERE coalesce(cases.is_open, 0) IS 1 "
               f"ORDER BY {', '.join(k + direction for k in keys)} LIMIT ? OFFSET 0")
        return [r[0] for r in conn.execute(sql, (limit,))]
    if order.column is not CaseSort.NEXT_DUE:
        is_open = "cases.is_open" if order.column is CaseSort.UPDATED else "coalesce(cases.is_open, 0)"
        sql = (f"SELECT cases.id FROM cases WHERE {is_open} IS 1 "
               f"ORDER BY {column}{direction}, cases.id{direction} LIMIT ? OFFSET 0")
        return [r[0] for r in conn.execute(sql, (limit,))]
    dated = (f"SELECT cases.id FROM cases WHERE cases.is_open IS 1 AND cases.next_due_at IS NOT NULL "
             f"ORDER BY cases.next_due_at{direction}, cases.id{direction} LIMIT ? OFFSET 0")
    ids = [r[0] for r in conn.execute(dated, (limit,))]
    if len(ids) == limit:
        return ids
    undated = (f"SELECT cases.id FROM cases WHERE cases.is_open IS 1 AND cases.next_due_at IS NULL "
               f"ORDER BY cases.id{direction} LIMIT ? OFFSET 0")
    return ids + [r[0] for r in conn.execute(undated, (limit - len(ids),))]


def _rows_of(conn: sqlite3.Connection, ids: list[int]) -> list[CaseRow]:
    if not ids:
        return []
    sql = (f"SELECT {_ROW_COLUMNS} FROM cases{_JOIN_ORDERS}{_JOIN_SHOPS} "
           f"WHERE cases.id IN ({', '.join('?' * len(ids))})")
    found: dict[int, CaseRow] = {}
    timers = _open_timers(conn, ids)
    for stored in conn.execute(sql, ids):
        values = list(stored)
        for i in _TIMES:
            if values[i] is not None:
                values[i] = _utc(values[i])
        for i in _FLAGS:
            if values[i] is not None:
                values[i] = bool(values[i])
        found[values[0]] = CaseRow(*values, timers=tuple(timers.get(values[0], ())))  # type: ignore[misc]
    return [found[i] for i in ids if i in found]


def _open_timers(conn: sqlite3.Connection, ids: list[int]) -> dict[int, list[OpenTimer]]:
    """As deadline_lists.open_timers_of (by the case index, the status tested here): the cases' open
    platform timers in the engine's order."""
    sql = ("SELECT case_id, due_at, name, automatic, met_at, status, estimated FROM deadlines "
           f"WHERE case_id IN ({', '.join('?' * len(ids))}) AND claim_id IS NULL ORDER BY case_id, due_at, timer_id")
    found: dict[int, list[OpenTimer]] = {}
    for case_id, due_at, name, automatic, ends_at, status, estimated in conn.execute(sql, ids):
        if status == "open":
            found.setdefault(case_id, []).append(OpenTimer(
                _utc(due_at), name, bool(automatic), None if ends_at is None else _utc(ends_at), bool(estimated)))
    return found


def _utc(stored: str) -> datetime:
    """Stored as naive UTC text (models.UtcDateTime): aware UTC out, as the ORM reads them."""
    return datetime.fromisoformat(stored).replace(tzinfo=UTC)
