"""A restore while another program writes to the ledger file (a script's import, `case add` in a terminal):
what that program was told it saved is never lost without a word — the restore is refused, or the program
is told its work was not saved."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import StaticPool

from desktop_app.core.errors import UserError
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services import backups
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.database import open_database, take_write_lock
from desktop_app.store.file_changes import LedgerConnection
from desktop_app.store.ledger_files import count_rows

pytestmark = pytest.mark.sqlite_only  # the file itself: a team ledger restores with pg_restore

ROOT = Path(__file__).resolve().parents[2]


def add_case_command(db_path: Path, order_no: str) -> list[str]:
    return [sys.executable, "-m", "desktop_app", "case", "add", "--platform", "pdd", "--order", order_no,
            "--kind", "reship", "--db", str(db_path)]


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def order_cases(db_path: Path, order_no: str) -> int:
    db = open_database(db_path)
    try:
        with db.reading() as session:
            return int(session.execute(text(
                "SELECT count(*) FROM cases JOIN orders ON orders.id = cases.order_id WHERE orders.order_no = :no"),
                {"no": order_no}).scalar_one())
    finally:
        db.close()


@pytest.fixture
def ledger_and_backup(db_path: Path, data_home: Path) -> tuple[Path, Path]:
    db = open_database(db_path)
    open_case(db, NewCase(Platform.PDD, "261204-1", CaseKind.RESHIP))
    db.close()
    return db_path, backups.back_up(db_path)


def test_a_command_that_saves_while_the_restore_copies_is_not_lost(
        ledger_and_backup: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    db_path, backup = ledger_and_backup
    copy = backups.copy_online
    told: list[subprocess.CompletedProcess[str]] = []

    def copying(source: Path, target: Path) -> None:
        if target.name.endswith(".restoring") and not told:  # the 恢复前 copy is taken; `case add` starts and saves
            told.append(subprocess.run(add_case_command(db_path, "261204-2"), env=environment(),
                                       capture_output=True, text=True, timeout=120))
        copy(source, target)

    monkeypatch.setattr(backups, "copy_online", copying)
    with pytest.raises(UserError) as refused:
        backups.restore_backup(db_path, backup)  # went ahead: the command's case was in neither file
    assert told[0].returncode == 0, told[0].stderr  # the command was told its case was saved
    assert "恢复期间另一个程序" in refused.value.message and "没有恢复" in refused.value.message
    assert order_cases(db_path, "261204-2") == 1  # and it is
    assert not db_path.with_name(db_path.name + ".restoring").exists()
    assert backups.restore_backup(db_path, backup).exists()  # nobody writing: the restore goes ahead
    assert count_rows(db_path) is not None and order_cases(db_path, "261204-2") == 0


def test_a_connection_that_opened_the_ledger_as_the_restore_replaced_it_writes_nothing(
        ledger_and_backup: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A command started during the restore opens the old file, waits for the restore's lock, then
    would write into the old file, which nobody reads again: it is told instead."""
    db_path, backup = ledger_and_backup
    replace = os.replace
    opened: list[LedgerConnection] = []

    def replacing(source: Any, target: Any) -> None:
        if str(target) == str(db_path.resolve()):  # held by the restore: a connection opens it meanwhile
            opened.append(sqlite3.connect(str(db_path), factory=LedgerConnection, check_same_thread=False))
        replace(source, target)

    monkeypatch.setattr(backups.os, "replace", replacing)
    backups.restore_backup(db_path, backup)
    engine = create_engine("sqlite://", creator=lambda: opened[0], poolclass=StaticPool)
    try:
        with pytest.raises(UserError) as refused, engine.begin() as conn:
            take_write_lock(conn)  # went on, into the old file
            conn.exec_driver_sql("DELETE FROM cases")
        assert "刚被恢复为一个备份" in refused.value.message
    finally:
        engine.dispose()
    assert order_cases(db_path, "261204-1") == 1
