"""Counts in the tab titles everywhere: 售后单（2）, 补发队列（1）, 时效日历（n）, 订单（3） …"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.op_changes import Area, OpChanges
from desktop_app.services.cases import act_on_case
from desktop_app.ui.window.main_window import MainWindow
from desktop_app.ui.window.tab_titles import titled
from tests.ui.conftest import wait_idle
from tests.ui.test_cases_tab import case_ids, seeded_path  # noqa: F401  (fixtures)


def title(window: MainWindow, page: object) -> str:
    return window.tabs.tabText(window.tabs.indexOf(page))


def test_every_list_counts_in_its_title(qtbot: QtBot, window: MainWindow,
                                        case_ids: list[int]) -> None:  # noqa: F811
    window.runner.announce(OpChanges.of(Area.CASES))  # the seeded cases came in behind its back
    qtbot.waitUntil(lambda: title(window, window.cases_tab) == "售后单（2）", timeout=5000)
    assert title(window, window.orders_tab) == "订单（3）"
    assert title(window, window.tabs.widget(window.tabs.count() - 1)) == "统计"  # a report counts nothing
    assert "未结束" in window.tabs.tabToolTip(window.tabs.indexOf(window.cases_tab))
    overdue = title(window, window.calendar_tab)
    assert overdue == "时效日历" or overdue.startswith("时效日历（")

    # A case closed: the number follows (after one debounced read).
    window.context.write(lambda db: act_on_case(db, case_ids[0], CaseAction.CLOSE, note="重复"))
    qtbot.waitUntil(lambda: title(window, window.cases_tab) == "售后单（1）", timeout=5000)
    wait_idle(qtbot, window)


def test_titled() -> None:
    assert titled("订单", 0) == "订单"
    assert titled("订单", 1204) == "订单（1,204）"
