"""Pages read through anchors (store/case_listing.CasePages) are the rows a plain ORDER BY gives at that
offset, for every sort of the Cases table both ways, with empty values and ties, filtered and searched
(issue 15: deep pages of a million cases were OFFSET walks of 1–5 s)."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from desktop_app.store.case_filters import CaseFilter, CaseOrder, CaseSort, OpenState
from desktop_app.store.case_listing import ORDER_SIDE_SORTS, SORT_COLUMNS, CasePages, filter_conditions
from desktop_app.store.case_queries import case_rows, listed_case_ids
from desktop_app.store.database import Database
from desktop_app.store.models import Case, Order, Shop
from desktop_app.store.search import SearchHits, search_hits

BASE = datetime(2026, 6, 1, tzinfo=UTC)
RECEIVERS = ["王伟", "李娜", None, "张敏", "王伟", "陈静", None]
REASONS = ["damaged", None, "lost", "damaged"]
RESPONSIBLE = ["merchant", "merchant", None, "carrier"]


@pytest.fixture
def ledger(db: Database) -> Database:
    """80 orders (three shops, two of one name; some without a shop or a receiver; order numbers shared
    across platforms), 1–3 cases each: every sortable column has empty values and ties."""
    rng = random.Random(15)
    with db.transaction() as s:
        s.execute(insert(Shop), [{"id": 1, "platform": "pdd", "name": "乙店"},
                                 {"id": 2, "platform": "pdd", "name": "甲店"},
                                 {"id": 3, "platform": "taobao", "name": "乙店"}])
        orders, cases, case_id = [], [], 0
        for i in range(1, 81):
            platform = "pdd" if i % 3 else "taobao"
            number = f"{i % 29:04d}"
            receiver = RECEIVERS[i % len(RECEIVERS)]
            orders.append({"id": i, "order_key": f"{platform}:{number}-{i}", "platform": platform, "order_no": number,
                           "shop_id": None if i % 9 == 0 else 1 + i % 3, "receiver": receiver,
                           "search_text": f"{number} {receiver or ''} 1380013{i:04d}"})
            for _ in range(1 + i % 3):
                case_id += 1
                cases.append({
                    "id": case_id, "order_id": i, "platform": platform, "kind": rng.choice(["reship", "refund_only"]),
                    "status": rng.choice(["pending", "processing", "closed", "refunded"]), "is_open": case_id % 4 != 0,
                    "reason": REASONS[case_id % len(REASONS)], "responsible": RESPONSIBLE[case_id % 4],
                    "amount_fen": None if case_id % 7 == 0 else 100 * (case_id % 5),
                    "next_due_at": None if case_id % 3 == 0 else BASE + timedelta(hours=case_id % 6),
                    "updated_at": BASE + timedelta(minutes=case_id % 10)})
        # Shuffled: rowids say nothing about the order of any sort key.
        rng.shuffle(orders)
        s.execute(insert(Order), orders)
        s.execute(insert(Case), cases)
    return db


def plain_order(s: Session, f: CaseFilter, order: CaseOrder, hits: SearchHits | None = None) -> list[int]:
    """One ORDER BY over everything listed: empty values first ascending, last descending; no timer last
    by next due either way; ties by order, then case."""
    # The order's own receiver and number and its shop's name: the copies the listing sorts by (on the case)
    # must give the same.
    column: Any = {CaseSort.RECEIVER: Order.receiver, CaseSort.ORDER_NO: Order.order_no, CaseSort.SHOP: Shop.name}.get(
        order.column, SORT_COLUMNS[order.column])
    stmt = select(Case.id).join(Order, Order.id == Case.order_id).outerjoin(Shop, Shop.id == Order.shop_id)
    conds = filter_conditions(f, s.get_bind().dialect.name, hits=hits)
    ties = [Order.id, Case.id] if order.column in ORDER_SIDE_SORTS else [Case.id]
    if order.column is CaseSort.NEXT_DUE:
        keys = [column.is_(None).asc(), column.desc() if order.descending else column.asc()]
    else:
        keys = [column.desc().nulls_last() if order.descending else column.asc().nulls_first()]
    keys += [t.desc() if order.descending else t.asc() for t in ties]
    return list(s.execute(stmt.where(*conds).order_by(*keys)).scalars())


ORDERS = [CaseOrder(sort, descending) for sort in CaseSort for descending in (False, True)]
FILTERS = {
    "all": CaseFilter(),
    "open": CaseFilter(open_state=OpenState.OPEN),
    "closed": CaseFilter(open_state=OpenState.CLOSED),
    "needs action": CaseFilter(open_state=OpenState.NEEDS_ACTION),
    "kind in one shop": CaseFilter(kind="reship", shop_id=1),
}


@pytest.mark.parametrize("order", ORDERS, ids=lambda o: f"{o.column.value}-{'desc' if o.descending else 'asc'}")
def test_pages_through_anchors_are_the_plain_order(ledger: Database, order: CaseOrder) -> None:
    for name, f in FILTERS.items():
        rng = random.Random(order.column.value + name)
        with ledger.reading() as s:
            expected = plain_order(s, f, order)
            assert len(expected) > 5
            # Scrolled down page by page, then jumps deep and back up (anchors every 4 rows, pages of 7).
            pages = CasePages(f, order, spacing=4)
            scrolled = [i for offset in range(0, len(expected), 7) for i in pages.ids(s, offset, 7)]
            assert scrolled == expected, name
            jumping = CasePages(f, order, spacing=4)
            for offset in [len(expected) - 3, 5, *rng.sample(range(len(expected) + 2), 8)]:
                assert jumping.ids(s, offset, 7) == expected[offset:offset + 7], (name, offset)
            assert jumping.ids(s, len(expected), 7) == []
            assert jumping.ids(s, 0, None) == expected, name
            assert [r.id for r in case_rows(s, f, order, 3, 11)] == expected[3:14], name
            # Given the total, the lower half is read from the end (the listing reversed): the same rows.
            ends = CasePages(f, order, spacing=4)
            total = len(expected)
            for offset in [total - 7, total - 3, total - 1, total, *rng.sample(range(total + 2), 8), 0, total // 2]:
                assert ends.ids(s, offset, 7, total) == expected[offset:offset + 7], (name, offset)
            assert [i for offset in range(total - total % 5, -1, -5) for i in ends.ids(s, offset, 5, total)[::-1]] \
                == expected[::-1], name


@pytest.mark.parametrize("order", ORDERS, ids=lambda o: f"{o.column.value}-{'desc' if o.descending else 'asc'}")
def test_a_search_lists_the_plain_order(ledger: Database, order: CaseOrder) -> None:
    f = CaseFilter(search="王伟")
    with ledger.reading() as s:
        hits = search_hits(s, f.search)
        expected = plain_order(s, f, order, hits)
        assert len(expected) > 10
        assert listed_case_ids(s, f, order, hits) == expected
        pages = CasePages(f, order, hits, spacing=3)
        assert [pages.ids(s, offset, 4) for offset in (9, 0, 5)] == [expected[9:13], expected[0:4], expected[5:9]]


def test_a_page_seen_before_or_below_one_skips_fewer_rows_than_the_spacing(ledger: Database) -> None:
    """Once a depth was walked to, no statement of a page read there, or scrolling on down from it, passes
    more rows than the spacing: a page deep down costs what a page near the top does."""
    offsets: list[int] = []

    def note(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        found = re.search(r"OFFSET (\?|%\((\w+)\)s)", statement)  # SQLite: the last parameter
        if found:
            offsets.append(parameters[-1] if found.group(1) == "?" else parameters[found.group(2)])

    f, order = CaseFilter(), CaseOrder(CaseSort.RECEIVER)
    with ledger.reading() as s:
        expected = plain_order(s, f, order)
        pages = CasePages(f, order, spacing=10)
        seen = list(range(len(expected) - 5, 0, -37))
        for offset in seen:  # each jump walks from the anchor above it, once
            assert pages.ids(s, offset, 5) == expected[offset:offset + 5]
        event.listen(ledger.engine, "before_cursor_execute", note)
        try:
            for offset in [*seen, *range(seen[1], seen[0], 5)]:
                assert pages.ids(s, offset, 5) == expected[offset:offset + 5]
        finally:
            event.remove(ledger.engine, "before_cursor_execute", note)
    assert offsets and max(offsets) < 10 + 5
