"""Texts a shop owner reads: no internal ids, no bare currency signs, China time, hours near a deadline."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QDateTime, QLocale, QTimeZone
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop_app.core.claims import ClaimIncident
from desktop_app.core.clock import CHINA
from desktop_app.services.claims import NewClaim, open_claim
from desktop_app.store.database import Database, open_database
from desktop_app.store.models import Deadline, Order, OrderItem
from desktop_app.store.rows import OrderItemRow
from desktop_app.ui.calendar.calendar_tab import DeadlineCalendar
from desktop_app.ui.calendar.month_bar import MonthBar, month_title
from desktop_app.ui.cases.case_table_model import countdown
from desktop_app.ui.widgets.china_time import china_time_edit


def test_two_days_or_less_counts_hours() -> None:
    ref = datetime(2026, 12, 1, 9, 0, tzinfo=CHINA)
    assert countdown(ref + timedelta(hours=48) - timedelta(minutes=1), ref) == "剩 47 小时"
    assert countdown(ref + timedelta(hours=30), ref) == "剩 30 小时"
    assert countdown(ref + timedelta(hours=49), ref) == "剩 2 天"
    assert countdown(ref - timedelta(hours=36), ref) == "已逾期 36 小时"


def test_the_month_reads_year_first(qtbot: QtBot) -> None:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    assert month_title(2026, 12) == "December 2026"
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))  # as install_translators sets it
    try:
        _check_month_bar(qtbot)
    finally:
        QLocale.setDefault(before)


def _check_month_bar(qtbot: QtBot) -> None:
    assert month_title(2026, 12) == "2026年12月"
    calendar = DeadlineCalendar()
    qtbot.addWidget(calendar)
    calendar.setSelectedDate(QDate(2026, 12, 2))
    bar = MonthBar(calendar, lambda: date(2026, 12, 2))
    qtbot.addWidget(bar)
    assert bar.title.text() == "2026年12月"
    assert not calendar.isNavigationBarVisible()
    bar.next_button.click()
    assert bar.title.text() == "2027年1月"
    bar.previous_button.click()
    bar.previous_button.click()
    assert bar.title.text() == "2026年11月"
    bar.today_button.click()
    assert bar.title.text() == "2026年12月"


def test_time_fields_show_china_time_whatever_the_pc_zone(qtbot: QtBot) -> None:
    china = QTimeZone(b"Asia/Shanghai")
    moment = QDateTime.fromSecsSinceEpoch(int(datetime(2026, 12, 2, 3, 9, tzinfo=CHINA).timestamp()), china)
    edit = china_time_edit(moment)
    qtbot.addWidget(edit)
    assert edit.text() == "2026-12-02 03:09"  # the China wall clock, not the PC's
    assert edit.dateTime().toSecsSinceEpoch() == moment.toSecsSinceEpoch()


def test_an_item_with_only_a_unit_price_shows_its_amount() -> None:
    assert OrderItemRow("毛毯", None, 2, 8900, None).line_fen == 17800
    assert OrderItemRow("毛毯", None, 2, 8900, 15000).line_fen == 15000
    assert OrderItemRow("毛毯", None, 2, None, None).line_fen is None


def _order(db: Database) -> int:
    with db.transaction() as s:
        order = Order(order_key="pdd:261101-1", platform="pdd", order_no="261101-1", carrier="中通快递",
                      tracking_no="78123456789012")
        order.items.append(OrderItem(position=0, title="陶瓷马克杯", quantity=2, unit_price_fen=3000))
        s.add(order)
        s.flush()
        return order.id


def test_a_claim_follow_up_names_its_consequence_in_chinese(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        open_claim(db, NewClaim(ClaimIncident.LOST, order_id=_order(db)), author="小林")
        with db.reading() as s:
            actions = s.execute(select(Deadline.action)).scalars().all()
        assert actions == ["联系快递催办理赔"]
    finally:
        db.close()
