"""Working days in China: 2026's official calendar (FACTS.md) from the shipped schedule file, the
estimate for years without one, the shop's overrides."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop_app.core.clock import CHINA
from desktop_app.core.working_days import (
    HolidaySchedule,
    WorkdayCalendar,
    WorkdayOverrides,
    WorkingDaysResult,
)
from desktop_app.core.working_days import add_working_days as add_with
from desktop_app.core.working_days import is_working_day as is_working_with
from desktop_app.io.holiday_schedule_file import read_schedule, shipped_schedule_path

SHIPPED: HolidaySchedule = read_schedule(shipped_schedule_path())


def add_working_days(start: datetime, days: int, overrides: WorkdayOverrides | None = None) -> WorkingDaysResult:
    return add_with(start, days, overrides, SHIPPED)


def is_working_day(day: date, overrides: WorkdayOverrides | None = None) -> tuple[bool, bool]:
    return is_working_with(day, overrides, SHIPPED)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def test_official_2026_calendar_as_in_facts() -> None:
    calendar = WorkdayCalendar(schedule=SHIPPED)
    for day in range(1, 8):  # National Day holiday 10-01 … 10-07
        assert calendar.is_working_day(date(2026, 10, day)) == (False, False)
    # Make-up working weekends (调休): 10-10 is a Saturday, 09-20 and 01-04 are Sundays.
    for made_up in ("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"):
        assert calendar.is_working_day(date.fromisoformat(made_up)) == (True, False)
    assert calendar.is_working_day(date(2026, 9, 25)) == (False, False)  # Mid-Autumn, a Friday
    assert calendar.is_working_day(date(2026, 10, 11)) == (False, False)  # an ordinary Sunday


def test_three_working_days_across_national_day_end_on_the_make_up_saturday() -> None:
    # Wed 09-30 10:00; 10-01…10-07 off; 10-08 Thu (1), 10-09 Fri (2), 10-10 Sat 调休 (3).
    result = add_working_days(at("2026-09-30 10:00"), 3)
    assert result.at == at("2026-10-10 10:00")
    assert result.at.weekday() == 5
    assert not result.estimated
    # One more skips the ordinary Sunday 10-11.
    assert add_working_days(at("2026-09-30 10:00"), 4).at == at("2026-10-12 10:00")


def test_make_up_sunday_counts_and_mid_autumn_does_not() -> None:
    # Started Saturday 09-19 (a day off): the clock starts with Sunday 09-20, a 调休 working day,
    # and one working day is over at its end.
    assert add_working_days(at("2026-09-19 09:00"), 1).at == at("2026-09-21 00:00")
    # Thu 09-24 16:00 + 1: Fri 09-25 is Mid-Autumn, then the weekend → Mon 09-28 16:00.
    assert add_working_days(at("2026-09-24 16:00"), 1).at == at("2026-09-28 16:00")


def test_start_inside_a_holiday_counts_whole_working_days() -> None:
    # 10-03 is inside the National Day holiday: 10-08 is the first working day, over at 10-09 00:00.
    assert add_working_days(at("2026-10-03 14:00"), 1).at == at("2026-10-09 00:00")
    assert add_working_days(at("2026-10-03 14:00"), 3).at == at("2026-10-11 00:00")


def test_zero_days_is_the_start_itself() -> None:
    assert add_working_days(at("2026-10-03 14:00"), 0).at == at("2026-10-03 14:00")
    assert add_working_days(at("2026-10-09 14:00"), 0).at == at("2026-10-09 14:00")


def test_a_year_without_a_schedule_counts_weekdays_and_is_estimated() -> None:
    assert not SHIPPED.covers(2027)
    result = add_working_days(at("2027-03-01 09:00"), 1)  # a Monday
    assert result.at == at("2027-03-02 09:00")
    assert result.estimated
    # National Day 2027 is unknown: a Friday counts as a working day (earlier, never later), flagged.
    assert is_working_day(date(2027, 10, 1)) == (True, True)
    assert is_working_day(date(2027, 10, 2)) == (False, True)  # a Saturday


def test_estimate_only_when_the_span_needs_it() -> None:
    # 2026-12-30 + 2 working days: 12-31, then Fri 2027-01-01 — 2027 has no schedule yet, so 元旦 is
    # counted as a working day (the due time comes early, never late) and the result says 估算.
    result = add_working_days(at("2026-12-30 10:00"), 2)
    assert result.at == at("2027-01-01 10:00")
    assert result.estimated
    assert not add_working_days(at("2026-12-21 10:00"), 2).estimated


def test_shop_overrides_win_over_the_official_calendar() -> None:
    overrides = WorkdayOverrides(
        extra_holidays=frozenset({date(2026, 10, 8)}),  # the warehouse stays closed one more day
        extra_workdays=frozenset({date(2026, 10, 11)}),  # and works that Sunday instead
    )
    assert add_working_days(at("2026-09-30 10:00"), 1, overrides).at == at("2026-10-09 10:00")
    assert add_working_days(at("2026-09-30 10:00"), 3, overrides).at == at("2026-10-11 10:00")
    # A day the shop decided about is not an estimate, even in a year nobody has announced.
    decided = WorkdayOverrides(extra_workdays=frozenset({date(2027, 10, 9)}))
    assert is_working_day(date(2027, 10, 9), decided) == (True, False)


def test_overrides_refuse_a_day_that_is_both() -> None:
    day = date(2026, 10, 8)
    with pytest.raises(ValueError, match="2026-10-08"):
        WorkdayOverrides(frozenset({day}), frozenset({day}))


def test_naive_start_and_negative_days_are_bugs() -> None:
    with pytest.raises(ValueError):
        add_working_days(datetime(2026, 10, 9, 10, 0), 1)
    with pytest.raises(ValueError):
        add_working_days(at("2026-10-09 10:00"), -1)


def test_result_keeps_china_clock_time_for_other_zones() -> None:
    # 02:00 UTC is 10:00 in China: the working day is China's, the clock time is kept.
    start = datetime.fromisoformat("2026-09-30T02:00:00+00:00")
    assert add_working_days(start, 3).at == at("2026-10-10 10:00")


def test_a_pasted_2027_schedule_replaces_the_estimate(tmp_path) -> None:
    from desktop_app.io.holiday_schedule_file import import_years, load_schedule

    user = tmp_path / "china_holidays.toml"
    text = """
[[years]]
year = 2027
source = "测试用的2027年安排"
holidays = [{ name = "元旦", from = 2027-01-01, to = 2027-01-03 }]
workdays = ["2027-01-09"]
"""
    assert import_years(text, source="粘贴", user=user) == (2027,)
    schedule = load_schedule(shipped=shipped_schedule_path(), user=user)
    assert schedule.covers(2026) and schedule.covers(2027)
    result = add_with(at("2026-12-30 10:00"), 2, None, schedule)
    assert result == WorkingDaysResult(at("2027-01-04 10:00"), False)
    assert WorkdayCalendar(schedule=schedule).is_working_day(date(2027, 1, 9)) == (True, False)
