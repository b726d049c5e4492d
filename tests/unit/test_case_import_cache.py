"""An after-sales import runs with a larger SQLite page cache (store/intake_queries.import_cache), and
only during its transaction: the pooled connection goes back to SQLite's default."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from desktop_app.store.database import open_database
from desktop_app.store.intake_queries import IMPORT_CACHE_KIB, import_cache


def test_an_import_widens_sqlites_page_cache_for_its_transaction_only(db_path: Path) -> None:
    ledger = open_database(db_path)
    try:
        with ledger.transaction() as session:
            with import_cache(session):
                assert session.execute(text("PRAGMA cache_size")).scalar() == -IMPORT_CACHE_KIB
            assert session.execute(text("PRAGMA cache_size")).scalar() == -2000
    finally:
        ledger.close()
