"""Bulk writes of many plain rows in one executemany: an import's new cases and events, a recompute's
deadlines. On SQLite straight through the driver with times in the column's storage form (naive UTC
text, as SQLAlchemy's DateTime writes it): SQLAlchemy's per-value processing cost twice the insert
itself for 50,000 cases and their events (measured). Other databases get a Core executemany, which
runs unchanged on PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session

from desktop_app.store.case_facts import refresh_goods
from desktop_app.store.change_tracking import mark_tables_written
from desktop_app.store.models import Base, UtcDateTime, storage_time

# What a new case copies from its order (`?`: the order's id), on SQLite's bulk insert.
_ORDER_COPIES = (
    ("goods", "(SELECT goods FROM orders WHERE id = ?)"),
    ("sort_receiver", "(SELECT receiver FROM orders WHERE id = ?)"),
    ("sort_order_no", "(SELECT order_no FROM orders WHERE id = ?)"),
    ("sort_shop", "(SELECT shops.name FROM orders JOIN shops ON shops.id = orders.shop_id WHERE orders.id = ?)"),
)


def insert_rows(session: Session, model: type[Base], rows: Sequence[Mapping[str, Any]],
                times: dict[Any, str | None] | None = None) -> None:
    """Insert rows that spell out every column they set (the models' Python defaults are not applied).
    `times`: a cache of times already converted to their stored text, shared by several inserts of
    one write (an import's cases and their events carry the same times)."""
    if not rows:
        return
    table = Base.metadata.tables[model.__tablename__]
    mark_tables_written(session, table.name)
    connection = session.connection()
    names = list(rows[0])
    # New cases copy their order's goods (统计) and sort keys (the Cases table) in the insert itself on
    # SQLite: one lookup by key per row, where updating them afterwards cost an import of 50,000 cases
    # 1.4 s for the goods alone (the sort keys' trigger, migration 0018_sortkeys, then finds them right).
    copied = ([(name, lookup) for name, lookup in _ORDER_COPIES if name not in names]
              if table.name == "cases" and connection.dialect.name == "sqlite" else [])
    copy_goods = any(name == "goods" for name, _lookup in copied)
    if connection.dialect.name != "sqlite":
        portable_insert(session, table, rows)
    elif copied:
        statement = (f"INSERT INTO cases ({', '.join([*names, *(name for name, _lookup in copied)])}) "
                     f"VALUES ({', '.join([*('?' for _ in names), *(lookup for _name, lookup in copied)])})")
        order_at = names.index("order_id")
        values = _driver_values(table, names, rows, times)
        for row in values:
            row.extend([row[order_at]] * len(copied))
        _execute_many(session, statement, values)
    else:
        statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
        _execute_many(session, statement, _driver_values(table, names, rows, times))
    if table.name == "order_items" or (table.name == "cases" and not copy_goods):  # orders' goods (统计)
        refresh_goods(connection, (row["order_id"] for row in rows), lines=table.name == "order_items")


def update_rows(session: Session, model: type[Base], key: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Set the columns each row names (every row the same columns) on the row whose `key` column holds
    the row's `key` value. Bypasses the ORM: objects of these rows loaded in the session are stale."""
    if not rows:
        return
    table = Base.metadata.tables[model.__tablename__]
    names = [name for name in rows[0] if name != key]
    mark_tables_written(session, table.name)
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        portable_update(session, table, key, rows)
        return
    statement = f"UPDATE {table.name} SET {', '.join(f'{name} = ?' for name in names)} WHERE {key} = ?"
    _execute_many(session, statement, _driver_values(table, [*names, key], rows))


def portable_insert(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """`insert_rows` as a Core executemany (every database; what runs on PostgreSQL)."""
    session.execute(insert(table), list(rows))


def portable_update(session: Session, table: Table, key: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """`update_rows` as a Core executemany (every database; what runs on PostgreSQL)."""
    names = [name for name in rows[0] if name != key]
    session.execute(
        update(table).where(table.c[key] == bindparam(f"b_{key}"))
        .values({name: bindparam(f"b_{name}") for name in names}),
        [{f"b_{name}": value for name, value in row.items()} for row in rows],
    )


def _driver_values(table: Table, names: list[str], rows: Sequence[Mapping[str, Any]],
                   times: dict[Any, str | None] | None = None) -> list[list[Any]]:
    """The rows' values in `names` order as SQLite's driver takes them: times as stored text."""
    positions = [i for i, name in enumerate(names) if isinstance(table.c[name].type, UtcDateTime)]
    # A batch repeats its stamps: each distinct time converted once.
    stored: dict[Any, str | None] = {} if times is None else times
    values = []
    cells_of = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    if not positions:
        return [list(cells_of(row)) for row in rows]
    for row in rows:
        cells = list(cells_of(row))
        for i in positions:
            value = cells[i]
            if value is not None:
                text = stored.get(value)
                if text is None:
                    text = stored[value] = storage_time(value)
                cells[i] = text
        values.append(cells)
    return values


def _execute_many(session: Session, statement: str, values: list[list[Any]]) -> None:
    cursor = session.connection().connection.cursor()
    try:
        cursor.executemany(statement, values)
    finally:
        cursor.close()
