"""The window tells the same story as the command line for a reship shipped on the day it was agreed, typed by its
day only (seed 004's 48 h to ship and 3 元): the case is shipped in time — no 赔付 line, no red 下一个时限 — where
it showed the 48 h overdue with 3 元 at stake on a 已补发 case."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.core.clock import parse_moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services import reships
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.case_filters import CaseSort
from desktop_app.store.case_queries import case_events
from desktop_app.store.database import open_database
from desktop_app.ui.widgets.paged_model import ROW_ROLE
from desktop_app.ui.window.main_window import MainWindow


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = open_database(db_path)
    for order_no, shipped in (("6923456789012345680", "2026-11-28"), ("6923456789012345681", None)):
        case_id = open_case(db, NewCase(Platform.DOUYIN, order_no, CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                        requested=parse_moment("2026-11-28 10:00")), author="小林").case_id
        reships.agree(db, case_id, at=parse_moment("2026-11-28 12:00"), author="小林")
        if shipped:
            reships.ship(db, case_id, "中通快递", "75123456789012", at=parse_moment(shipped), author="小林")
    open_case(db, NewCase(Platform.DOUYIN, "6923456789012345682", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                          requested=parse_moment("2026-11-28 10:00")), author="小林")  # #3, not answered yet
    db.close()
    return db_path


def test_a_reship_shipped_on_its_agreement_day_reads_in_time_in_the_window(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.cases_tab
    model = tab.model
    column = model.column_index(CaseSort.NEXT_DUE)
    cells = {model.index(r, 0).data(ROW_ROLE).id: model.index(r, column).data() for r in range(model.rowCount())}
    assert "补寄发货" not in (cells[1] or "") and "补寄发货并上传运单号（48小时）" in cells[2]
    tab.select_case(2)
    qtbot.waitUntil(lambda: tab.detail.case_id == 2 and "赔付" in tab.detail.summary.toPlainText(), timeout=5000)
    # The one not shipped: its 48 h ran out on 11-30, so the 3 元 is owed and counted in its net loss (session 22).
    assert "已超时（2026-11-30 12:00）须赔付 3.00 元" in tab.detail.summary.toPlainText()
    assert "3.00 元（时限超时，按平台规则计入）" in tab.detail.summary.toPlainText()
    tab.select_case(1)
    qtbot.waitUntil(lambda: "6923456789012345680" in tab.detail.summary.toPlainText(), timeout=5000)
    assert "赔付" not in tab.detail.summary.toPlainText()



def test_the_window_refuses_a_step_dated_before_the_request_as_the_command_line_does(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """The step dialog's time before the buyer's request (the agreement typed a day early): the same refusal,
    both times named, nothing recorded (it was recorded and ran seed 004's 48 h twice)."""
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *_a: said.append(text))
    tab = window.cases_tab
    tab.select_case(3)
    qtbot.waitUntil(lambda: (d := tab.detail.current_detail) is not None and d.row.id == 3, timeout=5000)
    tab.detail.perform_action(CaseAction.AGREE_RESHIP, "", parse_moment("2026-11-27 10:00"))
    qtbot.waitUntil(lambda: bool(said), timeout=5000)
    assert "同意补发的时间 2026-11-27 10:00 早于买家申请的时间 2026-11-28 10:00" in said[0]
    db = window.context.db
    assert db is not None
    with db.reading() as session:
        assert [e.kind for e in case_events(session, 3)] == ["created"]


def test_the_window_says_a_step_recorded_after_the_platform_acted(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """seeds/004_e1a46d0aca1946af.txt: "用戶申請補寄后,商家需在48小時內進行處理,若商家未進行處理,系統超時自動同意".
    #3 asked 11-28 10:00 and agreed 11-30 11:00: the platform had agreed at 11-30 10:00, and the window says so after
    the step (the command line on stderr), as for a return shipping typed after the buyer's 7 days."""
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text, *_a: said.append(text))
    tab = window.cases_tab
    tab.select_case(3)
    qtbot.waitUntil(lambda: (d := tab.detail.current_detail) is not None and d.row.id == 3, timeout=5000)
    tab.detail.perform_action(CaseAction.AGREE_RESHIP, "", parse_moment("2026-11-30 11:00"))
    qtbot.waitUntil(lambda: bool(said), timeout=5000)
    assert said[0] == "提醒：“处理补寄申请（48小时）”已于 2026-11-30 10:00 到期，平台当时已自动处理（自动同意补寄）"
