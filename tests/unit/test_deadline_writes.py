"""The SQLite settings of a full deadline recompute's writes (store/deadline_rows.recompute_cache)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from desktop_app.services.deadlines import recompute_all
from desktop_app.store.database import open_database
from desktop_app.store.deadline_changes import DeadlineChanges
from desktop_app.store.deadline_rows import RECOMPUTE_CACHE_KIB, recompute_cache, write_changes


def _cache(session: Session) -> int:
    return int(session.connection().exec_driver_sql("PRAGMA cache_size").scalar_one())


def _nothing() -> DeadlineChanges:
    return DeadlineChanges([], [], [], [], [])


def test_the_page_cache_is_raised_at_the_first_write_and_set_back(tmp_path: Path) -> None:
    db = open_database(tmp_path / "ledger.sqlite3")
    with db.transaction() as session:
        before = _cache(session)
        assert before > -RECOMPUTE_CACHE_KIB  # SQLite's default is smaller
        write_changes(session, _nothing())  # outside a full recompute: left alone
        assert _cache(session) == before
        with recompute_cache(session):
            assert _cache(session) == before  # reading only: the default
            write_changes(session, _nothing())
            assert _cache(session) == -RECOMPUTE_CACHE_KIB
        assert _cache(session) == before
    recompute_all(db)
    with db.transaction() as session:  # the pooled connection is not left with the large cache
        assert _cache(session) == before
    db.close()


def test_a_larger_cache_already_set_is_kept(tmp_path: Path) -> None:
    db = open_database(tmp_path / "ledger.sqlite3")
    with db.transaction() as session:
        for larger in (-2 * RECOMPUTE_CACHE_KIB, RECOMPUTE_CACHE_KIB):  # KiB, then pages of 4 KiB
            session.connection().exec_driver_sql(f"PRAGMA cache_size={larger}")
            with recompute_cache(session):
                write_changes(session, _nothing())
                assert _cache(session) == larger
            assert _cache(session) == larger
    db.close()
