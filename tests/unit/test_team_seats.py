"""Two computers under one seat name on a team ledger are told so (PostgreSQL; skipped without
AFTERSALES_TEST_PG_URL): the changes of both were recorded under one name and nobody could tell them apart."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from desktop_app.cli import run
from desktop_app.services import team
from desktop_app.services.seats import check_seat, take_seat
from desktop_app.store.database import open_database

PG_URL = os.environ.get("AFTERSALES_TEST_PG_URL", "")
pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")


def on_computer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, host: str) -> None:
    """What follows runs on another computer: its own data folder (team.json) and host name."""
    monkeypatch.setenv("AFTERSALES_LEDGER_HOME", str(tmp_path / host))
    monkeypatch.setattr(socket, "gethostname", lambda: host)


def test_a_second_computer_under_a_name_already_used_is_told_which_computer_has_it(
        pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_database(pg_url, seat="小王")
    try:
        on_computer(monkeypatch, tmp_path, "FRONT-PC")
        assert check_seat(db, "小王") is None  # nobody had it: now FRONT-PC's
        assert check_seat(db, "小王") is None  # and stays so
        on_computer(monkeypatch, tmp_path, "LAPTOP")
        clash = check_seat(db, "小王")
        assert clash is not None and clash.host == "FRONT-PC"
        assert clash.message.startswith("席位名“小王”也在另一台电脑（FRONT-PC，")
        assert check_seat(db, "小李") is None
        # Named again here (the front PC retired): the laptop has it, the front PC is told at its next start.
        assert take_seat(db, "小王") is not None and check_seat(db, "小王") is None
        on_computer(monkeypatch, tmp_path, "FRONT-PC")
        clash = check_seat(db, "小王")
        assert clash is not None and clash.host == "LAPTOP"
    finally:
        db.close()


def test_the_command_line_says_so_when_naming_the_seat_and_at_every_command(
        capsys: pytest.CaptureFixture[str], pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AFTERSALES_LEDGER_SEAT", raising=False)
    monkeypatch.setenv("AFTERSALES_LEDGER_DB", pg_url)
    on_computer(monkeypatch, tmp_path, "FRONT-PC")
    assert run(["seat", "小王"]) == 0
    out, err = capsys.readouterr()
    assert "已设为：小王" in out and err == ""
    on_computer(monkeypatch, tmp_path, "LAPTOP")
    assert run(["seat", "小王"]) == 0  # named the same on the second computer: said, and taken
    out, err = capsys.readouterr()
    assert "已设为：小王" in out and "也在另一台电脑（FRONT-PC，" in err
    on_computer(monkeypatch, tmp_path, "FRONT-PC")
    assert run(["case", "list", "--json"]) == 0  # the first computer, at its next command
    out, err = capsys.readouterr()
    assert out.strip() == "[]" and "席位名“小王”也在另一台电脑（LAPTOP，" in err and "Traceback" not in err
    assert run(["seat"]) == 0
    assert "也在另一台电脑（LAPTOP，" in capsys.readouterr().err


def test_naming_the_seat_with_the_server_away_saves_it_and_says_it_was_not_checked(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AFTERSALES_LEDGER_DB", f"postgresql+psycopg://kf:pw@127.0.0.1:{port}/aftersales")
    assert run(["seat", "小王"]) == 0
    out, err = capsys.readouterr()
    assert "已设为：小王" in out and "没能连上团队数据库" in err and "Traceback" not in err


def test_a_ledger_moves_into_a_database_a_seat_has_already_opened(
        capsys: pytest.CaptureFixture[str], db_path: Path, empty_server_db: str) -> None:
    """A command or window on the new, empty team database records its seat name there: the move then found
    the database "已经有数据（设置 1）" and refused it."""
    open_database(db_path).close()
    assert run(["case", "list", "--db", empty_server_db]) == 0  # trying the server first
    capsys.readouterr()
    code, _out, err = run(["migrate-to", empty_server_db, "--db", str(db_path)]), *capsys.readouterr()
    assert code == 0, err
    assert run(["case", "list", "--db", empty_server_db]) == 0 and "另一台电脑" not in capsys.readouterr().err


def test_a_seat_that_may_only_read_still_lists_its_cases(
        capsys: pytest.CaptureFixture[str], pg_url: str) -> None:
    """The owner's laptop on a read-only server account: recording its seat name failed every command,
    a plain `case list` included (没有权限)."""
    engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("DROP ROLE IF EXISTS ledger_reader_s21")
            conn.exec_driver_sql("CREATE ROLE ledger_reader_s21 LOGIN")
            conn.exec_driver_sql("GRANT SELECT ON ALL TABLES IN SCHEMA public TO ledger_reader_s21")
        reader = make_url(pg_url).set(username="ledger_reader_s21").render_as_string(hide_password=False)
        code = run(["case", "list", "--json", "--db", reader])
        out, err = capsys.readouterr()
        assert code == 0 and out.strip() == "[]", err
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ledger_reader_s21")
            conn.exec_driver_sql("DROP ROLE IF EXISTS ledger_reader_s21")
        engine.dispose()


def test_a_computer_whose_data_folder_cannot_be_written_is_known_by_its_host_name(
        pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its id could not be kept in team.json: the check failed with a traceback (PermissionError)."""
    on_computer(monkeypatch, tmp_path, "FRONT-PC")

    def refuse(_settings: object) -> None:
        raise PermissionError("read-only data folder")

    monkeypatch.setattr(team, "save_team_settings", refuse)
    db = open_database(pg_url, seat="小王")
    try:
        assert check_seat(db, "小王") is None
        assert check_seat(db, "小王") is None  # the same computer again, not another one
    finally:
        db.close()
