"""The 时效日历 tab over a real ledger: counts per day, the day's list, overdue and due-soon lists."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QTableView
from pytestqt.qtbot import QtBot

from desktop_app.core.clock import CHINA, Moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.store.database import Database, open_database
from desktop_app.store.deadline_lists import DayCount
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.calendar.calendar_tab import CalendarTab, DeadlineList
from desktop_app.ui.cases.case_table_model import OVERDUE, SOON
from desktop_app.ui.context import AppContext

NOW = datetime(2026, 5, 7, 12, 0, tzinfo=CHINA)  # a Thursday


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


@dataclass
class Ledger:
    db: Database
    runner: BackgroundRunner
    context: AppContext

    def idle(self, qtbot: QtBot) -> None:
        qtbot.waitUntil(lambda: not self.runner.busy, timeout=10000)


def open_ledger(db_path: Path) -> Iterator[Ledger]:
    """A real ledger file with the worker thread a window would have (for the `ledger` fixtures)."""
    db = open_database(db_path)
    runner = BackgroundRunner()
    yield Ledger(db, runner, AppContext(runner))
    runner.shutdown()
    db.close()


@pytest.fixture
def ledger(db_path: Path) -> Iterator[Ledger]:
    yield from open_ledger(db_path)


def douyin_reship(db: Database, order_no: str, requested: datetime) -> int:
    """A 抖店 reship request: the shop must answer within 48 h of `requested` (reship_answer)."""
    return open_case(db, NewCase(Platform.DOUYIN, order_no, CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                 requested=Moment(requested)), author="测试").case_id


@dataclass
class Seeded:
    overdue: int  # due 05-06 10:00
    soon: int  # due 05-08 00:30, 12.5 h after NOW
    later: int  # due 05-08 20:00, 32 h after NOW


def seed(db: Database) -> Seeded:
    # Overdue: agreed 05-04 10:00, not shipped within 48 h (answered, so no automatic agreement).
    overdue = douyin_reship(db, "DY1001", at("2026-05-04 09:00"))
    act_on_case(db, overdue, CaseAction.AGREE_RESHIP, at=Moment(at("2026-05-04 10:00")), author="测试")
    return Seeded(
        overdue=overdue,
        soon=douyin_reship(db, "DY1002", at("2026-05-06 00:30")),
        later=douyin_reship(db, "DY1003", at("2026-05-06 20:00")),
    )


def make_tab(qtbot: QtBot, ledger: Ledger, now: datetime = NOW) -> CalendarTab:
    """The tab with its clock stopped at `now`, shown over the ledger and loaded."""
    tab = CalendarTab(ledger.context, clock=lambda: now)
    qtbot.addWidget(tab)
    tab.resize(1200, 760)
    tab.show()
    ledger.context.set_database(ledger.db)
    ledger.idle(qtbot)
    return tab


def case_ids(deadline_list: DeadlineList) -> list[int]:
    return [row.case_id for row in deadline_list.rows()]


def count_pixels(tab: CalendarTab, colour_name: str) -> int:
    image = tab.calendar.grab().toImage()
    wanted = image.pixelColor(0, 0).fromString(colour_name).rgb()
    return sum(1 for y in range(0, image.height()) for x in range(0, image.width()) if image.pixel(x, y) == wanted)


def test_the_month_shows_counts_coloured_by_urgency(qtbot: QtBot, ledger: Ledger) -> None:
    seed(ledger.db)
    tab = make_tab(qtbot, ledger)
    assert (tab.calendar.yearShown(), tab.calendar.monthShown()) == (2026, 5)
    assert tab.calendar.count_for(date(2026, 5, 6)) == DayCount(overdue=1)
    assert tab.calendar.count_for(date(2026, 5, 8)) == DayCount(soon=1, later=1)
    assert tab.calendar.count_for(date(2026, 5, 7)).total == 0
    # The badges are painted: the 05-06 badge in red, the 05-08 badge (most urgent: soon) in orange.
    assert count_pixels(tab, OVERDUE.name()) > 30
    assert count_pixels(tab, SOON.name()) > 30
    tab.calendar.set_counts({})
    assert count_pixels(tab, OVERDUE.name()) == 0


def test_selecting_a_day_lists_its_deadlines(qtbot: QtBot, ledger: Ledger) -> None:
    cases = seed(ledger.db)
    tab = make_tab(qtbot, ledger)
    assert tab.selected_day() == date(2026, 5, 7)
    assert case_ids(tab.day_list) == []
    with qtbot.waitSignal(tab.day_loaded, timeout=5000):
        tab.calendar.setSelectedDate(QDate(2026, 5, 8))
    assert case_ids(tab.day_list) == [cases.soon, cases.later]  # by due time
    first = tab.day_list.topLevelItem(0)
    assert first.text(2) == f"#{cases.soon}"
    assert first.text(3) == "DY1002"
    assert first.text(4) == "抖店"
    assert first.text(5) == "处理补寄申请（48小时）"
    assert first.text(0) == "2026-05-08 00:30"
    assert first.text(1) == "剩 12 小时"
    assert first.text(6) == "自动同意补寄"
    assert "2026-05-08" in tab.day_title.text() and "2 条" in tab.day_title.text()


def test_side_lists_hold_overdue_and_today_tomorrow(qtbot: QtBot, ledger: Ledger) -> None:
    cases = seed(ledger.db)
    beyond = douyin_reship(ledger.db, "DY1004", at("2026-05-07 09:00"))  # due 05-09 09:00: not tomorrow
    tab = make_tab(qtbot, ledger)
    assert case_ids(tab.overdue_list) == [cases.overdue]
    assert case_ids(tab.upcoming_list) == [cases.soon, cases.later]
    assert beyond not in case_ids(tab.upcoming_list)
    assert tab.overdue_title.text() == "已逾期（1）"
    assert tab.upcoming_title.text() == "今天/明天到期（2）"
    assert tab.overdue_list.topLevelItem(0).text(1) == "已逾期 26 小时"  # under two days the hours are shown


def test_activating_an_item_asks_to_open_its_case(qtbot: QtBot, ledger: Ledger) -> None:
    cases = seed(ledger.db)
    tab = make_tab(qtbot, ledger)
    # Enter on the current item of the overdue list.
    tab.overdue_list.setFocus()
    tab.overdue_list.setCurrentItem(tab.overdue_list.topLevelItem(0))
    with qtbot.waitSignal(tab.open_case, timeout=2000) as blocker:
        qtbot.keyClick(tab.overdue_list, Qt.Key.Key_Return)
    assert blocker.args == [cases.overdue]
    # Double-click on a row of the today/tomorrow list.
    item = tab.upcoming_list.topLevelItem(1)
    point = QPoint(20, tab.upcoming_list.visualItemRect(item).center().y())  # the row is wider than the view
    # A real double-click starts with a press: the view activates only the row it saw pressed.
    qtbot.mouseClick(tab.upcoming_list.viewport(), Qt.MouseButton.LeftButton, pos=point)
    with qtbot.waitSignal(tab.open_case, timeout=2000) as blocker:
        qtbot.mouseDClick(tab.upcoming_list.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == [cases.later]


def test_a_case_event_refreshes_the_calendar(qtbot: QtBot, ledger: Ledger) -> None:
    cases = seed(ledger.db)
    tab = make_tab(qtbot, ledger)
    with qtbot.waitSignal(tab.day_loaded, timeout=5000):
        tab.calendar.setSelectedDate(QDate(2026, 5, 8))
    # Agreeing meets the 48 h answer timer and starts the 48 h ship timer (due 05-09 12:00).
    with qtbot.waitSignal(tab.counts_loaded, timeout=5000):
        ledger.context.write(lambda db: act_on_case(db, cases.later, CaseAction.AGREE_RESHIP, at=Moment(NOW),
                                                    author="测试"))
    ledger.idle(qtbot)
    assert tab.calendar.count_for(date(2026, 5, 8)) == DayCount(soon=1)
    assert tab.calendar.count_for(date(2026, 5, 9)) == DayCount(later=1)
    assert case_ids(tab.day_list) == [cases.soon]
    assert cases.later not in case_ids(tab.upcoming_list)


def test_turning_the_page_loads_that_month(qtbot: QtBot, ledger: Ledger) -> None:
    douyin_reship(ledger.db, "DY2001", at("2026-06-10 09:00"))  # due 06-12 09:00
    tab = make_tab(qtbot, ledger)
    assert tab.calendar.count_for(date(2026, 6, 12)).total == 0  # June 12 is not on May's page
    with qtbot.waitSignal(tab.counts_loaded, timeout=5000):
        tab.calendar.showNextMonth()
    assert tab.calendar.count_for(date(2026, 6, 12)) == DayCount(later=1)
    assert tab.calendar.visible_range() == (date(2026, 5, 25), date(2026, 7, 5))


def shown_days(tab: CalendarTab) -> tuple[int, int]:
    """Day numbers in the grid's first and last cell, read from Qt's own calendar view."""
    view = tab.calendar.findChild(QTableView)
    model = view.model()
    first = model.index(1, 0).data()  # row 0 holds the weekday names
    last = model.index(model.rowCount() - 1, model.columnCount() - 1).data()
    return int(first), int(last)


@pytest.mark.parametrize(("year", "month"), [(2026, 6), (2026, 5), (2026, 2), (2027, 3)])
def test_visible_range_is_the_grid_qt_paints(qtbot: QtBot, ledger: Ledger, year: int, month: int) -> None:
    tab = make_tab(qtbot, ledger)
    tab.calendar.setCurrentPage(year, month)
    first, last = tab.calendar.visible_range()
    assert (last - first) == timedelta(days=41)
    assert first <= date(year, month, 1) - timedelta(days=1)  # Qt always shows a day of the month before
    assert shown_days(tab) == (first.day, last.day)


def test_missing_rules_for_this_year_are_pointed_out(qtbot: QtBot, ledger: Ledger) -> None:
    """No 2027 holiday schedule in December 2026, no own 双11 window for 2026, no 春节 window for 2027: the
    tab says so."""
    tab = CalendarTab(ledger.context, clock=lambda: datetime(2026, 12, 2, 12, 0, tzinfo=CHINA))
    qtbot.addWidget(tab)
    told: list[str] = []
    tab.message.connect(told.append)
    ledger.context.set_database(ledger.db)
    tab.refresh()
    ledger.idle(qtbot)
    text = tab.rule_warning.text()
    assert not tab.rule_warning.isHidden()
    assert "2027年" in text and "估算" in text and "淘宝、天猫" in text and "双11" in text
    # 春节 2027 has no window yet (the platforms announce each year's): said, and that none is guessed.
    assert "还没有2027年的“春节售后时效”时间窗口" in text and "不按往年估算" in text
    # The window points at its own page for the schedule, not at a command line.
    assert "工作日调整" in text and "python -m" not in text
    # Said once in the status bar as well (at start the calendar is rarely the tab on screen), not on every refresh.
    tab.refresh()
    ledger.idle(qtbot)
    assert [m for m in told if "时效规则需要更新" in m] == ["时效规则需要更新（3 条提醒），详见“时效日历”"]
    may = CalendarTab(ledger.context, clock=lambda: datetime(2025, 5, 7, 12, 0, tzinfo=CHINA))
    qtbot.addWidget(may)
    may.refresh()
    assert may.rule_warning.isHidden()  # 2025 has its schedule and its own 双11 window


def test_three_notices_leave_the_month_whole_on_a_laptop_screen(qtbot: QtBot, ledger: Ledger) -> None:
    """December: next year's schedule, this year's 双11 and next year's 春节 — six wrapped lines pushed the
    month's last row under the legend in a 1366×768 window; the notices scroll in four lines instead."""
    tab = CalendarTab(ledger.context, clock=lambda: datetime(2026, 12, 2, 12, 0, tzinfo=CHINA))
    qtbot.addWidget(tab)
    tab.resize(1354, 600)  # the tab in a 1366×768 window
    tab.show()
    ledger.context.set_database(ledger.db)
    tab.refresh()
    ledger.idle(qtbot)
    qtbot.waitUntil(lambda: tab.rule_warning.text().count("注意：") == 3, timeout=5000)
    qtbot.wait(50)
    legend = tab.findChild(QLabel, "calendar_legend")
    assert legend is not None
    calendar_bottom = tab.calendar.mapTo(tab, tab.calendar.rect().bottomLeft()).y()
    assert calendar_bottom < legend.mapTo(tab, legend.rect().topLeft()).y()
    assert tab.calendar.height() >= tab.calendar.minimumHeight()


def test_the_side_lists_show_whole_order_numbers_on_a_laptop_screen(qtbot: QtBot, ledger: Ledger) -> None:
    """On the tab's width in a 1366 px window the side lists show when, how long, whose case and the
    whole order number — a 拼多多 one too — without scrolling sideways."""
    tab = make_tab(qtbot, ledger)
    tab.resize(1354, 680)  # the tab in a 1366×768 window
    ledger.idle(qtbot)
    side = tab.overdue_list
    order_column = 3
    needed = side.fontMetrics().horizontalAdvance("261110-420211703585184") + 12  # cell margins
    assert side.columnWidth(order_column) >= needed
    assert side.columnViewportPosition(order_column) + side.columnWidth(order_column) <= side.viewport().width()


def test_the_side_lists_show_which_deadline_on_a_laptop_screen(qtbot: QtBot, ledger: Ledger) -> None:
    """At 3:2 the side lists' 时限 (which deadline: 补发发货, 处理仅退款申请 …) began at their right edge
    in a 1366 px window, off screen; the month shares the width with them half and half."""
    tab = make_tab(qtbot, ledger)
    tab.resize(1354, 680)  # the tab in a 1366×768 window
    ledger.idle(qtbot)
    for side in (tab.overdue_list, tab.upcoming_list):
        name_column = 5
        shown = side.viewport().width() - side.columnViewportPosition(name_column)
        assert shown >= 140, shown  # "补发发货并上传运单号" and the like, whole or nearly


def test_a_deadline_row_has_a_right_click_menu(qtbot: QtBot, ledger: Ledger) -> None:
    """The calendar's lists had no right-click menu (README: every table has one): a right-click on a
    deadline opens its case or copies its order number, as in the other tabs."""
    cases = seed(ledger.db)
    tab = make_tab(qtbot, ledger)
    overdue = tab.overdue_list
    assert overdue.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    point = QPoint(20, overdue.visualItemRect(overdue.topLevelItem(0)).center().y())
    menu = overdue.menu_at(overdue.indexAt(point))
    assert menu is not None
    entries = {a.objectName(): a for a in menu.actions() if a.objectName()}
    entries["copy_order_no"].trigger()
    assert QApplication.clipboard().text() == "DY1001"
    with qtbot.waitSignal(tab.open_case, timeout=2000) as blocker:
        entries["open_case"].trigger()
    assert blocker.args == [cases.overdue]
    assert overdue.menu_at(overdue.indexAt(QPoint(20, overdue.viewport().height() - 2))) is None  # below the rows
