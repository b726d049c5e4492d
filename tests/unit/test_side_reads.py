"""`read_beside`: a second connection in a worker thread on a SQLite ledger, the caller's own session
whenever another connection could not see what that session sees."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.store.database import Database
from desktop_app.store.models import Shop
from desktop_app.store.side_reads import read_beside


def _shops(session: Session) -> tuple[int, str]:
    return int(session.execute(select(func.count()).select_from(Shop)).scalar_one()), threading.current_thread().name


def test_a_reading_session_reads_beside_on_sqlite_and_inline_on_a_server(db: Database) -> None:
    with db.transaction() as s:
        s.add(Shop(platform="pdd", name="小林家居"))
    with db.reading() as s:
        count, thread = read_beside(s, _shops)()
    assert count == 1
    if db.is_server:
        assert thread == threading.current_thread().name
    else:
        assert thread.startswith("side-read")


def test_a_session_that_wrote_reads_its_own_uncommitted_rows(db: Database) -> None:
    with db.transaction() as s:
        s.add(Shop(platform="pdd", name="小林家居"))
        s.flush()
        count, thread = read_beside(s, _shops)()
        assert (count, thread) == (1, threading.current_thread().name)
        s.add(Shop(platform="jd", name="小林家居京东"))  # pending, not flushed
        count, thread = read_beside(s, _shops)()
        assert (count, thread) == (2, threading.current_thread().name)


def test_an_error_beside_is_raised_where_the_result_is_asked_for(db: Database) -> None:
    def fails(_session: Session) -> int:
        raise ValueError("beside")

    with db.reading() as s:
        result = read_beside(s, fails)
        with pytest.raises(ValueError, match="beside"):
            result()
