"""编辑 → 撤销 (Ctrl+Z) on the case shown; a refund asks first because it cannot be undone."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.store.case_queries import case_events
from desktop_app.store.database import open_database
from desktop_app.ui.cases.case_dialogs import ActionDialog
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = open_database(db_path)
    returned = open_case(db, NewCase(Platform.TAOBAO, "41453840191", CaseKind.RETURN_REFUND, CaseReason.QUALITY),
                         author="小林").case_id
    act_on_case(db, returned, CaseAction.AGREE_RETURN, author="小林")
    refunded = open_case(db, NewCase(Platform.PDD, "261111-1", CaseKind.REFUND_ONLY, refund_fen=800),
                         author="小林").case_id
    act_on_case(db, refunded, CaseAction.REFUND, author="小林")
    db.close()
    return db_path


def show(qtbot: QtBot, window: MainWindow, case_id: int) -> None:
    window.tabs.setCurrentWidget(window.cases_tab)
    qtbot.waitUntil(lambda: window.cases_tab.model.rowCount() == 2, timeout=5000)
    window.cases_tab.select_case(case_id)
    qtbot.waitUntil(lambda: (d := window.cases_tab.detail.current_detail) is not None and d.row.id == case_id,
                    timeout=5000)


def test_the_last_step_is_undone_from_the_edit_menu(qtbot: QtBot, window: MainWindow) -> None:
    undo = window.menus.undo
    assert undo in window.menus.edit.actions() and undo.shortcut().toString() == "Ctrl+Z"
    show(qtbot, window, 1)
    assert undo.isEnabled() and undo.text() == "撤销“同意退货”"
    assert "#1" in undo.toolTip()

    undo.trigger()
    wait_idle(qtbot, window)
    db = window.context.db
    assert db is not None
    with db.reading() as session:
        events = case_events(session, 1)
    assert events[-1].kind == "undo" and events[-1].to_state == "pending"
    # The pane reloads: the step is marked on the timeline, and nothing is left to undo.
    qtbot.waitUntil(lambda: window.cases_tab.detail.timeline.topLevelItemCount() == 3, timeout=5000)
    titles = [window.cases_tab.detail.timeline.topLevelItem(i).text(2) for i in range(3)]
    assert "同意退货（待处理 → 等待买家退货）（已撤销）" in titles and titles[-1].startswith("撤销")
    qtbot.waitUntil(lambda: not undo.isEnabled(), timeout=5000)
    assert "新建的售后单不能撤销" in undo.toolTip()
    assert "已撤销 #1 的“同意退货”" in window.statusBar().currentMessage()

    # Another tab: the undo is for the case in the 售后单 tab, and says so.
    window.tabs.setCurrentWidget(window.orders_tab)
    assert not undo.isEnabled() and "售后单" in undo.toolTip()


def test_a_refund_is_not_undone_and_asks_before(qtbot: QtBot, window: MainWindow) -> None:
    show(qtbot, window, 2)
    undo = window.menus.undo
    assert not undo.isEnabled()
    assert "“退款”无法撤销" in undo.toolTip() and "钱已经退给买家" in undo.toolTip()

    dialog = ActionDialog(CaseAction.REFUND, "#3 仅退款", window)
    qtbot.addWidget(dialog)
    warning = dialog.findChild(QLabel, "irreversible")
    assert warning is not None and "记录后无法撤销" in warning.text()
    calm = ActionDialog(CaseAction.AGREE_RETURN, "#1 退货退款", window)
    qtbot.addWidget(calm)
    assert calm.findChild(QLabel, "irreversible") is None


def test_a_reship_cases_agreement_says_before_that_it_cannot_be_undone(qtbot: QtBot, window: MainWindow) -> None:
    # 同意补发 on a reship case asked nothing, then 编辑 → 撤销 refused it ("同时改了补发记录，无法撤销"): a
    # mis-click could only be corrected with a next step, and nothing had said so before the click.
    db = window.context.db
    assert db is not None
    reship = open_case(db, NewCase(Platform.DOUYIN, "6923456789012345", CaseKind.RESHIP, CaseReason.MISSING_ITEM),
                       author="小林").case_id
    window.refresh()
    window.tabs.setCurrentWidget(window.cases_tab)
    qtbot.waitUntil(lambda: window.cases_tab.model.rowCount() == 3, timeout=5000)
    window.cases_tab.select_case(reship)
    detail = window.cases_tab.detail
    qtbot.waitUntil(lambda: (d := detail.current_detail) is not None and d.row.id == reship, timeout=5000)
    detail.request_action(CaseAction.AGREE_RESHIP)
    dialog = detail.findChildren(ActionDialog, "action_dialog")[-1]
    warning = dialog.findChild(QLabel, "irreversible")
    assert warning is not None and "补发记录会跟着改变" in warning.text()
    dialog.accept()
    wait_idle(qtbot, window)
    undo = window.menus.undo
    qtbot.waitUntil(lambda: "同时改了补发记录" in undo.toolTip(), timeout=5000)
    assert not undo.isEnabled()
    # A step the menu does take back asks nothing of the kind.
    window.cases_tab.select_case(1)
    qtbot.waitUntil(lambda: (d := detail.current_detail) is not None and d.row.id == 1, timeout=5000)
    detail.request_action(CaseAction.ESCALATE)
    calm = detail.findChildren(ActionDialog, "action_dialog")[-1]
    assert calm.findChild(QLabel, "irreversible") is None
    calm.reject()


def test_with_several_cases_selected_the_undo_names_the_one_it_takes_back(qtbot: QtBot, window: MainWindow) -> None:
    """After a bulk step on many cases 编辑 → 撤销 read 撤销“同意退货”, as if it took back the batch; it takes
    back the last step of the case shown alone, and says so while several are selected."""
    undo = window.menus.undo
    show(qtbot, window, 1)
    table = window.cases_tab.table
    table.selectAll()
    assert len(window.cases_tab.selected_rows()) == 2 and window.cases_tab.detail.case_id == 1
    assert undo.isEnabled() and undo.text() == "撤销 #1 的“同意退货”（只撤销这一张）"
    assert "所选 2 张售后单中只撤销正在查看的 #1" in undo.toolTip()
    window.cases_tab.select_case(1)
    qtbot.waitUntil(lambda: len(window.cases_tab.selected_rows()) == 1, timeout=5000)
    assert undo.text() == "撤销“同意退货”"
