"""A phone's last four digits find phones only, and the list says which field matched, highlighted."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from pytestqt.qtbot import QtBot

from desktop_app.store.case_queries import CaseSort, OrderSort
from desktop_app.ui.widgets.status_colours import search_match
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle
from tests.ui.test_cases_tab import case_ids, seeded_path, visible_case_ids  # noqa: F401  (fixtures)


def test_the_cases_list_names_the_phone_and_marks_it(qtbot: QtBot, window: MainWindow,
                                                     case_ids: list[int]) -> None:  # noqa: F811
    tab = window.cases_tab
    window.refresh()
    wait_idle(qtbot, window)
    qtbot.keyClicks(tab.search, "2174")  # 秦文红's phone ends with 2174
    qtbot.waitUntil(lambda: visible_case_ids(window) == [case_ids[0]], timeout=5000)
    qtbot.waitUntil(lambda: "手机尾号“2174”" in tab.count_label.text(), timeout=5000)
    assert "只查手机号" in tab.count_label.text() and "共 1 张售后单" in tab.count_label.text()
    cell = tab.model.index(0, tab.model.column_index(CaseSort.RECEIVER))
    assert cell.data() == "秦文红 · 手机尾号2174"
    background = cell.data(Qt.ItemDataRole.BackgroundRole)
    assert isinstance(background, QBrush) and background.color() == search_match()
    assert "2174" in cell.data(Qt.ItemDataRole.ToolTipRole)
    other = tab.model.index(0, tab.model.column_index(CaseSort.ORDER_NO))
    assert other.data(Qt.ItemDataRole.BackgroundRole) is None  # only the field that matched

    # Five digits search every field again, and nothing is marked.
    qtbot.keyClicks(tab.search, "1")
    qtbot.waitUntil(lambda: "手机尾号" not in tab.count_label.text(), timeout=5000)
    if tab.model.rowCount():
        assert tab.model.index(0, tab.model.column_index(CaseSort.RECEIVER)).data(
            Qt.ItemDataRole.BackgroundRole) is None


def test_the_orders_list_marks_the_phone_column(qtbot: QtBot, window: MainWindow,
                                                seeded_path: Path) -> None:  # noqa: F811
    tab = window.orders_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.keyClicks(tab.search, "2174")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    phone = tab.model.index(0, tab.model.column_index(OrderSort.PHONE))
    assert phone.data().endswith("2174")
    assert phone.data(Qt.ItemDataRole.BackgroundRole).color() == search_match()
    assert tab.model.index(0, tab.model.column_index(OrderSort.ORDER_NO)).data(Qt.ItemDataRole.BackgroundRole) is None
