"""Times: everything is timezone-aware, platform timers run on China time (Asia/Shanghai)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from desktop_app.core import messages as msg
from desktop_app.core.errors import UserError

CHINA = ZoneInfo("Asia/Shanghai")

_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
            "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")
# Years a shop's after-sales times can have (the import's cells use the same range).
FIRST_YEAR, LAST_YEAR = 1990, 2100


@dataclass(frozen=True, slots=True)
class Moment:
    """A point in time as the user gave it; `date_only` when only the day was known.

    A date-only moment is stored as 00:00 China time of that day; rules that care (the 7-day
    no-reason window) look at `date_only`.
    """

    at: datetime
    date_only: bool = False


def now() -> datetime:
    return datetime.now(CHINA)


def parse_moment(text: str, what: str = "时间") -> Moment:
    """Parse 'YYYY-MM-DD HH:MM[:SS]' or 'YYYY-MM-DD' as China time, or an ISO time with an offset."""
    raw = text.strip()
    for fmt in _FORMATS:
        try:
            return _in_range(Moment(datetime.strptime(raw, fmt).replace(tzinfo=CHINA)), text, what)
        except ValueError:
            continue
    for fmt in _DATE_FORMATS:
        try:
            day = datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        return _in_range(Moment(datetime.combine(day, time(0, 0), tzinfo=CHINA), date_only=True), text, what)
    try:
        # An ISO time with its offset ("2027-03-16T01:30:00+08:00", as `deadlines --json` prints it): the
        # instant it names, in China time. Without an offset the formats above have read it already.
        aware = datetime.fromisoformat(raw)
    except ValueError:
        aware = None
    if aware is not None and aware.tzinfo is not None:
        return _in_range(Moment(aware.astimezone(CHINA)), text, what)
    raise UserError(msg.say(msg.NOT_A_MOMENT, what, text))


def _in_range(moment: Moment, text: str, what: str) -> Moment:
    if not FIRST_YEAR <= moment.at.year <= LAST_YEAR:
        raise UserError(msg.say(msg.UNLIKELY_YEAR, what, text, FIRST_YEAR, LAST_YEAR))
    return moment


def as_china(value: datetime) -> datetime:
    """Naive datetimes from SQLite are UTC by our storage convention."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(CHINA)


def format_china(value: datetime | None, with_seconds: bool = False) -> str:
    if value is None:
        return ""
    return as_china(value).strftime("%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M")
