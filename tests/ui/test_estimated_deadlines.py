"""A working-day deadline in a year without an official holiday schedule says 估算 in the calendar's
lists too, as `deadlines` does (session 16, tried as a tester: 2027 has no schedule yet)."""

from __future__ import annotations

from datetime import datetime

from pytestqt.qtbot import QtBot

from desktop_app.core.clock import CHINA, Moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.store.database import Database
from desktop_app.store.deadline_lists import list_deadlines
from desktop_app.ui.calendar.calendar_tab import DeadlineList


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def test_the_calendar_list_marks_a_2027_working_day_deadline_estimated(qtbot: QtBot, db: Database) -> None:
    # 拼多多 承诺补发, 3 working days (assumed): promised Wed 2026-12-30 15:00 → 12-31, 2027-01-01 (a
    # working day by the estimate), Mon 01-04 → 2027-01-04 15:00, estimated.
    case_id = open_case(db, NewCase(Platform.PDD, "EST-UI", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                    requested=Moment(at("2026-12-30 10:00"))), author="测试").case_id
    act_on_case(db, case_id, CaseAction.AGREE_RESHIP, at=Moment(at("2026-12-30 15:00")), author="测试")
    with db.reading() as s:
        rows = list_deadlines(s, case_id=case_id, now=at("2026-12-30 16:00"))
    widget = DeadlineList("estimated")
    qtbot.addWidget(widget)
    widget.set_rows(rows, at("2026-12-30 16:00"))
    item = widget.topLevelItem(0)
    assert item.text(0) == "2027-01-04 15:00（估算）"
    assert "2027-01-04 15:00（估算） 到期" in item.toolTip(0)
