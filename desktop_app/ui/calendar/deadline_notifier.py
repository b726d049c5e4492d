"""A reminder while the app runs: a tray notification when a deadline comes within a few hours.

Every few minutes the notifier asks the ledger for the open deadlines due between now and
now + `within_hours` and announces those it has not announced yet, once each. It remembers
(deadline id, due time): a deadline whose due time moved (a rule pack edit) is announced again,
and one that left the window (met, or now overdue) is forgotten, so the memory stays small.
The first check after start-up also says how many deadlines are already overdue.

Without a system tray (some Linux desktops, tests) the same text goes out through `message`,
which the main window shows in its status bar. Clock, interval and the tray are injectable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon

from desktop_app.core.clock import CHINA
from desktop_app.core.clock import now as china_now
from desktop_app.store.database import Database
from desktop_app.store.deadline_lists import DeadlineRow, count_open_by_day, list_deadlines
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.cases.case_table_model import countdown
from desktop_app.ui.context import AppContext

DEFAULT_WITHIN_HOURS = 4.0
DEFAULT_INTERVAL_MS = 3 * 60 * 1000
SHOWN_IN_MESSAGE = 3  # deadlines named one by one in a notification; the rest are counted
MESSAGE_MS = 15000
_LONG_AGO = date(2000, 1, 1)  # before any ledger: the overdue count's first day

_Key = tuple[int, datetime]


@dataclass(frozen=True, slots=True)
class _Check:
    now: datetime
    rows: list[DeadlineRow]  # open, due in (now, now + window]
    overdue: int | None  # counted on the first check only


class DeadlineNotifier(QObject):
    """Owns the check timer and, where the desktop has one, a tray icon."""

    due_soon = Signal(list)  # list[DeadlineRow]: deadlines that just came within the window
    message = Signal(str)  # each notification's text, for the status bar
    open_requested = Signal()  # the tray icon or a notification was clicked: show the calendar

    def __init__(self, context: AppContext, parent: QObject | None = None, *,
                 within_hours: float = DEFAULT_WITHIN_HOURS, interval_ms: int = DEFAULT_INTERVAL_MS,
                 clock: Callable[[], datetime] = china_now, use_tray: bool | None = None,
                 icon: QIcon | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.within_hours = within_hours
        self._clock = clock
        self._announced: set[_Key] = set()
        self._first = True
        self._checking = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check_now)
        if use_tray is None:
            use_tray = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray: QSystemTrayIcon | None = None
        if use_tray:
            self.tray = QSystemTrayIcon(icon or _default_icon(), self)
            self.tray.setToolTip(self.tr("售后台账"))
            self.tray.activated.connect(self._tray_activated)
            self.tray.messageClicked.connect(self.open_requested)

    def start(self) -> None:
        """Show the tray icon and check now, then every interval."""
        if self.tray is not None:
            self.tray.show()
        self.timer.start()
        self.check_now()

    def stop(self) -> None:
        self.timer.stop()
        if self.tray is not None:
            self.tray.hide()

    @property
    def announced(self) -> frozenset[_Key]:
        return frozenset(self._announced)

    def check_now(self) -> None:
        """Ask the ledger (on the worker thread) what is due soon; a check already running is enough."""
        if self.context.db is None or self._checking:
            return
        self._checking = True
        moment = self._clock()
        hours = self.within_hours
        first = self._first

        def work(db: Database) -> _Check:
            with db.reading() as session:
                rows = list_deadlines(session, within_hours=hours, due_from=moment, now=moment)
                overdue = None
                if first:
                    by_day = count_open_by_day(session, _LONG_AGO, moment.astimezone(CHINA).date(), now=moment)
                    overdue = sum(c.overdue for c in by_day.values())
            # A deadline due this very instant is overdue already, not "soon".
            return _Check(moment, [r for r in rows if r.due_at > moment], overdue)

        self.context.read(work, self._checked, self._failed)

    def _checked(self, check: _Check) -> None:
        self._checking = False
        self._first = False
        keys = {(r.id, r.due_at): r for r in check.rows}
        fresh = [row for key, row in keys.items() if key not in self._announced]
        self._announced = set(keys)
        if self.tray is not None:
            self.tray.setToolTip(self.tr("售后台账：%1 小时内到期 %2 个").replace(
                "%1", f"{self.within_hours:g}").replace("%2", str(len(keys))))
        if not fresh and not check.overdue:
            return
        title, body = self.describe(fresh, check.now, check.overdue or 0)
        if self.tray is not None:
            self.tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Warning, MESSAGE_MS)
        first_line = body.splitlines()[0] if body else ""
        self.message.emit(self.tr("%1：%2").replace("%1", title).replace("%2", first_line) if first_line else title)
        if fresh:
            self.due_soon.emit(fresh)

    def _failed(self, error: Exception) -> None:
        self._checking = False
        self.message.emit(self.tr("未能检查即将到期的时限：%1").replace("%1", describe_error(error)))

    def describe(self, rows: list[DeadlineRow], now: datetime, overdue: int = 0) -> tuple[str, str]:
        """(title, body) of a notification about these deadlines and the overdue count."""
        lines: list[str] = []
        for row in rows[:SHOWN_IN_MESSAGE]:
            line = self.tr("售后单 #%1 %2 %3：%4 到期（%5），%6")
            for placeholder, value in (
                ("%1", str(row.case_id) if row.case_id is not None else "—"),
                ("%2", labels.platform(row.platform)), ("%3", labels.text(row.name)),
                ("%4", labels.when(row.due_at)), ("%5", countdown(row.due_at, now)), ("%6", labels.text(row.action)),
            ):
                line = line.replace(placeholder, value)
            lines.append(line)
        if len(rows) > SHOWN_IN_MESSAGE:
            lines.append(self.tr("……另有 %1 个").replace("%1", str(len(rows) - SHOWN_IN_MESSAGE)))
        if overdue:
            lines.append(self.tr("已有 %1 个时限逾期，请在“时效日历”中查看").replace("%1", str(overdue)))
        if rows:
            title = self.tr("%1 个时限将在 %2 小时内到期").replace("%1", str(len(rows))).replace(
                "%2", f"{self.within_hours:g}")
        else:
            title = self.tr("有逾期的时限")
        return title, "\n".join(lines)

    def _tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_requested.emit()


def _default_icon() -> QIcon:
    """The application's icon if it has one, else the style's warning sign (a tray icon needs one)."""
    app = QApplication.instance()
    icon = app.windowIcon() if isinstance(app, QApplication) else QIcon()
    if icon.isNull() and isinstance(app, QApplication):
        icon = app.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
    return icon
