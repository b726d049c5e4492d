"""Working days in China: official holidays, 调休 make-up working weekends, and the shop's own overrides.

Sources, in order of authority:
1. the shop's overrides (an extra day off for the warehouse, an extra working Sunday) — always win;
2. `chinesecalendar`, which knows the State Council's announced calendar including 调休 (it covers
   2004–2026 and raises NotImplementedError outside);
3. `holidays.China` for other years. It silently *estimates* future years (no make-up working
   weekends are announced yet), so any result that needed it carries `estimated=True` and the UI
   can say so instead of pretending to know.

"N working days" is counted as working *time*: the clock runs only on working days. Started on a
working day at 15:00, three working days end at 15:00 on the third working day after it. Started on
a day off, the clock starts at 00:00 of the next working day and ends when the Nth working day is
over (00:00 of the following day). This is never later than the platforms' own counting, so the
shop is warned early rather than late.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import chinese_calendar
import holidays

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
class WorkingDaysResult:
    """A due time and whether it rests on an estimated (not yet announced) holiday calendar."""

    at: datetime
    estimated: bool


@dataclass
class WorkdayCalendar:
    """Answers "is this a working day?" with a per-day cache (recomputing 100,000 cases asks often)."""

    overrides: WorkdayOverrides = field(default_factory=WorkdayOverrides)
    _cache: dict[date, tuple[bool, bool]] = field(default_factory=dict, init=False, repr=False)
    _fallback: dict[int, holidays.HolidayBase] = field(default_factory=dict, init=False, repr=False)
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
        try:
            return bool(chinese_calendar.is_workday(day)), False
        except NotImplementedError:
            pass
        calendar = self._fallback.get(day.year)
        if calendar is None:
            calendar = holidays.China(years=day.year)
            self._fallback[day.year] = calendar
        return bool(calendar.is_working_day(day)), True

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

    def count_working_days(self, first: date, last: date) -> tuple[int, bool]:
        """Working days in first..last inclusive, and whether any of them was estimated."""
        count = 0
        estimated = False
        day = first
        while day <= last:
            working, est = self.is_working_day(day)
            estimated = estimated or est
            count += working
            day += timedelta(days=1)
        return count, estimated


def add_working_days(start: datetime, days: int, overrides: WorkdayOverrides | None = None) -> WorkingDaysResult:
    """One-off convenience; for many calls build one `WorkdayCalendar` and reuse its cache."""
    return WorkdayCalendar(overrides or WorkdayOverrides()).add_working_days(start, days)


def is_working_day(day: date, overrides: WorkdayOverrides | None = None) -> tuple[bool, bool]:
    return WorkdayCalendar(overrides or WorkdayOverrides()).is_working_day(day)
