"""The import as a cancellable generator: progress, cancel and crash roll the file back, batching is invisible."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest
from order_files import DOUYIN_HEADER, PDD_HEADER, count_rows, douyin_row, pdd_row, write_csv, write_xlsx
from other_writer import write_beside

from desktop_app.core.errors import UserError
from desktop_app.io.import_results import ImportProgress, ImportResult
from desktop_app.services.order_import import import_files, import_steps
from desktop_app.store import order_upsert
from desktop_app.store.database import Database


def _pdd_file(tmp_path: Path, name: str = "pdd.csv", orders: int = 30) -> Path:
    rows = [PDD_HEADER] + [pdd_row(f"261101-{n:015d}") for n in range(orders)]
    return write_csv(tmp_path / name, rows)


def _drain(steps: object) -> tuple[list[ImportProgress], ImportResult]:
    seen: list[ImportProgress] = []
    while True:
        try:
            seen.append(next(steps))  # type: ignore[call-overload]
        except StopIteration as done:
            return seen, done.value


def _writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("order-import")]


def test_progress_reports_each_phase(tmp_path: Path, db: Database) -> None:
    events: list[ImportProgress] = []
    result = import_files(db, [_pdd_file(tmp_path)], progress=events.append)
    assert result.exit_code == 0
    assert events[0].phase == "reading" and events[-1].phase == "done"
    assert "importing" in [e.phase for e in events]
    assert events[-1].rows_done == 30 and events[-1].orders_done == 30 and events[-1].overall == 1.0


def test_small_batches_give_the_same_result(tmp_path: Path, db: Database) -> None:
    progress, result = _drain(import_steps(db, [_pdd_file(tmp_path, orders=25)], batch_size=4))
    assert result.inserted == 25 and count_rows(db) == 25
    assert len([p for p in progress if p.phase == "importing"]) >= 7


def test_cancel_rolls_the_file_back(tmp_path: Path, db: Database) -> None:
    calls = {"n": 0}

    def cancel_after_two_batches() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    _, result = _drain(import_steps(db, [_pdd_file(tmp_path, orders=20)], cancel=cancel_after_two_batches,
                                    batch_size=5))
    assert result.cancelled and result.exit_code == 2
    assert result.files[0].cancelled
    assert count_rows(db) == 0
    assert not _writer_threads()


def test_cancel_keeps_files_finished_before(tmp_path: Path, db: Database) -> None:
    first = _pdd_file(tmp_path, "first.csv", orders=3)
    second = write_csv(tmp_path / "second.csv", [PDD_HEADER] + [pdd_row(f"261102-{n:015d}") for n in range(3)])
    state = {"file": ""}

    def cancel() -> bool:
        return state["file"].endswith("second.csv")

    steps = import_steps(db, [first, second], cancel=cancel)
    while True:
        try:
            step = next(steps)
        except StopIteration as done:
            result: ImportResult = done.value
            break
        state["file"] = step.file
    assert result.cancelled and [f.stored for f in result.files] == [True, False]
    assert count_rows(db) == 3  # one transaction per file


def test_closing_the_generator_rolls_back(tmp_path: Path, db: Database) -> None:
    steps = import_steps(db, [_pdd_file(tmp_path, orders=20)], batch_size=5)
    for step in steps:
        if step.phase == "importing" and step.rows_done >= 10:
            break
    steps.close()  # what a GUI worker does when the window closes mid-import
    assert count_rows(db) == 0
    assert not _writer_threads()


def test_a_crash_while_storing_rolls_back_and_propagates(tmp_path: Path, db: Database,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    original = order_upsert.OrderUpserter.apply_staged
    calls = {"n": 0}

    def failing_apply(self: order_upsert.OrderUpserter, batch: order_upsert.StagedBatch) -> None:  # helper thread
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        original(self, batch)

    monkeypatch.setattr(order_upsert.OrderUpserter, "apply_staged", failing_apply)
    with pytest.raises(RuntimeError, match="disk full"):
        _drain(import_steps(db, [_pdd_file(tmp_path, orders=20)], batch_size=5))
    assert count_rows(db) == 0
    assert not _writer_threads()


def test_grouped_rows_restart_inside_one_transaction(tmp_path: Path, db: Database) -> None:
    rows = [DOUYIN_HEADER]
    for n in range(12):  # order n has rows n and n + 12: every order is split
        rows.append(douyin_row(f"69000000000000000{n:02d}", f"69000000000000001{n:02d}", "耳机"))
    for n in range(12):
        rows.append(douyin_row(f"69000000000000000{n:02d}", f"69000000000000002{n:02d}", "袜子"))
    _, result = _drain(import_steps(db, [write_xlsx(tmp_path / "d.xlsx", {"Sheet1": rows})], batch_size=3))
    assert result.inserted == 12 and count_rows(db) == 12 and count_rows(db, "order_items") == 24


def test_no_files_and_unknown_platform_are_user_errors(db: Database, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="没有选择"):
        import_files(db, [])
    with pytest.raises(UserError, match="无法识别的平台"):
        import_files(db, [_pdd_file(tmp_path)], platform="amazon")
    assert import_files(db, [_pdd_file(tmp_path)], platform="tmall").files[0].refused is not None


@pytest.mark.sqlite_only  # SQLite's page cache and checkpoint settings
def test_the_import_settings_and_the_collector_are_put_back_after_a_file_stored_or_failed(tmp_path: Path, db: Database,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def settings() -> tuple[int, int]:
        with db.engine.connect() as conn:  # the pool hands out the import's connection again
            return (int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one()),
                    int(conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one()))

    before = settings()
    assert before[1] > 0  # the app checkpoints automatically
    collecting: list[bool] = []

    def watch(step: ImportProgress) -> None:
        collecting.append(gc.isenabled())

    import_files(db, [_pdd_file(tmp_path)], progress=watch)
    assert settings() == before
    assert count_rows(db) == 30
    assert False in collecting and gc.isenabled()  # the collector paused while storing, back afterwards

    def failing_apply(self: order_upsert.OrderUpserter, batch: order_upsert.StagedBatch) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(order_upsert.OrderUpserter, "apply_staged", failing_apply)
    with pytest.raises(RuntimeError, match="disk full"):
        import_files(db, [_pdd_file(tmp_path, name="more.csv", orders=40)])
    assert settings() == before and gc.isenabled()
    assert count_rows(db) == 30


@pytest.mark.sqlite_only  # SQLite's write lock
def test_a_write_by_another_connection_during_an_import_waits_instead_of_failing_it(
        tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A start-up job (the search index catching up, a recompute) committing between the import's read
    of the stored orders and its first write made SQLite refuse the import ("database is locked": its
    snapshot was stale). The import now holds the write lock from its first read; the other writer
    waits for it instead."""
    assert db.path is not None
    original = order_upsert.OrderUpserter.apply_staged
    others: list[str] = []

    def apply_with_a_write_beside(self: order_upsert.OrderUpserter, batch: order_upsert.StagedBatch) -> None:
        self.conn.exec_driver_sql("SELECT count(*) FROM orders").scalar()  # the import reads the ledger
        others.append(write_beside(db.path))  # type: ignore[arg-type]
        original(self, batch)

    monkeypatch.setattr(order_upsert.OrderUpserter, "apply_staged", apply_with_a_write_beside)
    _, result = _drain(import_steps(db, [_pdd_file(tmp_path, orders=20)], batch_size=5))
    assert result.inserted == 20 and count_rows(db) == 20
    assert others and set(others) == {"waited"}
