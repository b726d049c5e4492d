"""Writing one order file: its own connection and transaction, the SQLite settings of an import, and
the upsert of each batch overlapped with reading the next.

    with order_file_writer(db, provided=..., items_known=..., source_file=...) as writer:
        for batch in batches:
            writer.write(batch)
        writer.finish()
    writer.counts

Leaving the block by an exception (a cancel, GeneratorExit, an error on the helper thread) rolls the
whole file back, after any statement still running has finished.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime

from sqlalchemy import Connection

from desktop_app.core.order_records import OrderColumns, UpsertCounts
from desktop_app.store.database import Database, take_write_lock
from desktop_app.store.import_turns import take_import_turn
from desktop_app.store.order_upsert import OrderUpserter
from desktop_app.store.recompute_owed import owe_recompute

IMPORT_PAGE_CACHE_KIB = -32768  # negative: KiB, SQLite's convention


@contextlib.contextmanager
def import_pragmas(conn: Connection) -> Iterator[None]:
    """SQLite settings for the length of an import, restored afterwards: enter it on a connection
    outside a transaction and begin the import's transaction inside it.

    - A bigger page cache: with the default 2 MB the orders indexes and the search index of a 100 MB
      ledger spill dirty pages to the WAL over and over; 32 MB made the store step about 40 % faster.
    - No automatic checkpoint when the import commits: copying the import's pages from the WAL into
      the database file took 0.17 s of a 0.26 s commit (100,000 orders, measured). The next commit on
      any connection (the search index catching up, in the background) does it instead.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    previous_cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    previous_checkpoint = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = {IMPORT_PAGE_CACHE_KIB}")
    conn.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
    conn.commit()  # (SQLAlchemy began a transaction for the pragmas; the import's own comes next)
    try:
        yield
    finally:
        if conn.in_transaction():
            conn.rollback()
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(previous_cache or -2000)}")
        conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {int(previous_checkpoint or 1000)}")
        conn.commit()


class OrderFileWriter:
    """Overlap without sharing the connection: while one batch's `apply_staged` statements run on a
    helper thread (SQLite does the index and FTS5 upkeep without the GIL — the largest part of
    storing), the caller reads and checks the next batch. The connection is only touched again after
    those statements have finished. Per-row work (`executemany`) stays on the caller's thread: on a
    helper it would wait for the GIL after every row."""

    def __init__(self, upserter: OrderUpserter, helper: ThreadPoolExecutor) -> None:
        self.upserter = upserter
        self._helper = helper
        self._pending: Future[None] | None = None

    @property
    def counts(self) -> UpsertCounts:
        return self.upserter.counts

    def write(self, batch: OrderColumns) -> None:
        """Stage `batch` (after the previous one's statements finished) and start moving it."""
        self.finish()
        staged = self.upserter.stage_batch(batch)
        if staged is not None:
            self._pending = self._helper.submit(self.upserter.apply_staged, staged)

    def finish(self) -> None:
        """Wait for the statements of the last batch written; their error, if any, is raised here."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def _settle(self) -> None:
        if self._pending is not None:  # never roll back under a running statement
            wait([self._pending])


@contextlib.contextmanager
def order_file_writer(db: Database, *, provided: frozenset[str], items_known: bool,
                      source_file: str) -> Iterator[OrderFileWriter]:
    """One transaction for the whole file on a connection of its own, committed when the block ends
    normally (call `finish` first); any exception rolls it back. See the module docstring."""
    helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="order-import")
    try:
        with db.engine.connect() as conn, import_pragmas(conn), conn.begin():
            take_write_lock(conn)  # a start-up job committing mid-import made it fail (Database.writing)
            take_import_turn(conn)  # before the stored orders are read (store/import_turns.py)
            upserter = OrderUpserter(conn, provided=provided, items_known=items_known, source_file=source_file,
                                     imported_at=datetime.now(UTC))
            writer = OrderFileWriter(upserter, helper)
            try:
                yield writer
                writer.finish()
            finally:
                writer._settle()
            upserter.close()
            if writer.counts.inserted or writer.counts.updated:
                owe_recompute(conn)  # with the orders: paid by the recompute that follows (store/recompute_owed.py)
    finally:
        helper.shutdown(wait=True)
