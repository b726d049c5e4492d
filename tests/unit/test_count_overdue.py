"""The overdue count of the 时效日历 tab title is the calendar's own overdue total, from the index alone."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from bench.bench_calendar import build
from desktop_app.core.clock import CHINA
from desktop_app.store.database import open_database
from desktop_app.store.deadline_lists import count_open_by_day, count_overdue


@pytest.mark.parametrize("moment", ["2026-03-01 08:00", "2026-07-15 23:59", "2027-01-01 00:00"])
def test_count_overdue_is_the_calendars_total(db_path: Path, moment: str) -> None:
    build(db_path, 600, peak=False)
    at = datetime.fromisoformat(moment).replace(tzinfo=CHINA)
    db = open_database(db_path)
    try:
        with db.reading() as session:
            by_day = count_open_by_day(session, date(2000, 1, 1), at.date(), now=at)
            expected = sum(c.overdue for c in by_day.values())
            assert expected > 0 and count_overdue(session, at) == expected
    finally:
        db.close()
