"""The returns desk's overdue list (退货入库's count, `returns transit`): the cases waiting for the buyer's return whose
latest 买家寄回 step in force is older than the limit, the longest on the way first — the same on both backends, and
read from the shipping steps' index (migration 0021_transit) instead of every waiting case's row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert

from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent, Case, Order, Shop
from desktop_app.store.return_queries import returns_in_transit

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
LIMIT = NOW - timedelta(days=7)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


# case id → (status, [(days since the 买家寄回 step, undone)]); other steps (a note, another milestone) beside them
CASES: dict[int, tuple[str, list[tuple[float, bool]]]] = {
    1: ("awaiting_return", [(10, False)]),                       # listed, 10 days on the way
    2: ("awaiting_return", [(12, False), (2, False)]),           # shipped again 2 days ago: not yet overdue
    3: ("awaiting_return", [(20, False), (1, True)]),            # the later shipping was taken back: 20 days
    4: ("awaiting_return", []),                                  # never shipped
    5: ("return_received", [(30, False)]),                       # arrived: no longer waiting
    6: ("awaiting_return", [(10, False)]),                       # as long as case 1: after it by id
    7: ("awaiting_return", [(15, True)]),                        # its only shipping taken back
    8: ("awaiting_return", [(9, False), (8, False)]),            # the latest decides: 8 days
    9: ("awaiting_return", [(7 - 1 / 24, False)]),              # an hour inside the limit
}


@pytest.fixture
def waiting(db: Database) -> Database:
    with db.transaction() as s:
        s.execute(insert(Shop), [{"id": 1, "platform": "taobao", "name": "甲店"}])
        s.execute(insert(Order), [{"id": i, "order_key": f"taobao:{i}", "platform": "taobao", "order_no": f"41{i:05d}",
                                   "receiver": f"王{i}", "shop_id": 1, "search_text": f"41{i:05d}"} for i in CASES])
        s.execute(insert(Case), [{"id": i, "order_id": i, "platform": "taobao", "kind": "return_refund",
                                  "status": status, "is_open": True} for i, (status, _) in CASES.items()])
        events: list[dict[str, Any]] = []
        for case_id, (_, steps) in CASES.items():
            events.append({"case_id": case_id, "subject": "case", "subject_id": case_id, "kind": "created",
                           "milestone": "requested", "at": days_ago(40)})
            events.append({"case_id": case_id, "subject": "case", "subject_id": case_id, "kind": "note",
                           "note": "买家说已寄出", "at": days_ago(0.5)})
            events.extend({"case_id": case_id, "subject": "case", "subject_id": case_id, "kind": "action",
                           "action": "buyer_shipped_return", "milestone": "return_shipped", "at": days_ago(days),
                           "undone_by": 999 if undone else None} for days, undone in steps)
        s.execute(insert(AuditEvent), events)
    return db


def test_the_overdue_list_holds_the_cases_whose_latest_shipping_is_older_than_the_limit(waiting: Database) -> None:
    with waiting.reading() as s:
        rows = returns_in_transit(s, LIMIT)
        first_two = returns_in_transit(s, LIMIT, limit=2)
    assert [(r.id, r.return_shipped_at) for r in rows] == [
        (3, days_ago(20)), (1, days_ago(10)), (6, days_ago(10)), (8, days_ago(8))]
    assert [(r.order_no, r.shop, r.status) for r in rows][:2] == [("4100003", "甲店", "awaiting_return"),
                                                                   ("4100001", "甲店", "awaiting_return")]
    assert [r.id for r in first_two] == [3, 1]


def test_the_overdue_list_is_read_from_the_shipping_steps_index(waiting: Database) -> None:
    if waiting.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan")
    seen: list[tuple[str, Any]] = []

    def note(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        seen.append((statement, parameters))

    with waiting.reading() as s:
        event.listen(waiting.engine, "before_cursor_execute", note)
        try:
            returns_in_transit(s, LIMIT)
        finally:
            event.remove(waiting.engine, "before_cursor_execute", note)
        statement, parameters = seen[0]
        cursor = s.connection().connection.cursor()
        plan = " ".join(str(r) for r in cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall())
    # The latest shipping per case and the cases that have one, from the index alone (no statistics: as most
    # ledgers are); before, every waiting case's row was read and its steps looked up by case.
    assert "USING COVERING INDEX ix_audit_events_milestone_case_id" in plan, plan
