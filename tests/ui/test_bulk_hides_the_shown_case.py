"""A bulk action that hides the case on screen (closed while the list shows open cases): nothing of it
stays live — not its 处理建议 and reply, not 撤销 of its last step, not the bulk button of the rows
that left the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.database import open_database
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = open_database(db_path)
    for n in range(3):
        open_case(db, NewCase(Platform.TAOBAO, f"414538401916146100{n}", CaseKind.RETURN_REFUND), author="小林")
    db.close()
    return db_path


def test_bulk_close_of_the_shown_case(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.cases_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=5000)
    tab.table.selectRow(0)
    assert tab.detail is not None and tab.guide is not None
    shown = tab.model.row_object(0)
    assert shown is not None
    qtbot.waitUntil(lambda: tab.guide.script_text.toPlainText() != "", timeout=5000)
    assert shown.order_no in tab.guide.script_text.toPlainText()
    tab.table.selectAll()
    dialog = tab.open_bulk()
    assert dialog is not None
    dialog.action.setCurrentIndex(dialog.action.findData("close"))
    dialog.note.setPlainText("买家撤销申请")
    with qtbot.waitSignal(dialog.finished_bulk, timeout=5000):
        dialog.run_button.click()
    dialog.run_button.click()  # 关闭
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0, timeout=5000)
    wait_idle(qtbot, window)
    assert tab.detail.case_id is None
    # Before: the guide kept the closed case's reply (its order number) and checklist, 撤销 offered to undo
    # “关闭” of the one case no longer on screen, and 批量操作（3）… stayed enabled for rows no longer listed.
    # 撤销 now names the batch (ui/cases/bulk_undo.py), and takes all three back.
    assert tab.guide.script_text.toPlainText() == "" and tab.guide.steps.count() == 0
    assert window.menus.undo.text() == "撤销：批量关闭 3 单"
    assert not tab.bulk_button.isEnabled() and "3" not in tab.bulk_button.text()
    window.menus.undo.trigger()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=5000)
