"""Write resources/workdays/china_holidays.toml from `chinesecalendar` (run once per library release).

    python installer/generate_holiday_schedule.py [FIRST_YEAR LAST_YEAR]

The app never imports `chinesecalendar` at run time: the schedule ships as data, and a year the
library does not know yet is pasted into the shop's own copy (`python -m desktop_app workdays import`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from importlib import metadata
from pathlib import Path
from types import MappingProxyType

from chinese_calendar import constants

from desktop_app.core.working_days import HolidaySchedule, YearSchedule
from desktop_app.io.holiday_schedule_file import read_schedule, render_schedule

_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节", "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
TARGET = Path(__file__).resolve().parent.parent / "resources" / "workdays" / "china_holidays.toml"


def build(first: int, last: int) -> tuple[HolidaySchedule, dict[date, str]]:
    version = metadata.version("chinesecalendar")
    years = {}
    for year in range(first, last + 1):
        holidays = frozenset(d for d in constants.holidays if d.year == year)
        workdays = frozenset(d for d in constants.workdays if d.year == year)
        if not holidays:
            raise SystemExit(f"chinesecalendar {version} does not know {year}")
        source = f"国务院办公厅{year}年部分节假日安排（chinesecalendar {version}）"
        years[year] = YearSchedule(year, holidays, workdays, source)
    names = {d: _NAMES.get(str(n), str(n)) for d, n in constants.holidays.items()}
    return HolidaySchedule(MappingProxyType(years)), names


HEADER = """\
# 中国法定节假日与调休安排（国务院办公厅每年发布）。计算“N个工作日”的时限用。
# 由 installer/generate_holiday_schedule.py 从 chinesecalendar 生成；不要手改这个文件。
# 新一年的安排公布后，写进数据文件夹的 rules/china_holidays.toml（同样的格式，同一年份以它为准），
# 或运行：python -m desktop_app workdays import 文件.toml
# 没有安排的年份按“周一至周五上班”估算，法定节假日（china_statutory_holidays.toml）不算工作日，时限标为“估算”。
#
# holidays = 放假的日子（连续的写成 from..to，含其中的周末）；workdays = 调休上班的周末。"""


def write_years(target: Path, argv: list[str], default: tuple[int, int], header: str,
                build_years: Callable[[int, int], tuple[HolidaySchedule, dict[date, str]]]) -> int:
    """Build the years of `argv` (FIRST LAST, else `default`) and write them to `target`, read back to check."""
    first, last = (int(argv[0]), int(argv[1])) if len(argv) == 2 else default
    schedule, names = build_years(first, last)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_schedule(schedule, header=header, names=names), encoding="utf-8", newline="\n")
    assert read_schedule(target).years == schedule.years
    print(f"{target}: {first}–{last}")
    return 0


def main(argv: list[str]) -> int:
    return write_years(TARGET, argv, (2020, 2026), HEADER, build)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
