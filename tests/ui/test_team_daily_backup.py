"""Opening the window on a team ledger takes the day's pg_dump, as a file ledger takes its copy."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.services.backups import backup_folder
from desktop_app.store.locations import parse_location
from desktop_app.ui.app import create_window
from tests.ui.conftest import wait_idle

PG_URL = os.environ.get("AFTERSALES_TEST_PG_URL", "")


@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")
def test_the_window_backs_up_a_team_ledger_once_a_day(qtbot: QtBot, pg_url: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("pg_dump") is None:
        if not os.environ.get("AFTERSALES_TEST_PG_BIN"):
            pytest.skip("pg_dump not installed")
        monkeypatch.setenv("AFTERSALES_PG_DUMP", str(Path(os.environ["AFTERSALES_TEST_PG_BIN"]) / "pg_dump"))

    def dumps() -> list[Path]:
        return sorted(backup_folder().glob("*-daily.dump")) if backup_folder().is_dir() else []

    for _ in range(2):  # the second start the same day takes none
        win = create_window(parse_location(pg_url))
        qtbot.addWidget(win)
        win.show()
        win.open_database()
        qtbot.waitUntil(lambda: len(dumps()) == 1, timeout=20000)
        wait_idle(qtbot, win)
        win.team_changes.stop()
        win.runner.shutdown()
        win.context.db.close()
    assert len(dumps()) == 1 and dumps()[0].read_bytes()[:5] == b"PGDMP"
