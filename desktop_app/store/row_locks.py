"""Seats take turns on what they change: the row a use case writes is locked as it is read, and a parcel
that may not have a row yet is a turn of its own.

On PostgreSQL (READ COMMITTED) two seats acting on one case at once both read it before either wrote.
The version column then failed the second at its UPDATE, but only after both had written beside it:
each one's timeline entry held a share lock on the case, the first's deadline recompute waited for the
second's and the second's UPDATE for the first — a deadlock the server broke after a second by failing
one of them, said as "另一个席位同时修改了同一条记录" with neither the case, the seat nor its state.
Locked as it is read, the second seat waits for the first to commit and reads what it wrote: the window's
step (which names the version it showed) is told who changed the case and its state now, a command
(which names none) acts on the fresh state as if it had come second. On SQLite nothing is taken: the
transaction holds the file's write lock from its start (`Database.transaction`).

A parcel scanned at the returns desk or claimed from a courier may have no row to lock: two seats
scanning one unknown parcel at once both found no 无主件 and recorded it twice, and two seats recording a
claim for one lost parcel both found no open claim and recorded two. The parcel's turn (a transaction-
scoped advisory lock keyed by its number) makes the second wait and find the first one's row.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.orm import Session

Row = TypeVar("Row")

# The two-key advisory lock space (apart from the one-key space of the import and rules turns): this
# namespace, and the parcel's number hashed by the server.
_PARCEL_TURN = 0x5A1E_5003


def row_for_writing(session: Session, model: type[Row], key: Any) -> Row | None:
    """The row, read afresh and locked until the transaction ends (on a team ledger; a SQLite write
    transaction holds the whole file already), or None when there is none."""
    return session.get(model, key, with_for_update=True, populate_existing=True)


def take_parcel_turn(session: Session, parcel: str) -> None:
    """Wait for any other seat's unit of work on this parcel (a tracking number, or an order's key for a
    parcel without one) to end; held until this transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:parcel))"),
                        {"space": _PARCEL_TURN, "parcel": parcel})
