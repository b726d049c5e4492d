"""store/first_page: the Cases table's first screen read on the sqlite3 driver alone is the one the
ORM queries (case_queries) read, for every sort, both ways (issue 15)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from bench.seed_ledger import seed
from desktop_app.store.case_filters import CaseFilter, CaseOrder, CaseSort, OpenState
from desktop_app.store.case_queries import case_rows, count_cases
from desktop_app.store.database import open_database
from desktop_app.store.first_page import _page_ids, read_first_page

OPEN = CaseFilter(open_state=OpenState.OPEN)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("first-page") / "ledger.sqlite3"
    seed(path, 600)
    conn = sqlite3.connect(path)
    with conn:  # what the seeding lacks: an order without shop or receiver, ties, whole-second times
        conn.execute("UPDATE orders SET shop_id = NULL, receiver = NULL WHERE id IN (3, 4, 5)")
        conn.execute("UPDATE cases SET updated_at = (SELECT updated_at FROM cases WHERE id = 10) WHERE id IN (11, 12)")
        conn.execute("UPDATE cases SET next_due_at = '2026-03-01 08:00:00', reason = NULL WHERE id IN (20, 21)")
    conn.close()
    return path


@pytest.mark.sqlite_only
@pytest.mark.parametrize("limit", [200, 7])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("column", list(CaseSort))
def test_the_first_page_is_the_one_the_queries_read(ledger: Path, column: CaseSort, descending: bool,
                                                    limit: int) -> None:
    order = CaseOrder(column, descending)
    page = read_first_page(ledger, order, limit)
    db = open_database(ledger, check_seconds=0)
    try:
        with db.reading() as session:
            expected = case_rows(session, OPEN, order, 0, limit)
            total = count_cases(session, OPEN)
    finally:
        db.close()
    assert page is not None
    assert page.total == total and 0 < total < 600
    assert list(page.rows) == expected and len(expected) == limit
    assert page.order == order and page.any_case


@pytest.mark.sqlite_only
def test_a_next_due_page_runs_on_into_the_cases_without_a_timer(tmp_path: Path) -> None:
    path = tmp_path / "few.sqlite3"
    seed(path, 40)
    order = CaseOrder(CaseSort.NEXT_DUE, False)
    page = read_first_page(path, order, 200)
    db = open_database(path, check_seconds=0)
    try:
        with db.reading() as session:
            expected = case_rows(session, OPEN, order, 0, 200)
    finally:
        db.close()
    assert page is not None and list(page.rows) == expected
    assert expected[0].next_due_at is not None and expected[-1].next_due_at is None


@pytest.mark.sqlite_only
def test_an_empty_ledger_and_one_of_closed_cases(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    open_database(path).close()
    page = read_first_page(path, CaseOrder(), 200)
    assert page is not None and page.total == 0 and page.rows == () and not page.any_case
    seed(path, 5)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE cases SET is_open = 0")
    page = read_first_page(path, CaseOrder(), 200)
    assert page is not None and page.total == 0 and page.any_case


@pytest.mark.sqlite_only
def test_a_file_it_cannot_read_so_is_left_to_the_usual_path(tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite3"
    assert read_first_page(missing, CaseOrder(), 200) is None
    assert not missing.exists()  # nothing created
    text = tmp_path / "notes.sqlite3"
    text.write_text("not a ledger", encoding="utf-8")
    assert read_first_page(text, CaseOrder(), 200) is None
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY)")  # a schema of another shape
    assert read_first_page(other, CaseOrder(), 200) is None


@pytest.mark.sqlite_only
@pytest.mark.parametrize("descending", [False, True])
def test_the_first_page_is_read_in_index_order_without_statistics(ledger: Path, descending: bool,
                                                                  tmp_path: Path) -> None:
    """No sort of every open case for the first screen (at a million cases, a second before the table shows):
    each sort's statements walk an index in order, or the table in id order (编号), on a ledger without
    planner statistics as the app keeps it (SQLite then takes `is_open IS 1` for a few rows)."""
    path = tmp_path / "no-statistics.sqlite3"
    shutil.copy(ledger, path)
    with sqlite3.connect(path) as conn:  # the seeding analysed it
        conn.execute("DELETE FROM sqlite_stat1")
    conn.close()
    conn = sqlite3.connect(path)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        for column in CaseSort:
            statements.clear()
            assert _page_ids(conn, CaseOrder(column, descending), 20)
            reads = [s for s in statements if s.startswith("SELECT cases.id")]
            assert reads
            for statement in reads:
                plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + statement)]
                assert not any("TEMP B-TREE" in step for step in plan), (column, statement, plan)
    finally:
        conn.close()
