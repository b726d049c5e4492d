"""The 时效日历 tab over the year end 2026→2027 (session 25): a working-day deadline in January 2027 shows 估算
while 2027 has no official schedule, the tab says why, and once the schedule is saved (as 填写官方节假日安排 or
`workdays import` saves it) the same deadline shows without 估算 and the notice about 2027 is gone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from desktop_app.core.clock import CHINA, Moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.ledger_rules import import_schedule
from tests.ui.test_calendar_tab import Ledger, at, case_ids, make_tab, open_ledger
from tests.unit.schedule_texts import made_up_2027

TODAY = datetime(2026, 12, 4, 10, 0, tzinfo=CHINA)  # the testers' today


@pytest.fixture
def ledger(db_path: Path) -> Iterator[Ledger]:
    yield from open_ledger(db_path)


def test_a_january_2027_reship_deadline_is_marked_and_explained_until_the_schedule_is_saved(
        qtbot: QtBot, ledger: Ledger, data_home: Path) -> None:
    # seed 003 "给予补寄(通常为3个工作日)" (assumed): agreed Wed 2026-12-30 10:00 → Thu 12-31, (Fri 2027-01-01 元旦,
    # 放假办法 art. 2), Mon 01-04, Tue 01-05 10:00（估算）.
    case = open_case(ledger.db, NewCase(Platform.PDD, "PDD-YE-1", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                        requested=Moment(at("2026-12-30 09:00"))), author="测试").case_id
    act_on_case(ledger.db, case, CaseAction.AGREE_RESHIP, at=Moment(at("2026-12-30 10:00")), author="测试")
    tab = make_tab(qtbot, ledger, TODAY)
    assert "还没有2027年的官方节假日与调休安排" in tab.rule_warning.text()
    with qtbot.waitSignal(tab.day_loaded, timeout=5000):
        tab.calendar.setSelectedDate(QDate(2027, 1, 5))
    assert case_ids(tab.day_list) == [case]
    assert tab.day_list.topLevelItem(0).text(0) == "2027-01-05 10:00（估算）"

    # The schedule saved (made up: 元旦 01-01..01-03, no 调休): the same due, certain; the notice forgets 2027.
    import_schedule(ledger.db, made_up_2027(), "测试")
    with qtbot.waitSignal(tab.day_loaded, timeout=5000):
        tab.refresh()
    ledger.idle(qtbot)
    assert tab.selected_day() == date(2027, 1, 5)
    assert tab.day_list.topLevelItem(0).text(0) == "2027-01-05 10:00"
    assert "2027年的官方节假日" not in tab.rule_warning.text()
