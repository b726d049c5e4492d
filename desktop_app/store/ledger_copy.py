"""Copying a whole ledger from one database to another (a shop moving its file to a team server).

Table by table in foreign-key order, ids kept (so every reference stays right), through the models'
own column types (times, booleans) so that each dialect stores its own way. The search bookkeeping is
not copied: each store builds its own search index (SQLite catches up from its watermark,
PostgreSQL's trigram index is always current), nor the 统计's products per month (`store.product_months`: a
file's triggers fill its own, PostgreSQL keeps none). On PostgreSQL the secondary indexes are built once the
rows are in, not kept up to date row by row.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Table, func, insert, select

from desktop_app.store.models import Base
from desktop_app.store.product_months import kept, settle

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
    rebuilt = _set_indexes_aside(target) if target.dialect.name == "postgresql" else []
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
    for definition in rebuilt:
        # The driver reads '%' as a placeholder's start (the unknown penalties' LIKE, 0023_unknown): doubled.
        target.exec_driver_sql(definition.replace("%", "%%"))
    if target.dialect.name == "postgresql":
        _advance_sequences(target)
    if kept(target):
        settle(target)  # the cases came in before their orders' lines: their products were not split yet
    return copied


def _set_indexes_aside(conn: Connection) -> list[str]:
    """Drop the copied tables' secondary indexes (not unique, no constraint's) and return their
    definitions, to build them once the rows are in. Kept while rows came in, the search's trigram index
    took each order's text one insert at a time: a million orders took 13.5 of `migrate-to`'s 28 minutes
    (bench/README, session 20). Inside the copy's transaction: a failed copy keeps them."""
    names = [t.name for t in copied_tables()]
    found = conn.exec_driver_sql(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
        "WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(%(names)s) "
        "AND NOT x.indisunique AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname",
        {"names": names}).all()
    for name, _definition in found:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def _advance_sequences(conn: Connection) -> None:
    """Rows came in with their ids; the next id a seat takes must come after them."""
    for table in copied_tables():
        if "id" not in table.c or not table.c.id.autoincrement or len(table.primary_key.columns) != 1:
            continue
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)")
