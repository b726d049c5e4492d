"""One status-colour system for every tab: overdue red, due within 24 h orange, waiting grey, done green.

The cases, reship, claims and calendar tabs colour the same states the same way, and each shows the
same legend, so a colour means one thing across the window.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

OVERDUE = QColor("#c62828")  # red: the deadline has passed
DUE_SOON = QColor("#ef6c00")  # orange: due within 24 hours
WAITING = QColor("#607d8b")  # grey: open, more than a day left (or no deadline)
DONE = QColor("#2e7d32")  # green: finished (shipped, paid, closed)
SOON_WINDOW = timedelta(hours=24)


def urgency(due: datetime | None, now: datetime) -> QColor:
    """The colour of an open item by its next deadline."""
    if due is None:
        return WAITING
    left = due - now
    if left < timedelta(0):
        return OVERDUE
    return DUE_SOON if left < SOON_WINDOW else WAITING


def _tr(text: str) -> str:
    return QCoreApplication.translate("StatusColours", text)


def legend_html() -> str:
    parts = ((OVERDUE, _tr("已逾期")), (DUE_SOON, _tr("24小时内到期")), (WAITING, _tr("等待中")), (DONE, _tr("已完成")))
    return " &nbsp; ".join(f"<span style='color:{c.name()}'>■</span> {text}" for c, text in parts)


def legend() -> QLabel:
    label = QLabel(legend_html())
    label.setObjectName("status_legend")
    label.setToolTip(_tr("各标签页的颜色含义相同"))
    return label
