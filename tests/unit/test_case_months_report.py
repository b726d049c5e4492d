"""`report --json` from the per-month aggregate (`store/case_months.py`) is byte for byte what the cases alone give,
for the seven scopes of bench/README's session 28; a ledger moved to a team server (which keeps no aggregate) and
copied back counts every case once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from case_months_ledger import MOMENT, build_year, exact
from sqlalchemy import create_engine

from desktop_app.cli import run
from desktop_app.services import report as report_module
from desktop_app.services.ledger_move import move_ledger
from desktop_app.store import case_months
from desktop_app.store.case_months import kept_in, rebuilt_case_months
from desktop_app.store.database import Database, open_database
from desktop_app.store.ledger_copy import copy_rows
from desktop_app.store.locations import parse_location
from desktop_app.store.report_queries import case_group_rows

YEAR = ("2026-01-01", "2026-12-31")
DAYS_30 = ("2026-11-03", "2026-12-02")  # 近 30 天 at the moment
SCOPES = (
    (*YEAR,), ("2026-06-01", "2026-06-30"), (*YEAR, "--platform", "pdd"), (*YEAR, "--shop", "小林家居pdd店"),
    ("2026-01-01", "2026-12-02"), (*DAYS_30,), (*DAYS_30, "--shop", "小林家居pdd店"),
)


def _reports(target: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    texts = []
    for start, end, *extra in SCOPES:
        assert run(["report", "--from", start, "--to", end, "--db", target, "--json", *extra]) == 0
        texts.append(capsys.readouterr().out)
    return texts


def test_report_json_from_the_aggregate_is_the_cases_own_for_seven_scopes(
        db: Database, ledger_target: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    build_year(db)
    monkeypatch.setattr(report_module, "now", lambda: MOMENT)
    kept = _reports(ledger_target, capsys)
    monkeypatch.setattr(report_module, "report_case_group_rows", case_group_rows)  # the cases alone
    alone = _reports(ledger_target, capsys)
    assert '"by_kind"' in kept[0] and '"overdue_now"' in kept[0]
    for scope, (a, b) in zip(SCOPES, zip(kept, alone, strict=True), strict=True):
        assert a == b, scope
    if db.is_server:
        with db.reading() as s:
            assert not kept_in(s)
        return
    exact(db)
    # The aggregate is what the year read: a figure altered in it shows in the report (and in the check).
    raw = sqlite3.connect(ledger_target)
    raw.execute("UPDATE case_months SET refund_fen = refund_fen + 100 WHERE month = '2026-06' AND refund_fen > 0")
    raw.commit()
    raw.close()
    monkeypatch.setattr(report_module, "report_case_group_rows", case_months.report_case_group_rows)
    assert _reports(ledger_target, capsys)[0] != alone[0]
    with pytest.raises(AssertionError):
        exact(db)


@pytest.mark.sqlite_only
def test_a_ledger_moved_to_a_server_and_copied_back_counts_each_case_once(
        db_path: Path, empty_server_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_module, "now", lambda: MOMENT)
    db = open_database(db_path)
    try:
        build_year(db)
        kept = exact(db)
    finally:
        db.close()
    on_file = _reports(str(db_path), capsys)
    move_ledger(db_path, parse_location(empty_server_db))
    assert _reports(empty_server_db, capsys) == on_file  # the server reads its cases: no aggregate there
    server = create_engine(empty_server_db)
    try:
        with server.connect() as conn:
            assert not kept_in(conn)
            assert conn.exec_driver_sql("SELECT to_regclass('case_months')").scalar() is None
        back = open_database(tmp_path / "back.sqlite3")  # copied back into a new file: its triggers fill it
        try:
            with server.connect() as reading, back.engine.begin() as writing:
                copy_rows(reading, writing)
            assert exact(back) == kept
            with back.reading() as s:
                assert rebuilt_case_months(s) == kept
        finally:
            back.close()
    finally:
        server.dispose()
    assert _reports(str(tmp_path / "back.sqlite3"), capsys) == on_file
