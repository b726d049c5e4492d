"""A change of kind in the window keeps what the earlier kind's timers had missed (session 27, issue 13 item 5): a
抖店 reship agreed and not shipped in 48 h owes 3 元 (seed 004 4.3) after it became a partial refund; the detail pane
lost the 赔付 line and the net loss its 3 元 (the CLI: tests/unit/test_timer_scenarios_round7.py t06-t08)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.cli import run
from desktop_app.ui.window.main_window import MainWindow


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = ["--db", str(db_path)]
    assert run(["case", "add", "--platform", "douyin", "--order", "K1", "--kind", "reship", "--reason", "missing_item",
                "--requested-at", "2026-12-01 09:00", *db]) == 0
    assert run(["case", "act", "1", "agree_reship", "--at", "2026-12-01 10:00", *db]) == 0
    assert run(["case", "act", "1", "change_kind", "--kind", "partial_refund", "--at", "2026-12-04 10:00", *db]) == 0
    return db_path


def test_the_detail_pane_keeps_the_late_reships_3_yuan_after_the_change(qtbot: QtBot, window: MainWindow) -> None:
    cases = window.cases_tab
    window.tabs.setCurrentWidget(cases)
    cases.select_case(1)
    qtbot.waitUntil(lambda: cases.detail.case_id == 1 and "净损失" in cases.detail.summary.toPlainText(),
                    timeout=5000)
    text = cases.detail.summary.toPlainText()
    assert "补寄发货并上传运单号（48小时）（补发，已改类型）：已超时（2026-12-03 10:00）须赔付 3.00 元" in text
    assert "3.00 元（时限超时，按平台规则计入）" in text
