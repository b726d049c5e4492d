"""Ctrl+F in every tab: the tab's own search or filter box where it has a list (售后单, 订单, 补发队列, 退货入库,
快递理赔, 时效日历), and the 售后单 search with a status-bar note where it has none (统计)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from desktop_app.core.claims import ClaimIncident
from desktop_app.services.claims import NewClaim, open_claim
from desktop_app.store.database import open_database
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle
from tests.ui.test_calendar_tab import Ledger, ledger, make_tab, seed  # noqa: F401  (fixture: a worker thread)
from tests.ui.test_calendar_tab import case_ids as calendar_case_ids
from tests.ui.test_cases_tab import seeded_path  # noqa: F401  (fixture: three orders)


def _find(qtbot: QtBot, window: MainWindow) -> QLineEdit | None:
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    focused = QApplication.focusWidget()
    return focused if isinstance(focused, QLineEdit) else None


def test_ctrl_f_reaches_a_search_box_in_every_tab(qtbot: QtBot, window: MainWindow) -> None:
    boxes = {"cases_tab": "case_search", "orders_tab": "order_tab_search", "reship_tab": "reship_search",
             "returns_tab": "return_scan", "claims_tab": "claim_search", "calendar_tab": "deadline_filter"}
    for name, box in boxes.items():
        tab = getattr(window, name)
        window.tabs.setCurrentWidget(tab)
        wait_idle(qtbot, window)
        found = _find(qtbot, window)
        assert found is not None and found.objectName() == box, name
        assert window.tabs.currentWidget() is tab
    # 统计 lists figures, not records: Ctrl+F goes to the cases' search and says why.
    window.tabs.setCurrentWidget(window.dashboard_tab)
    wait_idle(qtbot, window)
    found = _find(qtbot, window)
    assert found is window.cases_tab.search and window.tabs.currentWidget() is window.cases_tab
    assert "没有可搜索的列表" in window.statusBar().currentMessage()


def test_the_claims_search_narrows_the_list_and_its_totals(
        qtbot: QtBot, window: MainWindow, seeded_path: Path) -> None:  # noqa: F811
    db = open_database(seeded_path)
    first = open_claim(db, NewClaim(ClaimIncident.DAMAGED, order_id=1), author="小林").claim_id
    open_claim(db, NewClaim(ClaimIncident.LOST, order_id=2, tracking_no="YT7788990011"), author="小林")
    db.close()
    tab = window.claims_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=5000)
    box = _find(qtbot, window)
    assert box is tab.search
    qtbot.keyClicks(box, "4145384019")  # part of the first claim's order number
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    assert tab.model.row_object(0).id == first
    assert tab.subtotals.topLevelItemCount() == 1  # the totals are the listed claims'
    box.setText("yt77889")  # a tracking number, any case
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1 and tab.model.row_object(0).id != first, timeout=5000)
    box.setText(f"#{first}")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1 and tab.model.row_object(0).id == first, timeout=5000)
    box.clear()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=5000)


def test_the_calendar_filter_narrows_all_three_lists(qtbot: QtBot, ledger: Ledger) -> None:  # noqa: F811
    cases = seed(ledger.db)
    tab = make_tab(qtbot, ledger)
    lists = (tab.day_list, tab.overdue_list, tab.upcoming_list)
    listed = sum(d.topLevelItemCount() for d in lists)
    assert calendar_case_ids(tab.overdue_list) == [cases.overdue]
    tab.focus_search()
    assert QApplication.focusWidget() is tab.filter.field
    qtbot.keyClicks(tab.filter.field, "dy1002")  # an order number, any case
    shown = [(d, d.topLevelItem(i)) for d in lists for i in range(d.topLevelItemCount())
             if not d.topLevelItem(i).isHidden()]
    assert shown and all(item.text(3) == "DY1002" for _d, item in shown)
    assert tab.filter.shown.text() == f"显示 {len(shown)} / {listed} 条"
    tab.refresh()  # a reload keeps the filter
    ledger.idle(qtbot)
    assert all(item.isHidden() for d in lists for i in range(d.topLevelItemCount())
               if (item := d.topLevelItem(i)).text(3) != "DY1002")
    tab.filter.field.clear()
    assert not any(d.topLevelItem(i).isHidden() for d in lists for i in range(d.topLevelItemCount()))
    assert tab.filter.shown.text() == ""
