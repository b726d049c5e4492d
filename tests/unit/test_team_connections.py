"""A team server with no connection left (PostgreSQL; skipped without AFTERSALES_TEST_PG_URL): every connection
the server or the shop's account allows is taken by the seats' windows and commands. The seat was told the driver's
English (FATAL: too many connections for role …) and to check its network, which worked."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from desktop_app.cli import run
from desktop_app.store.change_notices import ChangeListener
from desktop_app.store.database import open_database
from desktop_app.store.ledger_errors import as_user_error
from desktop_app.store.locations import parse_location

PG_URL = os.environ.get("AFTERSALES_TEST_PG_URL", "")
pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")


@pytest.fixture
def shop_account(pg_url: str) -> Iterator[str]:
    """The ledger's address under a shop account allowed one connection at a time (a small cloud plan)."""
    role = f"ledger_shop_{os.getpid()}"
    engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN CONNECTION LIMIT 1")
        conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    yield make_url(pg_url).set(username=role).render_as_string(hide_password=False)
    with engine.connect() as conn:
        conn.exec_driver_sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'")
        conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
        conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
    engine.dispose()


def test_a_seat_finding_every_connection_taken_is_told_so_in_chinese(
        shop_account: str, capsys: pytest.CaptureFixture[str]) -> None:
    held = psycopg.connect(make_url(shop_account).set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        code = run(["case", "list", "--db", shop_account])
    finally:
        held.close()
    err = capsys.readouterr().err
    assert code == 2, err
    assert "的连接已满（" in err and "请关掉不用的售后台账窗口后再试一次" in err, err
    assert "请检查网络" not in err, err
    # The connection let go, the same command works.
    assert run(["case", "list", "--db", shop_account]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("said", ['FATAL:  sorry, too many clients already',
                                  'FATAL:  remaining connection slots are reserved for non-replication superuser '
                                  'connections',
                                  'FATAL:  too many connections for database "aftersales"'])
def test_every_way_the_server_says_it_is_full_is_said_so(said: str) -> None:
    error = psycopg.OperationalError(f'connection failed: connection to server at "10.0.0.5", port 5432 failed: {said}')
    told = as_user_error(error, parse_location("postgresql+psycopg://shop@10.0.0.5:5432/aftersales"))
    assert told is not None and "的连接已满（" in told.message and "请检查网络" not in told.message, told


def test_the_server_lets_go_of_a_seat_whose_network_went_away_within_a_minute_or_two(pg_url: str) -> None:
    """A laptop's lid closed in the middle of an import: with the server's system defaults its connection, import turn
    and locked rows stayed on the server for two hours (every other seat's import refused as 数据库忙 meanwhile, its
    connections counted against the limit). The server now probes the seat's connections and listener as they probe
    it: given up after at most a minute or so of silence."""
    listener = ChangeListener(parse_location(pg_url))
    seat = open_database(pg_url, seat="小王")
    try:
        with seat.engine.connect() as conn:
            pooled = {name: conn.exec_driver_sql(f"SHOW {name}").scalar_one() for name in _PROBES}
        heard = {name: listener._conn.execute(f"SHOW {name}").fetchone()[0] for name in _PROBES}  # type: ignore[index]
        for shown in (pooled, heard):
            silent = int(shown["tcp_keepalives_idle"]) + int(shown["tcp_keepalives_interval"]) * int(
                shown["tcp_keepalives_count"])
            assert 0 < silent <= 60 and 0 < int(shown["tcp_user_timeout"]) <= 120_000, shown  # ms
    finally:
        listener.close()
        seat.close()


_PROBES = ("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count", "tcp_user_timeout")
