"""Date-time fields in China time (Asia/Shanghai) whatever the PC's time zone: the platforms' timers
run on China time, so every form that takes a moment shows and reads it there."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import QDateTimeEdit

from desktop_app.core.clock import CHINA, Moment

CHINA_ZONE = QTimeZone(b"Asia/Shanghai")


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
