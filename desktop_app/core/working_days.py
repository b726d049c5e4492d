"""Working days in China: official holidays, 调休 make-up working weekends, and the shop's own overrides.

Sources, in order of authority:
1. the shop's overrides (an extra day off for the warehouse, an extra working Sunday) — always win;
2. the official schedule (`HolidaySchedule`): per year the State Council's days off and 调休 make-up
   working days, shipped as data (`resources/workdays/china_holidays.toml`, 2020–2026 generated from
   `chinesecalendar`) plus the years the shop pasted into its own copy (`io.holiday_schedule_file`);
3. for a year nobody has entered yet, an estimate: Monday–Friday are working days except the
   statutory holidays (`HolidaySchedule.estimates`, shipped as `resources/workdays/
   china_statutory_holidays.toml`: the days 全国年节及纪念日放假办法 (2024) art. 2 names, 元旦 1,
   春节 4 from 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3, and art. 6's 补假 on the working days
   after one that falls on a weekend). Every result that needed such a year carries `estimated=True`
   (shown as 估算) instead of pretending to know: the State Council's 调休 is unknown until it
   publishes the year, and its bridge days off make a real deadline later, while its make-up working
   weekends, counted here as days off, can make it a day earlier (promised on the Thursday before a
   make-up Saturday), which is why the app asks for the year's schedule (`missing_schedule_years`).

"N working days" is counted as working *time*: the clock runs only on working days. Started on a
working day at 15:00, three working days end at 15:00 on the third working day after it. Started on
a day off, the clock starts at 00:00 of the next working day and ends when the Nth working day is
over (00:00 of the following day). This is never later than the platforms' own counting, so the
shop is warned early rather than late.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any

from desktop_app.core.clock import CHINA

# Stepping through more days than this means the overrides declared (almost) every day a holiday;
# stop with a clear error instead of looping for ever.
_MAX_SCAN_DAYS = 3660


@dataclass(frozen=True, slots=True)
class WorkdayOverrides:
    """The shop's own calendar: days it does not work and days it works although officially off."""

    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        both = self.extra_holidays & self.extra_workdays
        if both:
            days = "、".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"同一天不能既是休息日又是工作日：{days}")


@dataclass(frozen=True, slots=True)
class YearSchedule:
    """One year's official arrangement: the days off (weekends inside a holiday included) and the
    调休 weekend days that are working days."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str | None = None
    # The holidays' names by first day ("国庆节"), only for writing the file back; never compared.
    names: Mapping[date, str] = field(default_factory=lambda: MappingProxyType({}), compare=False)

    def __post_init__(self) -> None:
        both = self.holidays & self.workdays
        if both:
            days = "、".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"{self.year}年：同一天不能既放假又调休上班：{days}")
        strays = sorted(d for d in self.holidays | self.workdays if d.year != self.year)
        if strays:
            raise ValueError(f"{self.year}年的安排中有别的年份的日期：{'、'.join(d.isoformat() for d in strays)}")

    def __reduce__(self) -> tuple[Any, ...]:
        # A read-only mapping does not pickle (a recompute's helper process is handed the calendar).
        return _year_schedule, (self.year, self.holidays, self.workdays, self.source, dict(self.names))


@dataclass(frozen=True, slots=True)
class HolidaySchedule:
    """The official schedule of every year entered so far; other years are estimated, with the
    statutory holidays of `estimates` (no 调休: their `workdays` are ignored) where it has the year."""

    years: Mapping[int, YearSchedule] = field(default_factory=lambda: MappingProxyType({}))
    estimates: Mapping[int, YearSchedule] = field(default_factory=lambda: MappingProxyType({}))

    def covers(self, year: int) -> bool:
        return year in self.years

    def digest(self) -> str:
        """Changes whenever any day of any year changes (stored deadlines then need a recompute)."""
        text = ";".join(
            f"{y}:{sorted(d.isoformat() for d in s.holidays)}|{sorted(d.isoformat() for d in s.workdays)}"
            for y, s in sorted(self.years.items())
        )
        # Only the years still estimated count: an official year replaces its estimate whole.
        text += "~" + ";".join(f"{y}:{sorted(d.isoformat() for d in s.holidays)}"
                               for y, s in sorted(self.estimates.items()) if y not in self.years)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def merged_with(self, newer: HolidaySchedule) -> HolidaySchedule:
        """This schedule with `newer`'s years replacing (or adding) whole years, the estimates too."""
        return HolidaySchedule(MappingProxyType({**self.years, **newer.years}),
                               MappingProxyType({**self.estimates, **newer.estimates}))

    def with_estimates(self, estimates: HolidaySchedule) -> HolidaySchedule:
        """This schedule estimating the years it lacks with `estimates`' statutory holidays."""
        return HolidaySchedule(self.years, MappingProxyType({**self.estimates, **estimates.years}))

    def __reduce__(self) -> tuple[Any, ...]:
        return _holiday_schedule, (dict(self.years), dict(self.estimates))


def _year_schedule(year: int, holidays: frozenset[date], workdays: frozenset[date], source: str | None,
                   names: dict[date, str]) -> YearSchedule:
    return YearSchedule(year, holidays, workdays, source, MappingProxyType(names))


def _holiday_schedule(years: dict[int, YearSchedule], estimates: dict[int, YearSchedule]) -> HolidaySchedule:
    return HolidaySchedule(MappingProxyType(years), MappingProxyType(estimates))


@dataclass(frozen=True, slots=True)
class WorkingDaysResult:
    """A due time and whether it rests on an estimated (not yet announced) holiday calendar."""

    at: datetime
    estimated: bool


@dataclass
class WorkdayCalendar:
    """Answers "is this a working day?" with a per-day cache (recomputing 100,000 cases asks often)."""

    overrides: WorkdayOverrides = field(default_factory=WorkdayOverrides)
    schedule: HolidaySchedule = field(default_factory=HolidaySchedule)
    _cache: dict[date, tuple[bool, bool]] = field(default_factory=dict, init=False, repr=False)
    # (start day, working days) → (end day, estimated, start day is a working day): recomputing
    # many cases asks the same spans again and again.
    _spans: dict[tuple[date, int], tuple[date, bool, bool]] = field(default_factory=dict, init=False, repr=False)

    def is_working_day(self, day: date) -> tuple[bool, bool]:
        """(is a working day, estimated)."""
        cached = self._cache.get(day)
        if cached is None:
            cached = self._lookup(day)
            self._cache[day] = cached
        return cached

    def _lookup(self, day: date) -> tuple[bool, bool]:
        if day in self.overrides.extra_holidays:
            return False, False
        if day in self.overrides.extra_workdays:
            return True, False
        year = self.schedule.years.get(day.year)
        if year is None:
            estimate = self.schedule.estimates.get(day.year)
            return day.weekday() < 5 and (estimate is None or day not in estimate.holidays), True
        if day in year.workdays:
            return True, False
        return day.weekday() < 5 and day not in year.holidays, False

    def add_working_days(self, start: datetime, days: int) -> WorkingDaysResult:
        """`start` plus `days` working days (see the module docstring for how they are counted)."""
        if start.tzinfo is None:
            raise ValueError("add_working_days needs a timezone-aware start")
        if days < 0:
            raise ValueError("days must not be negative")
        local = start.astimezone(CHINA)
        key = (local.date(), days)
        span = self._spans.get(key)
        if span is None:
            span = self._spans[key] = self._span(*key)
        end_day, estimated, start_is_working = span
        if start_is_working:
            return WorkingDaysResult(datetime.combine(end_day, local.time(), tzinfo=CHINA), estimated)
        if days == 0:
            return WorkingDaysResult(start, estimated)
        # Started on a day off: the Nth working day runs to its end, i.e. 00:00 of the next day.
        return WorkingDaysResult(datetime.combine(end_day + timedelta(days=1), time(0, 0), tzinfo=CHINA), estimated)

    def _span(self, day: date, days: int) -> tuple[date, bool, bool]:
        """(the day the span ends on, estimated, whether `day` itself is a working day)."""
        working, estimated = self.is_working_day(day)
        remaining = days
        if not working and remaining:
            # The clock starts with the next working day, which is the first one counted.
            day, est = self._next_working_day(day)
            estimated = estimated or est
            remaining -= 1
        while remaining:
            day, est = self._next_working_day(day)
            estimated = estimated or est
            remaining -= 1
        return day, estimated, working

    def _next_working_day(self, after: date) -> tuple[date, bool]:
        estimated = False
        day = after
        for _ in range(_MAX_SCAN_DAYS):
            day += timedelta(days=1)
            working, est = self.is_working_day(day)
            estimated = estimated or est
            if working:
                return day, estimated
        raise ValueError(f"{after.isoformat()} 之后十年内找不到工作日，请检查自定义休息日设置")


# From this day of the year on, deadlines counted in working days reach into next year.
_LOOK_AHEAD_FROM = (11, 1)


def missing_schedule_years(schedule: HolidaySchedule, today: date) -> list[int]:
    """The years the shop should be told have no official schedule: this year, and from November next year."""
    missing = [today.year] if not schedule.covers(today.year) else []
    if (today.month, today.day) >= _LOOK_AHEAD_FROM and not schedule.covers(today.year + 1):
        missing.append(today.year + 1)
    return missing


def schedule_warning(year: int) -> str:
    """The command line's words for a year without an official schedule."""
    return (f"还没有{year}年的官方节假日与调休安排：落在{year}年的工作日时限按周一至周五估算，"
            f"法定节假日不算工作日，调休未知（标为“估算”）。"
            f"安排公布后请导入（python -m desktop_app workdays import 文件）。")


def schedule_warnings(schedule: HolidaySchedule, today: date) -> list[str]:
    """`missing_schedule_years` in words, for the command line."""
    return [schedule_warning(year) for year in missing_schedule_years(schedule, today)]


def add_working_days(start: datetime, days: int, overrides: WorkdayOverrides | None = None,
                     schedule: HolidaySchedule | None = None) -> WorkingDaysResult:
    """One-off convenience; for many calls build one `WorkdayCalendar` and reuse its cache."""
    return WorkdayCalendar(overrides or WorkdayOverrides(), schedule or HolidaySchedule()).add_working_days(start, days)


def is_working_day(day: date, overrides: WorkdayOverrides | None = None,
                   schedule: HolidaySchedule | None = None) -> tuple[bool, bool]:
    return WorkdayCalendar(overrides or WorkdayOverrides(), schedule or HolidaySchedule()).is_working_day(day)
