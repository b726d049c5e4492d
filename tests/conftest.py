"""Shared fixtures: every test gets its own data folder and database file in tmp_path.

A new ledger is not migrated through every Alembic revision in each test (that was 43 % of the suite's
time): the first one of a run is, into a template file, and every later new ledger starts as a copy of
it (SQLite's backup API, inside `open_database`, so ledgers the CLI and the window create in-process
are copies too). Tests marked `real_migrations` (tests/unit/test_migrations.py) migrate for real.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

# Qt must never try to reach a display in tests, on CI or on a developer's desktop.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_app.store import database as store_database
from desktop_app.store.database import Database, open_database

_real_upgrade = store_database._upgrade


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger migrated to head once per test run."""
    path = tmp_path_factory.mktemp("template") / "ledger.sqlite3"
    open_database(path).close()
    with sqlite3.connect(path) as conn:  # one file, no -wal beside it to copy
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(autouse=True)
def ledgers_from_the_template(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A brand-new ledger opened during the test is a copy of the migrated template."""
    if request.node.get_closest_marker("real_migrations") is not None:
        return
    template: Path = request.getfixturevalue("migrated_template")

    def upgrade(engine: Engine) -> None:
        with engine.connect() as conn:
            if inspect(conn).get_table_names():  # not a new file: an older schema to upgrade for real
                conn.close()
                _real_upgrade(engine)
                return
            raw = conn.connection.dbapi_connection
            assert isinstance(raw, sqlite3.Connection)
            source = sqlite3.connect(template)
            try:
                source.backup(raw)
            finally:
                source.close()

    monkeypatch.setattr(store_database, "_upgrade", upgrade)


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Redirect the user's data folder so no test touches real user files."""
    home = tmp_path / "data-home"
    monkeypatch.setenv("AFTERSALES_LEDGER_HOME", str(home))
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite3"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()
