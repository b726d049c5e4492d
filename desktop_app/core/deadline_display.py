"""How a case's stored deadlines read at a moment — the clock's side of the deadline engine
(`core.deadlines`, which has no clock): which open timers the platform has settled by itself by now, the
下一个时限 a case shows (`case_next_due`) and stores for its column's sort (`stored_next_due`), and the
urgency colour and countdown text of an open deadline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

SOON = timedelta(hours=24)


class Urgency(StrEnum):
    OVERDUE = "overdue"  # red
    SOON = "soon"  # due within 24 h: orange
    LATER = "later"

    @property
    def label(self) -> str:
        return _URGENCY_LABELS[self]


_URGENCY_LABELS = {Urgency.OVERDUE: "已逾期", Urgency.SOON: "24小时内到期", Urgency.LATER: "未到期"}


def settled_by_platform(automatic: bool, due_at: datetime, now: datetime, ends_at: datetime | None = None) -> bool:
    """Whether an open timer has run out and the platform acted by itself: "平台已自动同意", no longer
    work and never overdue. The engine keeps it open (it has no clock: stored rows never go stale);
    the clock it chains to runs from `due_at` (`AUTO_MARK`). `ends_at` (an open row's `met_at`): the
    platform's later action that ends a timer it does not settle itself (淘宝's 72 h after which the
    buyer may escalate, ended by the refund the platform makes on day 5)."""
    return (automatic and due_at <= now) or (ends_at is not None and ends_at <= now)


class OpenTimer(NamedTuple):
    """An open deadline of a case as its 下一个时限 reads it (the store gives a case's in due order)."""

    due_at: datetime
    name: str
    automatic: bool
    ends_at: datetime | None  # the open row's `met_at`: a later platform action ends it
    estimated: bool = False  # working days of a year without an official schedule: shown 估算


class ShownDue(NamedTuple):
    """A case's 下一个时限 at a moment (`case_next_due`)."""

    timer: OpenTimer | None  # the deadline shown: its earliest one still work
    then: OpenTimer | None  # what follows when the platform settles `timer` by itself as it runs out
    acted: str | None  # nothing left to do: the name of the last timer the platform settled


def case_next_due(timers: Sequence[OpenTimer], now: datetime) -> ShownDue:
    """The case's earliest open deadline that is still work at `now`, skipping those the platform has
    settled (抖店 agreed to the reship: the 48 h to ship show; 淘宝 refunded on day 5: the 72 h to
    answer are no longer overdue). The engine has no clock, so the case's stored `next_due_*` (the
    column's sort) is its earliest open one; what is shown is decided here, with the clock."""
    acted = None
    for index, timer in enumerate(timers):
        if settled_by_platform(timer.automatic, timer.due_at, now, timer.ends_at):
            acted = timer.name
            continue
        then = None
        if timer.automatic:
            then = next((t for t in timers[index + 1:]
                         if not settled_by_platform(t.automatic, t.due_at, timer.due_at, t.ends_at)), None)
        return ShownDue(timer, then, None)
    return ShownDue(None, None, acted)


def settles_at(timer: OpenTimer) -> datetime | None:
    """When the platform settles an open timer by itself (`settled_by_platform` from then on): an answer
    it gives itself at its due, one a later platform action ends at that action; None: never by itself."""
    if timer.automatic:
        return timer.due_at if timer.ends_at is None or timer.ends_at > timer.due_at else timer.ends_at
    return timer.ends_at


class StoredNextDue(NamedTuple):
    """What a case stores of its 下一个时限 (`cases.next_due_*`, `after_due_*`, `next_due_until`): the
    deadline the column shows and sorts by, until the platform settles it by itself (`until`)."""

    due_at: datetime | None
    name: str | None
    automatic: bool
    after_due_at: datetime | None  # with an automatic one: the first open one after it the shop must meet
    after_name: str | None
    until: datetime | None  # from then on the stored values are out of date: read again with the clock


def stored_next_due(timers: Sequence[OpenTimer], now: datetime | None) -> StoredNextDue:
    """A case's stored 下一个时限 from its open timers (due order): the one `case_next_due` shows at `now`,
    and when the platform settles it. The engine has no clock (`now` None: its earliest open one, what a
    recompute writes); the column's sort needs one, so a case whose stored one the platform has settled
    by now is read again (`services.deadlines.refresh_next_dues`): it sorts where its cell says, after
    the cases still to do when nothing is left (it sorted as overdue at the top)."""
    for index, timer in enumerate(timers):
        if now is not None and settled_by_platform(timer.automatic, timer.due_at, now, timer.ends_at):
            continue
        after = None
        if timer.automatic:
            after = next((t for t in timers[index:] if not t.automatic and (
                now is None or not settled_by_platform(False, t.due_at, now, t.ends_at))), None)
        return StoredNextDue(timer.due_at, timer.name, timer.automatic, None if after is None else after.due_at,
                             None if after is None else after.name, settles_at(timer))
    return StoredNextDue(None, None, False, None, None, None)


def urgency(due_at: datetime, now: datetime) -> Urgency:
    """Overdue, due within 24 hours, or later — for colouring open deadlines."""
    if due_at <= now:
        return Urgency.OVERDUE
    if due_at - now < SOON:
        return Urgency.SOON
    return Urgency.LATER


def format_remaining(due_at: datetime, now: datetime) -> str:
    """'剩2天3小时' / '剩45分钟' / '剩不到1分钟' / '已逾期5小时' for a countdown column."""
    delta = due_at - now
    overdue = delta.total_seconds() < 0
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        text = f"{days}天{hours}小时" if hours else f"{days}天"
    elif hours:
        text = f"{hours}小时{mins}分钟" if mins else f"{hours}小时"
    elif mins:
        text = f"{mins}分钟"
    else:  # the last (or first) seconds: "剩0分钟" read as already run out
        text = "不到1分钟"
    return f"已逾期{text}" if overdue else f"剩{text}"
