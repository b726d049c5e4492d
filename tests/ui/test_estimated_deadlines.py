"""A working-day deadline in a year without an official holiday schedule says 估算 in the calendar's
lists too, as `deadlines` does (session 16, tried as a tester: 2027 has no schedule yet)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.core.clock import CHINA, Moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.store.case_filters import CaseSort
from desktop_app.store.database import Database, open_database
from desktop_app.store.deadline_lists import list_deadlines
from desktop_app.ui.calendar.deadline_list import DeadlineList
from desktop_app.ui.widgets.paged_model import ROW_ROLE
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import opened_window


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def test_the_calendar_list_marks_a_2027_working_day_deadline_estimated(qtbot: QtBot, db: Database) -> None:
    # 拼多多 承诺补发, 3 working days (assumed): promised Wed 2026-12-30 15:00 → 12-31, (2027-01-01 元旦, a
    # statutory holiday in the estimate too), Mon 01-04, Tue 01-05 → 2027-01-05 15:00, estimated.
    case_id = open_case(db, NewCase(Platform.PDD, "EST-UI", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                    requested=Moment(at("2026-12-30 10:00"))), author="测试").case_id
    act_on_case(db, case_id, CaseAction.AGREE_RESHIP, at=Moment(at("2026-12-30 15:00")), author="测试")
    with db.reading() as s:
        rows = list_deadlines(s, case_id=case_id, now=at("2026-12-30 16:00"))
    widget = DeadlineList("estimated")
    qtbot.addWidget(widget)
    widget.set_rows(rows, at("2026-12-30 16:00"))
    item = widget.topLevelItem(0)
    assert item.text(0) == "2027-01-05 15:00（估算）"
    assert "2027-01-05 15:00（估算） 到期" in item.toolTip(0)


def test_the_cases_tab_marks_the_next_deadline_estimated_in_its_cell_and_tooltip(
        qtbot: QtBot, seeded_path: Path) -> None:
    # The same 拼多多 promise (due 2027-01-05 15:00 on estimated working days): the Cases tab's 下一个时限
    # said nothing of the estimate while the calendar and `deadlines --json` did. Opened in the real window,
    # so the first page comes from the sqlite3 first-page read; a reload reads through the ORM.
    db = open_database(seeded_path)
    estimated = open_case(db, NewCase(Platform.PDD, "EST-TAB", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                      requested=Moment(at("2026-12-30 10:00"))), author="测试").case_id
    act_on_case(db, estimated, CaseAction.AGREE_RESHIP, at=Moment(at("2026-12-30 15:00")), author="测试")
    # Promised Wed 2026-12-02 15:00 → Mon 12-07 15:00 on the official 2026 schedule: no mark.
    official = open_case(db, NewCase(Platform.PDD, "OFF-TAB", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                     requested=Moment(at("2026-12-02 10:00"))), author="测试").case_id
    act_on_case(db, official, CaseAction.AGREE_RESHIP, at=Moment(at("2026-12-02 15:00")), author="测试")
    db.close()
    for win in opened_window(qtbot, seeded_path):
        for reload in (False, True):
            if reload:
                with qtbot.waitSignal(win.cases_tab.model.loaded, timeout=10000):
                    win.cases_tab.model.reload()
            cells = next_due_cells(win)
            text, tip = cells[estimated]
            assert "（估算）" in text and text.endswith("承诺补发（承诺履约）（时长为估计）")
            assert tip.startswith("2027-01-05 15:00（估算）")
            assert "按周一至周五估算，法定节假日不算工作日，调休未知" in tip
            assert "或活动窗口（如双11）还没有当年的日期，按往年的日期估算" in tip  # the other reason for 估算
            assert "估算" not in cells[official][0] and "估算" not in cells[official][1]


def next_due_cells(win: MainWindow) -> dict[int, tuple[str, str]]:
    model = win.cases_tab.model
    column = model.column_index(CaseSort.NEXT_DUE)
    cells = {}
    for r in range(model.rowCount()):
        index = model.index(r, column)
        cells[index.data(ROW_ROLE).id] = (index.data(), index.data(Qt.ItemDataRole.ToolTipRole))
    return cells
