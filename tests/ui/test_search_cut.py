"""A search that matches more orders than are listed says so, from the same read as the list."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle
from tests.ui.test_cases_tab import case_ids, seeded_path, visible_case_ids  # noqa: F401  (fixtures)


def test_a_cut_search_says_so_and_a_narrower_one_does_not(qtbot: QtBot, window: MainWindow, case_ids: list[int],  # noqa: F811
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    tab = window.cases_tab
    window.refresh()
    wait_idle(qtbot, window)
    monkeypatch.setattr("desktop_app.store.search.SEARCH_LIMIT", 1)
    monkeypatch.setattr("desktop_app.ui.cases.cases_tab.SEARCH_LIMIT", 1)
    # "161" is inside 秦文红's order number and 廖华雨's phone: two orders match, one is listed.
    tab.search.setText("161")
    qtbot.waitUntil(lambda: "匹配的订单太多" in tab.count_label.text(), timeout=5000)
    assert tab.model.search_cut and len(visible_case_ids(window)) == 1
    tab.search.setText("1015")  # 廖华雨's phone's last four: one order, nothing cut
    qtbot.waitUntil(lambda: "手机尾号" in tab.count_label.text(), timeout=5000)
    assert not tab.model.search_cut and visible_case_ids(window) == [case_ids[1]]
