"""What the window says of two platform penalties round 7 found lost (session 27; the CLI:
tests/unit/test_timer_scenarios_round7.py):
- a change of kind keeps what the earlier kind's timers had missed (issue 13 item 5): a 抖店 reship agreed and not
  shipped in 48 h owes 3 元 (seed 004 4.3) after it became a partial refund; the detail pane lost the 赔付 line and
  the net loss its 3 元;
- 淘宝's late shipment is 5 % of the order's paid amount, at most 30 元 (seed 001), and an order that was not imported
  has no paid amount: the detail pane and the 统计 tab said nothing of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.cli import run
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.test_dashboard_tab import show_november


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = ["--db", str(db_path)]
    # 1: 抖店 reship agreed 2026-12-01 10:00, not shipped by 12-03 10:00, a partial refund from 12-04.
    assert run(["case", "add", "--platform", "douyin", "--order", "K1", "--kind", "reship", "--reason", "missing_item",
                "--requested-at", "2026-12-01 09:00", *db]) == 0
    assert run(["case", "act", "1", "agree_reship", "--at", "2026-12-01 10:00", *db]) == 0
    assert run(["case", "act", "1", "change_kind", "--kind", "partial_refund", "--at", "2026-12-04 10:00", *db]) == 0
    # 2: 淘宝, paid 2026-11-20 10:00, not shipped by 11-23 10:00 (72 h); the order not imported.
    assert run(["case", "add", "--platform", "taobao", "--order", "NOT-IMPORTED", "--kind", "refund_only",
                "--reason", "late_shipment", "--paid-at", "2026-11-20 10:00", "--requested-at", "2026-11-25 10:00",
                *db]) == 0
    return db_path


def detail_of(qtbot: QtBot, window: MainWindow, case_id: int) -> str:
    cases = window.cases_tab
    window.tabs.setCurrentWidget(cases)
    cases.select_case(case_id)
    qtbot.waitUntil(lambda: cases.detail.case_id == case_id and "净损失" in cases.detail.summary.toPlainText(),
                    timeout=5000)
    return cases.detail.summary.toPlainText()


def test_the_detail_pane_keeps_the_late_reships_3_yuan_after_the_change(qtbot: QtBot, window: MainWindow) -> None:
    text = detail_of(qtbot, window, 1)
    assert "补寄发货并上传运单号（48小时）（补发，已改类型）：已超时（2026-12-03 10:00）须赔付 3.00 元" in text
    assert "3.00 元（时限超时，按平台规则计入）" in text


def test_the_detail_pane_and_the_statistics_say_the_amount_is_unknown(qtbot: QtBot, window: MainWindow) -> None:
    text = detail_of(qtbot, window, 2)
    assert ("发货时效（付款后72小时）（赔付金额未知：订单未导入，最高30元）：已超时（2026-11-23 10:00）"
            "须赔付，金额未知（订单未导入）") in text
    show_november(qtbot, window)
    summary = window.dashboard_tab.summary.text()
    assert "另有 1 张售后单的时限超时赔付金额未知（订单未导入，按成交金额的比例计算），未计入平台处罚" in summary
