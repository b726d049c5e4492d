"""The 时效日历 tab: open deadlines per day of a month, the chosen day's list, overdue and due-soon lists.

The month grid is a `QCalendarWidget` whose cells carry a badge (how many open deadlines fall on
the day, coloured by the most urgent one) and a thin strip (the share of overdue / within 24 h /
later). Counts come from `count_open_by_day` for exactly the 42 days the grid shows, one query per
page on the worker thread; painting only looks them up in a dict, so the grid paints in the same
time with 100 or 100,000 deadlines stored (bench/bench_calendar.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop_app.core.clock import CHINA
from desktop_app.core.clock import now as china_now
from desktop_app.core.errors import UserError
from desktop_app.core.op_changes import OpChanges
from desktop_app.services.deadline_rules import RuleWarning, ledger_rule_warnings
from desktop_app.store.deadline_lists import DayCount, DeadlineRow, count_open_by_day, list_deadlines
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.base_tab import BaseTab
from desktop_app.ui.calendar.deadline_filter import DeadlineFilter
from desktop_app.ui.calendar.deadline_list import LATER, DeadlineList
from desktop_app.ui.calendar.month_bar import MonthBar
from desktop_app.ui.cases.case_table_model import OVERDUE, SOON
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.qt_dates import to_date, to_qdate
from desktop_app.ui.widgets.status_colours import shade

GRID_DAYS = 42  # QCalendarWidget always shows six weeks
DAY_LIMIT = 1000  # rows listed for one day (a peak day may hold thousands; the count says so)
SIDE_LIMIT = 500  # rows in each side list
REFRESH_MS = 5 * 60 * 1000  # recolour as time passes: a deadline turns orange, then red

Clock = Callable[[], datetime]


def day_start(day: date) -> datetime:
    """00:00 China time: the platforms' days, whatever the computer's time zone."""
    return datetime.combine(day, time(0, 0), tzinfo=CHINA)


def badge_colour(count: DayCount) -> QColor:
    """The colour of a day's badge: its most urgent deadline's."""
    if count.overdue:
        return OVERDUE
    if count.soon:
        return SOON
    return LATER


class DeadlineCalendar(QCalendarWidget):
    """A month grid that paints each day's open-deadline count over the usual day number."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deadline_calendar")
        self._counts: dict[date, DayCount] = {}
        self.setFirstDayOfWeek(Qt.DayOfWeek.Monday)  # as Chinese wall calendars do
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setGridVisible(True)
        self.setMinimumSize(460, 340)  # cells big enough for the number and a badge
        # Weekends in the default red would read as "overdue": give them the ordinary text colour.
        plain = QTextCharFormat()
        plain.setForeground(self.palette().color(QPalette.ColorRole.Text))
        for weekend in (Qt.DayOfWeek.Saturday, Qt.DayOfWeek.Sunday):
            self.setWeekdayTextFormat(weekend, plain)

    def visible_range(self) -> tuple[date, date]:
        """First and last day of the six weeks shown (Qt's own rule for where the month starts)."""
        first = date(self.yearShown(), self.monthShown(), 1)
        offset = (first.isoweekday() - self.firstDayOfWeek().value) % 7
        if offset < 1:  # QCalendarWidget always shows at least one day of the previous month
            offset += 7
        start = first - timedelta(days=offset)
        return start, start + timedelta(days=GRID_DAYS - 1)

    def set_counts(self, counts: dict[date, DayCount]) -> None:
        self._counts = counts
        self.updateCells()

    def count_for(self, day: date) -> DayCount:
        return self._counts.get(day) or DayCount()

    def paintCell(self, painter: QPainter, rect: QRect, qdate: QDate) -> None:
        super().paintCell(painter, rect, qdate)
        count = self._counts.get(to_date(qdate))
        if count is None or count.total == 0:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = painter.font()
        font.setBold(True)
        if font.pointSizeF() > 0:
            font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        painter.setFont(font)
        text = str(count.total) if count.total < 10000 else "9999+"
        metrics = painter.fontMetrics()
        height = metrics.height() + 2
        width = max(height, metrics.horizontalAdvance(text) + 10)
        badge = QRectF(rect.right() - width - 2, rect.top() + 2, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(badge_colour(count))
        painter.drawRoundedRect(badge, height / 2, height / 2)
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
        # The strip along the bottom: how the day's deadlines split by urgency.
        x = float(rect.left() + 2)
        span = float(rect.width() - 4)
        top = float(rect.bottom() - 4)
        for part, colour in ((count.overdue, OVERDUE), (count.soon, SOON), (count.later, LATER)):
            if part:
                piece = span * part / count.total
                painter.fillRect(QRectF(x, top, piece, 3.0), colour)
                x += piece
        painter.restore()


@dataclass(frozen=True, slots=True)
class SideLists:
    overdue: list[DeadlineRow]
    upcoming: list[DeadlineRow]  # due later today or tomorrow, not yet overdue
    now: datetime


class CalendarTab(BaseTab):
    """时效日历. `open_case(case_id)` asks the window to show a case in the 售后单 tab."""

    open_case = Signal(int)
    counts_loaded = Signal()  # the month's badges are painted from fresh counts
    day_loaded = Signal()
    side_loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None, clock: Clock = china_now) -> None:
        super().__init__(context, parent)
        self._clock = clock
        self._warned = False  # the missing rules were told in the status bar once
        # Each load takes a ticket; a reply for a page or day the user has left is dropped.
        self._tickets = {"counts": 0, "day": 0, "side": 0}
        self._day_listed: int | None = None  # rows listed for the selected day, None while loading

        self.calendar = DeadlineCalendar()
        self.calendar.setSelectedDate(to_qdate(clock().astimezone(CHINA).date()))
        legend = QLabel(
            f"<span style='color:{OVERDUE.name()}'>■</span> {self.tr('已逾期')} &nbsp; "
            f"<span style='color:{SOON.name()}'>■</span> {self.tr('24小时内到期')} &nbsp; "
            f"<span style='color:{LATER.name()}'>■</span> {self.tr('以后到期')} &nbsp; "
            f"<span style='color:{shade('secondary')}'>{self.tr('数字为当天未完成的时限数')}</span>"
        )
        legend.setObjectName("calendar_legend")
        # Missing official holiday schedule / this year's 双11 window: deadlines marked 估算.
        self.rule_warning = QLabel()
        self.rule_warning.setObjectName("rule_warning")
        self.rule_warning.setWordWrap(True)
        self.rule_warning.setStyleSheet(f"color:{SOON.name()}")
        # At most four lines high, scrolled beyond: December's three notices (next year's schedule, 双11,
        # 春节) wrapped to six lines pushed the month into the legend on a 1366×768 screen.
        self.rule_warning_box = QScrollArea()
        self.rule_warning_box.setObjectName("rule_warning_box")
        self.rule_warning_box.setWidget(self.rule_warning)
        self.rule_warning_box.setWidgetResizable(True)
        self.rule_warning_box.setFrameShape(QFrame.Shape.NoFrame)
        self.rule_warning_box.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 4)
        self.rule_warning.hide()  # after setWidget, which shows it
        self.rule_warning_box.hide()
        self.day_title = QLabel()
        self.day_title.setObjectName("day_title")
        self.day_title.setStyleSheet("font-weight:bold")
        self.day_list = DeadlineList("day_list")
        self.overdue_title = QLabel()
        self.overdue_title.setObjectName("overdue_title")
        self.overdue_title.setStyleSheet(f"font-weight:bold; color:{OVERDUE.name()}")
        self.overdue_list = DeadlineList("overdue_list")
        self.upcoming_title = QLabel()
        self.upcoming_title.setObjectName("upcoming_title")
        self.upcoming_title.setStyleSheet(f"font-weight:bold; color:{SOON.name()}")
        self.upcoming_list = DeadlineList("upcoming_list")

        left = QSplitter(Qt.Orientation.Vertical)
        month = QWidget()
        month_layout = QVBoxLayout(month)
        month_layout.setContentsMargins(0, 0, 0, 0)
        self.month_bar = MonthBar(self.calendar, lambda: self._clock().astimezone(CHINA).date())
        month_layout.addWidget(self.month_bar)
        month_layout.addWidget(self.calendar, 1)
        month_layout.addWidget(legend)
        month_layout.addWidget(self.rule_warning_box)
        left.addWidget(month)
        left.addWidget(self._titled(self.day_title, self.day_list))
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)
        lists = QSplitter(Qt.Orientation.Vertical)
        lists.addWidget(self._titled(self.overdue_title, self.overdue_list))
        lists.addWidget(self._titled(self.upcoming_title, self.upcoming_list))
        self.filter = DeadlineFilter((self.day_list, self.overdue_list, self.upcoming_list))
        right = QWidget()  # the filter above the side lists (it narrows the day's list too)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.filter)
        right_layout.addWidget(lists, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        # Halves from the start: the month's size hint alone left the side lists ~360 px at 1366 px, which
        # cut their 订单号; at 3:2 their 时限 (which deadline) began at the right edge, off screen. The
        # month's seven columns read well at half the width. A saved layout replaces this.
        splitter.setSizes([500, 500])
        outer = QHBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.addWidget(splitter)

        self.calendar.currentPageChanged.connect(lambda _y, _m: self._load_counts())
        self.calendar.selectionChanged.connect(self._load_day)
        self.calendar.activated.connect(lambda _d: self.day_list.setFocus())
        for deadline_list in (self.day_list, self.overdue_list, self.upcoming_list):
            deadline_list.case_activated.connect(self.open_case)
        self._show_day_title()
        self._show_side_titles(None)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_MS)
        self.refresh_timer.timeout.connect(self.refresh)
        self.refresh_timer.start()

    @staticmethod
    def _titled(title: QLabel, body: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(title)
        layout.addWidget(body, 1)
        return box

    def focus_search(self) -> bool:
        self.filter.focus()
        return True

    # --- data --------------------------------------------------------------------------------
    def wants(self, changes: OpChanges) -> bool:
        # An import can move paid/shipped/signed times, and with them deadlines; a rule change (settings:
        # the rules' fingerprints) can change the warnings about estimated holiday calendars.
        return changes.deadlines or changes.cases or changes.orders or changes.settings

    def refresh(self) -> None:
        if self.context.db is None:
            return
        self._show_rule_warnings()
        self._load_counts()
        self._load_day()
        self._load_side()

    def selected_day(self) -> date:
        return to_date(self.calendar.selectedDate())

    def _ticket(self, kind: str) -> int:
        self._tickets[kind] += 1
        return self._tickets[kind]

    def _current(self, kind: str, ticket: int) -> bool:
        return self._tickets[kind] == ticket

    def _load_counts(self) -> None:
        if self.context.db is None:
            return
        first, last = self.calendar.visible_range()
        moment = self._clock()
        ticket = self._ticket("counts")

        def work(session: Session) -> dict[date, DayCount]:
            return count_open_by_day(session, first, last, now=moment)

        def done(counts: dict[date, DayCount]) -> None:
            if self._current("counts", ticket):
                self.calendar.set_counts(counts)
                self._show_day_title()
                self.counts_loaded.emit()

        self.context.look_up(work, done, self._failed)

    def _load_day(self) -> None:
        if self.context.db is None:
            return
        day = self.selected_day()
        moment = self._clock()
        ticket = self._ticket("day")
        start = day_start(day)
        self._day_listed = None
        self._show_day_title()

        def work(session: Session) -> list[DeadlineRow]:
            return list_deadlines(session, due_from=start, due_before=start + timedelta(days=1), now=moment,
                                  limit=DAY_LIMIT)

        def done(rows: list[DeadlineRow]) -> None:
            if self._current("day", ticket):
                self.day_list.set_rows(rows, moment)
                self._day_listed = len(rows)
                self._show_day_title()
                self.day_loaded.emit()

        self.context.look_up(work, done, self._failed)

    def _load_side(self) -> None:
        if self.context.db is None:
            return
        moment = self._clock()
        ticket = self._ticket("side")
        after_tomorrow = day_start(moment.astimezone(CHINA).date() + timedelta(days=2))

        def work(session: Session) -> SideLists:
            overdue = list_deadlines(session, overdue=True, now=moment, limit=SIDE_LIMIT + 1)
            upcoming = list_deadlines(session, due_from=moment, due_before=after_tomorrow, now=moment,
                                      limit=SIDE_LIMIT + 1)
            # `due_from` is inclusive and a deadline due this very instant counts as overdue.
            return SideLists(overdue, [r for r in upcoming if r.due_at > moment], moment)

        def done(lists: SideLists) -> None:
            if self._current("side", ticket):
                self.overdue_list.set_rows(lists.overdue[:SIDE_LIMIT], lists.now)
                self.upcoming_list.set_rows(lists.upcoming[:SIDE_LIMIT], lists.now)
                self._show_side_titles(lists)
                self.side_loaded.emit()

        self.context.look_up(work, done, self._failed)

    def _failed(self, error: Exception) -> None:
        self.message.emit(self.tr("时效日历未能加载：%1").replace("%1", describe_error(error)))

    # --- titles ------------------------------------------------------------------------------
    def _show_rule_warnings(self) -> None:
        """Read off the GUI thread: a team ledger keeps its rules itself."""
        today = self._clock().astimezone(CHINA).date()
        self.context.look_up(lambda session: ledger_rule_warnings(session, today),
                             lambda found: self._rule_warnings_read([self._warning_text(w) for w in found]),
                             self._rule_warnings_failed)

    def _rule_warnings_failed(self, error: Exception) -> None:
        if not isinstance(error, UserError):
            self._failed(error)
            return
        self._rule_warnings_read([labels.message(error)])  # a broken rule file: say so here too

    def _rule_warnings_read(self, warnings: list[str]) -> None:
        self.rule_warning.setText("\n".join(self.tr("注意：%1").replace("%1", w) for w in warnings))
        self.rule_warning.setVisible(bool(warnings))
        self.rule_warning_box.setVisible(bool(warnings))
        if warnings and not self._warned:
            # Told once at start too: the calendar may not be the tab the shop looks at.
            self._warned = True
            told = self.tr("时效规则需要更新（%1 条提醒），详见“时效日历”")
            self.message.emit(told.replace("%1", str(len(warnings))))

    def _warning_text(self, warning: RuleWarning) -> str:
        if warning.older or warning.unused_local:
            return warning.text  # team-mode notes: said in Chinese by the service, names and all
        if warning.event is None:
            return self.tr("还没有%1年的官方节假日与调休安排：落在%1年的工作日时限按周一至周五估算，"
                           "法定节假日不算工作日，调休未知（标为“估算”）。"
                           "安排公布后，请在“时效规则”→“工作日调整”点“填写官方节假日安排…”填入当年的安排。").replace(
                "%1", str(warning.year))
        if warning.announced:
            return self.tr("%1还没有%2年的“%3”时间窗口：平台每年公告当年的日期和时长，本软件不按往年估算，"
                           "这段时间申请的售后按平时的时效计算。公告出来后请在“时效规则”中添加当年的窗口。").replace(
                "%1", self.tr("、").join(labels.platform(p) for p in warning.packs)).replace(
                "%2", str(warning.year)).replace("%3", labels.text(warning.event))
        return self.tr("%1还没有%2年的“%3”时间窗口：按往年的日期估算，相关时限标为“估算”。"
                       "活动公告出来后请在“时效规则”中添加当年的窗口。").replace(
            "%1", self.tr("、").join(labels.platform(p) for p in warning.packs)).replace(
            "%2", str(warning.year)).replace("%3", labels.text(warning.event))

    def _show_day_title(self) -> None:
        day = self.selected_day()
        listed = self._day_listed
        count = self.calendar.count_for(day)
        if listed is None:
            title = self.tr("%1 到期").replace("%1", day.isoformat())
        elif listed == 0:
            title = self.tr("%1 没有未完成的时限").replace("%1", day.isoformat())
        else:
            title = self.tr("%1 到期：%2 条（已逾期 %3，24小时内 %4，以后 %5）")
            for placeholder, value in (("%1", day.isoformat()), ("%2", str(max(listed, count.total))),
                                       ("%3", str(count.overdue)), ("%4", str(count.soon)),
                                       ("%5", str(count.later))):
                title = title.replace(placeholder, value)
            if listed >= DAY_LIMIT:
                title += self.tr("，只列出前 %1 条").replace("%1", str(DAY_LIMIT))
        self.day_title.setText(title)

    def _show_side_titles(self, lists: SideLists | None) -> None:
        def amount(rows: list[DeadlineRow] | None) -> str:
            if rows is None:
                return "…"
            return f"{SIDE_LIMIT}+" if len(rows) > SIDE_LIMIT else str(len(rows))

        self.overdue_title.setText(self.tr("已逾期（%1）").replace("%1", amount(lists.overdue if lists else None)))
        self.upcoming_title.setText(
            self.tr("今天/明天到期（%1）").replace("%1", amount(lists.upcoming if lists else None)))
