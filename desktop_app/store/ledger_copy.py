"""Copying a whole ledger from one database to another (a shop moving its file to a team server).

Table by table in foreign-key order, ids kept (so every reference stays right), through the models'
own column types (times, booleans) so that each dialect stores its own way. The search bookkeeping is
not copied: each store builds its own search index (SQLite catches up from its watermark,
PostgreSQL's trigram index is always current).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Table, func, insert, select

from desktop_app.store.models import Base

SEARCH_BOOKKEEPING = frozenset({"search_pending", "search_state", "search_receivers"})
CHUNK_ROWS = 5000

Progress = Callable[[str, int], None]  # table name, rows copied so far


def copied_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in SEARCH_BOOKKEEPING]


def row_counts(conn: Connection) -> dict[str, int]:
    return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for t in copied_tables()}


def copy_rows(source: Connection, target: Connection, progress: Progress | None = None) -> dict[str, int]:
    """Copy every row of every ledger table from `source` into the empty `target` (inside the caller's
    transaction on `target`); returns the rows copied per table."""
    copied: dict[str, int] = {}
    for table in copied_tables():
        done = 0
        rows = source.execution_options(yield_per=CHUNK_ROWS).execute(
            select(table).order_by(*table.primary_key.columns))
        for chunk in rows.partitions(CHUNK_ROWS):
            target.execute(insert(table), [dict(row._mapping) for row in chunk])
            done += len(chunk)
            if progress is not None:
                progress(table.name, done)
        copied[table.name] = done
    if target.dialect.name == "postgresql":
        _advance_sequences(target)
    return copied


def _advance_sequences(conn: Connection) -> None:
    """Rows came in with their ids; the next id a seat takes must come after them."""
    for table in copied_tables():
        if "id" not in table.c or not table.c.id.autoincrement or len(table.primary_key.columns) != 1:
            continue
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)")
