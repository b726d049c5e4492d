"""The official holiday + 调休 schedule as a TOML file: read, validate, and add a year the shop pasted.

Two files, same format; a year in the user's file replaces the same year of the shipped one:
- shipped: `resources/workdays/china_holidays.toml` (2020–2026 generated from `chinesecalendar` by
  `installer/generate_holiday_schedule.py`, committed as data); beside it, in the same format,
  `china_statutory_holidays.toml`: the statutory holidays alone (no 调休) of the years after, for the
  estimate of a year without a schedule (`installer/generate_statutory_holidays.py`);
- the shop's: `<data folder>/rules/china_holidays.toml` — where next year's schedule goes as soon as
  the State Council publishes it (`python -m desktop_app workdays import FILE`, or edit by hand).

    [[years]]
    year = 2027
    source = "国务院办公厅关于2027年部分节假日安排的通知"      # optional
    holidays = [                                             # days off, weekends inside them included
      { name = "元旦", from = 2027-01-01, to = 2027-01-03 },  # `to` omitted = one day
    ]
    workdays = [2027-01-04]                                  # 调休：weekend days that are working days

Dates may be TOML dates or "YYYY-MM-DD" text. A broken file raises `HolidayScheduleError` naming the
file, the year and the entry; nothing half-read ever reaches the calendar.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

from desktop_app.core.errors import UserError
from desktop_app.core.working_days import HolidaySchedule, YearSchedule
from desktop_app.io.rule_pack_files import ShopRules
from desktop_app.io.toml_files import parse_toml, read_toml_file, write_atomically

SCHEDULE_FILE = "china_holidays.toml"
STATUTORY_FILE = "china_statutory_holidays.toml"
_YEAR_KEYS = {"year", "source", "holidays", "workdays", "note"}
_RANGE_KEYS = {"name", "from", "to"}
_MAX_RANGE_DAYS = 31  # the longest official break is 8–10 days; 31 catches a typo'd year or month


class HolidayScheduleError(UserError):
    """A schedule file that cannot be used; `problems` lists every fault, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("节假日安排文件有错误：\n" + "\n".join(problems))
        self.problems = problems


def shipped_schedule_path() -> Path:
    from desktop_app.paths import resource

    return resource("workdays", SCHEDULE_FILE)


def statutory_holidays_path() -> Path:
    from desktop_app.paths import resource

    return resource("workdays", STATUTORY_FILE)


def user_schedule_path() -> Path:
    from desktop_app.paths import data_dir

    return data_dir() / "rules" / SCHEDULE_FILE


def _day(value: Any) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def parse_schedule(data: Mapping[str, Any], source: Path | str) -> HolidaySchedule:
    """Validate `data` (a parsed schedule file) into a schedule, or raise with every problem."""
    problems: list[str] = []

    def add(where: str, problem: str) -> None:
        problems.append(f"节假日安排文件 {source}{('：' + where) if where else ''}：{problem}")

    for key in data:
        if key != "years":
            add("", f"不认识的设置项“{key}”（只能有 [[years]]）")
    raw_years = data.get("years", [])
    if not isinstance(raw_years, list):
        add("", "years 必须写成 [[years]] 表数组")
        raw_years = []
    years: dict[int, YearSchedule] = {}
    for index, raw in enumerate(raw_years, start=1):
        where = f"第 {index} 个年份"
        if not isinstance(raw, Mapping):
            add(where, "必须是一个表（[[years]]）")
            continue
        year = raw.get("year")
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
            add(where, f"“year”必须是 2000–2100 之间的年份，而不是 {year!r}")
            continue
        where = f"{year}年"
        before = len(problems)
        for key in raw:
            if key not in _YEAR_KEYS:
                add(where, f"不认识的设置项“{key}”（可用：{'、'.join(sorted(_YEAR_KEYS))}）")
        if year in years:
            add(where, "这一年写了两次")
        source_text = raw.get("source")
        if source_text is not None and not isinstance(source_text, str):
            add(where, "“source”必须是文字")
            source_text = None
        elif source_text is not None and _CONTROL.search(source_text):
            add(where, _control_said("source", source_text))
            source_text = None
        holidays: set[date] = set()
        names: dict[date, str] = {}
        raw_holidays = raw.get("holidays", [])
        if not isinstance(raw_holidays, list):
            add(where, "“holidays”必须是列表，例如 [{ name = \"元旦\", from = 2027-01-01, to = 2027-01-03 }]")
            raw_holidays = []
        named: dict[date, str] = {}  # each day off and the holiday that names it: two over one day is a typo
        for item in raw_holidays:
            days = _holiday_range(add, where, item, year)
            if days:
                name = str(item.get("name", "放假"))
                if _CONTROL.search(name):
                    add(where, _control_said("name", name))
                for other in sorted({named[d] for d in days if d in named}):
                    shared = "、".join(d.isoformat() for d in sorted(d for d in days if named.get(d) == other))
                    add(where, f"“{name}”与“{other}”有同一天：{shared}（请检查日期）")
                named.update(dict.fromkeys(days, name))
                holidays.update(days)
                names[min(days)] = name
        workdays: set[date] = set()
        raw_workdays = raw.get("workdays", [])
        if not isinstance(raw_workdays, list):
            add(where, "“workdays”必须是日期列表，例如 [2027-01-04]")
            raw_workdays = []
        for item in raw_workdays:
            day = _day(item)
            if day is None:
                add(where, f"调休上班日“{item}”不是日期（YYYY-MM-DD）")
            elif day.year != year:
                add(where, f"调休上班日 {day.isoformat()} 不在 {year} 年")
            elif day.weekday() < 5:
                add(where, f"调休上班日 {day.isoformat()} 本来就是周一至周五的工作日，只需列出周末上班的日子")
            elif day in workdays:
                add(where, f"调休上班日 {day.isoformat()} 写了两次（另一个是不是别的日子？）")
            else:
                workdays.add(day)
        both = holidays & workdays
        if both:
            add(where, f"同一天不能既放假又调休上班：{'、'.join(d.isoformat() for d in sorted(both))}")
        if len(problems) == before:
            years[year] = YearSchedule(year, frozenset(holidays), frozenset(workdays), source_text,
                                       MappingProxyType(names))
    if problems:
        raise HolidayScheduleError(problems)
    return HolidaySchedule(MappingProxyType(dict(sorted(years.items()))))


def _holiday_range(add: Any, where: str, item: Any, year: int) -> set[date]:
    if not isinstance(item, Mapping):
        add(where, f"放假安排“{item}”必须写成 {{ name = \"国庆节\", from = {year}-10-01, to = {year}-10-07 }}")
        return set()
    for key in item:
        if key not in _RANGE_KEYS:
            add(where, f"放假安排中不认识的设置项“{key}”（可用：name、from、to）")
    name = item.get("name", "放假")
    first = _day(item.get("from"))
    last = _day(item.get("to", item.get("from")))
    if first is None or last is None:
        bad = item.get("from") if first is None else item.get("to")
        # as the file writes it (2027-02-06T10:00:00), not Python's datetime.datetime(2027, 2, 6, 10, 0)
        shown = bad.isoformat() if isinstance(bad, date | datetime | time) else repr(bad)
        add(where, f"“{name}”的 from/to 必须是日期（YYYY-MM-DD），而不是 {shown}")
        return set()
    if last < first:
        add(where, f"“{name}”的结束日期 {last.isoformat()} 早于开始日期 {first.isoformat()}")
        return set()
    if (last - first).days >= _MAX_RANGE_DAYS:
        add(where, f"“{name}”放假 {(last - first).days + 1} 天，超过 {_MAX_RANGE_DAYS} 天，请检查日期")
        return set()
    if first.year != year or last.year != year:
        add(where, f"“{name}”的日期 {first.isoformat()}–{last.isoformat()} 不在 {year} 年（跨年的假期分开写在两年里）")
        return set()
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


_WHAT = "节假日安排文件"


def _read(path: Path) -> dict[str, Any]:
    return read_toml_file(path, _WHAT, HolidayScheduleError)


def loads(text: str, source: Path | str) -> dict[str, Any]:
    return parse_toml(text, source, _WHAT, HolidayScheduleError)


def read_schedule(path: Path) -> HolidaySchedule:
    return parse_schedule(_read(path), path)


def load_schedule(*, shipped: Path | None = None, user: Path | None = None,
                  shop: ShopRules | None = None, statutory: Path | None = None) -> HolidaySchedule:
    """The schedule in force: the shipped years, with the shop's years added or replacing them (the
    data folder's file, or the team ledger's with `shop`); the years after them estimated with the
    shipped statutory holidays."""
    schedule = read_schedule(shipped or shipped_schedule_path()).with_estimates(
        read_schedule(statutory or statutory_holidays_path()))
    if shop is not None:
        text = shop.text(SCHEDULE_FILE)
        if text is not None:
            schedule = schedule.merged_with(parse_schedule(loads(text, shop.source(SCHEDULE_FILE)),
                                                           shop.source(SCHEDULE_FILE)))
        return schedule
    user_path = user or user_schedule_path()
    if user_path.is_file():
        schedule = schedule.merged_with(read_schedule(user_path))
    return schedule


_USER_HEADER = "# 本店补充的官方节假日安排（覆盖程序自带的同一年份）\n"


def merged_years(existing: str | None, text: str, *, source: str, existing_source: Path | str = "") -> \
        tuple[str, tuple[int, ...]]:
    """The shop's schedule text `existing` (None: none yet) with the years in `text` (schedule TOML,
    e.g. pasted from next year's notice) added, replacing those years if present: the new text and the
    years written. Validates both first."""
    incoming = parse_schedule(loads(text, source), source)
    if not incoming.years:
        raise HolidayScheduleError([f"{source} 中没有任何年份（需要 [[years]] 和 year = ...）"])
    missing = missing_statutory_holidays(incoming, read_schedule(statutory_holidays_path()))
    if missing:
        raise HolidayScheduleError([_partial_year(source, *found) for found in missing])
    before = HolidaySchedule() if existing is None else parse_schedule(loads(existing, existing_source),
                                                                       existing_source)
    return render_schedule(before.merged_with(incoming), header=_USER_HEADER), tuple(sorted(incoming.years))


def missing_statutory_holidays(incoming: HolidaySchedule, statutory: HolidaySchedule) -> list[tuple[int, str, str]]:
    """(year, holiday, its days) for each holiday 全国年节及纪念日放假办法 names (`statutory`: the estimate's days
    of that year, 补假 included) of which a year of `incoming` gives no day: a notice copied in part. Imported,
    the year replaces its estimate whole and the holidays left out would count as working days; every official
    notice gives all of them."""
    missing: list[tuple[int, str, str]] = []
    for year, entry in sorted(incoming.years.items()):
        estimate = statutory.years.get(year)
        if estimate is None:
            continue
        by_name: dict[str, set[date]] = {}
        for first, last in day_spans(estimate.holidays):
            days = {first + timedelta(days=n) for n in range((last - first).days + 1)}
            by_name.setdefault(estimate.names.get(first, "放假"), set()).update(days)
        for name, days in by_name.items():
            if not days & entry.holidays:
                missing.append((year, name, "、".join(a.isoformat() if a == b else f"{a.isoformat()}–{b.isoformat()}"
                                                     for a, b in day_spans(frozenset(days)))))
    return missing


def _partial_year(source: str, year: int, name: str, days: str) -> str:
    return (f"节假日安排文件 {source}：{year}年：没有{name}（全国年节及纪念日放假办法规定的 {days} 放假，补假在内）"
            "——只写了一部分安排？导入后这一年只按文件计算，没写的节日会算作工作日。请按通知把全年的放假日都写上")


def removed_year(existing: str | None, year: int, *, existing_source: Path | str = "") -> str | None:
    """The shop's schedule text `existing` without `year` (back to the shipped year or the estimate); None when
    no year is left. Refused when the shop never entered that year."""
    before = HolidaySchedule() if existing is None else parse_schedule(loads(existing, existing_source),
                                                                       existing_source)
    if year not in before.years:
        entered = "、".join(str(y) for y in before.years) or "无"
        # Nothing wrong with a file here: a plain message, not 节假日安排文件有错误.
        raise UserError(f"没有导入过 {year} 年的节假日安排，无需删除（本店导入过的年份：{entered}；"
                        "程序自带的年份不能删除，要改就导入这一年的安排）")
    rest = {y: s for y, s in before.years.items() if y != year}
    return render_schedule(HolidaySchedule(MappingProxyType(rest)), header=_USER_HEADER) if rest else None


def import_years(text: str, *, source: str, user: Path | None = None) -> tuple[int, ...]:
    """Add the years in `text` to the shop's file in the data folder (`merged_years`); the years written."""
    path = user or user_schedule_path()
    existing = path.read_text(encoding="utf-8-sig") if path.is_file() else None
    merged, years = merged_years(existing, text, source=source, existing_source=path)
    write_atomically(path, merged)
    return years


def day_spans(days: frozenset[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) spans, in order."""
    ordered = sorted(days)
    ranges: list[tuple[date, date]] = []
    for day in ordered:
        if ranges and ranges[-1][1] + timedelta(days=1) == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def render_schedule(schedule: HolidaySchedule, *, header: str = "",
                    names: Mapping[date, str] | None = None) -> str:
    """The schedule as file text (consecutive days off as one range), readable by `parse_schedule`."""
    lines = [header.rstrip("\n")] if header else []
    for year, entry in sorted(schedule.years.items()):
        lines += ["", "[[years]]", f"year = {year}"]
        if entry.source:
            lines.append(f"source = {_quote(entry.source)}")
        lines.append("holidays = [")
        for first, last in day_spans(entry.holidays):
            name = (names or entry.names).get(first, "放假")
            lines.append(f"  {{ name = {_quote(name)}, from = {first.isoformat()}, to = {last.isoformat()} }},")
        lines.append("]")
        workdays = ", ".join(d.isoformat() for d in sorted(entry.workdays))
        lines.append(f"workdays = [{workdays}]")
    return "\n".join(lines).lstrip("\n") + "\n"


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _CONTROL.sub(lambda found: f"\\u{ord(found.group()):04x}", escaped) + '"'


# Control characters (a NUL, an escape, a DEL) have no place in a holiday's name or a notice's title. Written back
# unescaped they made the shop's schedule a file TOML refuses — every command after the import refused it — and a
# team ledger's PostgreSQL refused the NUL (an internal error).
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def _control_said(key: str, text: str) -> str:
    where = _CONTROL.search(text)
    code = f"\\u{ord(where.group()):04x}" if where else ""
    return f"“{key}”里有控制字符（{code}），不像是节日名称或通知标题：请删去它"
