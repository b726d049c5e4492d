"""Large imports: a backup first, a WAL checkpoint after, and the WAL kept small in a long-running process."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.services import backups, order_import
from desktop_app.store import database
from desktop_app.store.database import Database, open_database
from tests.unit.order_files import PDD_HEADER, pdd_row, run_import, write_csv

# About the SQLite file itself (copies, WAL, the FTS5 index queue): PostgreSQL has none of these.
pytestmark = pytest.mark.sqlite_only


def pdd_file(path: Path, rows: int, start: int = 0) -> Path:
    return write_csv(path, [PDD_HEADER] + [pdd_row(f"261101-{n:015d}") for n in range(start, start + rows)])


def test_a_large_import_is_backed_up_first(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert db.path is not None
    small = pdd_file(tmp_path / "small.csv", 5)
    run_import(db, small)
    assert backups.list_backups(db.path) == []
    monkeypatch.setitem(order_import.LARGE_IMPORT_BYTES, ".csv", 2_000)  # ~10 rows count as large
    run_import(db, pdd_file(tmp_path / "large.csv", 40, start=100))
    taken = backups.list_backups(db.path)
    assert [b.kind for b in taken] == ["import"]
    counts = backups.backup_counts(taken[0])
    assert counts is not None and counts.orders == 5  # the ledger as it was before the import


@pytest.mark.sqlite_only
def test_the_wal_is_cut_back_after_large_writes(db_path: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database, "WAL_SIZE_LIMIT", 64 * 1024)
    monkeypatch.setattr(order_import, "LARGE_WRITE_ORDERS", 10)
    db = open_database(db_path)
    wal = db_path.with_name(db_path.name + "-wal")
    try:
        sizes = []
        for round_ in range(4):
            run_import(db, pdd_file(tmp_path / f"r{round_}.csv", 300, start=round_ * 1000))
            run_import(db, pdd_file(tmp_path / "one.csv", 1, start=900_000 + round_))  # the next small write
            sizes.append(wal.stat().st_size)
        assert max(sizes) <= 64 * 1024 + 2 * 4096 * 20, sizes
    finally:
        db.close()


def test_deferred_checkpoints_leave_a_large_commit_in_the_wal_until_asked(tmp_path: Path) -> None:
    """A pack save's recompute in the second process commits 83 MB of pages: SQLite's automatic checkpoint copied
    them into the file inside the commit, before the window had its answer. Deferred, the commit leaves them in the
    WAL (the file's own pages unchanged) and `checkpoint` copies them afterwards."""
    db = open_database(tmp_path / "ledger.sqlite3")
    try:
        db.defer_checkpoints()
        before = (tmp_path / "ledger.sqlite3").read_bytes()
        with db.writing() as conn:  # ~6 MB of new pages: past the automatic checkpoint's 1,000
            conn.exec_driver_sql("CREATE TABLE filler (text TEXT)")
            conn.exec_driver_sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) "
                                 "INSERT INTO filler SELECT hex(randomblob(300)) FROM n")
        assert (tmp_path / "ledger.sqlite3").read_bytes() == before
        assert (tmp_path / "ledger.sqlite3-wal").stat().st_size > 4_000_000
        db.checkpoint()
        assert (tmp_path / "ledger.sqlite3").stat().st_size > len(before) + 4_000_000
    finally:
        db.close()
