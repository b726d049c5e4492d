"""Reading many rows fast: statements built with Core, run on the session's own DBAPI connection, values
as the driver returns them (no Row objects, no per-value type processing), and stored times converted
with one `datetime.fromisoformat` each. Used where a few hundred thousand rows are read at once (the
deadline recompute) and by lists that read many times (the deadline lists)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, type_coerce
from sqlalchemy.orm import Session
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


def fetch_raw(session: Session, statement: Select[Any]) -> list[Any]:
    """All rows of `statement` as the DBAPI driver returns them, in the session's transaction.

    A recompute's bulk reads move a few hundred thousand rows; building SQLAlchemy Row objects and
    running per-value type processing for them costs about as much as SQLite's own work, so the
    statement (still built with Core, still dialect-neutral) runs on the session's own DBAPI
    connection. Values come back raw: text or native datetimes, 0/1 or booleans.
    """
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params: Any = compiled.params
    if any(isinstance(value, datetime) for value in params.values()):
        # Parameters skip the column types here; a datetime would reach the driver unconverted.
        raise TypeError("fetch_raw is for statements filtered by ids and flags, not by times")
    if compiled.positiontup is not None:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()
