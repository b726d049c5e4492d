"""`migrate-to` (or the window's 迁移本机数据) while another program saves to the ledger file: what it saved
is not in the copy, so the move is undone and says why, instead of leaving the shop on a server without it.
PostgreSQL; skipped without AFTERSALES_TEST_PG_URL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from desktop_app.core.errors import UserError
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services import ledger_move
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.ledger_move import move_ledger
from desktop_app.store.database import open_database
from desktop_app.store.locations import parse_location

PG_URL = os.environ.get("AFTERSALES_TEST_PG_URL", "")
pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")

ROOT = Path(__file__).resolve().parents[2]


def test_a_case_saved_to_the_file_while_it_moves_undoes_the_move(
        db_path: Path, data_home: Path, empty_server_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_database(db_path)
    open_case(db, NewCase(Platform.PDD, "261204-1", CaseKind.RESHIP))
    db.close()
    copy_rows = ledger_move.copy_rows
    told: list[subprocess.CompletedProcess[str]] = []

    def copying(*args: Any) -> None:  # the snapshot is taken: a command saves a case to the file meanwhile
        told.append(subprocess.run(
            [sys.executable, "-m", "desktop_app", "case", "add", "--platform", "pdd", "--order", "261204-2",
             "--kind", "reship", "--db", str(db_path)],
            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120))
        copy_rows(*args)

    monkeypatch.setattr(ledger_move, "copy_rows", copying)
    with pytest.raises(UserError) as refused:
        move_ledger(db_path, parse_location(empty_server_db))  # moved without it: the shop lost that case
    assert told[0].returncode == 0, told[0].stderr
    assert "迁移期间数据库文件" in refused.value.message and "目标数据库未改动" in refused.value.message
    server = create_engine(empty_server_db, poolclass=NullPool)
    try:
        with server.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM cases")).scalar_one() == 0
    finally:
        server.dispose()
    monkeypatch.setattr(ledger_move, "copy_rows", copy_rows)
    assert move_ledger(db_path, parse_location(empty_server_db)).counts["cases"] == 2  # nobody writing: moved
