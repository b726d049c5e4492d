"""The official holiday + 调休 schedule as data: the shipped file, the shop's own years, bad files, the CLI."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from desktop_app.cli import run
from desktop_app.core.clock import CHINA
from desktop_app.core.working_days import HolidaySchedule, WorkdayCalendar, schedule_warnings
from desktop_app.io.holiday_schedule_file import (
    HolidayScheduleError,
    import_years,
    load_schedule,
    loads,
    parse_schedule,
    read_schedule,
    render_schedule,
    shipped_schedule_path,
    user_schedule_path,
)
from desktop_app.services.deadline_rules import RuleContext, rule_fingerprints
from tests.unit.schedule_texts import made_up_2027

SHIPPED = read_schedule(shipped_schedule_path())


def test_shipped_file_covers_2020_to_2026_as_chinesecalendar_knows_them() -> None:
    chinese_calendar = pytest.importorskip("chinese_calendar")
    assert sorted(SHIPPED.years) == list(range(2020, 2027))
    calendar = WorkdayCalendar(schedule=SHIPPED)
    day = date(2020, 1, 1)
    while day <= date(2026, 12, 31):
        assert calendar.is_working_day(day) == (chinese_calendar.is_workday(day), False), day
        day = date.fromordinal(day.toordinal() + 1)


def test_render_and_parse_round_trip() -> None:
    again = parse_schedule(loads(render_schedule(SHIPPED), "内存"), "内存")
    assert again.years == SHIPPED.years
    assert again.digest() == SHIPPED.digest()


@pytest.mark.parametrize(("text", "expected"), [
    ("[[years]]\nyear = 27\n", "“year”必须是 2000–2100 之间的年份"),
    ("[[years]]\nyear = 2027\nholidays = [{ name = \"国庆节\", from = 2027-10-07, to = 2027-10-01 }]\n",
     "“国庆节”的结束日期 2027-10-01 早于开始日期 2027-10-07"),
    ("[[years]]\nyear = 2027\nholidays = [{ name = \"春节\", from = 2028-02-01 }]\n", "不在 2027 年"),
    ("[[years]]\nyear = 2027\nworkdays = [2027-01-04]\n", "本来就是周一至周五的工作日"),
    ("[[years]]\nyear = 2027\nworkdays = [\"一月九日\"]\n", "调休上班日“一月九日”不是日期"),
    ("[[years]]\nyear = 2027\nholidays = [{ name = \"元旦\", from = 2027-01-02 }]\nworkdays = [2027-01-02]\n",
     "同一天不能既放假又调休上班：2027-01-02"),
    ("[[years]]\nyear = 2027\n[[years]]\nyear = 2027\n", "这一年写了两次"),
    ("years = 3\n", "years 必须写成 [[years]] 表数组"),
    ("[[years]]\nyear = 2027\nholiday = []\n", "不认识的设置项“holiday”"),
    ("[[years]\n", "不是有效的 TOML"),
    # was 内部错误（RecursionError）: the parser recurses once per bracket
    pytest.param("a = " + "[" * 5000 + "]" * 5000 + "\n", "不是有效的 TOML：方括号或花括号一层套一层，套得太多",
                 id="brackets-5000-deep"),
])
def test_bad_schedules_name_the_problem(text: str, expected: str) -> None:
    with pytest.raises(HolidayScheduleError) as caught:
        parse_schedule(loads(text, "粘贴.toml"), "粘贴.toml")
    assert expected in str(caught.value)
    assert "粘贴.toml" in str(caught.value)


def test_users_year_replaces_the_shipped_one(tmp_path: Path) -> None:
    user = tmp_path / "china_holidays.toml"
    # The shop's correction of 2026: one more day off in October.
    import_years('[[years]]\nyear = 2026\nholidays = [{ name = "国庆节", from = 2026-10-01, to = 2026-10-08 }]\n'
                 "workdays = [2026-10-10]\n", source="粘贴", user=user)
    schedule = load_schedule(shipped=shipped_schedule_path(), user=user)
    calendar = WorkdayCalendar(schedule=schedule)
    assert calendar.is_working_day(date(2026, 10, 8)) == (False, False)
    # The whole year is the shop's now: its other holidays are gone, as written.
    assert calendar.is_working_day(date(2026, 5, 4)) == (True, False)
    assert schedule.years[2025] == SHIPPED.years[2025]


def test_a_broken_import_leaves_the_users_file_alone(tmp_path: Path) -> None:
    user = tmp_path / "china_holidays.toml"
    import_years(made_up_2027(workdays=("2027-01-09",)), source="a", user=user)
    before = user.read_text(encoding="utf-8")
    with pytest.raises(HolidayScheduleError):
        import_years("[[years]]\nyear = 2028\nworkdays = [2028-01-03]\n", source="b", user=user)  # a Monday
    with pytest.raises(HolidayScheduleError, match="没有任何年份"):
        import_years("", source="c", user=user)
    assert user.read_text(encoding="utf-8") == before


def test_warnings_for_this_year_and_next_from_november() -> None:
    assert schedule_warnings(SHIPPED, date(2026, 10, 31)) == []
    (warning,) = schedule_warnings(SHIPPED, date(2026, 12, 2))
    assert "2027年" in warning and "估算" in warning
    assert len(schedule_warnings(HolidaySchedule(), date(2026, 12, 2))) == 2


def test_the_schedule_is_part_of_the_rule_fingerprint(data_home: Path) -> None:
    before = rule_fingerprints(RuleContext.load())
    import_years(made_up_2027(workdays=("2027-01-09",)), source="a")
    assert user_schedule_path().is_file()
    after = rule_fingerprints(RuleContext.load())
    assert all(before[pack] != after[pack] for pack in before)


def test_cli_import_and_status(capsys: pytest.CaptureFixture[str], data_home: Path, db_path: Path,
                               tmp_path: Path) -> None:
    pasted = tmp_path / "2027.toml"
    pasted.write_text(made_up_2027(), encoding="utf-8")
    assert run(["workdays", "import", str(pasted), "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "已导入 2027 年" in out
    assert run(["workdays", "status", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [y["year"] for y in data["years"]][-1] == 2027 and data["years"][-1]["from_user_file"]
    assert schedule_warnings(load_schedule(), datetime(2026, 12, 2, tzinfo=CHINA).date()) == []


def test_cli_import_of_a_bad_file_is_a_chinese_error(capsys: pytest.CaptureFixture[str], data_home: Path,
                                                     tmp_path: Path) -> None:
    pasted = tmp_path / "bad.toml"
    pasted.write_text("[[years]]\nyear = 2027\nworkdays = [2027-01-04]\n", encoding="utf-8")
    assert run(["workdays", "import", str(pasted)]) == 2
    err = capsys.readouterr().err
    assert "2027-01-04 本来就是周一至周五的工作日" in err and "Traceback" not in err
    assert run(["workdays", "import", str(tmp_path / "missing.toml")]) == 2
    assert "找不到文件" in capsys.readouterr().err
    assert not user_schedule_path().is_file()
