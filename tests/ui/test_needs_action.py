"""需要处理 and 完成已退款的… in the Cases tab: on a 双11 day the cases the platform refunded already (open,
waiting only to be completed) buried those that need a step in the 未结束 list."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.store.case_filters import OpenState
from desktop_app.store.case_queries import case_row
from desktop_app.store.database import open_database
from desktop_app.ui.cases.cases_tab import CasesTab
from desktop_app.ui.cases.complete_refunded import CompleteRefundedDialog
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle

# (platform, order, kind, steps taken): what each case is; its id is its place here, from 1.
CASES = (
    (Platform.PDD, "261111-1", CaseKind.REFUND_ONLY, (CaseAction.REFUND,)),  # 已退款
    (Platform.PDD, "261111-2", CaseKind.REFUND_ONLY, ()),  # 待处理
    (Platform.PDD, "261111-3", CaseKind.REFUND_ONLY, (CaseAction.REFUND,)),  # 已退款
    (Platform.PDD, "261111-4", CaseKind.RESHIP, (CaseAction.AGREE_RESHIP,)),  # 待补发
    (Platform.PDD, "261111-5", CaseKind.REFUND_ONLY, (CaseAction.CLOSE,)),  # 已关闭
    (Platform.TAOBAO, "4145384019161461001", CaseKind.REFUND_ONLY, (CaseAction.REFUND,)),  # 已退款, 淘宝
    (Platform.PDD, "261111-7", CaseKind.RESHIP, (CaseAction.AGREE_RESHIP, CaseAction.SHIP_RESHIP)),  # 已补发
)


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = open_database(db_path)
    for platform, order, kind, steps in CASES:
        case_id = open_case(db, NewCase(platform, order, kind), author="小林").case_id
        for step in steps:
            act_on_case(db, case_id, step, note="买家要求" if step is CaseAction.CLOSE else None, author="小林")
    db.close()
    return db_path


def listed(tab: CasesTab) -> list[int]:
    model = tab.model
    return sorted(model.row_object(row).id for row in range(model.rowCount()))


def choose(qtbot: QtBot, window: MainWindow, state: OpenState) -> None:
    tab = window.cases_tab
    with qtbot.waitSignal(tab.model.loaded, timeout=5000):
        tab.open_filter.setCurrentIndex(tab.open_filter.findData(state))
    wait_idle(qtbot, window)


def test_needs_action_lists_the_open_cases_less_those_settled(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.cases_tab
    qtbot.waitUntil(lambda: listed(tab) == [1, 2, 3, 4, 6, 7], timeout=5000)  # 未结束, the default
    states = [tab.open_filter.itemText(i) for i in range(tab.open_filter.count())]
    assert states == ["未结束", "需要处理", "已结束", "全部"]
    choose(qtbot, window, OpenState.NEEDS_ACTION)
    assert listed(tab) == [2, 4]  # 待处理, 待补发: not 已退款 nor 已补发
    assert tab.count_label.text() == "共 2 张售后单"
    choose(qtbot, window, OpenState.OPEN)
    assert listed(tab) == [1, 2, 3, 4, 6, 7]


def test_complete_refunded_completes_every_open_refunded_case_the_filter_lists(qtbot: QtBot,
                                                                                 window: MainWindow) -> None:
    tab = window.cases_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 6, timeout=5000)
    # 拼多多 only, and the list hides the refunded ones: the button still takes them (from the ledger).
    with qtbot.waitSignal(tab.model.loaded, timeout=5000):
        tab.platform_filter.setCurrentIndex(tab.platform_filter.findData("pdd"))
    choose(qtbot, window, OpenState.NEEDS_ACTION)
    assert listed(tab) == [2, 4]
    tab.complete_refunded_button.click()
    qtbot.waitUntil(lambda: tab.findChild(CompleteRefundedDialog) is not None, timeout=5000)
    dialog = tab.findChild(CompleteRefundedDialog)
    assert dialog.case_ids == [1, 3]  # not the 淘宝 one, the 已补发 one nor those that need a step
    assert dialog.action.currentData() == "complete"  # the button said 完成; 执行 still runs it
    qtbot.waitUntil(lambda: "2 张售后单将执行“完成”" in dialog.summary.text(), timeout=5000)
    assert "已退款 → 已完成 ×2" in dialog.summary.text()
    with qtbot.waitSignal(dialog.finished_bulk, timeout=5000):
        dialog.run_button.click()
    assert dialog.summary.text() == "完成 2 张，未执行 0 张"
    dialog.close()
    wait_idle(qtbot, window)
    with window.context.db.reading() as s:  # type: ignore[union-attr]
        assert [case_row(s, i).status for i in range(1, 8)] == [
            "completed", "pending", "completed", "reship_agreed", "closed", "refunded", "reshipped"]
    # Asked again: nothing left to complete in this list, said on the status bar.
    with qtbot.waitSignal(tab.message, timeout=5000) as said:
        tab.complete_refunded_button.click()
    assert said.args == ["当前列表中没有已退款、待完成的售后单"]
    assert tab.findChild(CompleteRefundedDialog) is None or not tab.findChild(CompleteRefundedDialog).isVisible()
