"""The deadline engine: a case's milestones + its platform's rule pack → its running timers.

Pure and clock-free: the same events and pack always give the same deadlines, so stored rows never
go stale as time passes and only need recomputing when an event is recorded or a pack changes.

For each timer of the pack that applies to the case's kind and reason and whose starting milestone
has happened:
- starts_at: the milestone's time; for a date-only milestone 00:00 of that day, or of the next day
  when the timer says `date_only_start = "next_day"` (the 7-day no-reason rule);
- due_at: starts_at + the duration (hours, calendar days or working days), where the duration
  comes from a date window of the pack when the starting event falls inside one;
- met_at: the earliest `met_by` milestone at or after the starting event (an older one belongs to
  an earlier round of the case). A closed case has met every timer that was still running, at its
  closing time; timers that would start only after the closure are not produced.

Status (decided here, shown by the CLI and the UI):
- `met`: met at or before due_at;
- `missed`: met (or closed) after due_at — the consequence has already happened;
- `open`: not met and the case is open, *including overdue ones*. An overdue timer is still work
  to do (a late reship must still be shipped; the 3-yuan compensation does not cancel the reship),
  so it stays in the open list and the 下一个时限 column, shown red through `urgency()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple

from desktop_app.core.clock import CHINA
from desktop_app.core.rule_packs import (
    CLOSING_MILESTONES,
    DateOnlyStart,
    RulePack,
    TimerRule,
)
from desktop_app.core.working_days import WorkdayCalendar

# name → (aware time, date_only). `clock.Moment` converts as (m.at, m.date_only).
Milestones = Mapping[str, tuple[datetime, bool]]

SOON = timedelta(hours=24)


class DeadlineStatus(StrEnum):
    OPEN = "open"
    MET = "met"
    MISSED = "missed"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {DeadlineStatus.OPEN: "进行中", DeadlineStatus.MET: "已完成", DeadlineStatus.MISSED: "已超时"}


class Urgency(StrEnum):
    OVERDUE = "overdue"  # red
    SOON = "soon"  # due within 24 h: orange
    LATER = "later"

    @property
    def label(self) -> str:
        return _URGENCY_LABELS[self]


_URGENCY_LABELS = {Urgency.OVERDUE: "已逾期", Urgency.SOON: "24小时内到期", Urgency.LATER: "未到期"}


class ComputedDeadline(NamedTuple):
    """One timer on one case. Immutable; a NamedTuple because recomputing 100,000 cases builds
    over 100,000 of them and a tuple is several times cheaper to create than a frozen dataclass.
    Fields 1..7 (name … estimated) are exactly what the store keeps and compares."""

    timer_id: str
    name: str
    starts_at: datetime
    due_at: datetime
    action: str  # what happens when it runs out
    status: DeadlineStatus
    met_at: datetime | None
    estimated: bool  # working days counted on a holiday calendar that is not yet official
    penalty: str | None = None
    window: str | None = None  # id of the date window whose duration applied, if any


def urgency(due_at: datetime, now: datetime) -> Urgency:
    """Overdue, due within 24 hours, or later — for colouring open deadlines."""
    if due_at <= now:
        return Urgency.OVERDUE
    if due_at - now < SOON:
        return Urgency.SOON
    return Urgency.LATER


def format_remaining(due_at: datetime, now: datetime) -> str:
    """'剩2天3小时' / '剩45分钟' / '已逾期5小时' for a countdown column."""
    delta = due_at - now
    overdue = delta.total_seconds() < 0
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        text = f"{days}天{hours}小时" if hours else f"{days}天"
    elif hours:
        text = f"{hours}小时{mins}分钟" if mins else f"{hours}小时"
    else:
        text = f"{mins}分钟"
    return f"已逾期{text}" if overdue else f"剩{text}"


_OPEN = DeadlineStatus.OPEN
_MET = DeadlineStatus.MET
_MISSED = DeadlineStatus.MISSED
_NEXT_DAY = DateOnlyStart.NEXT_DAY
_ONE_DAY = timedelta(days=1)
_MIDNIGHT = time(0, 0)


def _date_only_start(timer: TimerRule, at: datetime) -> datetime:
    day = at.astimezone(CHINA).date()
    if timer.date_only_start is _NEXT_DAY:
        day += _ONE_DAY
    return datetime.combine(day, _MIDNIGHT, tzinfo=CHINA).astimezone(UTC)


def compute_deadlines(
    pack: RulePack,
    *,
    kind: str,
    reason: str | None,
    case_open: bool,
    milestones: Milestones,
    calendar: WorkdayCalendar | None = None,
) -> list[ComputedDeadline]:
    """The case's deadlines under `pack`, sorted by due time then timer id.

    Times come back in UTC (aware), whatever zone the milestones were given in: one zone makes the
    comparisons cheap when 100,000 cases are recomputed; show them with `clock.as_china`.
    """
    timers = pack.applicable(kind, reason)
    if not timers:
        return []
    closed_at: datetime | None = None
    if not case_open:
        closings = [milestones[name][0].astimezone(UTC) for name in CLOSING_MILESTONES if name in milestones]
        closed_at = max(closings) if closings else None
    results: list[ComputedDeadline] = []
    get = milestones.get
    for timer in timers:
        started = get(timer.starts_from)
        if started is None:
            continue
        event_at = started[0].astimezone(UTC)
        if closed_at is not None and event_at > closed_at:
            continue  # it would start only after the case was closed: it never ran
        starts_at = _date_only_start(timer, event_at) if started[1] else event_at
        duration, window = pack.duration_for(timer, event_at)
        delta = duration.delta
        estimated = False
        if delta is not None:
            due_at = starts_at + delta
        else:
            if calendar is None:
                calendar = WorkdayCalendar()
            result = calendar.add_working_days(starts_at, duration.amount)
            due_at, estimated = result.at.astimezone(UTC), result.estimated
        met_at: datetime | None = None
        for name in timer.met_by:
            hit = get(name)
            if hit is not None:
                hit_at = hit[0].astimezone(UTC)
                if hit_at >= event_at and (met_at is None or hit_at < met_at):
                    met_at = hit_at
        if met_at is None:
            if case_open:
                status = _OPEN
            else:
                met_at = closed_at
                # Closed without a recorded closing time: nothing says it ran out, count it met.
                status = _MET if met_at is None or met_at <= due_at else _MISSED
        else:
            status = _MET if met_at <= due_at else _MISSED
        results.append(ComputedDeadline(
            timer.id, timer.name, starts_at, due_at, timer.on_expiry, status, met_at, estimated,
            timer.penalty, window.id if window is not None else None,
        ))
    if len(results) > 1:
        results.sort(key=_order)
    return results


def _order(deadline: ComputedDeadline) -> tuple[datetime, str]:
    return deadline.due_at, deadline.timer_id


def next_open(deadlines: list[ComputedDeadline]) -> ComputedDeadline | None:
    """The earliest open deadline (overdue ones included): what the 下一个时限 column shows."""
    open_ones = [d for d in deadlines if d.status is DeadlineStatus.OPEN]
    return min(open_ones, key=lambda d: (d.due_at, d.timer_id)) if open_ones else None
