"""The window and its ledger file: daily backup, 备份与恢复 dialog, a damaged ledger offered its backup, one
window per ledger."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTranslator
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services import backups
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.database import open_database
from desktop_app.ui.app import create_window
from desktop_app.ui.window.main_window import MainWindow
from desktop_app.ui.window.single_instance import SingleInstance
from tests.ui.conftest import wait_idle
from tests.unit.test_ledger_damage import damage_table


def seed(path: Path, cases: int) -> None:
    db = open_database(path)
    try:
        for number in range(cases):
            open_case(db, NewCase(Platform.PDD, f"26110{number:05d}", CaseKind.RESHIP))
    finally:
        db.close()


def test_the_window_takes_one_backup_a_day_and_restores_from_the_dialog(
        qtbot: QtBot, window: MainWindow, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    qtbot.waitUntil(lambda: len(backups.list_backups(db_path)) == 1, timeout=10000)
    assert backups.list_backups(db_path)[0].kind == "daily"
    window.care.aside.wait()
    window.care.opened(window.context.db)  # a second start the same day: no second copy
    window.care.aside.wait()
    assert len(backups.list_backups(db_path)) == 1

    dialog = window.care.open_backups()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10000)
    assert dialog.table.item(0, 2).text() == "0" and dialog.table.item(0, 1).text() == "每日自动"
    assert dialog.restore_button.isEnabled()

    open_case(window.context.db, NewCase(Platform.PDD, "2611000001", CaseKind.RESHIP))  # after the backup
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.confirm_restore()
    qtbot.waitUntil(lambda: window.context.db is not None and not window.runner.busy, timeout=15000)
    wait_idle(qtbot, window)
    with window.context.db.reading() as session:
        assert session.execute(text("select count(*) from cases")).scalar_one() == 0
    kinds = sorted(b.kind for b in backups.list_backups(db_path))
    assert kinds == ["daily", "restore"]


def test_the_backups_list_reads_english_in_the_english_window(qtbot: QtBot, english: QTranslator,
                                                              window: MainWindow, db_path: Path) -> None:
    """The English window listed its backups as 每日自动 (the service's Chinese) under “1 backups”."""
    qtbot.waitUntil(lambda: len(backups.list_backups(db_path)) == 1, timeout=10000)
    window.care.aside.wait()
    dialog = window.care.open_backups()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10000)
    assert dialog.table.item(0, 1).text() == "Daily (automatic)"
    assert dialog.status.text() == "1 backup"
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())]
    assert headers[2:4] == ["Cases", "Orders"]
    dialog.close()


def test_restoring_a_backup_is_not_what_enter_does(qtbot: QtBot, window: MainWindow, db_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """恢复所选备份… asked with 是 as the default button: Enter replaced the ledger with the older copy."""
    qtbot.waitUntil(lambda: len(backups.list_backups(db_path)) == 1, timeout=10000)
    window.care.aside.wait()
    dialog = window.care.open_backups()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10000)
    asked: list[tuple[object, ...]] = []

    def question(*args: object) -> QMessageBox.StandardButton:
        asked.append(args)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog.confirm_restore()
    assert len(asked) == 1 and asked[0][-1] == QMessageBox.StandardButton.No
    assert dialog.isVisible() and [b.kind for b in backups.list_backups(db_path)] == ["daily"]
    dialog.close()


def damaged_ledger_box(qtbot: QtBot) -> QMessageBox:
    """The window's 已损坏 message, once it shows."""
    box: list[QMessageBox] = []
    qtbot.waitUntil(lambda: bool(box.extend(w for w in QApplication.topLevelWidgets()
                                            if isinstance(w, QMessageBox) and w.isVisible()
                                            and w.objectName() == "damaged_ledger") or box), timeout=15000)
    return box[0]


def test_a_damaged_ledger_is_offered_its_newest_good_backup(qtbot: QtBot, db_path: Path) -> None:
    seed(db_path, 5)
    good = backups.back_up(db_path)
    damage_table(db_path, "cases")
    win = create_window(db_path)
    qtbot.addWidget(win)
    try:
        win.show()
        win.open_database()
        box = damaged_ledger_box(qtbot)
        assert "已损坏" in box.text() and str(good) in box.informativeText()
        restore = next(b for b in box.findChildren(QPushButton) if b.text() == "恢复这个备份")
        restore.click()
        qtbot.waitUntil(lambda: win.context.db is not None, timeout=15000)
        wait_idle(qtbot, win)
        assert win.tabs.indexOf(win.cases_tab) == 0  # the window built its tabs over the restored file
        with win.context.db.reading() as session:
            assert session.execute(text("select count(*) from cases")).scalar_one() == 5
    finally:
        win.care.shutdown()
        win.runner.shutdown()


def test_a_second_start_on_the_same_ledger_asks_the_first_to_come_forward(qtbot: QtBot, db_path: Path,
                                                                          tmp_path: Path) -> None:
    first = SingleInstance(db_path)
    second = SingleInstance(db_path)
    other = SingleInstance(tmp_path / "another.sqlite3")
    try:
        assert first.claim()
        with qtbot.waitSignal(first.activate_requested, timeout=5000):
            assert not second.claim()
        assert other.claim()
    finally:
        first.release()
        other.release()
    assert second.claim()  # the first window closed: the ledger is free again
    second.release()


def test_phones_are_masked_in_the_orders_list_until_the_setting_says_otherwise(qtbot: QtBot, db_path: Path) -> None:
    from desktop_app.ui.settings.settings_dialog import SettingsDialog
    from tests.ui.test_cases_tab import seed_orders

    seed_orders(db_path)
    win = create_window(db_path)
    qtbot.addWidget(win)
    try:
        win.show()
        win.open_database()
        qtbot.waitUntil(lambda: win.context.db is not None, timeout=10000)
        win.tabs.setCurrentWidget(win.orders_tab)
        model = win.orders_tab.model
        qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=10000)
        column = next(c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == "手机")
        phones = {model.index(r, column).data() for r in range(3)}
        assert phones == {"193****2174", "150****1015", "131****4875"}

        win.open_settings()
        dialog = win.findChild(SettingsDialog)
        assert dialog is not None
        dialog.full_phones.setChecked(True)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        assert {model.index(r, column).data() for r in range(3)} == {"19328792174", "15071611015", "13179674875"}
    finally:
        win.care.shutdown()
        win.runner.shutdown()
