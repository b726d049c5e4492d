"""The pages a search reads on a team server, brought into its caches after a cold start (issue 18).

After the server's machine restarts, a keystroke's search reads its trigram index and up to ~1,200 heap pages of
`orders` from the disk (53–74 ms of a key at a million cases), and the rows it lists from `cases` and `deadlines`.
Read once in the background — the indexes a search starts from, then those tables — they come from the operating
system's cache afterwards: a cold run after `pg_prewarm` of them had 3 keys of 23 over 100 ms instead of 10
(bench/README, session 25).

With the `pg_prewarm` extension in the database (a shop's administrator adds it: it needs the right to create
extensions, which the app does not ask for), `pg_prewarm(…, 'read')` reads a relation's blocks into the server's
OS cache, a chunk at a time. Without it the tables' heaps are read by block range (a TID range scan, PostgreSQL 14
and later; an older server reads the same condition with a whole scan a chunk, so it gets nothing) and the indexes
are left cold. Each chunk is one short statement in a transaction of its own: no lock
but the one any read takes, no snapshot held between chunks; before each, `wait_turn()` (it blocks while the user
waits for a read and raises when the warming is cancelled).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from desktop_app.store.database import Database

# The indexes a keystroke starts from (0006_team, 0007_search, 0011_team), then the rows it lists.
SERVER_INDEXES = ("ix_orders_search_trgm", "ix_orders_receiver_prefix", "ix_orders_order_no_prefix",
                  "ix_orders_phone_tails", "ix_cases_order_id_is_open", "ix_deadlines_case_id")
SERVER_TABLES = ("orders", "cases", "deadlines")
CHUNK_BLOCKS = 128  # 1 MiB of 8 KiB blocks a statement: a keystroke's read waits for one at most


def warm_server_pages(db: Database, wait_turn: Callable[[], None]) -> int:
    """Read the search's relations on the server `db` (see the module); returns the bytes read. Raises what
    `wait_turn` raises, or OSError (the server gone, a statement refused)."""
    try:
        return _warm(db, wait_turn)
    except SQLAlchemyError as error:
        raise OSError(f"{db.display_name()}: {error}") from error


def _warm(db: Database, wait_turn: Callable[[], None]) -> int:
    done = 0
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        prewarm = conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_prewarm'")).first() is not None
        block = int(conn.execute(text("SELECT current_setting('block_size')::int")).scalar_one())
        ranges = int(conn.execute(text("SELECT current_setting('server_version_num')::int")).scalar_one()) >= 140000
        names = [*SERVER_INDEXES, *SERVER_TABLES] if prewarm else list(SERVER_TABLES) if ranges else []
        sizes = {str(name): int(size) for name, size in conn.execute(text(
            "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c "
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(:names)"), {"names": names})}
        for name in names:  # in that order: the indexes, then the tables
            blocks = sizes.get(name, 0) // block
            for first in range(0, blocks, CHUNK_BLOCKS):
                last = min(first + CHUNK_BLOCKS, blocks) - 1
                wait_turn()
                if prewarm:
                    conn.execute(text("SELECT pg_prewarm(CAST(:name AS regclass), 'read', 'main', :first, :last)"),
                                 {"name": name, "first": first, "last": last})
                else:  # the name is one of SERVER_TABLES, not the user's
                    conn.execute(text(f"SELECT count(*) FROM {name} WHERE ctid >= CAST(:low AS tid) "
                                      "AND ctid < CAST(:high AS tid)"),
                                 {"low": f"({first},0)", "high": f"({last + 1},0)"})
                done += (last - first + 1) * block
    return done
