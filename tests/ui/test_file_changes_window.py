"""A window and the command line on one ledger file: what the command line changes shows in the window by
itself, with who changed which case; the window's own steps are not said to come from elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.op_changes import OpChanges
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.store.database import open_database
from desktop_app.ui.background import Announcement, BackgroundRunner
from desktop_app.ui.team.team_changes import TeamChanges
from desktop_app.ui.widgets.row_table_model import ROW_ROLE
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import opened_window, wait_idle

ROOT = Path(__file__).resolve().parents[2]


def shown_statuses(win: MainWindow) -> dict[int, str]:
    model = win.cases_tab.model
    return {row.id: row.status for r in range(model.rowCount()) if (row := model.index(r, 0).data(ROW_ROLE))}


def test_a_case_closed_from_the_command_line_shows_closed_and_who_did_it(qtbot: QtBot, db_path: Path) -> None:
    db = open_database(db_path)
    first = open_case(db, NewCase(Platform.PDD, "261204-1", CaseKind.REFUND_ONLY)).case_id
    second = open_case(db, NewCase(Platform.PDD, "261204-2", CaseKind.REFUND_ONLY)).case_id
    db.close()
    opened = opened_window(qtbot, db_path)
    win = next(opened)
    try:
        qtbot.waitUntil(lambda: shown_statuses(win) == {first: "pending", second: "pending"}, timeout=5000)
        done = subprocess.run(
            [sys.executable, "-m", "desktop_app", "case", "act", str(first), "close", "--db", str(db_path)],
            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
            timeout=120)
        assert done.returncode == 0, done.stderr
        # It stayed listed as 待处理 until F5: nothing told the window.
        qtbot.waitUntil(lambda: shown_statuses(win) == {second: "pending"}, timeout=10000)  # open cases only
        said = win.team_changes.label
        qtbot.waitUntil(lambda: "在另一个程序中修改了" in said.text(), timeout=5000)
        assert f'售后单 <a href="case:{first}">#{first}</a>' in said.text()
        said.clear()
        win.context.write(lambda d: act_on_case(d, second, CaseAction.CLOSE))  # the window's own step
        qtbot.waitUntil(lambda: shown_statuses(win) == {}, timeout=5000)
        wait_idle(qtbot, win)
        qtbot.wait(2500)  # two looks at the file
        assert said.text() == ""
    finally:
        next(opened, None)


def test_a_commit_without_a_trail_while_the_worker_runs_reloads_once_when_it_is_done(
        qtbot: QtBot, db_path: Path) -> None:
    """An order import has no audit trail, like the window's own second process (a start-up recompute
    that commits a chunk at a time for minutes): while the worker waits for it, nothing reloads a second;
    once it is done, everything reloads once."""
    db = open_database(db_path)
    runner = BackgroundRunner()
    changes = TeamChanges(runner)
    announced: list[Announcement] = []
    runner.changed.connect(announced.append)
    release = threading.Event()
    try:
        changes.watch(db)
        runner.run(lambda: release.wait(60))  # the worker waits for the second process
        sample = ROOT / "tests" / "fixtures" / "samples" / "douyin_orders.xlsx"
        done = subprocess.run([sys.executable, "-m", "desktop_app", "import-orders", str(sample), "--db", str(db_path)],
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        qtbot.wait(2500)  # two looks at the file
        assert announced == [] and changes.label.text() == ""
        release.set()
        qtbot.waitUntil(lambda: bool(announced), timeout=5000)
        assert announced == [Announcement(OpChanges.everything(), None)]
    finally:
        release.set()
        changes.stop()
        runner.shutdown()
        db.close()
