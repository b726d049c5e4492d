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
from desktop_app.io.holiday_schedule_file import read_schedule, shipped_schedule_path, statutory_holidays_path
from tests.unit.schedule_texts import made_up_2027

SHIPPED: HolidaySchedule = read_schedule(shipped_schedule_path()).with_estimates(
    read_schedule(statutory_holidays_path()))


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
    # National Day 2027 (全国年节及纪念日放假办法 art. 2: 10-01..03) is a day off even before the notice;
    # a weekday outside the statutory days stays a working day, and both are 估算.
    assert is_working_day(date(2027, 10, 1)) == (False, True)
    assert is_working_day(date(2027, 10, 2)) == (False, True)  # a Saturday
    assert is_working_day(date(2027, 10, 8)) == (True, True)


def test_estimate_only_when_the_span_needs_it() -> None:
    # 2026-12-30 + 2 working days: 12-31, then Fri 2027-01-01 is 元旦 (a statutory holiday, even though
    # 2027 has no schedule yet), Sat, Sun → Mon 01-04; the result says 估算. Counted Monday–Friday it
    # ended on 元旦 itself, a day before the platform's.
    result = add_working_days(at("2026-12-30 10:00"), 2)
    assert result.at == at("2027-01-04 10:00")
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
    text = made_up_2027(workdays=('"2027-01-09"',))
    assert import_years(text, source="粘贴", user=user) == (2027,)
    schedule = load_schedule(shipped=shipped_schedule_path(), user=user)
    assert schedule.covers(2026) and schedule.covers(2027)
    result = add_with(at("2026-12-30 10:00"), 2, None, schedule)
    assert result == WorkingDaysResult(at("2027-01-04 10:00"), False)
    assert WorkdayCalendar(schedule=schedule).is_working_day(date(2027, 1, 9)) == (True, False)


def test_the_estimate_counts_spring_festival_2027_as_days_off() -> None:
    # 全国年节及纪念日放假办法 (2024年修订) art. 2: 春节 4 days, 农历除夕 to 正月初三 — 2027-02-05 (除夕, Fri)
    # to 02-08 (初三, Mon); art. 6: 初一 and 初二 fall on Sat/Sun, made up on working days (02-09, 02-10).
    # Three working days from Thu 02-04 15:00: 02-11, 02-12, 02-15 → 02-15 15:00 (Monday–Friday: 02-09).
    result = add_working_days(at("2027-02-04 15:00"), 3)
    assert result == WorkingDaysResult(at("2027-02-15 15:00"), True)
    # Started inside the break, the clock starts with the first working day after it.
    assert add_working_days(at("2027-02-06 10:00"), 1) == WorkingDaysResult(at("2027-02-12 00:00"), True)


def test_the_statutory_file_has_the_days_the_law_fixes() -> None:
    """全国年节及纪念日放假办法 (国务院令第795号, 2024年11月修订) art. 2: 元旦1天, 春节4天 (除夕至初三), 清明1天,
    劳动节2天, 端午1天, 中秋1天, 国庆3天 = 13 days; art. 6: one on a Saturday or Sunday is made up on a
    working day. So every estimated year has 13 weekdays off (2028: 12, 中秋 falls on 国庆 10-03)."""
    from chinese_calendar import get_solar_terms

    estimates = read_schedule(statutory_holidays_path())
    assert min(estimates.years) == 2027  # the year after the official schedule's last
    assert not SHIPPED.covers(2027) and max(read_schedule(shipped_schedule_path()).years) == 2026
    for year, entry in estimates.years.items():
        assert not entry.workdays  # the estimate never guesses 调休
        weekdays_off = sum(1 for d in entry.holidays if d.weekday() < 5)
        assert weekdays_off == (12 if year == 2028 else 13), year
        # 清明 is the solar term (chinesecalendar computes it independently of `holidays`).
        [(qingming, _)] = get_solar_terms(date(year, 4, 1), date(year, 4, 10))
        assert qingming in entry.holidays
    days_2027 = {d.isoformat() for d in estimates.years[2027].holidays}
    # 农历 2027: 春节 (初一) 02-06, 端午 06-09, 中秋 09-15; 除夕 is the day before 初一.
    assert {"2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-04-05",
            "2027-05-01", "2027-05-02", "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-02",
            "2027-10-03"} <= days_2027
    # art. 6 补假: 02-06/07, 05-01/02, 10-02/03 fall on weekends.
    assert {"2027-02-09", "2027-02-10", "2027-05-03", "2027-05-04", "2027-10-04", "2027-10-05"} <= days_2027
    assert len(days_2027) == 19


def test_an_imported_year_replaces_its_estimate_whole(tmp_path) -> None:
    from desktop_app.io.holiday_schedule_file import load_schedule

    user = tmp_path / "china_holidays.toml"
    user.write_text('[[years]]\nyear = 2027\nholidays = [{ name = "春节", from = 2027-02-05, to = 2027-02-12 }]\n'
                    "workdays = [2027-02-20]\n", encoding="utf-8")
    before = load_schedule(user=tmp_path / "none.toml")
    schedule = load_schedule(user=user)
    calendar = WorkdayCalendar(schedule=schedule)
    assert calendar.is_working_day(date(2027, 2, 11)) == (False, False)
    assert calendar.is_working_day(date(2027, 2, 20)) == (True, False)  # the notice's make-up Saturday
    assert calendar.is_working_day(date(2027, 10, 1)) == (True, False)  # the import is the whole year
    assert calendar.is_working_day(date(2028, 1, 3)) == (False, True)  # 2028 still estimated
    assert schedule.digest() != before.digest()


def test_the_estimate_reaches_the_helper_process_and_the_fingerprint() -> None:
    import pickle

    assert pickle.loads(pickle.dumps(SHIPPED)) == SHIPPED
    assert pickle.loads(pickle.dumps(SHIPPED)).estimates[2027] == SHIPPED.estimates[2027]
    plain = read_schedule(shipped_schedule_path())
    assert plain.digest() != SHIPPED.digest()  # stored deadlines are recomputed with the estimate
