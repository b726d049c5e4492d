"""时效规则 → 工作日调整 → 填写官方节假日安排…: a year's official schedule typed from the State Council's notice.

Until a year has an official schedule its working-day deadlines are estimated (statutory holidays,
调休 unknown, marked 估算). The notice comes out each autumn; a shop without the command line enters
it here, prefilled with what the app has for the year (the official schedule, or the statutory
estimate to correct), and it replaces the year whole, as `workdays import` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.clock import now
from desktop_app.core.op_changes import Written
from desktop_app.core.working_days import HolidaySchedule, YearSchedule
from desktop_app.io.holiday_schedule_file import day_spans, missing_statutory_holidays, render_schedule
from desktop_app.services.ledger_rules import SavedRules, import_schedule, remove_schedule_year
from desktop_app.store.database import Database
from desktop_app.ui.background import describe_error
from desktop_app.ui.widgets.status_colours import tint

Run = Callable[[Callable[[Database], object], Callable[..., None], Callable[[Exception], None]], None]

SOURCE = "店铺按国务院办公厅通知填写"
_RANGE = re.compile(r"\s*(?:\.\.|~|～|至|到|—|–)\s*")
_MAX_DAYS = 31


@dataclass(frozen=True, slots=True)
class TypedDays:
    days: frozenset[date]
    problems: tuple[str, ...]


def parse_day_lines(text: str, year: int, what: str, ranges: bool) -> TypedDays:
    """One date (or, with `ranges`, a span 2027-10-01..2027-10-07) per line, all in `year`."""
    days: set[date] = set()
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.split("#", 1)[0].strip()
        if not value:
            continue
        parts = _RANGE.split(value) if ranges else [value]
        try:
            first, last = (date.fromisoformat(p.strip().replace("/", "-")) for p in (parts[0], parts[-1]))
        except ValueError:
            shape = "YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD" if ranges else "YYYY-MM-DD"
            problems.append(f"{what}第 {number} 行：“{value}”不是日期，应写成 {shape}")
            continue
        if len(parts) > 2 or last < first or (last - first).days >= _MAX_DAYS:
            problems.append(f"{what}第 {number} 行：“{value}”不是一段合理的日期")
        elif first.year != year or last.year != year:
            problems.append(f"{what}第 {number} 行：{value} 不在 {year} 年（跨年的假期分开写在两年里）")
        else:
            days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    return TypedDays(frozenset(days), tuple(problems))


def day_lines(days: frozenset[date]) -> str:
    """Days as lines, consecutive ones as one span."""
    return "".join(f"{a.isoformat()}\n" if a == b else f"{a.isoformat()}..{b.isoformat()}\n"
                   for a, b in day_spans(days))


class OfficialYearDialog(QDialog):
    """Enter one year's official schedule; `saved` once stored and the deadlines recomputed."""

    saved = Signal(str)  # what was stored, for the page's status line

    def __init__(self, schedule: HolidaySchedule, run: Run, is_busy: Callable[[], bool],
                 parent: QWidget | None = None, entered: frozenset[int] = frozenset()) -> None:
        super().__init__(parent)
        self._entered = entered  # the years the shop entered itself: 删除这一年的安排 takes one back
        self.setWindowTitle(self.tr("填写官方节假日安排"))
        self._schedule = schedule
        self._run = run
        self._is_busy = is_busy
        hint = QLabel(self.tr(
            "国务院办公厅每年秋天公布下一年的放假和调休安排。按通知填在这里：这一年的“N个工作日”时限就按它计算，"
            "不再标为“估算”；同一年份已有的安排会被替换。放假日写成一段：2027-10-01..2027-10-07（含其中的周末）；"
            "调休上班日只写要上班的周末。"))
        hint.setWordWrap(True)
        this_year = now().year
        self.year = QSpinBox()
        self.year.setObjectName("official_year")
        self.year.setRange(this_year - 1, this_year + 3)
        estimated = sorted(y for y in schedule.estimates if not schedule.covers(y) and y >= this_year)
        self.year.setValue(estimated[0] if estimated else this_year + 1)
        self.origin = QLabel()
        self.origin.setObjectName("official_origin")
        self.origin.setWordWrap(True)
        tint(self.origin, "secondary")
        self.holidays_edit = QPlainTextEdit()
        self.holidays_edit.setObjectName("official_holidays")
        self.workdays_edit = QPlainTextEdit()
        self.workdays_edit.setObjectName("official_workdays")
        self.problems = QLabel()
        self.problems.setObjectName("official_problems")
        self.problems.setWordWrap(True)
        tint(self.problems, "overdue")
        self.problems.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.remove_button = self.buttons.addButton(self.tr("删除这一年的安排"), QDialogButtonBox.ButtonRole.ResetRole)
        self.remove_button.setObjectName("official_remove")
        self.remove_button.clicked.connect(lambda _checked=False: self.remove())

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年份")))
        top.addWidget(self.year)
        top.addWidget(self.origin, 1)
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("放假日（含其中的周末）")), 0, 0)
        grid.addWidget(QLabel(self.tr("调休上班日（周末上班）")), 0, 1)
        grid.addWidget(self.holidays_edit, 1, 0)
        grid.addWidget(self.workdays_edit, 1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.resize(640, 480)
        self.year.valueChanged.connect(self._show_year)
        self._show_year(self.year.value())

    def _show_year(self, year: int) -> None:
        """What the app has for `year`: its official schedule, else the statutory estimate to correct."""
        official = self._schedule.years.get(year)
        if official is not None:
            self.origin.setText(self.tr("已有这一年的官方安排（%1），修改后保存即可。").replace(
                "%1", official.source or self.tr("程序自带")))
            entry: YearSchedule | None = official
        else:
            entry = self._schedule.estimates.get(year)
            self.origin.setText(self.tr("还没有这一年的官方安排：下面是按法定节假日的估算（调休未知），"
                                        "请按公布的通知修改。"))
        entered = year in self._entered
        self.remove_button.setEnabled(entered)
        self.remove_button.setToolTip(
            self.tr("删除本店填写的这一年（填错了时）：这一年改回程序自带的安排或按法定节假日估算，并重新计算时限")
            if entered else self.tr("这一年没有本店填写的安排（程序自带的或估算的），无需删除"))
        self.holidays_edit.setPlainText(day_lines(entry.holidays) if entry else "")
        self.workdays_edit.setPlainText(day_lines(official.workdays) if official else "")
        self.problems.hide()

    def typed(self) -> YearSchedule | None:
        """The year as typed, or None after saying what is wrong."""
        year = self.year.value()
        holidays = parse_day_lines(self.holidays_edit.toPlainText(), year, self.tr("放假日"), ranges=True)
        workdays = parse_day_lines(self.workdays_edit.toPlainText(), year, self.tr("调休上班日"), ranges=False)
        problems = [*holidays.problems, *workdays.problems]
        weekdays = sorted(d for d in workdays.days if d.weekday() < 5)
        if weekdays:
            problems.append(self.tr("调休上班日只写周末：%1 本来就是工作日").replace(
                "%1", "、".join(d.isoformat() for d in weekdays)))
        both = holidays.days & workdays.days
        if both:
            problems.append(self.tr("同一天不能既放假又调休上班：%1").replace(
                "%1", "、".join(d.isoformat() for d in sorted(both))))
        if not holidays.days and not problems:
            problems.append(self.tr("请填写这一年的放假日"))
        elif not problems:
            # Saved, the year replaces its estimate whole: a holiday left out would count as working days.
            typed_year = HolidaySchedule({year: YearSchedule(year, holidays.days, frozenset())})
            estimates = HolidaySchedule(self._schedule.estimates)
            for _year, name, days in missing_statutory_holidays(typed_year, estimates):
                problems.append(self.tr("没有%1（全国年节及纪念日放假办法规定的 %2 放假，补假在内）："
                                        "请按通知把全年的放假日都写上").replace("%1", name).replace("%2", days))
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        if problems:
            return None
        return YearSchedule(year, holidays.days, workdays.days, SOURCE)

    def save(self) -> None:
        entry = self.typed()
        if entry is None or self._is_busy():
            return
        text = render_schedule(HolidaySchedule({entry.year: entry}))
        self.buttons.setEnabled(False)

        def work(db: Database) -> Written[SavedRules]:
            saved, _years = import_schedule(db, text, SOURCE)
            return saved

        def done(result: Written[SavedRules]) -> None:
            saved = result.value
            told = self.tr("已保存 %1 年的官方安排（%2）；已重新计算 %3 张售后单的时限").replace(
                "%1", str(entry.year)).replace("%2", saved.where).replace("%3", str(saved.recomputed))
            self.saved.emit(told if saved.older_app is None else f"{told}\n{saved.older_app}")
            self.accept()

        def failed(error: Exception) -> None:
            self.buttons.setEnabled(True)
            self.problems.setText(self.tr("未保存：%1").replace("%1", describe_error(error)))
            self.problems.show()

        self._run(work, done, failed)

    def remove(self) -> None:
        """Take back the shop's schedule of the year shown (a wrong one): back to the shipped year or the estimate."""
        year = self.year.value()
        if year not in self._entered or self._is_busy():
            return
        self.buttons.setEnabled(False)

        def done(result: Written[SavedRules]) -> None:
            saved = result.value
            told = self.tr("已删除 %1 年的官方安排（%2），这一年改回程序自带的安排或估算；"
                           "已重新计算 %3 张售后单的时限").replace(
                "%1", str(year)).replace("%2", saved.where).replace("%3", str(saved.recomputed))
            self.saved.emit(told if saved.older_app is None else f"{told}\n{saved.older_app}")
            self.accept()

        def failed(error: Exception) -> None:
            self.buttons.setEnabled(True)
            self.problems.setText(self.tr("未删除：%1").replace("%1", describe_error(error)))
            self.problems.show()

        self._run(lambda db: remove_schedule_year(db, year), done, failed)
