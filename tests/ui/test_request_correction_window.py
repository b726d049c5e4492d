"""The window's 编辑售后单 corrects the buyer's request time, and the case detail and the 时效日历 show the deadline
that follows from it, as `case edit N --requested-at` and `deadlines` do (session 22: the request time typed wrong
could not be corrected anywhere)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop_app.core.clock import parse_moment
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.database import open_database
from desktop_app.ui.cases.case_dialogs import EditCaseDialog
from desktop_app.ui.widgets.china_time import CHINA_ZONE
from desktop_app.ui.window.main_window import MainWindow


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = open_database(db_path)
    # 淘宝 返修 (repair), typed in with the request at 11-28 10:00; the buyer had asked on 11-27 09:00.
    open_case(db, NewCase(Platform.TAOBAO, "6923456789012345690", CaseKind.REPAIR, CaseReason.QUALITY,
                          requested=parse_moment("2026-11-28 10:00")), author="小林")
    db.close()
    return db_path


def test_the_edit_dialog_corrects_the_request_and_the_detail_and_calendar_follow(
        qtbot: QtBot, window: MainWindow) -> None:
    # Seed 002: "每一筆退款,買家申請退款後3天(72小時)才可以申請小二介入 … 售後超時機制和售中保持一致,申請客服介入的時間
    # 也是72小時後" (维修 included): the 72 h run from the request, 11-27 09:00 → 11-30 09:00 (was 12-01 10:00).
    tab = window.cases_tab
    tab.select_case(1)
    qtbot.waitUntil(lambda: (d := tab.detail.current_detail) is not None and d.row.id == 1, timeout=5000)
    assert "2026-12-01 10:00" in tab.detail.summary.toPlainText()
    tab.detail.edit_case()
    dialog = tab.detail.findChild(QDialog, "edit_dialog")
    assert isinstance(dialog, EditCaseDialog)
    assert dialog.requested.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-11-28 10:00"
    asked = int(parse_moment("2026-11-27 09:00").at.timestamp())
    dialog.requested.setDateTime(QDateTime.fromSecsSinceEpoch(asked, CHINA_ZONE))
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: "2026-11-30 09:00" in tab.detail.summary.toPlainText(), timeout=5000)
    assert "申请时间" in tab.detail.summary.toPlainText()
    assert "2026-11-27 09:00" in tab.detail.summary.toPlainText()
    calendar = window.calendar_tab
    with qtbot.waitSignal(calendar.side_loaded, timeout=5000):
        calendar.refresh()
    # And the shop's 5 days to answer the repair (assumed, taobao.toml repair_answer): 11-27 09:00 → 12-02 09:00.
    dues = [row.due_at for row in calendar.overdue_list.rows() if row.case_id == 1]
    assert dues == [parse_moment("2026-11-30 09:00").at, parse_moment("2026-12-02 09:00").at]
