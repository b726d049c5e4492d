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


def china_time_edit(value: QDateTime | None = None) -> QDateTimeEdit:
    """A date-time field in China time whatever the PC's time zone: the zone is set before the value
    (set after, the field kept showing the PC's wall clock under a China-time label)."""
    edit = QDateTimeEdit()
    edit.setTimeZone(CHINA_ZONE)
    edit.setDateTime(value if value is not None else china_now_qt())
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    edit.setCalendarPopup(True)
    return edit


def qt_to_moment(value: QDateTime) -> Moment:
    return Moment(datetime.fromtimestamp(value.toSecsSinceEpoch(), CHINA))
