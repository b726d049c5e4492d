"""The ledger file's integrity check at start-up (issue 15): it waits for the Cases table's first page to be
painted (beside the tab's building and that page's read it made three busy threads on two cores during the
launch), and still refuses a damaged file right after."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.services import backups
from desktop_app.store.ledger_files import IntegrityReport
from desktop_app.ui.app import create_window
from desktop_app.ui.window import window_opening
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.test_backups_window import damaged_ledger_box, seed
from tests.unit.test_ledger_damage import damage_table


def test_the_check_starts_once_the_first_page_is_shown_and_still_refuses_a_damaged_file(
        qtbot: QtBot, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(db_path, 5)
    good = backups.back_up(db_path)
    damage_table(db_path, "audit_events")  # a table the first page does not read: its 5 rows show
    rows_when_checked: list[int] = []
    real_check = window_opening.check_integrity
    win: MainWindow | None = None

    def check(path: Path) -> IntegrityReport:
        assert win is not None
        rows_when_checked.append(win.cases_tab.model.rowCount() if win.cases_tab_built else -1)
        return real_check(path)

    monkeypatch.setattr(window_opening, "check_integrity", check)
    win = create_window(db_path)
    qtbot.addWidget(win)
    try:
        win.show()
        win.open_database()
        box = damaged_ledger_box(qtbot)
        assert rows_when_checked == [5]  # checked once, after the first page (before: while the tab was built)
        assert "已损坏" in box.text() and str(good) in box.informativeText()
        assert win.context.db is None  # refused: nothing was opened over the damaged file
        box.close()
    finally:
        win.care.shutdown()
        win.runner.shutdown()
