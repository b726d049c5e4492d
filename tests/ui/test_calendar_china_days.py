"""The 时效日历 on a computer not set to China time (timer scenarios round 4, issue 13): the platforms' days run
from 00:00 China time, so a deadline at 23:59:59 and one at 00:00:00 the next second fall on two days, "today"
is China's, and 今天 turns to China's month — whatever the PC's zone (TZ=America/New_York in this process)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from desktop_app.core.clock import Moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.store.deadline_lists import DayCount
from tests.ui.test_calendar_tab import Ledger, at, case_ids, douyin_reship, make_tab, open_ledger


@pytest.fixture
def ledger(db_path: Path, new_york: None) -> Iterator[Ledger]:
    yield from open_ledger(db_path)


def agreed_reship(ledger: Ledger, order_no: str, agreed: str) -> int:
    """seed 004: "同意補寄申請后,商家需在48小時內發出補寄商品" — due 48 h after `agreed`."""
    case_id = douyin_reship(ledger.db, order_no, at(agreed))
    act_on_case(ledger.db, case_id, CaseAction.AGREE_RESHIP, at=Moment(at(agreed)), author="测试")
    return case_id


def test_days_today_and_the_side_lists_are_china_days_on_a_pc_in_new_york(qtbot: QtBot, ledger: Ledger) -> None:
    # Agreed 11-11 23:59:59 → due 11-13 23:59:59; agreed 11-12 00:00:00 → due 11-14 00:00:00; agreed 11-13
    # 00:00:00 → due 11-15 00:00:00. Now 2026-11-13 08:00 China = 11-12 19:00 in New York: today is 11-13, the
    # side list "今天/明天到期" holds 11-13 and 11-14 (the 11-15 00:00:00 one is the day after tomorrow).
    late_night = agreed_reship(ledger, "DY2001", "2026-11-11 23:59:59")
    midnight = agreed_reship(ledger, "DY2002", "2026-11-12 00:00:00")
    after = agreed_reship(ledger, "DY2003", "2026-11-13 00:00:00")
    tab = make_tab(qtbot, ledger, at("2026-11-13 08:00"))
    assert tab.selected_day() == date(2026, 11, 13)
    assert tab.calendar.count_for(date(2026, 11, 13)) == DayCount(soon=1)
    assert tab.calendar.count_for(date(2026, 11, 14)) == DayCount(soon=1)  # 16 h ahead
    assert tab.calendar.count_for(date(2026, 11, 15)) == DayCount(later=1)
    assert case_ids(tab.day_list) == [late_night]
    assert case_ids(tab.overdue_list) == []
    assert case_ids(tab.upcoming_list) == [late_night, midnight]
    assert after not in case_ids(tab.upcoming_list)
    assert tab.upcoming_title.text() == "今天/明天到期（2）"
    # The money at stake (seed 004: "按照每單3元的標準向用戶進行賠付"), as `deadlines` and the 补发队列 say it.
    consequence = tab.upcoming_list.topLevelItem(0).text(6)
    assert consequence == "赔付3元，买家可申请平台介入（3.00 元）"
    assert consequence in tab.upcoming_list.topLevelItem(0).toolTip(0)


def test_today_turns_to_chinas_month_on_the_last_evening_of_a_month_in_new_york(
        qtbot: QtBot, ledger: Ledger) -> None:
    # 2027-03-01 08:00 China is 2027-02-28 19:00 in New York: 今天 shows 2027年3月, China's month (Qt's showToday
    # took the computer's date, whatever the tab's clock).
    tab = make_tab(qtbot, ledger, at("2027-03-01 08:00"))
    tab.calendar.setCurrentPage(2026, 9)
    tab.month_bar.today_button.click()
    assert (tab.calendar.yearShown(), tab.calendar.monthShown()) == (2027, 3)
    assert tab.month_bar.title.text() == "2027年3月"


def test_a_working_day_deadline_in_2027_reads_estimated_on_its_day_and_the_notice_says_why(
        qtbot: QtBot, ledger: Ledger) -> None:
    # seed 003 "(通常为3个工作日)" (assumed): agreed Tue 2026-12-29 10:00 → Wed 12-30, Thu 12-31, (Fri 01-01 元旦)
    # Mon 2027-01-04 10:00, counted without 2027's official schedule: （估算） on its day, the notice names 2027.
    case_id = open_case(ledger.db, NewCase(Platform.TAOBAO, "TB2001", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                           requested=Moment(at("2026-12-29 09:00"))), author="测试").case_id
    act_on_case(ledger.db, case_id, CaseAction.AGREE_RESHIP, at=Moment(at("2026-12-29 10:00")), author="测试")
    tab = make_tab(qtbot, ledger, at("2026-12-30 08:00"))
    with qtbot.waitSignal(tab.day_loaded, timeout=5000):
        tab.calendar.setSelectedDate(QDate(2027, 1, 4))
    assert case_ids(tab.day_list) == [case_id]
    assert tab.day_list.topLevelItem(0).text(0) == "2027-01-04 10:00（估算）"
    qtbot.waitUntil(lambda: "2027" in tab.rule_warning.text(), timeout=5000)
    assert "估算" in tab.rule_warning.text()
