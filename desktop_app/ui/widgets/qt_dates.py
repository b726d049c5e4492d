"""QDate to and from `datetime.date`: PySide converts them itself, but its stubs type `QDate.toPython()`
as `object` and have no `QDate(date)`, so the conversions are spelt out where mypy can see them."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)
