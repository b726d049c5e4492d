"""Session 29's hostile inputs: what still broke when files and settings the shop did not expect came in."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.cli import run
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.database import open_database
from desktop_app.store.ledger_files import count_rows


def _ledger(path: Path, cases: int) -> Path:
    db = open_database(path)
    for n in range(cases):
        open_case(db, NewCase(Platform.PDD, f"2611{n:08d}", CaseKind.RESHIP))
    db.close()
    return path


@pytest.mark.sqlite_only
def test_the_first_restore_of_a_ledger_never_backed_up_restores(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                                 data_home: Path) -> None:
    """A ledger only the command line used (no window: no daily backup, so no identity yet) — the new computer
    of README's move, started once — restored from the old computer's copy: the 恢复前 copy wrote the ledger's
    identity into it after the guard had noted the file, and the restore was refused as 恢复期间另一个程序…写入了数据库."""
    ledger = _ledger(tmp_path / "ledger.sqlite3", 1)
    old_computer = _ledger(tmp_path / "u盘" / "ledger-20261205-090000-daily.sqlite3", 3)
    assert run(["restore", str(old_computer), "--db", str(ledger)]) == 0, capsys.readouterr().err
    assert "已用" in capsys.readouterr().out
    assert count_rows(ledger).cases == 3  # type: ignore[union-attr]
