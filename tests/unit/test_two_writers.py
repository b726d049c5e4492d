"""Two writers on one ledger: the loser of a race gets a Chinese message (never a traceback), a locked
ledger is waited for within the busy timeout and then refused with a message."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import run
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store import database
from desktop_app.store.database import open_database

ROOT = Path(__file__).resolve().parents[2]


def test_two_processes_acting_on_one_case_one_wins_the_other_is_told(db_path: Path, tmp_path: Path) -> None:
    db = open_database(db_path)
    rounds = 3
    try:
        ids = [open_case(db, NewCase(Platform.PDD, f"26110000{n}", CaseKind.RESHIP)).case_id for n in range(rounds)]
    finally:
        db.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for case_id in ids:
        command = [sys.executable, "-m", "desktop_app", "case", "act", str(case_id), "agree_reship",
                   "--db", str(db_path)]
        racers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                  for _ in range(2)]
        outputs = [p.communicate(timeout=120) for p in racers]
        results = [(p.returncode, out, err) for p, (out, err) in zip(racers, outputs, strict=True)]
        codes = sorted(code for code, _, _ in results)
        assert codes == [0, 2], results
        loser = next(err for code, _, err in results if code == 2)
        assert loser.startswith("错误：") and "Traceback" not in loser, loser
    with sqlite3.connect(db_path) as conn:
        agreed = conn.execute("SELECT count(*) FROM audit_events WHERE action = 'agree_reship'").fetchone()[0]
        assert agreed == rounds  # each case agreed once: no lost update, no double step
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    conn.close()


def test_a_locked_ledger_is_waited_for_then_refused_with_a_message(
        capsys: pytest.CaptureFixture[str], db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_database(db_path).close()
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another program in the middle of a long write
        code = run(["case", "add", "--db", str(db_path), "--platform", "pdd", "--order", "1", "--kind", "reship"])
        err = capsys.readouterr().err
        assert code == 2 and "另一个程序写入" in err and "Traceback" not in err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run(["case", "add", "--db", str(db_path), "--platform", "pdd", "--order", "1", "--kind", "reship"]) == 0


def test_stale_data_from_the_orm_is_a_message(capsys: pytest.CaptureFixture[str], db_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    from desktop_app.cli import case_steps

    def lose(_args: object) -> int:
        raise StaleDataError("UPDATE statement on table 'cases' expected to update 1 row(s); 0 were matched.")

    monkeypatch.setattr(case_steps, "act", lose)
    code = run(["case", "act", "1", "close", "--db", str(db_path)])
    err = capsys.readouterr().err
    assert code == 2 and "另一个窗口或程序修改" in err
