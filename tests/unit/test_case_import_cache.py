"""An after-sales import's SQLite settings for its transaction: a larger page cache
(store/intake_queries.import_cache), only during its transaction; and the cases table's secondary
indexes set aside while a file brings many new cases (store/case_upsert.indexes_set_aside), built
again as they were before the commit, and rolled back with a cancelled file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from aftersales_files import TB_HEADER, tb_row, write_csv
from sqlalchemy import text

from desktop_app.services.case_import import import_cases
from desktop_app.store.case_upsert import indexes_set_aside
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


SECONDARY = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' AND sql IS NOT NULL"


def _case_indexes(db_path: Path) -> dict[str, str]:
    with sqlite3.connect(db_path) as conn:
        return dict(conn.execute(SECONDARY).fetchall())


def _requests(tmp_path: Path, name: str, first: int, count: int) -> Path:
    rows = [TB_HEADER, *(tb_row(f"1000000000000{n:05d}", f"2000000000000{n:06d}") for n in range(first, first + count))]
    return write_csv(tmp_path / name, rows)


def test_the_indexes_are_set_aside_only_for_many_new_cases(db_path: Path, tmp_path: Path) -> None:
    ledger = open_database(db_path)
    try:
        import_cases(ledger, [_requests(tmp_path, "first.csv", 0, 40)])
        everything = set(_case_indexes(db_path))
        assert {"ix_cases_report", "ix_cases_goods", "uq_cases_platform_case_key"} <= everything
        with ledger.transaction() as session:
            with indexes_set_aside(session, 19):  # fewer than half the 40 stored: kept
                assert _names(session) == everything
            with indexes_set_aside(session, 20):  # the unique one stays
                assert _names(session) == {"uq_cases_platform_case_key"}
            assert _names(session) == everything
    finally:
        ledger.close()


def _names(session: object) -> set[str]:
    return {name for name, _sql in session.execute(text(SECONDARY))}  # type: ignore[attr-defined]


def test_a_large_import_leaves_the_indexes_as_they_were_and_usable(db_path: Path, tmp_path: Path) -> None:
    open_database(db_path).close()
    before = _case_indexes(db_path)
    ledger = open_database(db_path)
    try:
        result = import_cases(ledger, [_requests(tmp_path, "big.csv", 0, 300)])
        assert len(result.files[0].inserted) == 300
    finally:
        ledger.close()
    assert _case_indexes(db_path) == before
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for name in ("ix_cases_report", "ix_cases_status"):
            counted = conn.execute(f"SELECT count(*) FROM cases INDEXED BY {name} WHERE platform <> '' OR status <> ''")
            assert counted.fetchone() == (300,)


def test_a_cancelled_import_keeps_the_indexes(db_path: Path, tmp_path: Path) -> None:
    open_database(db_path).close()
    before = _case_indexes(db_path)
    ledger = open_database(db_path)
    calls = iter(range(10**6))
    try:  # the second check comes after the new cases went in, with the indexes set aside
        result = import_cases(ledger, [_requests(tmp_path, "big.csv", 0, 300)], cancel=lambda: next(calls) >= 1)
    finally:
        ledger.close()
    assert result.cancelled
    assert _case_indexes(db_path) == before
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM cases").fetchone() == (0,)
