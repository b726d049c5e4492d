"""A whole year's holiday schedule for the tests that import one (`workdays import`, `import_years`): an import
must give every holiday 全国年节及纪念日放假办法 names (a partial notice is refused), so a test that cares about
one holiday writes it and takes the others from the statutory estimate. Made up: not the State Council's notice."""

from __future__ import annotations

# 2027's statutory days with their 补假, as resources/workdays/china_statutory_holidays.toml estimates them.
_OTHERS_2027 = {
    "春节": ("2027-02-05", "2027-02-10"), "清明节": ("2027-04-05", "2027-04-05"),
    "劳动节": ("2027-05-01", "2027-05-04"), "端午节": ("2027-06-09", "2027-06-09"),
    "中秋节": ("2027-09-15", "2027-09-15"), "国庆节": ("2027-10-01", "2027-10-05"),
}


def made_up_2027(*, new_year: tuple[str, str] = ("2027-01-01", "2027-01-03"), workdays: tuple[str, ...] = (),
                 source: str = "测试用的假设安排（不是国务院办公厅的通知）") -> str:
    """A 2027 schedule TOML: 元旦 `new_year` (first, last), the other holidays as estimated, `workdays` worked."""
    spans = {"元旦": new_year, **_OTHERS_2027}
    holidays = ",\n".join(f'  {{ name = "{name}", from = {first}, to = {last} }}'
                          for name, (first, last) in spans.items())
    return (f'[[years]]\nyear = 2027\nsource = "{source}"\nholidays = [\n{holidays},\n]\n'
            f"workdays = [{', '.join(workdays)}]\n")
