"""What an after-sales import holds in memory (issue 14: an import stays under 500 MB whatever the file;
100,000 requests peaked at 470–545 MB): the rows read keep no dict per request, and the new cases are
written a batch at a time, the same cases and timelines as in one go. Python's own allocations
(tracemalloc), which do not depend on the machine's load."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from bench.bench_case_import import write_aftersales
from desktop_app.io.case_rows import read_case_file
from desktop_app.services import case_import
from desktop_app.services.case_import import import_cases
from desktop_app.store.database import Database, open_database

ROWS = 2_000


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("memory") / "pdd_aftersales.csv"
    write_aftersales(path, ROWS, 1_500, 300_000_000_000, seed=5)
    return path


def test_the_rows_read_keep_no_dict_per_request(export: Path) -> None:
    read_case_file(export)  # profiles, reason tables and the like loaded before measuring
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        parsed = read_case_file(export)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert len(parsed.records) == ROWS
    # At its peak the read holds the records (22 slots and their texts) and each request's values, to
    # find a request number twice: 1.0 KB a row as a tuple, 1.4 KB as the dict it was.
    assert peak / ROWS < 1_200, peak / ROWS


def _ledger(db: Database) -> list[tuple[object, ...]]:
    with db.reading() as session:
        cases = session.connection().exec_driver_sql(
            "SELECT id, platform_case_no, order_id, kind, status, requested_at FROM cases ORDER BY id").fetchall()
        events = session.connection().exec_driver_sql(
            "SELECT case_id, kind, action, milestone, at FROM audit_events ORDER BY id").fetchall()
        reships = session.connection().exec_driver_sql("SELECT case_id, status FROM reships ORDER BY id").fetchall()
    return [*map(tuple, cases), *map(tuple, events), *map(tuple, reships)]


def test_new_cases_are_written_a_batch_at_a_time_as_in_one_go(export: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    whole = open_database(tmp_path / "whole.sqlite3")
    try:
        import_cases(whole, [export])
        expected = _ledger(whole)
    finally:
        whole.close()
    monkeypatch.setattr(case_import, "INSERT_BATCH", 150)
    batched = open_database(tmp_path / "batched.sqlite3")
    try:
        import_cases(batched, [export])  # the index and reason caches warm: measured below on a second file
        assert _ledger(batched) == expected
    finally:
        batched.close()
    # The new cases' rows and events are built a batch at a time: the peak while writing them grows with
    # the batch, not with the file (2,000 cases built at once: 5 MB; 150 at a time: under 1).
    peaks: list[int] = []
    insert_new = case_import._insert_new

    def measured(*args: object, **kwargs: object) -> dict[str, int]:
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            found = insert_new(*args, **kwargs)  # type: ignore[arg-type]
            peaks.append(tracemalloc.get_traced_memory()[1] - before)
        finally:
            tracemalloc.stop()
        return found

    monkeypatch.setattr(case_import, "_insert_new", measured)
    again = open_database(tmp_path / "again.sqlite3")
    try:
        import_cases(again, [export])
    finally:
        again.close()
    assert len(peaks) == 1 and peaks[0] < 2_500_000, peaks
