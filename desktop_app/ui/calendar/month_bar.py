"""The calendar's month navigation: ◀ 2026年12月 ▶ 今天 (QCalendarWidget's own bar says 十二月 2026)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import QCalendarWidget, QHBoxLayout, QLabel, QToolButton, QWidget


def month_title(year: int, month: int) -> str:
    """2026年12月 in Chinese (QCalendarWidget's own bar says 十二月 2026), December 2026 in English."""
    locale = QLocale()  # install_translators makes it English only when English was chosen
    if locale.language() == QLocale.Language.English:
        return locale.toString(QDate(year, month, 1), "MMMM yyyy")
    return f"{year}年{month}月"


class MonthBar(QWidget):
    """◀ 2026年12月 ▶ 今天 — the month navigation, replacing the calendar widget's own bar."""

    def __init__(self, calendar: QCalendarWidget, today: Callable[[], date], parent: QWidget | None = None) -> None:
        """`today`: the platforms' day (China time) — Qt's own showToday takes the computer's, a month off on a PC
        set to New York on the last evening of a month."""
        super().__init__(parent)
        self._calendar = calendar
        self._today = today
        calendar.setNavigationBarVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.previous_button = QToolButton()
        self.previous_button.setObjectName("previous_month")
        self.previous_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.previous_button.setToolTip(self.tr("上个月"))
        self.previous_button.clicked.connect(calendar.showPreviousMonth)
        self.next_button = QToolButton()
        self.next_button.setObjectName("next_month")
        self.next_button.setArrowType(Qt.ArrowType.RightArrow)
        self.next_button.setToolTip(self.tr("下个月"))
        self.next_button.clicked.connect(calendar.showNextMonth)
        self.title = QLabel()
        self.title.setObjectName("month_title")
        self.title.setStyleSheet("font-size:13pt; font-weight:bold")
        self.today_button = QToolButton()
        self.today_button.setObjectName("this_month")
        self.today_button.setText(self.tr("今天"))
        self.today_button.clicked.connect(self._show_today)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.title)
        layout.addWidget(self.next_button)
        layout.addStretch(1)
        layout.addWidget(self.today_button)
        calendar.currentPageChanged.connect(self._show)
        self._show(calendar.yearShown(), calendar.monthShown())

    def _show_today(self) -> None:
        day = self._today()
        self._calendar.setCurrentPage(day.year, day.month)

    def _show(self, year: int, month: int) -> None:
        self.title.setText(month_title(year, month))
