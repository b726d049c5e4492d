"""编辑 → 撤销 right after a bulk step takes back the whole batch ("撤销：批量关闭 6 单"), and the 批量操作
dialog says before the click whether it can be undone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, add_note, open_case
from desktop_app.store.case_queries import case_row
from desktop_app.store.database import open_database
from desktop_app.ui.cases.bulk_dialog import BulkActionDialog
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import opened_window, wait_idle

REFUNDS = 6  # refund-only cases 1–6; case 7 is a reship (closing it also moves its reship record: no undo)


@pytest.fixture
def window(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    db = open_database(db_path)
    for n in range(REFUNDS):
        open_case(db, NewCase(Platform.PDD, f"261111-{n}", CaseKind.REFUND_ONLY), author="小林")
    open_case(db, NewCase(Platform.DOUYIN, "6923456789012345600", CaseKind.RESHIP), author="小林")
    db.close()
    yield from opened_window(qtbot, db_path)


def _run_bulk(qtbot: QtBot, window: MainWindow, action: str, note: str) -> BulkActionDialog:
    tab = window.cases_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == REFUNDS + 1, timeout=5000)
    tab.table.selectAll()
    dialog = tab.open_bulk()
    assert dialog is not None
    dialog.action.setCurrentIndex(dialog.action.findData(action))
    dialog.note.setPlainText(note)
    return dialog


def _statuses(window: MainWindow) -> list[str]:
    db = window.context.db
    assert db is not None
    with db.reading() as session:
        return [case_row(session, i).status for i in range(1, REFUNDS + 2)]


def test_ctrl_z_after_a_bulk_close_takes_back_the_batch(qtbot: QtBot, window: MainWindow) -> None:
    before = _statuses(window)
    dialog = _run_bulk(qtbot, window, "close", "双11 重复申请")
    # Said before the click: the reship among them stays closed, the rest come back with one undo.
    assert dialog.undo_note.text() == ("其中 1 张执行后不能撤销：补发记录会跟着改变，之后只能用下一步操作更正；"
                                       "其余可以用 编辑 → 撤销（Ctrl+Z）一次撤销")
    with qtbot.waitSignal(dialog.finished_bulk, timeout=5000):
        dialog.run_button.click()
    dialog.run_button.click()  # 关闭
    wait_idle(qtbot, window)
    undo = window.menus.undo
    assert undo.isEnabled() and undo.text() == f"撤销：批量关闭 {REFUNDS} 单"
    assert "另有 1 张不能撤销" in undo.toolTip()
    db = window.context.db
    assert db is not None
    add_note(db, 2, "买家来电", author="小王")  # another seat, meanwhile: case 2 is left alone
    window.activateWindow()  # the dialog had the keyboard
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    window.cases_tab.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    after = _statuses(window)
    assert after[0] == before[0] and after[2:REFUNDS] == before[2:REFUNDS]
    assert after[1] == "closed" and after[REFUNDS] == "closed"
    message = window.statusBar().currentMessage()
    assert message.startswith(f"已撤销“批量关闭”：{REFUNDS - 1} 张；1 张未撤销：#2（") and "新的步骤" in message
    assert not undo.text().startswith("撤销：批量")  # the batch is taken back: Ctrl+Z is the shown case's again


def test_a_bulk_refund_says_before_and_after_that_it_cannot_be_undone(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.cases_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == REFUNDS + 1, timeout=5000)
    tab.table.clearSelection()
    for row in range(tab.model.rowCount()):
        if tab.model.row_object(row).kind == "refund_only":
            tab.table.selectionModel().select(tab.model.index(row, 0), tab.table.selectionModel().SelectionFlag.Select
                                              | tab.table.selectionModel().SelectionFlag.Rows)
    dialog = tab.open_bulk()
    assert dialog is not None
    dialog.action.setCurrentIndex(dialog.action.findData("refund"))
    assert dialog.undo_note.text() == "执行后不能撤销：钱已经退给买家，台账里撤销不能把钱收回"
    with qtbot.waitSignal(dialog.finished_bulk, timeout=5000):
        dialog.run_button.click()
    dialog.run_button.click()
    wait_idle(qtbot, window)
    undo = window.menus.undo
    assert not undo.isEnabled() and undo.text() == "撤销"
    assert undo.toolTip() == "刚才的“批量退款”不能撤销：钱已经退给买家，台账里撤销不能把钱收回"


def test_another_write_from_this_window_ends_the_batch_offer(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _run_bulk(qtbot, window, "note", "已统一联系")
    assert dialog.undo_note.text() == "执行后可以用 编辑 → 撤销（Ctrl+Z）一次撤销整批"
    with qtbot.waitSignal(dialog.finished_bulk, timeout=5000):
        dialog.run_button.click()
    dialog.run_button.click()
    wait_idle(qtbot, window)
    assert window.menus.undo.text() == f"撤销：批量添加备注 {REFUNDS + 1} 单"
    window.context.write(lambda db: add_note(db, 3, "单独备注", author="小林"), origin=window.cases_tab)
    wait_idle(qtbot, window)
    assert not window.menus.undo.text().startswith("撤销：批量")
