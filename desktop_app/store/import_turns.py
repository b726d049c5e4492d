"""Imports take turns on a team ledger: one seat's import (orders, after-sales lists, cost prices) at a time.

An import reads what is stored for its file's keys, then writes what is new or changed. On
PostgreSQL (READ COMMITTED) two seats importing at once both read before either committed: the
second then took every order of the file for new, added its lines beside the ones the first had just
stored (an order with its goods twice) and reported them as new; two after-sales imports both created
the same placeholder orders and cases, and two imports of one cost-price sheet the same rows, and one
failed on the unique key. The turn is a transaction-scoped advisory lock taken before the first read:
the second import waits for the first to commit (at most the server's lock timeout, then the usual
"another seat" message) and reads its rows. On SQLite nothing is taken here: a ledger file is one seat's,
and every import begins by taking its write lock (BEGIN IMMEDIATE), so a second writer waits for it.
"""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.orm import Session

# One key for every kind of import: an after-sales import makes placeholder orders (and their lines)
# that an order import of the same orders must see.
IMPORT_TURN = 0x5A1E_5002


def take_import_turn(where: Connection | Session) -> None:
    """Wait for any other seat's import to end; held until this transaction ends."""
    conn = where.connection() if isinstance(where, Session) else where
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({IMPORT_TURN})")
