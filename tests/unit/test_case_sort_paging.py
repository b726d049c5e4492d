"""Every sort of the Cases table pages through the same order a full sort gives (issue 15: the
sorts now read indexes in order — next due in two ranges, order-side columns driven by the orders)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from desktop_app.store.case_queries import CaseFilter, CaseOrder, CaseSort, OpenState, case_rows, count_cases
from desktop_app.store.database import Database
from desktop_app.store.models import Case, Order, Shop
from desktop_app.store.rows import CaseRow

BASE = datetime(2026, 6, 1, tzinfo=UTC)
RECEIVERS = ["王伟", "李娜", None, "张敏", "王伟", "陈静"]


@pytest.fixture
def ledger(db: Database) -> Database:
    """57 orders over two shops; 1–2 cases each; some without a next due time or a receiver."""
    with db.transaction() as s:
        s.execute(insert(Shop), [{"id": 1, "platform": "pdd", "name": "乙店"},
                                 {"id": 2, "platform": "pdd", "name": "甲店"}])
        s.execute(insert(Order), [
            {"id": i, "order_key": f"pdd:{i:04d}", "platform": "pdd", "order_no": f"{(i * 37) % 101:04d}",
             "shop_id": 1 + i % 2, "receiver": RECEIVERS[i % len(RECEIVERS)]} for i in range(1, 58)])
        cases, case_id = [], 0
        for order_id in range(1, 58):
            for _ in range(1 + order_id % 2):
                case_id += 1
                cases.append({
                    "id": case_id, "order_id": order_id, "platform": "pdd", "kind": "reship", "status": "pending",
                    "is_open": case_id % 4 != 0,
                    "next_due_at": None if case_id % 3 == 0 else BASE + timedelta(hours=(case_id * 7) % 20),
                    "amount_fen": case_id})
        s.execute(insert(Case), cases)
    return db


def expected(rows: list[CaseRow], column: CaseSort, descending: bool, order_of: dict[int, int]) -> list[int]:
    """The order a person expects: by the column (no timer last), ties by order, then by case."""
    def key(r: CaseRow) -> tuple[object, ...]:
        if column is CaseSort.NEXT_DUE:
            undated = r.next_due_at is None
            stamp = 0.0 if undated else r.next_due_at.timestamp()  # type: ignore[union-attr]
            return (undated, -stamp if descending else stamp, -r.id if descending else r.id)
        value = {CaseSort.RECEIVER: r.receiver, CaseSort.ORDER_NO: r.order_no, CaseSort.SHOP: r.shop}[column]
        sign = -1 if descending else 1
        # NULLs first ascending, last descending (SQLite and PostgreSQL agree on neither; SQLite here).
        return (value is not None, value or "", sign * order_of[r.id], sign * r.id) if not descending else (
            value is None, _Reverse(value or ""), sign * order_of[r.id], sign * r.id)
    return [r.id for r in sorted(rows, key=key)]


class _Reverse:
    def __init__(self, text: str) -> None:
        self.text = text

    def __lt__(self, other: _Reverse) -> bool:
        return self.text > other.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reverse) and self.text == other.text


@pytest.mark.parametrize("column", [CaseSort.NEXT_DUE, CaseSort.RECEIVER, CaseSort.ORDER_NO, CaseSort.SHOP])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("state", [OpenState.OPEN, OpenState.ALL])
def test_pages_follow_the_full_sort(ledger: Database, column: CaseSort, descending: bool, state: OpenState) -> None:
    f = CaseFilter(open_state=state)
    order = CaseOrder(column, descending)
    with ledger.reading() as s:
        total = count_cases(s, f)
        everything = case_rows(s, f, order, 0, 10_000)
        pages = [r.id for offset in range(0, total, 7) for r in case_rows(s, f, order, offset, 7)]
        order_of = {case_id: order_id for case_id, order_id in s.execute(select(Case.id, Case.order_id))}
    assert len(everything) == total
    assert pages == [r.id for r in everything]  # no row lost or repeated at any page boundary
    if column is CaseSort.SHOP:  # NULL shops do not occur here; names sort 甲 after 乙 by code point
        assert [r.shop for r in everything] == sorted((r.shop for r in everything), reverse=descending)
    else:
        assert [r.id for r in everything] == expected(everything, column, descending, order_of)


def test_next_due_puts_cases_without_a_timer_last_both_ways(ledger: Database) -> None:
    with ledger.reading() as s:
        for descending in (False, True):
            rows = case_rows(s, CaseFilter(), CaseOrder(CaseSort.NEXT_DUE, descending), 0, 10_000)
            dated = [r.next_due_at for r in rows if r.next_due_at is not None]
            assert all(r.next_due_at is None for r in rows[len(dated):])
            assert dated == sorted(dated, reverse=descending)
            # A page that starts inside the undated range.
            tail = case_rows(s, CaseFilter(), CaseOrder(CaseSort.NEXT_DUE, descending), len(dated) + 2, 5)
            assert [r.id for r in tail] == [r.id for r in rows[len(dated) + 2:len(dated) + 7]]
