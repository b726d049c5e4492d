"""Reading many rows fast: statements built with Core, run on the session's own DBAPI connection, values
as the driver returns them (no Row objects, no per-value type processing), and stored times converted
with one `datetime.fromisoformat` each. Used where a few hundred thousand rows are read at once (the
deadline recompute) and by lists that read many times (the deadline lists)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import NullType

_from_iso = datetime.fromisoformat


def raw_column(column: Any) -> Any:
    """The column as the driver returns it, skipping the ORM type's per-value processing."""
    return type_coerce(column, NullType()).label(column.name)


def stored_time_or_none(value: Any) -> datetime | None:
    return None if value is None else stored_time(value)


def stored_time(value: Any) -> datetime:
    """What `UtcDateTime` returns (aware UTC), computed from the raw stored value much faster.

    SQLite hands back SQLAlchemy's text form 'YYYY-MM-DD HH:MM:SS.ffffff' (naive UTC); drivers
    with a native timestamp type hand back a naive UTC datetime. Reading 100,000 cases converts
    about a million values, and the ORM's TypeDecorator path costs several times more per value.
    """
    if value.__class__ is str:
        return _from_iso(value + "+00:00")
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def fetch_raw(session: Session, statement: ClauseElement) -> list[Any]:
    """All rows of `statement` as the DBAPI driver returns them, in the session's transaction.

    A recompute's bulk reads move a few hundred thousand rows, the dashboard's tens of thousands;
    building SQLAlchemy Row objects and running per-value type processing for them costs about as
    much as SQLite's own work, so the statement (still built with Core, still dialect-neutral) runs on
    the session's own DBAPI connection. Parameters are converted by their types (a time as the
    column stores it); values come back raw: text or native datetimes, 0/1 or booleans.
    """
    connection = session.connection()
    dialect = connection.dialect
    compiled: Any = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params: Any = dict(compiled.params)
    for name, bind in compiled.binds.items():
        process = bind.type.bind_processor(dialect)
        if process is not None and name in params:
            params[name] = process(params[name])
    if compiled.positiontup is not None:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()
