"""The window counts a missed timer's platform penalty (issues 13 item 9, 17; session 22): the 统计 tab's 平台处罚 and
净损失 of November on the hand-computed ledger of tests/unit/penalty_ledger.py, the note saying where it comes from,
the case's detail pane, and the reship queue's owed amount."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.store.database import open_database
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle
from tests.ui.test_dashboard_tab import rows_of, show_november
from tests.unit.penalty_ledger import build


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = open_database(db_path)
    build(db)
    db.close()
    return db_path


def test_the_statistics_tab_counts_the_timers_penalties(qtbot: QtBot, window: MainWindow) -> None:
    show_november(qtbot, window)
    tab = window.dashboard_tab
    money = dict(rows_of(tab.money))
    # 3.00 (抖店 late reship) + 9.95 (淘宝 199.00 shipped late: 5 %) + 30.00 (淘宝 800.00: capped) + 15.00 (淘宝
    # 300.00, still unshipped) by the rules, and 5.00 recorded by hand on a case whose rule said 3.00.
    assert (money["平台处罚"], money["净损失"], money["退款"]) == ("62.95", "261.95", "199.00")
    summary = tab.summary.text()
    assert "净损失 261.95 元" in summary
    assert "平台处罚含时限超时按平台规则计入的 57.95 元（4 张售后单，按时限到期日计入期间" in summary


def test_the_detail_pane_and_the_reship_queue_say_the_penalty_is_owed(qtbot: QtBot, window: MainWindow) -> None:
    cases = window.cases_tab
    window.tabs.setCurrentWidget(cases)
    cases.select_case(3)  # C: 淘宝, paid 800.00, not shipped by 11-23 10:00
    qtbot.waitUntil(lambda: cases.detail.case_id == 3 and "净损失" in cases.detail.summary.toPlainText(),
                    timeout=5000)
    text = cases.detail.summary.toPlainText()
    assert "已超时（2026-11-23 10:00）须赔付 30.00 元" in text
    assert "30.00 元（时限超时，按平台规则计入）" in text and "30.00 元" in text.split("净损失")[1]
    cases.select_case(5)  # E: the 3.00 of the rule, 5.00 recorded by hand
    qtbot.waitUntil(lambda: cases.detail.case_id == 5 and "手工登记" in cases.detail.summary.toPlainText(),
                    timeout=5000)
    assert "5.00 元（手工登记）；时限超时按规则为 3.00 元，不重复计入" in cases.detail.summary.toPlainText()
    queue = window.reship_tab
    window.tabs.setCurrentWidget(queue)
    queue.show_shipped.setChecked(True)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: queue.model.rowCount() == 2, timeout=5000)
    column = queue.model.column_index("penalty")
    texts = {queue.model.index(r, 0).data(): queue.model.index(r, column).data() for r in range(2)}
    assert texts["#1"].startswith("已超时，须赔付 3.00 元（超时每单赔付买家3元")
    assert "超时须赔付 6.00 元" in queue.count_label.text()  # A's 3.00 and E's 3.00, both shipped late
