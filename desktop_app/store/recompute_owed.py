"""An order import's recompute of the open cases, owed until it is done.

The orders of a file commit in their own transaction (store/order_file_writes.py); the open cases are
recomputed after, in another (services/order_import.py). When that second one failed — the team server's
connection cut (pg_terminate_backend, a server restarted, a NAS asleep), a locked file — the orders were
stored but the cases whose orders had just gained their shipped or signed times kept their deadlines of
before, and the import done again found every order unchanged and recomputed nothing: a 售后期 missed stayed
open. The file's transaction now records the recompute as owed, and the recompute of every open case pays
it, so the next import on any seat (or `deadlines`) does it even when its file changes nothing.

On a team ledger both writes notify the other seats as the clock's (migration 0006_team): bookkeeping, not a
setting anyone changed (their status bar would have said 小李 修改了 设置).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from desktop_app.core.op_changes import CLOCK_SEAT
from desktop_app.store.models import Setting

OWED_SETTING = "deadlines_owed_after_import"


@contextmanager
def _as_the_clock(conn: Connection) -> Iterator[None]:
    if conn.dialect.name != "postgresql":
        yield
        return
    seat = conn.execute(text("SELECT current_setting('ledger.seat', true)")).scalar()
    conn.execute(text("SELECT set_config('ledger.seat', :seat, true)"), {"seat": CLOCK_SEAT})
    yield
    conn.execute(text("SELECT set_config('ledger.seat', :seat, true)"), {"seat": seat or ""})


def owe_recompute(conn: Connection) -> None:
    """In an order file's transaction that changed orders: the open cases are to be recomputed."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    with _as_the_clock(conn):
        conn.execute(insert(Setting).values(key=OWED_SETTING, value="1").on_conflict_do_nothing(
            index_elements=["key"]))


def recompute_owed(session: Session) -> bool:
    """Whether an import's orders committed without their recompute."""
    return session.connection().execute(select(Setting.key).where(Setting.key == OWED_SETTING)).first() is not None


def recompute_paid(session: Session) -> None:
    """In the transaction recomputing every open case (after the imports before it: it holds the import turn)."""
    conn = session.connection()
    if conn.execute(select(Setting.key).where(Setting.key == OWED_SETTING)).first() is None:
        return
    with _as_the_clock(conn):
        conn.execute(delete(Setting).where(Setting.key == OWED_SETTING))
