"""Reading many rows fast: statements built with Core, run on the session's own DBAPI connection, values
as the driver returns them (no Row objects, no per-value type processing; stored times are converted by
`store.stored_values`). Used where a few hundred thousand rows are read at once (the
deadline recompute) and by lists that read many times (the deadline lists)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Dialect, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import NullType


def raw_column(column: Any) -> Any:
    """The column as the driver returns it, skipping the ORM type's per-value processing."""
    return type_coerce(column, NullType()).label(column.name)


def fetch_raw(session: Session, statement: ClauseElement) -> list[Any]:
    """All rows of `statement` as the DBAPI driver returns them, in the session's transaction.

    A recompute's bulk reads move a few hundred thousand rows, the dashboard's tens of thousands;
    building SQLAlchemy Row objects and running per-value type processing for them costs about as
    much as SQLite's own work, so the statement (still built with Core, still dialect-neutral) runs on
    the session's own DBAPI connection. Parameters are converted by their types (a time as the
    column stores it); values come back raw: text or native datetimes, 0/1 or booleans.
    """
    connection = session.connection()
    sql, params = driver_statement(connection.dialect, statement)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def driver_statement(dialect: Dialect, statement: ClauseElement) -> tuple[str, Any]:
    """The SQL text and parameters the DBAPI driver runs for `statement`: parameters converted by their
    types (a time as the column stores it), positional where the driver's style is."""
    compiled: Any = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params: Any = dict(compiled.params)
    for name, bind in compiled.binds.items():
        process = bind.type.bind_processor(dialect)
        if process is not None and name in params:
            params[name] = process(params[name])
    if compiled.positiontup is not None:
        params = tuple(params[name] for name in compiled.positiontup)
    return str(compiled), params
