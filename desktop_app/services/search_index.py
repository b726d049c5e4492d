"""Keeping the order search index up to date after writes (see `store.search`).

Writes only queue changed orders; these functions index the queue in short transactions. The GUI
runs `index_some` chunk by chunk on its worker thread (other work slips in between), the CLI runs
`catch_up` after an import.
"""

from __future__ import annotations

from desktop_app.store.database import Database
from desktop_app.store.search import INDEX_CHUNK, index_pending, pending_count


def index_some(db: Database, limit: int = INDEX_CHUNK) -> int:
    """Index up to `limit` queued orders in one transaction; returns how many (0: nothing queued)."""
    with db.writing() as conn:
        return index_pending(conn, limit)


def catch_up(db: Database, limit: int = INDEX_CHUNK) -> int:
    """Index every queued order; returns how many were indexed."""
    total = 0
    while done := index_some(db, limit):
        total += done
    return total


def waiting(db: Database) -> int:
    """Orders not yet in the search index (searches still find them, more slowly)."""
    with db.engine.connect() as conn:
        return pending_count(conn)
