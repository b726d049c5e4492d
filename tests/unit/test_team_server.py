"""Team mode on a real PostgreSQL (`.ci/run` starts one; skipped without AFTERSALES_TEST_PG_URL):
moving a ledger file to the server, change notices with the seat, two processes racing on one case,
every ledger table announcing its changes, backups with pg_dump."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from desktop_app.cli import run
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.statement import ShopProfile
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services import backups
from desktop_app.services.case_evidence import add_case_evidence
from desktop_app.services.case_import import import_cases
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.evidence_files import local_file
from desktop_app.services.ledger_move import move_ledger
from desktop_app.services.shop_profile import get_shop_profile, save_shop_profile, seal_path
from desktop_app.store.case_evidence_queries import case_evidence_rows
from desktop_app.store.change_notices import ChangeListener
from desktop_app.store.database import Database, alembic_config, open_database
from desktop_app.store.ledger_copy import SEARCH_BOOKKEEPING
from desktop_app.store.ledger_errors import as_user_error
from desktop_app.store.locations import parse_location
from desktop_app.store.models import AuditEvent, Base, Order
from desktop_app.store.search import search_hits

PG_URL = os.environ.get("AFTERSALES_TEST_PG_URL", "")
pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "fixtures" / "samples"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_migrate_to_copies_everything_checks_counts_and_leaves_the_file_untouched(
        capsys: pytest.CaptureFixture[str], db_path: Path, empty_server_db: str) -> None:
    assert cli(capsys, "import-orders", str(SAMPLES / "pdd_orders.csv"), str(SAMPLES / "jd_orders.csv"),
               "--db", str(db_path))[0] == 0
    for order, kind in (("260918-183047296511738", "reship"), ("260916-402581739624105", "return_refund")):
        code, out, err = cli(capsys, "case", "add", "--db", str(db_path), "--platform", "pdd", "--order", order,
                             "--kind", kind, "--reason", "damaged", "--amount", "35.5", "--json")
        assert code == 0, err
    assert cli(capsys, "case", "act", "1", "agree_reship", "--db", str(db_path))[0] == 0
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    local_list = cli(capsys, "case", "list", "--json", "--db", str(db_path))[1]

    code, out, err = cli(capsys, "migrate-to", empty_server_db, "--db", str(db_path), "--json")
    assert code == 0, err
    counts = json.loads(out)["counts"]
    assert counts["orders"] > 0 and counts["cases"] == 2 and counts["audit_events"] >= 3
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert ":" not in json.loads(out)["target"].split("@")[0].split("//")[1]  # no password shown
    # The same cases, the same way, on the server; new rows continue after the copied ids.
    assert cli(capsys, "case", "list", "--json", "--db", empty_server_db)[1] == local_list
    code, out, _ = cli(capsys, "case", "add", "--db", empty_server_db, "--platform", "pdd", "--order", "1",
                       "--kind", "reship", "--json")
    assert code == 0 and json.loads(out)["id"] == 3
    hits = json.loads(cli(capsys, "case", "list", "--json", "--search", "183047", "--db", empty_server_db)[1])
    assert [c["order"] for c in hits] == ["260918-183047296511738"]
    # A second move into a database that has data is refused and changes nothing.
    code, _, err = cli(capsys, "migrate-to", empty_server_db, "--db", str(db_path))
    assert code == 2 and "已经有数据" in err


def test_migrate_to_says_when_a_window_still_has_the_file_open(
        capsys: pytest.CaptureFixture[str], db_path: Path, empty_server_db: str) -> None:
    """Moved while a window had the file open, the shop went on working in that window: every later step stayed in
    the file and never reached the team database, with nothing said."""
    assert cli(capsys, "import-orders", str(SAMPLES / "pdd_orders.csv"), "--db", str(db_path))[0] == 0
    window = sqlite3.connect(db_path)  # what an open window (its ledger connection in WAL mode) holds
    try:
        window.execute("SELECT count(*) FROM orders").fetchone()
        code, _, err = cli(capsys, "migrate-to", empty_server_db, "--db", str(db_path), "--json")
    finally:
        window.close()
    assert code == 0 and "正被另一个窗口或命令打开着" in err and "不会进入团队数据库" in err


def test_migrate_to_carries_evidence_files_and_the_seal_for_every_seat(
        tmp_path: Path, db_path: Path, data_home: Path, monkeypatch: pytest.MonkeyPatch,
        empty_server_db: str) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    photo, seal = tmp_path / "称重.png", tmp_path / "章.png"
    photo.write_bytes(png + b"weight")
    seal.write_bytes(png)
    local = open_database(db_path)
    try:
        case_id = open_case(local, NewCase(Platform.PDD, "2", CaseKind.RESHIP), author="店主").case_id
        add_case_evidence(local, case_id, [photo, photo], author="店主")
        save_shop_profile(local, ShopProfile(name="好物小店"), seal_source=seal)
        with local.reading() as session:
            lost = case_evidence_rows(session, case_id)[1]
            local_file(session, lost.stored_path).unlink()  # deleted by hand before the move
    finally:
        local.close()
    result = move_ledger(db_path, parse_location(empty_server_db))
    assert result.files == 2 and result.missing_files == (lost.stored_path,)

    monkeypatch.setenv("AFTERSALES_LEDGER_HOME", str(tmp_path / "another computer"))
    server = open_database(empty_server_db)
    try:
        with server.reading() as session:
            first, second = [local_file(session, r.stored_path) for r in case_evidence_rows(session, case_id)]
            printed = seal_path(session, get_shop_profile(session))
        assert first.read_bytes() == png + b"weight" and not second.exists()
        assert printed is not None and printed.read_bytes() == png
    finally:
        server.close()


def test_other_seats_changes_are_announced_with_the_seat(pg_url: str) -> None:
    a = open_database(pg_url, seat="小王")
    b = open_database(pg_url, seat="小李")
    listener = ChangeListener(parse_location(pg_url))
    try:
        case_id = open_case(a, NewCase(Platform.PDD, "261118-1", CaseKind.RESHIP)).case_id
        notices = listener.wait(5)
        assert {n.table for n in notices} >= {"cases", "audit_events"}
        assert {n.seat for n in notices} == {"小王"}
        assert {n.backend_pid for n in notices} <= a.own_backends
        act_on_case(b, case_id, CaseAction.AGREE_RESHIP)
        notices = listener.wait(5)
        assert "小李" in {n.seat for n in notices} and {n.area for n in notices} >= {"cases", "reships"}
        assert not {n.backend_pid for n in notices} & a.own_backends
    finally:
        listener.close()
        a.close()
        b.close()


def test_a_seat_renamed_while_running_is_announced_under_its_new_name(pg_url: str) -> None:
    name = ["小王"]
    db = open_database(pg_url, seat=lambda: name[0])
    listener = ChangeListener(parse_location(pg_url))
    try:
        case_id = open_case(db, NewCase(Platform.PDD, "261118-1", CaseKind.RESHIP)).case_id
        assert {n.seat for n in listener.wait(5)} == {"小王"}
        name[0] = "夜班 小张"  # the same pooled connection, renamed
        act_on_case(db, case_id, CaseAction.AGREE_RESHIP)
        assert {n.seat for n in listener.wait(5)} == {"夜班 小张"}
    finally:
        listener.close()
        db.close()


def test_two_processes_acting_on_one_case_one_wins_the_other_is_told(pg_url: str) -> None:
    db = open_database(pg_url)
    rounds = 3
    try:
        ids = [open_case(db, NewCase(Platform.PDD, f"26110000{n}", CaseKind.RESHIP)).case_id for n in range(rounds)]
    finally:
        db.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for case_id in ids:
        command = [sys.executable, "-m", "desktop_app", "case", "act", str(case_id), "agree_reship", "--db", pg_url]
        racers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                  for _ in range(2)]
        results = [(p.returncode, out, err) for p in racers for out, err in [p.communicate(timeout=120)]]
        assert sorted(code for code, _, _ in results) == [0, 2], results
        loser = next(err for code, _, err in results if code == 2)
        assert loser.startswith("错误：") and "Traceback" not in loser, loser
    db = open_database(pg_url)
    with db.reading() as s:
        agreed = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "agree_reship"))
    db.close()
    assert agreed == rounds  # each case agreed exactly once: no lost update, no double step


def test_an_upgraded_team_ledger_is_analysed(empty_server_db: str) -> None:
    """The planner has statistics right after an upgrade: without them PostgreSQL planned the searches of
    a freshly migrated million-case ledger badly (96–190 ms a keystroke) until autovacuum got to it."""
    db = open_database(empty_server_db)
    open_case(db, NewCase(Platform.PDD, "261118-1", CaseKind.RESHIP))  # ANALYZE skips empty tables
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0009_engine")
    db.close()

    def statistics() -> int:
        engine = create_engine(empty_server_db, poolclass=NullPool)
        with engine.connect() as conn:
            count = conn.exec_driver_sql("SELECT count(*) FROM pg_stats WHERE tablename = 'cases'").scalar_one()
        engine.dispose()
        return int(count)

    assert statistics() == 0
    open_database(empty_server_db).close()  # upgraded to head again
    assert statistics() > 0


def test_a_seat_reads_without_jit(db: Database) -> None:
    """JIT compilation costs a read more than it saves (store/database.py): each seat's connection is
    without it, whatever the server's default."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    with db.reading() as session:
        assert session.connection().exec_driver_sql("SHOW jit").scalar_one() == "off"


def test_every_ledger_table_announces_its_changes(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("change notices are PostgreSQL's")
    with db.engine.connect() as conn:
        triggered = {r[0] for r in conn.exec_driver_sql(
            "SELECT event_object_table FROM information_schema.triggers WHERE trigger_name LIKE '%%\\_notify'")}
    expected = {t.name for t in Base.metadata.sorted_tables} - SEARCH_BOOKKEEPING
    assert triggered == expected


@pytest.mark.skipif(shutil.which("pg_dump") is None and not os.environ.get("AFTERSALES_TEST_PG_BIN"),
                    reason="pg_dump not installed")
def test_backup_of_a_team_ledger_is_a_pg_dump_file(capsys: pytest.CaptureFixture[str], pg_url: str,
                                                   tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("pg_dump") is None:
        monkeypatch.setenv("AFTERSALES_PG_DUMP", str(Path(os.environ["AFTERSALES_TEST_PG_BIN"]) / "pg_dump"))
    code, out, err = cli(capsys, "backup", "--db", pg_url, "--to", str(tmp_path), "--json")
    assert code == 0, err
    written = Path(json.loads(out)["file"])
    assert written.parent == tmp_path and written.suffix == ".dump" and written.read_bytes()[:5] == b"PGDMP"
    monkeypatch.setenv("AFTERSALES_PG_DUMP", str(tmp_path / "no-such-pg_dump"))
    code, _, err = cli(capsys, "backup", "--db", pg_url, "--to", str(tmp_path))
    assert code == 2 and "pg_dump" in err and "Traceback" not in err


def test_check_backup_list_and_restore_answer_for_a_team_ledger(capsys: pytest.CaptureFixture[str],
                                                                 pg_url: str) -> None:
    """They refused a server ledger ("这个命令只用于本机的数据库文件"): `check` now says whether it answers,
    `backup --list` lists its dumps, `restore` says how the server is restored."""
    code, out, err = cli(capsys, "check", "--db", pg_url)
    assert code == 0 and "团队数据库可以正常连接" in out and "售后单 0 张" in out, err
    dump = backups.backup_folder() / f"{make_url(pg_url).database}-20261203-101010-manual.dump"
    dump.parent.mkdir(parents=True, exist_ok=True)
    dump.write_bytes(b"PGDMP")
    (dump.parent / "another_db-20261203-101010-manual.dump").write_bytes(b"PGDMP")
    code, out, err = cli(capsys, "backup", "--list", "--json", "--db", pg_url)
    assert code == 0 and [row["file"] for row in json.loads(out)] == [str(dump)], err
    code, out, err = cli(capsys, "restore", str(dump), "--db", pg_url)
    assert code == 2 and f"pg_restore --clean --if-exists --no-owner -d {make_url(pg_url).database} {dump}" in err
    # A ledger file (SQLite) given for the team ledger was told the same pg_restore line, which fails on the
    # server: it is said what the file is, and how a ledger file goes to a server.
    ledger = dump.parent / "ledger-20261203-101010-manual.sqlite3"
    ledger.write_bytes(b"SQLite format 3\x00" + bytes(100))
    code, out, err = cli(capsys, "restore", str(ledger), "--db", pg_url)
    assert code == 2 and "单机账本文件（SQLite）" in err and "migrate-to" in err and "pg_restore" not in err, err
    other = dump.parent / "照片.jpg"
    other.write_bytes(b"\xff\xd8\xff")
    code, out, err = cli(capsys, "restore", str(other), "--db", pg_url)
    assert code == 2 and "不是 pg_dump 的备份文件" in err and "Traceback" not in err, err
    code, out, err = cli(capsys, "restore", str(dump.parent / "nothing.dump"), "--db", pg_url)
    assert code == 2 and "无法读取" in err and "Traceback" not in err, err


def test_a_seat_still_on_an_older_version_after_another_upgraded_the_ledger_is_told_so(pg_url: str) -> None:
    """Another seat's newer version upgraded the team ledger while this one ran: a changed table met this
    seat's next step as "内部错误（ProgrammingError）" (the CLI: exit 3 and a log for the developer)."""
    seat = open_database(pg_url, seat="小李")
    case_id = open_case(seat, NewCase(Platform.PDD, "261203-750", CaseKind.RESHIP)).case_id
    admin = create_engine(pg_url, poolclass=NullPool)
    with admin.begin() as conn:  # what a newer version's migration might do
        conn.exec_driver_sql("ALTER TABLE cases RENAME COLUMN description TO buyer_words")
    try:
        with pytest.raises(Exception) as failed:
            act_on_case(seat, case_id, CaseAction.AGREE_RESHIP)
        known = as_user_error(failed.value, seat.location)
        assert known is not None and "表结构与本程序不一致" in known.message and "升级到最新版本" in known.message
        assert "cases.description" in known.message  # the server's own line, for whoever helps
    finally:
        seat.close()
        with admin.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE cases RENAME COLUMN buyer_words TO description")
        admin.dispose()


@pytest.mark.skipif(not hasattr(socket, "TCP_KEEPIDLE"), reason="reads Linux's TCP options")
def test_a_network_gone_silent_is_noticed_within_a_minute_or_two(pg_url: str) -> None:
    """With the system's TCP defaults a dead network went unnoticed for two hours: the window's listener
    waited on a connection nobody answered (no other seat's change was shown again, nothing said), and a
    write hung. Both the listener's and the seat's connections now probe a silent server."""

    def options(fd: int) -> tuple[int, int, int]:
        """Keepalive on, seconds of silence until given up, ms of unacknowledged data until given up."""
        sock = socket.socket(fileno=fd)
        try:
            tcp = socket.IPPROTO_TCP
            silent = sock.getsockopt(tcp, socket.TCP_KEEPIDLE) + (
                sock.getsockopt(tcp, socket.TCP_KEEPINTVL) * sock.getsockopt(tcp, socket.TCP_KEEPCNT))
            return (sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE), silent,
                    sock.getsockopt(tcp, socket.TCP_USER_TIMEOUT))
        finally:
            sock.detach()

    listener = ChangeListener(parse_location(pg_url))
    seat = open_database(pg_url, seat="小王")
    try:
        with seat.engine.connect() as conn:
            pooled = conn.connection.dbapi_connection
            assert pooled is not None
            seat_socket = options(pooled.pgconn.socket)  # type: ignore[attr-defined]
        for keepalive, silent_seconds, unacknowledged_ms in (options(listener._conn.pgconn.socket), seat_socket):
            assert keepalive == 1 and silent_seconds <= 60 and 0 < unacknowledged_ms <= 120_000
    finally:
        listener.close()
        seat.close()


def test_migrate_to_builds_the_secondary_indexes_once_the_rows_are_in(
        capsys: pytest.CaptureFixture[str], db_path: Path, empty_server_db: str, pg_url: str) -> None:
    """Kept while the rows came in, the trigram index took each order's text one insert at a time (13.5 of
    the 28 minutes of a million cases): the secondary indexes are set aside for the copy and built after
    it, and the moved ledger has exactly the indexes of a ledger created on the server."""
    assert cli(capsys, "import-orders", str(SAMPLES / "pdd_orders.csv"), "--db", str(db_path))[0] == 0
    statements: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", note)
    try:
        move_ledger(db_path, parse_location(empty_server_db))
    finally:
        event.remove(Engine, "before_cursor_execute", note)
    orders = [i for i, s in enumerate(statements) if s.startswith("INSERT INTO orders")]
    dropped = statements.index('DROP INDEX "ix_orders_search_trgm"')
    built = next(i for i, s in enumerate(statements)
                 if i > dropped and s.startswith("CREATE INDEX ix_orders_search_trgm"))
    assert orders and dropped < orders[0] and orders[-1] < built

    def indexes(url: str) -> set[tuple[str, str]]:
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                return {(r[0], r[1]) for r in conn.exec_driver_sql(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()")}
        finally:
            engine.dispose()

    moved, created = indexes(empty_server_db), indexes(pg_url)
    assert moved == created and ("ix_orders_search_trgm" in {name for name, _ in moved})
    found = []  # the rebuilt trigram index finds what the file's search index finds
    for target in (str(db_path), empty_server_db):
        ledger = open_database(target)
        try:
            with ledger.reading() as session:
                term = session.execute(select(Order.order_no).order_by(Order.id)).scalars().first()[3:9]
                found.append((term, set(search_hits(session, term).order_ids)))
        finally:
            ledger.close()
    assert found[0] == found[1] and found[0][1]


def test_the_notices_name_the_cases_a_seat_changed(pg_url: str, tmp_path: Path) -> None:
    """Other seats' windows said only "小李 修改了 售后单、补发": which case, of hundreds, nobody could tell. A
    transaction that changed cases now names them (some numbers, and how many)."""
    a = open_database(pg_url, seat="小王")
    listener = ChangeListener(parse_location(pg_url))
    try:
        case_id = open_case(a, NewCase(Platform.PDD, "261118-1", CaseKind.RESHIP)).case_id
        act_on_case(a, case_id, CaseAction.AGREE_RESHIP)
        named = [(n.cases, n.seat) for n in listener.wait(5) if n.cases is not None]
        while len(named) < 2:
            named += [(n.cases, n.seat) for n in listener.wait(5) if n.cases is not None]
        assert named == [(((case_id,), 1), "小王")] * 2  # the case opened, then agreed: one notice each
        lists = ROOT / "tests" / "fixtures" / "aftersales"
        imported = import_cases(a, [lists / "pdd_aftersales.csv"]).files[0].inserted  # beside the ORM
        notices = [n for n in listener.wait(5) if n.cases is not None]
        assert [n.cases for n in notices] == [(tuple(sorted(imported)[:10]), 20)]
    finally:
        listener.close()
        a.close()


def test_a_connection_cut_in_the_middle_of_a_write_is_said_as_such(pg_url: str) -> None:
    """A seat's connection ended by the server while its import was under way (pg_terminate_backend, an
    administrator, a NAS going to sleep) was said as "无法连接团队数据库 …请检查网络、服务器地址和端口，以及服务器
    是否已启动" — as if it had never connected — and not that the unfinished work was not saved."""
    db = open_database(pg_url, seat="小王")
    admin = create_engine(pg_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with pytest.raises(sa_exc.DBAPIError) as caught, db.transaction() as session:
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with admin.connect() as conn:
                conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            time.sleep(0.2)  # the server has closed it: the next statement finds it gone
            session.connection().exec_driver_sql(  # as an import writes its rows (the driver's executemany)
                "INSERT INTO settings (key, value) VALUES (%(key)s, %(value)s)",
                [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}])
        known = as_user_error(caught.value, parse_location(pg_url))
        assert known is not None and "连接在操作中途断开了" in known.message, caught.value
        open_case(db, NewCase(Platform.PDD, "261204-9", CaseKind.RESHIP))  # and the seat works on
    finally:
        admin.dispose()
        db.close()
