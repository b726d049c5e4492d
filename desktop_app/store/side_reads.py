"""A read run beside the caller's on a second connection of the same SQLite ledger, in a worker thread:
SQLite's C code releases the GIL while it steps, so two aggregate reads use both cores (the 统计
dashboard's independent GROUP BYs, bench/bench_report.py).

No figure loses consistency by it: a SQLite session that has not written reads each statement in its
own autocommit snapshot, on one connection as on two. A session that wrote and has not committed (its
changes are invisible to another connection), a server (a psycopg session is in a transaction after
any read) and an in-memory ledger (each connection its own database) run the work on the caller's
session, after what the caller does meanwhile, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

T = TypeVar("T")

# Two workers: the dashboard's overview and details reads never overlap, a second window's may.
_workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="side-read")


def read_beside(session: Session, work: Callable[[Session], T]) -> Callable[[], T]:
    """Start `work` on a session of its own beside `session` (see the module's note for when it runs on
    `session` instead); call the returned function for its result (an error it raised is raised there)."""
    bind = session.get_bind()
    if not _can_read_beside(session, bind):
        return lambda: work(session)
    assert isinstance(bind, Engine)
    future: Future[T] = _workers.submit(_run, bind, work)
    return future.result


def _run(engine: Engine, work: Callable[[Session], T]) -> T:
    with Session(engine) as session:
        return work(session)


def _can_read_beside(session: Session, bind: object) -> bool:
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite" or bind.url.database in (None, "", ":memory:"):
        return False
    if session.new or session.dirty or session.deleted:
        return False
    # pysqlite opens a transaction only before a write (or the ledger's BEGIN IMMEDIATE of a unit of work).
    dbapi = session.connection().connection.dbapi_connection
    return dbapi is not None and not getattr(dbapi, "in_transaction", True)
