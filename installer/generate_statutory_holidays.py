"""Write resources/workdays/china_statutory_holidays.toml from `holidays` (run when its years run out).

    python installer/generate_statutory_holidays.py [FIRST_YEAR LAST_YEAR]

For the years the State Council has not published yet (`chinesecalendar` stops at 2026), the days off
the law fixes: 全国年节及纪念日放假办法 (2024年11月修订) art. 2 — 元旦 1 day, 春节 4 (除夕 to 初三),
清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3 — and art. 6: a holiday on a Saturday or Sunday is made up
(补假) on a working day, by `holidays.China` the working days right after. `holidays` computes the lunar
dates. The 调休 swaps are left out (unknown until the year's notice), so the app still marks every
deadline counted on such a year 估算, and a year the shop imports replaces its estimate.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path
from types import MappingProxyType

import holidays
from generate_holiday_schedule import write_years  # the sibling script (run from installer/, as this one)

from desktop_app.core.working_days import HolidaySchedule, YearSchedule

TARGET = Path(__file__).resolve().parent.parent / "resources" / "workdays" / "china_statutory_holidays.toml"

HEADER = """\
# 法定节假日（估算用）：国务院办公厅还没有公布放假与调休安排的年份，“N个工作日”的时限按这里的日子不算工作日。
# 依据《全国年节及纪念日放假办法》（2024年11月修订）第二条：元旦1天，春节4天（农历除夕至正月初三），
# 清明节1天，劳动节2天，端午节1天，中秋节1天，国庆节3天；第六条：适逢周六、周日的，在工作日补假
# （这里按紧接其后的工作日）。农历日期由 installer/generate_statutory_holidays.py 用 holidays 计算；不要手改。
# 调休（另放的日子和周末上班日）要等当年的通知，所以这些年份的时限仍标为“估算”；
# 通知公布后导入（python -m desktop_app workdays import 文件.toml），那一年就以导入的安排为准。
# workdays 总是空的：估算不猜调休上班日。"""


def _name(text: str) -> str:
    parts = [p.strip().replace("（补假）", "").replace("农历除夕", "春节") for p in text.split(";")]
    return "、".join(dict.fromkeys(parts))


def build(first: int, last: int) -> tuple[HolidaySchedule, dict[date, str]]:
    version = metadata.version("holidays")
    years = {}
    names: dict[date, str] = {}
    for year in range(first, last + 1):
        days = holidays.China(years=year, language="zh_CN")
        source = f"全国年节及纪念日放假办法（2024年修订）第二条、第六条；农历日期：holidays {version}"
        years[year] = YearSchedule(year, frozenset(days), frozenset(), source)
        for day in sorted(days):
            if day - timedelta(days=1) not in days:
                names[day] = _name(str(days[day]))
    return HolidaySchedule(MappingProxyType(years)), names


def main(argv: list[str]) -> int:
    return write_years(TARGET, argv, (2027, 2030), HEADER, build)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
