"""Shared fixtures: every test gets its own data folder and database file in tmp_path.

A new ledger is not migrated through every Alembic revision in each test (that was 43 % of the suite's
time): the first one of a run is, into a template file, and every later new ledger starts as a copy of
it (SQLite's backup API, inside `open_database`, so ledgers the CLI and the window create in-process
are copies too). Tests marked `real_migrations` (tests/unit/test_migrations.py) migrate for real.

The `db` fixture (the store and service tests) runs each test on SQLite and, when
`AFTERSALES_TEST_PG_URL` names a PostgreSQL server (`.ci/run` starts one: `.ci/pg_server`), again on
PostgreSQL: one database migrated once per run, emptied before each test.
Tests that are about the SQLite file itself are marked `sqlite_only`.

The suite runs in several processes (pytest-xdist, `-n auto` in pyproject.toml): each worker has its
own template, tmp folders (so data folders, settings files and single-instance locks) and PostgreSQL
database (named after the worker's pid). Session fixtures are per worker, not per run.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest
from hypothesis import settings
from sqlalchemy import Engine, create_engine, insert, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

# Qt must never try to reach a display in tests, on CI or on a developer's desktop.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_app.store import database as store_database
from desktop_app.store.database import Database, open_database
from desktop_app.store.models import Base

# The fuzz tests draw the same examples on every run ("ci"): a failure is reproducible and a landing is never
# decided by a random draw. HYPOTHESIS_PROFILE=explore draws new ones each run, to hunt for bad files
# (two damaged-zip paths were found that way: tests/unit/test_reader_fuzz.py keeps them).
settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

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
        if engine.dialect.name != "sqlite":
            _real_upgrade(engine)
            return
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


PG_URL = os.environ.get("AFTERSALES_TEST_PG_URL", "")
_needs_pg = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=_needs_pg)]


def _admin_engine() -> Engine:
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


class PgLedger:
    """One PostgreSQL database per test run, migrated to head for real; emptied before each test that
    uses it (a per-test CREATE DATABASE … TEMPLATE cost 1.1 s, emptying 0.03–0.06 s). The rows the
    migrations seed are put back; another test's leftover connections are ended first."""

    def __init__(self) -> None:
        self.name = f"ledger_tests_{os.getpid()}"
        self.url = _pg_url(self.name)
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            conn.exec_driver_sql(f"CREATE DATABASE {self.name}")
        admin.dispose()
        open_database(self.url).close()
        self.engine = create_engine(self.url, poolclass=NullPool)
        tables = [t for t in Base.metadata.sorted_tables]
        with self.engine.connect() as conn:
            self.seeds = {t.name: [dict(r._mapping) for r in conn.execute(select(t))] for t in tables}
            sequences = [r[0] for r in conn.exec_driver_sql(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")]
        self.empty_sql = "; ".join([f"DELETE FROM {t.name}" for t in reversed(tables)]
                                   + [f"ALTER SEQUENCE {name} RESTART" for name in sequences])

    def reset(self) -> str:
        with self.engine.begin() as conn:
            conn.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{self.name}' AND pid <> pg_backend_pid()")
            conn.exec_driver_sql(self.empty_sql)
            for table in Base.metadata.sorted_tables:
                if self.seeds[table.name]:
                    conn.execute(insert(table), self.seeds[table.name])
        return self.url

    def drop(self) -> None:
        self.engine.dispose()
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture(scope="session")
def pg_ledger() -> Iterator[PgLedger]:
    if not PG_URL:  # every test on a PostgreSQL ledger skips without a server, marked or not
        pytest.skip("no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")
    ledger = PgLedger()
    yield ledger
    ledger.drop()


@pytest.fixture
def pg_url(pg_ledger: PgLedger) -> str:
    """An empty PostgreSQL ledger at head for this test."""
    return pg_ledger.reset()


@pytest.fixture
def seats(pg_url: str) -> Iterator[tuple[Database, Database, Database]]:
    """Three seats (店主, 小王, 小李) on one empty team ledger."""
    three = (open_database(pg_url, seat="店主"), open_database(pg_url, seat="小王"), open_database(pg_url, seat="小李"))
    yield three
    for one in three:
        one.close()


@pytest.fixture
def empty_server_db() -> Iterator[str]:
    """A new, empty database on the test server (what a shop creates before `migrate-to`)."""
    name = f"ledger_move_{os.getpid()}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name != "sqlite" and request.node.get_closest_marker("sqlite_only") is not None:
        pytest.skip("about the SQLite file itself")
    return name


@pytest.fixture
def ledger_target(backend: str, db_path: Path, request: pytest.FixtureRequest) -> str:
    """What `--db` names in this test: the SQLite file, or a fresh PostgreSQL database's URL."""
    if backend == "sqlite":
        return str(db_path)
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def db(ledger_target: str) -> Iterator[Database]:
    database = open_database(ledger_target)
    yield database
    database.close()


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.saved.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.saved.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)
