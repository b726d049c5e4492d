"""店铺策略: a switch whose save is refused (another program holds the ledger, the server is gone) stayed ticked as
clicked, nothing said, while the ledger kept the policy as it was. Now the box shows what is stored and says why."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.services.playbooks import enabled_policy_ids
from desktop_app.store.database import Database, open_database
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.cases.case_guide_panel import PolicyDialog
from desktop_app.ui.context import AppContext
from tests.ui.refused_writes import boxes, quick_lock  # noqa: F401  (autouse fixtures)


@pytest.fixture
def dialog(qtbot: QtBot, db_path: Path) -> Iterator[tuple[PolicyDialog, Database]]:
    db = open_database(db_path)
    runner = BackgroundRunner()
    context = AppContext(runner)
    context.set_database(db)
    shown = PolicyDialog(context)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitUntil(lambda: shown.list.count() > 0, timeout=10000)
    yield shown, db
    runner.shutdown()
    db.close()


def _stored(db: Database) -> list[str]:
    with db.reading() as session:
        return enabled_policy_ids(session)


def test_a_policy_switched_on_while_the_ledger_is_locked_shows_off_again_and_says_why(
        qtbot: QtBot, dialog: tuple[PolicyDialog, Database], db_path: Path) -> None:
    shown, db = dialog
    item = shown.list.item(0)
    policy_id = str(item.data(Qt.ItemDataRole.UserRole))
    assert policy_id not in _stored(db) and item.checkState() == Qt.CheckState.Unchecked
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program in the middle of a long write
    try:
        item.setCheckState(Qt.CheckState.Checked)
        qtbot.waitUntil(lambda: item.checkState() == Qt.CheckState.Unchecked, timeout=10000)  # as the ledger has it
        assert shown.problem.isVisible() and shown.problem.text().startswith("未保存："), shown.problem.text()
        assert "正被另一个程序写入" in shown.problem.text(), shown.problem.text()
    finally:
        holder.rollback()
        holder.close()
    assert policy_id not in _stored(db)
    item.setCheckState(Qt.CheckState.Checked)  # clicked again, the ledger free: saved, the problem gone
    qtbot.waitUntil(lambda: policy_id in _stored(db), timeout=10000)
    qtbot.waitUntil(lambda: not shown.problem.isVisible() and item.checkState() == Qt.CheckState.Checked,
                    timeout=10000)


def test_a_write_refused_by_a_locked_ledger_logs_one_line_not_a_traceback(
        qtbot: QtBot, dialog: tuple[PolicyDialog, Database], db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """An expected refusal (another program's long write) is not an error: the log said "background operation
    failed" with the driver's whole traceback each time, burying the real faults a shop sends in."""
    shown, _db = dialog
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        shown.list.item(0).setCheckState(Qt.CheckState.Checked)
        qtbot.waitUntil(lambda: shown.problem.isVisible(), timeout=10000)
    finally:
        holder.rollback()
        holder.close()
    said = [r for r in caplog.records if r.name == "desktop_app.ui.background"]
    assert [r.levelname for r in said] == ["WARNING"], [r.getMessage() for r in said]
    assert "\n" not in said[0].getMessage() and "database is locked" in said[0].getMessage()
