"""An after-sales import's SQLite settings for its transaction: a larger page cache
(store/intake_queries.import_cache), only during its transaction; and the cases table's wide covering
indexes set aside while a file brings many new cases (store/case_upsert.wide_indexes_set_aside),
built again as they were before the commit, and rolled back with a cancelled file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from aftersales_files import TB_HEADER, tb_row, write_csv
from sqlalchemy import text

from desktop_app.services.case_import import import_cases
from desktop_app.store.case_upsert import WIDE_INDEXES, wide_indexes_set_aside
from desktop_app.store.database import open_database
from desktop_app.store.intake_queries import IMPORT_CACHE_KIB, import_cache


def test_an_import_widens_sqlites_page_cache_for_its_transaction_only(db_path: Path) -> None:
    ledger = open_database(db_path)
    try:
        with ledger.transaction() as session:
            with import_cache(session):
                assert session.execute(text("PRAGMA cache_size")).scalar() == -IMPORT_CACHE_KIB
            assert session.execute(text("PRAGMA cache_size")).scalar() == -2000
    finally:
        ledger.close()


def _wide_indexes(db_path: Path) -> dict[str, str]:
    with sqlite3.connect(db_path) as conn:
        marks = ", ".join("?" for _ in WIDE_INDEXES)
        return dict(conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({marks})",
                                 WIDE_INDEXES).fetchall())


def _requests(tmp_path: Path, name: str, first: int, count: int) -> Path:
    rows = [TB_HEADER, *(tb_row(f"1000000000000{n:05d}", f"2000000000000{n:06d}") for n in range(first, first + count))]
    return write_csv(tmp_path / name, rows)


def test_the_wide_indexes_are_set_aside_only_for_many_new_cases(db_path: Path, tmp_path: Path) -> None:
    ledger = open_database(db_path)
    try:
        import_cases(ledger, [_requests(tmp_path, "first.csv", 0, 40)])
        with ledger.transaction() as session:
            with wide_indexes_set_aside(session, 19):  # fewer than half the 40 stored: kept
                assert len(_names(session)) == len(WIDE_INDEXES)
            with wide_indexes_set_aside(session, 20):
                assert _names(session) == set()
            assert _names(session) == set(WIDE_INDEXES)
    finally:
        ledger.close()


def _names(session: object) -> set[str]:
    marks = ", ".join(f"'{name}'" for name in WIDE_INDEXES)
    rows = session.execute(text(f"SELECT name FROM sqlite_master WHERE name IN ({marks})"))  # type: ignore[attr-defined]
    return {name for (name,) in rows}


def test_a_large_import_leaves_the_wide_indexes_as_they_were_and_usable(db_path: Path, tmp_path: Path) -> None:
    open_database(db_path).close()
    before = _wide_indexes(db_path)
    assert set(before) == set(WIDE_INDEXES)
    ledger = open_database(db_path)
    try:
        result = import_cases(ledger, [_requests(tmp_path, "big.csv", 0, 300)])
        assert len(result.files[0].inserted) == 300
    finally:
        ledger.close()
    assert _wide_indexes(db_path) == before
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        counted = conn.execute("SELECT count(*) FROM cases INDEXED BY ix_cases_report WHERE platform = 'taobao'")
        assert counted.fetchone() == (300,)


def test_a_cancelled_import_keeps_the_wide_indexes(db_path: Path, tmp_path: Path) -> None:
    open_database(db_path).close()
    before = _wide_indexes(db_path)
    ledger = open_database(db_path)
    calls = iter(range(10**6))
    try:  # the second check comes after the new cases went in, with the indexes set aside
        result = import_cases(ledger, [_requests(tmp_path, "big.csv", 0, 300)], cancel=lambda: next(calls) >= 1)
    finally:
        ledger.close()
    assert result.cancelled
    assert _wide_indexes(db_path) == before
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM cases").fetchone() == (0,)
