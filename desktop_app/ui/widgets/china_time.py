"""Date-time fields in China time (Asia/Shanghai) whatever the PC's time zone: the platforms' timers
run on China time, so every form that takes a moment shows and reads it there."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication, QDateTime, QTimeZone
from PySide6.QtWidgets import QDateTimeEdit, QMessageBox, QWidget

from desktop_app.core.clock import CHINA, Moment, format_china, now

CHINA_ZONE = QTimeZone(b"Asia/Shanghai")
# A step this far ahead of the clock is most likely a mistyped year (2062 for 2026), as `cli.common.event_moment`
# says on the command line.
AHEAD = timedelta(days=1)


def china_now_qt() -> QDateTime:
    return QDateTime.currentDateTime().toTimeZone(CHINA_ZONE)


class ChinaTimeEdit(QDateTimeEdit):
    """A date-time field in China time whatever the PC's time zone, starting at `value` (now by
    default); `moment()` is None while it is left (within a minute) at that start, so the service
    stamps the exact moment of the write."""

    def __init__(self, value: QDateTime | None = None) -> None:
        super().__init__()
        self.started_at = value if value is not None else china_now_qt()
        # The zone before the value: set after, the field kept showing the PC's wall clock.
        self.setTimeZone(CHINA_ZONE)
        self.setDateTime(self.started_at)
        self.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.setCalendarPopup(True)

    def moment(self) -> Moment | None:
        if abs(self.dateTime().secsTo(self.started_at)) < 60:
            return None
        return qt_to_moment(self.dateTime())


def china_time_edit(value: QDateTime | None = None) -> ChinaTimeEdit:
    return ChinaTimeEdit(value)


def qt_to_moment(value: QDateTime) -> Moment:
    return Moment(datetime.fromtimestamp(value.toSecsSinceEpoch(), CHINA))


def _tr(text: str) -> str:
    return QCoreApplication.translate("ChinaTimeEdit", text)


def time_confirmed(parent: QWidget, edit: ChinaTimeEdit) -> bool:
    """Whether to record the time `edit` holds: one more than a day ahead of the clock is asked about
    first (recorded as given on 是: a scenario may be entered ahead on purpose; on 否 the field has the
    focus to correct it). A time left at now or in the past is never asked about."""
    moment = edit.moment()
    if moment is None or moment.at <= now() + AHEAD:
        return True
    text = _tr("发生时间 %1 在将来（现在是 %2）。确定按这个时间记录吗？若是输错了年份或日期，请点“否”后改正。")
    text = text.replace("%1", format_china(moment.at)).replace("%2", format_china(now()))
    if QMessageBox.question(parent, parent.windowTitle(), text) == QMessageBox.StandardButton.Yes:
        return True
    edit.setFocus()
    return False
