"""时效规则 → 工作日调整: the shop's extra days off and extra working days, one date per line.

They win over the official holiday calendar (a warehouse closed on a weekday, a Saturday of
shipping); saving writes the shop's `workdays.toml` (a ledger file's in `<data>/rules`, a team ledger's
in the ledger, against the version shown) and recomputes the open cases' deadlines on the worker thread,
through the dialog's one-write-at-a-time runner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.op_changes import Written
from desktop_app.core.rule_packs import WORKDAYS_FILE, RulePackError
from desktop_app.core.working_days import WorkdayOverrides
from desktop_app.io.holiday_schedule_file import (
    SCHEDULE_FILE,
    HolidayScheduleError,
    load_schedule,
    loads,
    parse_schedule,
)
from desktop_app.io.rule_pack_files import ShopRules, load_workday_overrides
from desktop_app.services.ledger_rules import SavedRules, save_workdays
from desktop_app.services.shop_rules import shop_rules_of
from desktop_app.store.database import Database
from desktop_app.store.rule_files import RuleFileChanged
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.rules.official_year_dialog import OfficialYearDialog
from desktop_app.ui.widgets.status_colours import OVERDUE

Run = Callable[[Callable[[Database], object], Callable[..., None], Callable[[Exception], None]], None]


@dataclass(frozen=True, slots=True)
class DateLines:
    """Dates typed one per line, and what could not be read (line number, text)."""

    days: frozenset[date]
    bad: tuple[tuple[int, str], ...]


def parse_date_lines(text: str) -> DateLines:
    """One YYYY-MM-DD per line; blank lines and text after '#' are ignored."""
    days: set[date] = set()
    bad: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.split("#", 1)[0].strip()
        if not value:
            continue
        try:
            days.add(date.fromisoformat(value.replace("/", "-")))
        except ValueError:
            bad.append((number, value))
    return DateLines(frozenset(days), tuple(bad))


def date_lines(days: frozenset[date]) -> str:
    return "".join(f"{d.isoformat()}\n" for d in sorted(days))


class WorkdayPage(QWidget):
    """The page; `saved` after a save and recompute. `run` is the dialog's writer, `is_busy` its state."""

    saved = Signal()
    fresh_needed = Signal()  # another seat changed the file meanwhile: the dialog reloads the rules

    def __init__(self, run: Run, is_busy: Callable[[], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._run = run
        self._is_busy = is_busy
        self._version: int | None = None  # of the team ledger's file shown (optimistic locking)
        self._shop: ShopRules | None = None  # the rules shown (the official schedule's dialog starts from them)
        self._build()

    def _build(self) -> None:
        hint = QLabel(self.tr(
            "“工作日”按国家公布的节假日和调休计算。店铺自己的安排写在这里，每行一个日期（YYYY-MM-DD），"
            "它们优先于官方日历，例如仓库放假的日子、周末加班发货的日子。"))
        hint.setWordWrap(True)
        self.holidays_edit = QPlainTextEdit()
        self.holidays_edit.setObjectName("extra_holidays")
        self.holidays_edit.setPlaceholderText(self.tr("例如：") + "\n2026-10-08")
        self.workdays_edit = QPlainTextEdit()
        self.workdays_edit.setObjectName("extra_workdays")
        self.workdays_edit.setPlaceholderText(self.tr("例如：") + "\n2026-10-11")
        self.workday_problems = QListWidget()
        self.workday_problems.setObjectName("workday_problems")
        self.workday_problems.setStyleSheet(f"color:{OVERDUE.name()}")
        self.workday_problems.setMaximumHeight(120)
        self.workday_problems.hide()
        self.workday_status = QLabel()
        self.workday_status.setObjectName("workday_status")
        self.workday_status.setWordWrap(True)
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setObjectName("save_workdays")
        self.save_button.clicked.connect(self.save_workdays)
        # A year's official schedule from the State Council's notice: the year stops being 估算.
        self.official_button = QPushButton(self.tr("填写官方节假日安排…"))
        self.official_button.setObjectName("official_schedule")
        self.official_button.setToolTip(self.tr("国务院办公厅公布新一年的放假和调休安排后，在这里填写整年的安排"))
        self.official_button.clicked.connect(lambda _checked=False: self.open_official_year())
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("额外休息日（不算工作日）")), 0, 0)
        grid.addWidget(QLabel(self.tr("额外工作日（算作工作日）")), 0, 1)
        grid.addWidget(self.holidays_edit, 1, 0)
        grid.addWidget(self.workdays_edit, 1, 1)
        bar = QHBoxLayout()
        bar.addWidget(self.workday_status, 1)
        bar.addWidget(self.official_button)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(grid, 1)
        layout.addWidget(self.workday_problems)
        layout.addLayout(bar)


    def load(self, shop: ShopRules) -> None:
        """Show the shop's adjustments as `shop` holds them (the dialog's snapshot of the ledger's rules)."""
        self._version = shop.version(WORKDAYS_FILE)
        self._shop = shop
        try:
            overrides = load_workday_overrides(shop=shop)
        except RulePackError as error:
            overrides = WorkdayOverrides()
            self._show_workday_problems(error.problems)
        self.holidays_edit.setPlainText(date_lines(overrides.extra_holidays))
        self.workdays_edit.setPlainText(date_lines(overrides.extra_workdays))

    def _show_workday_problems(self, problems: list[str]) -> None:
        self.workday_problems.clear()
        self.workday_problems.addItems([labels.message(problem) for problem in problems])
        self.workday_problems.setVisible(bool(problems))

    def workday_problem_texts(self) -> list[str]:
        return [self.workday_problems.item(i).text() for i in range(self.workday_problems.count())]

    def typed_workdays(self) -> WorkdayOverrides | None:
        """The two lists as typed, or None after listing what is wrong with them."""
        problems: list[str] = []
        parsed: dict[str, DateLines] = {}
        for key, title, edit in (("holidays", self.tr("额外休息日"), self.holidays_edit),
                                 ("workdays", self.tr("额外工作日"), self.workdays_edit)):
            lines = parse_date_lines(edit.toPlainText())
            parsed[key] = lines
            for number, text in lines.bad:
                problems.append(self.tr("%1第 %2 行：“%3”不是日期，应写成 YYYY-MM-DD").replace(
                    "%1", title).replace("%2", str(number)).replace("%3", text))
        both = parsed["holidays"].days & parsed["workdays"].days
        if both:
            problems.append(self.tr("同一天不能既是休息日又是工作日：%1").replace(
                "%1", "、".join(d.isoformat() for d in sorted(both))))
        self._show_workday_problems(problems)
        if problems:
            self.workday_status.setText(self.tr("有 %1 处问题，未保存").replace("%1", str(len(problems))))
            return None
        return WorkdayOverrides(parsed["holidays"].days, parsed["workdays"].days)

    def save_workdays(self) -> None:
        overrides = self.typed_workdays()
        if overrides is None or self._is_busy():
            return

        expected = self._version

        def work(db: Database) -> Written[tuple[SavedRules, ShopRules]]:
            saved = save_workdays(db, overrides, expected)
            return Written((saved.value, shop_rules_of(db)), saved.changes)

        def done(result: Written[tuple[SavedRules, ShopRules]]) -> None:
            saved, shop = result.value
            self._version = shop.version(WORKDAYS_FILE)
            self.holidays_edit.setPlainText(date_lines(overrides.extra_holidays))
            self.workdays_edit.setPlainText(date_lines(overrides.extra_workdays))
            message = self.tr("已保存到 %1；已重新计算 %2 张售后单的时限").replace(
                "%1", saved.where).replace("%2", str(saved.recomputed))
            self.workday_status.setText(message if saved.older_app is None else f"{message}\n{saved.older_app}")
            self.saved.emit()

        def failed(error: Exception) -> None:
            if isinstance(error, RuleFileChanged):  # another seat saved first: show what it saved
                self.fresh_needed.emit()
            self.workday_status.setText(self.tr("未完成：%1").replace("%1", describe_error(error)))

        self._run(work, done, failed)

    def open_official_year(self) -> OfficialYearDialog | None:
        if self._shop is None:
            return None
        try:
            schedule = load_schedule(shop=self._shop)
            text, source = self._shop.text(SCHEDULE_FILE), self._shop.source(SCHEDULE_FILE)
            # The years the shop entered (they can be taken back); the shipped ones and the estimates cannot.
            entered = frozenset(() if text is None else parse_schedule(loads(text, source), source).years)
        except HolidayScheduleError as error:
            self._show_workday_problems(error.problems)
            return None
        dialog = OfficialYearDialog(schedule, self._run, self._is_busy, self, entered=entered)
        dialog.saved.connect(self._official_saved)
        dialog.open()
        return dialog

    def _official_saved(self, message: str) -> None:
        self.workday_status.setText(message)
        self.saved.emit()
