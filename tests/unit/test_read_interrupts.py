"""A read under way can be stopped from another thread (store/read_interrupts), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from desktop_app.core.errors import ReadInterrupted
from desktop_app.store.database import Database
from desktop_app.store.read_interrupts import ReadInterrupt


def endless_statement(db: Database, session: Session, began: threading.Event) -> Callable[[], object]:
    """A statement that runs for minutes, and what tells when it has begun running in the database."""
    if db.is_server:
        def run() -> object:
            began.set()  # the server is polled for the statement itself (below)
            return session.execute(text("SELECT pg_sleep(600)")).scalar()
        return run
    dbapi = session.connection().connection.dbapi_connection
    assert dbapi is not None
    dbapi.create_function("began", 0, lambda: began.set() or 1)
    return lambda: session.execute(text(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1000000000) "
        "SELECT count(*) FROM c WHERE began()")).scalar()


def statement_running(db: Database) -> bool:
    if not db.is_server:
        return True  # began() was called from inside the statement
    with db.reading() as session:
        return bool(session.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT pg_sleep(600)%'"
        )).scalar())


def test_a_running_read_is_stopped_and_the_connection_reads_on(db: Database) -> None:
    interrupt = ReadInterrupt()
    began = threading.Event()
    outcome: list[BaseException | object] = []

    def read() -> None:
        try:
            with db.reading(interrupt) as session:
                outcome.append(endless_statement(db, session, began)())
        except BaseException as error:  # handed to the test's thread
            outcome.append(error)

    thread = threading.Thread(target=read)
    thread.start()
    assert began.wait(30)
    for _ in range(3000):
        if statement_running(db):
            break
        threading.Event().wait(0.01)
    interrupt.interrupt()
    thread.join(60)
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], ReadInterrupted)
    # The pool's connections read on as before; stopping an ended read touches nothing.
    interrupt.interrupt()
    with db.reading(ReadInterrupt()) as session:
        assert session.execute(text("SELECT 1")).scalar() == 1


def test_a_read_stopped_before_it_started_does_not_run(db: Database) -> None:
    interrupt = ReadInterrupt()
    interrupt.interrupt()
    ran = []
    with pytest.raises(ReadInterrupted), db.reading(interrupt) as session:
        ran.append(session.execute(text("SELECT 1")).scalar())
    assert ran == []


def test_an_error_of_a_read_nobody_stopped_is_its_own(db: Database) -> None:
    with pytest.raises(Exception) as raised, db.reading(ReadInterrupt()) as session:
        session.execute(text("SELECT * FROM no_such_table"))
    assert not isinstance(raised.value, ReadInterrupted)
