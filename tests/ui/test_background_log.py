"""What the background runner logs for a failed operation: a refusal of the moment (the ledger locked by another
program, the team server gone) one line, since the user is told and the driver's traceback adds nothing; a bug its
whole traceback."""

from __future__ import annotations

import psycopg
import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import exc as sa_exc

from desktop_app.ui.background import BackgroundRunner


def _logged(qtbot: QtBot, caplog: pytest.LogCaptureFixture, error: Exception) -> list[tuple[str, str]]:
    runner = BackgroundRunner()
    told: list[Exception] = []

    def work() -> None:
        raise error

    try:
        runner.run(work, lambda _result: None, told.append)
        qtbot.waitUntil(lambda: bool(told), timeout=10000)
    finally:
        runner.shutdown()
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "desktop_app.ui.background"]


def test_a_read_on_a_connection_the_server_dropped_overnight_logs_one_line(
        qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    lost = sa_exc.OperationalError("SELECT 1", {}, psycopg.OperationalError(
        "consuming input failed: server closed the connection unexpectedly\n\tThis probably means the server ..."))
    logged = _logged(qtbot, caplog, lost)
    assert [level for level, _text in logged] == ["WARNING"], logged
    assert "\n" not in logged[0][1] and "server closed the connection" in logged[0][1]


def test_a_bug_logs_its_traceback(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    logged = _logged(qtbot, caplog, ValueError("a bug"))
    assert [level for level, _text in logged] == ["ERROR"], logged
    assert "Traceback" in logged[0][1] and "ValueError: a bug" in logged[0][1]
