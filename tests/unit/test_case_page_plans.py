"""Every sort of the Cases table's open list, closed list and whole ledger is read from one index alone (the
same index for the three lists: `is_open` is tested on its entries): no temporary B-tree (a sort of every
listed case), no case row read per listed entry, no join (issue 15: a first visit of a deep page walked the
orders' index with a join probe per order, or a case row per entry to test `is_open`: 0.3–1.1 s CPU at a
million cases; now 20–70 ms). 编号 reads the table itself in id order."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, insert

from desktop_app.services.search_index import catch_up
from desktop_app.store.case_filters import CaseFilter, CaseOrder, CaseSort, OpenState
from desktop_app.store.case_listing import FILTERED_WALK_STRIDE, WALK_STRIDE, CasePages
from desktop_app.store.case_queries import count_cases
from desktop_app.store.database import Database, open_database
from desktop_app.store.first_page import read_first_page
from desktop_app.store.models import Case, Order, Shop
from desktop_app.store.search import SearchHits, search_hits


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger as the app keeps it: no planner statistics (the app never runs ANALYZE)."""
    path = tmp_path_factory.mktemp("plans") / "ledger.sqlite3"
    db = open_database(path)
    with db.transaction() as s:
        s.execute(insert(Shop), [{"id": 1, "platform": "pdd", "name": "甲店"}])
        s.execute(insert(Order), [{"id": i, "order_key": f"pdd:{i}", "platform": "pdd", "order_no": f"{i:05d}",
                                   "receiver": f"王{i % 7}" if i % 5 else None, "shop_id": 1 if i % 3 else None,
                                   "search_text": f"{i:05d} 王{i % 7}" if i % 5 else f"{i:05d}"}
                                  for i in range(1, 301)])
        s.execute(insert(Case), [{"id": i, "order_id": 1 + i % 300, "platform": "pdd", "kind": "reship",
                                  "status": "pending", "is_open": i % 4 != 0, "amount_fen": i % 11,
                                  "next_due_at": None if i % 3 else datetime(2026, 12, 1 + i % 20, tzinfo=UTC)}
                                 for i in range(1, 601)])
    catch_up(db)
    db.close()
    return path


def _plans(db: Database, f: CaseFilter, order: CaseOrder, hits: SearchHits | None = None, offset: int = 125,
           limit: int | None = 20) -> set[str]:
    """The plan steps of every statement a page runs (deep down: walk and page)."""
    seen: list[tuple[str, Any]] = []

    def note(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        seen.append((statement, parameters))

    with db.reading() as s:
        event.listen(db.engine, "before_cursor_execute", note)
        try:
            assert CasePages(f, order, hits, spacing=20).ids(s, offset, limit)
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
    assert seen
    with sqlite3.connect(db.path) as conn:  # type: ignore[arg-type]
        return {row[3] for statement, parameters in seen
                for row in conn.execute("EXPLAIN QUERY PLAN " + statement, parameters)}


@pytest.mark.parametrize("state", [OpenState.OPEN, OpenState.CLOSED, OpenState.ALL])
def test_every_sort_reads_pages_from_one_index_alone(ledger: Path, state: OpenState) -> None:
    db = open_database(ledger, check_seconds=0)
    try:
        for column in CaseSort:
            for descending in (False, True):
                steps = _plans(db, CaseFilter(open_state=state), CaseOrder(column, descending))
                on_cases = {p for p in steps if " cases " in f"{p} "}
                name = (state.value, column.value, descending)
                assert not any("TEMP B-TREE" in p for p in steps), (name, steps)
                assert not any(" orders" in p or " shops" in p for p in steps), (name, steps)
                if column is CaseSort.ID:  # the table itself, in id order (40–65 ms to its end at a million cases)
                    assert all("PRIMARY KEY" in p or p == "SCAN cases" for p in on_cases), (name, steps)
                else:
                    assert on_cases and all("COVERING INDEX" in p for p in on_cases), (name, steps)
    finally:
        db.close()


NARROW = {"search": CaseFilter(search="王1"), "one order": CaseFilter(order_id=8),
          "listed cases": CaseFilter(case_ids=frozenset({3, 50, 77, 301, 555}))}


@pytest.mark.parametrize("state", [OpenState.OPEN, OpenState.ALL])
@pytest.mark.parametrize("name", list(NARROW))
def test_a_narrow_filter_looks_its_cases_up_whatever_the_sort(ledger: Path, state: OpenState, name: str) -> None:
    """A search's cases (one order's, a list of cases) are looked up by their orders (ids) and sorted, never
    found by walking a sort index and testing each entry (on a ledger without statistics a search sorted by
    平台 walked every open case; by 下一个时限, every open case without a timer: 0.2–0.4 s a keystroke at a
    million cases)."""
    db = open_database(ledger, check_seconds=0)
    try:
        f = replace(NARROW[name], open_state=state)
        hits = None
        if f.search:
            with db.reading() as s:
                hits = search_hits(s, f.search)
            assert hits.order_ids
        for column in CaseSort:
            for descending in (False, True):
                steps = _plans(db, f, CaseOrder(column, descending), hits, offset=0, limit=None)
                on_cases = {p for p in steps if p.startswith(("SEARCH cases", "SCAN cases"))}
                assert on_cases, (column, steps)
                assert all("ix_cases_order_id_is_open" in p or "PRIMARY KEY" in p for p in on_cases), (column, steps)
    finally:
        db.close()


def test_a_walk_that_reads_case_rows_takes_short_strides(ledger: Path) -> None:
    """A filter the sort's index does not hold (a platform …) reads a case row per entry walked: its walk
    notes an anchor every FILTERED_WALK_STRIDE spacings, so that a range ending within a step (下一个时限's
    dated cases) is walked again to be counted over a few spacings, not 256 (1.2 → 1.8 s CPU for the last
    page of one platform's open cases at a million cases). The plain list keeps its long strides."""
    db = open_database(ledger, check_seconds=0)
    try:
        with db.reading() as s:
            order = CaseOrder(CaseSort.NEXT_DUE, True)
            plain = CasePages(CaseFilter(open_state=OpenState.OPEN), order, spacing=5)
            filtered = CasePages(CaseFilter(open_state=OpenState.OPEN, platforms=frozenset({"pdd"})), order, spacing=5)
            assert plain.ids(s, 400, 20) == filtered.ids(s, 400, 20)  # every case is a 拼多多 one
            assert FILTERED_WALK_STRIDE < WALK_STRIDE
            assert plain.anchors == 2  # the top, then 400 in one step
            assert filtered.anchors == 1 + 400 // (5 * FILTERED_WALK_STRIDE)
    finally:
        db.close()


def test_the_open_list_is_counted_as_every_case_less_the_closed_ones(ledger: Path) -> None:
    """The default list's count (each reload, the tab titles, the first screen): SQLite counts a whole table
    from its b-tree pages, and the closed cases are the fewer; counting `is_open IS 1` read every open case's
    index entry (≈ 3× the CPU at a million cases). The same number either way."""
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        seen.append(statement)

    db = open_database(ledger)
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        with db.reading() as s:
            assert count_cases(s, CaseFilter(open_state=OpenState.OPEN)) == 450  # every case but each fourth
            assert count_cases(s, CaseFilter(open_state=OpenState.CLOSED)) == 150
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
        db.close()
    assert "is_open IS 1" not in seen[0] and "is_open IS 0" in seen[0], seen[0]
    page = read_first_page(ledger, CaseOrder(), 20)
    assert page is not None and page.total == 450
