"""The window says a platform penalty is at stake when its amount is unknown (session 27): 淘宝's late shipment is 5 %
of the order's paid amount, at most 30 元 (seed 001), and an order that was not imported has no paid amount. The
case's detail pane and the 统计 tab said nothing (the CLI: tests/unit/test_timer_scenarios_round7.py t04)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.cli import run
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.test_dashboard_tab import show_november


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    # Paid 2026-11-20 10:00, not shipped by 11-23 10:00 (72 h); the order not imported.
    assert run(["case", "add", "--platform", "taobao", "--order", "NOT-IMPORTED", "--kind", "refund_only",
                "--reason", "late_shipment", "--paid-at", "2026-11-20 10:00", "--requested-at", "2026-11-25 10:00",
                "--db", str(db_path)]) == 0
    return db_path


def test_the_detail_pane_and_the_statistics_say_the_amount_is_unknown(qtbot: QtBot, window: MainWindow) -> None:
    cases = window.cases_tab
    window.tabs.setCurrentWidget(cases)
    cases.select_case(1)
    qtbot.waitUntil(lambda: cases.detail.case_id == 1 and "净损失" in cases.detail.summary.toPlainText(),
                    timeout=5000)
    text = cases.detail.summary.toPlainText()
    assert ("发货时效（付款后72小时）（赔付金额未知：订单未导入，最高30元）：已超时（2026-11-23 10:00）"
            "须赔付，金额未知（订单未导入）") in text
    show_november(qtbot, window)
    summary = window.dashboard_tab.summary.text()
    assert "另有 1 张售后单的时限超时赔付金额未知（订单未导入，按成交金额的比例计算），未计入平台处罚" in summary
