"""Bringing the platforms' order exports into the ledger: the use case the GUI and the CLI both call.

    result = import_files(db, ["ExportOrderList.csv", "douyin.xlsx"], progress=show, cancel=wants_stop)

Each file is one transaction. A file that is not an order export is refused whole (nothing from it
is stored) and reported in its `FileImportResult.refused`; bad rows are listed in `errors` while the
good rows go in. `save_import_report` writes those errors to an xlsx the shop owner can open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

from desktop_app.core.errors import UserError
from desktop_app.core.op_changes import Area, OpChanges
from desktop_app.core.vocabulary import platform_family
from desktop_app.io.import_errors import ImportCancelled, OrderFileRefused, RowError
from desktop_app.io.import_profiles import PLATFORM_CHOICES
from desktop_app.io.import_report import write_import_report
from desktop_app.io.import_results import FileImportResult, ImportProgress, ImportResult
from desktop_app.io.order_import import BATCH_SIZE, ImportRun, import_order_files
from desktop_app.io.user_profiles import available_profiles
from desktop_app.services import backups
from desktop_app.services.deadlines import recompute_open_cases
from desktop_app.services.stepwise import run_to_end
from desktop_app.store.change_tracking import changes_in, mark_changed
from desktop_app.store.database import Database
from desktop_app.store.order_file_writes import order_file_writer
from desktop_app.store.recompute_owed import recompute_owed

__all__ = [
    "PLATFORM_CHOICES",
    "FileImportResult",
    "ImportCancelled",
    "ImportProgress",
    "ImportResult",
    "OrderFileRefused",
    "RowError",
    "import_files",
    "import_steps",
    "save_import_report",
]


def _check_platform(platform: str) -> str:
    value = platform_family(platform.strip().lower())
    if value not in PLATFORM_CHOICES:
        raise UserError(f"无法识别的平台“{platform}”，可用：{'、'.join(PLATFORM_CHOICES)}")
    return value


def import_steps(db: Database, paths: Sequence[Path | str], platform: str = "auto",
                 cancel: Callable[[], bool] | None = None, batch_size: int = BATCH_SIZE,
                 profile_id: str | None = None) -> ImportRun:
    """The import as a generator of progress (returns the ImportResult): for a background worker that
    wants to report between steps. Closing the generator rolls back the file being imported.

    `profile_id` reads every file with that one profile (a saved column mapping, see
    io/user_profiles.py) instead of recognising each file's layout.
    """
    if not paths:
        raise UserError("没有选择要导入的文件")
    family = _check_platform(platform)
    if profile_id is not None:
        profile = available_profiles().find(profile_id)
        if family != "auto" and platform_family(profile.platform) != family:
            raise UserError(f"列对应方案“{profile.label}”属于{profile.platform.label}，与所选平台“{platform}”不符")
    # The pipeline reads and checks (io); each file's orders go to the store's writer on this ledger.
    run = import_order_files(partial(order_file_writer, db), list(paths), family, cancel, batch_size, profile_id)
    return _then_deadlines(db, run, [Path(p) for p in paths])


# An order export of about 1,000 rows: a csv of ~200 bytes a row, an xlsx of ~100 bytes a row (zipped).
LARGE_IMPORT_BYTES = {".csv": 200_000, ".txt": 200_000}
LARGE_IMPORT_BYTES_OTHER = 100_000
# Orders written by one import after which the WAL is checkpointed.
LARGE_WRITE_ORDERS = 1_000


def is_large_import(paths: Sequence[Path]) -> bool:
    """More than about 1,000 rows, judged by size (the rows are counted only while they are read)."""
    total = 0.0
    for path in paths:
        try:
            size = path.stat().st_size
        except OSError:
            continue
        total += size / LARGE_IMPORT_BYTES.get(path.suffix.lower(), LARGE_IMPORT_BYTES_OTHER)
    return total >= 1.0


def _recompute_owed(db: Database) -> bool:
    with db.reading() as session:
        return recompute_owed(session)


def _then_deadlines(db: Database, run: ImportRun, paths: Sequence[Path]) -> ImportRun:
    """Around the files: a backup before a large import, then cases whose
    orders gained paid/shipped/signed times get their timers, and a WAL checkpoint after a large write.

    Open cases only, in their own transaction: deadlines are derived data, recomputed in full here
    (a few milliseconds for a shop's few hundred open cases) rather than tracked order by order.
    """
    if db.path is not None and is_large_import(paths):
        backups.back_up(db.path, kind="import")
        backups.rotate(db.path)
    result = yield from run
    changes = OpChanges()
    changed = bool(result.inserted or result.updated)
    if changed or _recompute_owed(db):  # owed: an earlier import's orders committed, its recompute failed
        with db.transaction() as session:
            if changed:  # the orders went in on the import's own connection (store/order_file_writes)
                mark_changed(session, Area.ORDERS, *([Area.CASES] if result.cases_updated else []))
            recompute_open_cases(session)
            changes = changes_in(session)
    if result.inserted + result.updated >= LARGE_WRITE_ORDERS:
        db.checkpoint()
    return replace(result, changes=changes)


def import_files(db: Database, paths: Sequence[Path | str], platform: str = "auto",
                 progress: Callable[[ImportProgress], None] | None = None,
                 cancel: Callable[[], bool] | None = None, profile_id: str | None = None) -> ImportResult:
    """Import order exports (any mix of platforms; Taobao detail files are paired with their lists).

    `progress` is called between batches; `cancel` is polled there too and, when it returns True,
    the file in progress is rolled back and the result is marked cancelled (files finished before it
    stay imported: one transaction per file).
    """
    steps = import_steps(db, paths, platform, cancel, profile_id=profile_id)
    return run_to_end(steps, progress)


def save_import_report(result: ImportResult | FileImportResult, path: Path | str) -> Path:
    """Write the rejected rows (and refused files) to an xlsx report; returns the path written."""
    return write_import_report(result, Path(path))
