"""The per-round walk of the deadline engine (`core.deadlines.compute_from_history`): for one case, each timer's
rounds from its event log — where each starts and ends (a date window's or the order's campaign's duration,
working days), what meets it before the next round, what the platform records by itself when it runs out
(`RoundWalk.automatic`), and the `ComputedDeadline` of every round (`RoundWalk.rounds`). Pure and clock-free."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta

from desktop_app.core.clock import CHINA
from desktop_app.core.deadline_results import AUTO_MARK, ComputedDeadline, DeadlineStatus, History
from desktop_app.core.rule_pack_model import (
    Campaign,
    DateOnlyStart,
    Duration,
    OverrideWindow,
    Rounds,
    RulePack,
    TimerRule,
)
from desktop_app.core.working_days import WorkdayCalendar

_OPEN = DeadlineStatus.OPEN
_MET = DeadlineStatus.MET
_MISSED = DeadlineStatus.MISSED
_NEXT_DAY = DateOnlyStart.NEXT_DAY
_REQUESTED = "requested"
_FIRST = Rounds.FIRST
_ONE_DAY = timedelta(days=1)
_MIDNIGHT = time(0, 0)
_NO_RESTARTS: Mapping[str, Sequence[tuple[datetime, bool]]] = {}  # shared, never changed: replaced when used


def date_only_start(timer: TimerRule, at: datetime) -> datetime:
    """A round started by a milestone given by its day only starts at 00:00 of that day, or of the next day with
    `date_only_start = "next_day"` (the 7 days after a date-only signing)."""
    day = at.astimezone(CHINA).date()
    if timer.date_only_start is _NEXT_DAY:
        day += _ONE_DAY
    return datetime.combine(day, _MIDNIGHT, tzinfo=CHINA).astimezone(UTC)


class RoundWalk:
    """One case's evaluation: the pieces every timer's rounds share."""

    def __init__(self, pack: RulePack, kind: str, history: History, closings: list[datetime],
                 closed_at: datetime | None, case_open: bool, calendar: WorkdayCalendar | None,
                 paid_fen: int | None, campaign: Campaign | None) -> None:
        self.pack, self.kind, self.history = pack, kind, history
        self.closings, self.closed_at, self.case_open = closings, closed_at, case_open
        self.calendar = calendar
        self.paid_fen = paid_fen
        self.campaign = campaign
        # Starts that replace a milestone's occurrences as a timer's start (the request after a change
        # of kind); the milestone itself still meets timers and keys windows as it happened.
        self.restarts: Mapping[str, Sequence[tuple[datetime, bool]]] = _NO_RESTARTS
        # The buyer's requests made again after a refusal (`_rerequests`, UTC): a new round even of a
        # timer that counts only the first request (a 抖店 answer's 48 h).
        self.rerequests: frozenset[datetime] = frozenset()
        # The payments to the buyer a change of kind kept (`deadlines._kept_answers`), and when the change was: they
        # meet the restarted round of the timers they answer at the change.
        self.kept: frozenset[str] = frozenset()
        self.kept_at: datetime | None = None

    def campaign_label(self, timer: TimerRule) -> str | None:
        """"（聚划算7天）" when the order's campaign changes this timer's duration."""
        campaign = self.campaign
        if campaign is None or timer.id not in campaign.durations:
            return None
        if campaign.kinds and self.kind not in campaign.kinds:
            return None
        return f"（{campaign.name}{campaign.durations[timer.id].label}）"

    def due(self, timer: TimerRule, history: History, event_at: datetime, date_only: bool,
            next_at: datetime | None) -> tuple[datetime, datetime, bool, OverrideWindow | None]:
        """(starts_at, due_at, estimated, window) of the round started at `event_at`.

        A window keyed to an event that comes after the round's start counts only if that event comes
        by the due the round had without it: a round that had run out stays run out (the platform had
        acted), so a refusal inside 2020's window never lengthens the 10 days to confirm a return that
        ran out before it (seed 002 keys the window to what happens "期间", inside it)."""
        starts_at = date_only_start(timer, event_at) if date_only else event_at
        keyed = self.pack.window_keys(timer)
        keys: dict[str, list[datetime]] = {}
        if keyed:
            # A change of kind is a request too ("期間申請/修改…的"): it keys the windows a request keys.
            restarts = self.restarts
            keys = {name: [t for t in (o[0].astimezone(UTC) for o in (*history.get(name, ()), *restarts.get(name, ())))
                           if next_at is None or t < next_at] for name in keyed}
        base = None if self.campaign is None else self.pack.campaign_duration(timer, self.kind, self.campaign)
        if any(t > event_at for times in keys.values() for t in times):
            early = {name: [t for t in times if t <= event_at] for name, times in keys.items()}
            before, _ = self._ends(starts_at, *self.pack.duration_for(timer, event_at, self.kind, early, base))
            keys = {name: [t for t in times if t <= before] for name, times in keys.items()}
        duration, window = self.pack.duration_for(timer, event_at, self.kind, keys, base)
        if window is not None and window.estimated and duration == base:
            # The order's campaign gives the same span whatever the window (a 聚划算 order paid in 双11: 7 days
            # either way, seed 002 "聚劃算7天內發貨"): a window guessed for this year decides nothing, so the due is
            # no estimate and the campaign names it.
            window = None
        due_at, estimated = self._ends(starts_at, duration, window)
        return starts_at, due_at, estimated, window

    def _ends(self, starts_at: datetime, duration: Duration, window: OverrideWindow | None) -> tuple[datetime, bool]:
        """(due_at, estimated) of `duration` from `starts_at`."""
        delta = duration.delta
        if delta is not None:
            # A yearly window carried into a year nobody has entered yet: its dates are a guess.
            return starts_at + delta, window is not None and window.estimated
        if self.calendar is None:
            self.calendar = WorkdayCalendar()
        result = self.calendar.add_working_days(starts_at, duration.amount)
        return result.at.astimezone(UTC), result.estimated or (window is not None and window.estimated)

    def _starts(self, timer: TimerRule, history: History) -> Sequence[tuple[datetime, bool]]:
        starts = self.restarts.get(timer.starts_from) or history.get(timer.starts_from) or ()
        if timer.rounds is not _FIRST:
            return starts
        again = self.rerequests
        if again and timer.starts_from == _REQUESTED:
            return [*starts[:1], *(s for s in starts[1:] if s[0].astimezone(UTC) in again)]
        return starts[:1]

    def _met_times(self, timer: TimerRule, history: History) -> list[tuple[datetime, bool]]:
        """Every occurrence of what meets `timer` (UTC), in time order, with the change of kind where it kept a
        payment that answers the request this timer restarts from."""
        met = [(at.astimezone(UTC), day) for name in timer.met_by for at, day in history.get(name, ())]
        kept_at = self.kept_at
        if kept_at is not None and timer.starts_from in self.restarts and not self.kept.isdisjoint(timer.met_by):
            met.append((kept_at, False))
        met.sort()
        return met

    def automatic(self, timer: TimerRule, history: History) -> tuple[History, set[datetime]]:
        """`history` with the milestone the platform records when `timer` runs out unmet, and the
        automatic times the shop has not recorded yet."""
        name = timer.auto_records
        assert name is not None
        starts = self._starts(timer, history)
        if not starts:
            return history, set()
        met_times = self._met_times(timer, history)
        occurrences = [(at.astimezone(UTC), date_only) for at, date_only in history.get(name, ())]
        marks: set[datetime] = set()
        last = len(starts) - 1
        changed = False
        for index, (at, date_only) in enumerate(starts):
            event_at = at.astimezone(UTC)
            next_at = starts[index + 1][0].astimezone(UTC) if index < last else None
            _, due_at, _, _ = self.due(timer, history, event_at, date_only, next_at)
            if next_at is not None and next_at <= due_at:
                continue
            exact = exact_due(timer, date_only)
            if any((m := met_in(t, day, event_at)) is not None and in_time(m, day, due_at, exact)
                   for t, day in met_times):
                continue  # answered in time
            if (next_at is not None or not self.case_open) and any(event_at <= t <= due_at for t in self.closings):
                continue  # closed before it ran out
            # A case open again after a closing keeps the request's clocks (`rounds` reads its last round as
            # running through the closing): the platform acted when the shop's answer ran out, and the next
            # clock follows, where the answer was shown settled by the platform with nothing after it.
            # The shop's first record of the same milestone after the automatic one is that one.
            recorded = next((i for i, (t, day) in enumerate(occurrences)
                             if not in_time(t, day, due_at, exact) and (next_at is None or t < next_at)), None)
            if recorded is not None:
                del occurrences[recorded]
            else:
                marks.add(due_at)
            occurrences.append((due_at, False))
            changed = True
        if not changed:
            return history, marks
        occurrences.sort(key=first_time)
        return {**history, name: occurrences}, marks

    def rounds(self, timer: TimerRule, history: History, automatic: Mapping[str, set[datetime]],
               results: list[ComputedDeadline]) -> None:
        starts = self._starts(timer, history)
        if not starts:
            return
        closed_at, closings = self.closed_at, self.closings
        met_times = self._met_times(timer, history)
        # What the platform will do by itself (not recorded yet) meets this timer only if it comes in
        # time: one after this timer's due must not mark it missed before it has even run out (a
        # 天猫 refund the platform makes on day 5 and the 72 h after which the buyer may escalate).
        pending = {t for name in timer.met_by for t in automatic.get(name, ())}
        unrecorded = automatic.get(timer.starts_from, ())
        last = len(starts) - 1
        for index, (at, date_only) in enumerate(starts):
            event_at = at.astimezone(UTC)
            next_at = starts[index + 1][0].astimezone(UTC) if index < last else None
            if closed_at is not None and event_at > closed_at:
                continue  # it would start only after the case was closed: it never ran
            starts_at, due_at, estimated, window = self.due(timer, history, event_at, date_only, next_at)
            exact = exact_due(timer, date_only)
            met = next(((m, day) for t, day in met_times if (m := met_in(t, day, event_at)) is not None
                        and (next_at is None or m < next_at) and (in_time(m, day, due_at, exact) or t not in pending)),
                       None)
            met_at, by_day = met if met is not None else (None, False)
            if next_at is not None and met_at is None:
                # Interrupted by a new round: settled by a closing in between, else missed or void.
                met_at = next((t for t in closings if event_at <= t < next_at), None)
                if met_at is None:
                    if next_at <= due_at:
                        continue  # the new round started before this one ran out
                    status = _MISSED
                else:
                    status = _MET if met_at <= due_at else _MISSED
            elif met_at is None:
                if self.case_open:
                    status = _OPEN
                    # Ended late by what the platform does by itself: still open (and overdue) until
                    # then, settled from then on (`settled_by_platform`), never "missed" in advance. One
                    # the platform settles itself at its due needs no later end.
                    if timer.auto_records is None:
                        met_at = next((t for t, _ in met_times if t > due_at and t >= event_at and t in pending),
                                      None)
                else:
                    met_at = closed_at
                    # Closed without a recorded closing time: nothing says it ran out, count it met.
                    status = _MET if met_at is None or met_at <= due_at else _MISSED
            else:
                status = _MET if in_time(met_at, by_day, due_at, exact) else _MISSED
            timer_id = timer.id if next_at is None else f"{timer.id}@{index + 1}"
            if window is not None:
                # The name's own figure ("（5天）") is not the one that applies: say which does (a
                # window wins over the order's campaign). Nor is its estimate: the window's figure is the
                # platform's announcement (seed 002 "商家應在消費者申請後15日內給出審核結果"), so the name says no
                # （时长为估计）; a window carried into a year without its own says （估算） in its name.
                name = f"{timer.name}（{window.name}：{window.durations[timer.id].label}）"
            elif self.campaign is not None:
                name = f"{timer.display_name}{self.campaign_label(timer) or ''}"
            else:
                name = timer.display_name
            if event_at in unrecorded:
                name = f"{name}{AUTO_MARK}"
            amount = timer.penalty_amount
            if amount is not None and status is not _MET:
                name += amount.unknown(self.paid_fen) or ""
            results.append(ComputedDeadline(
                timer_id, name, starts_at, due_at, timer.on_expiry, status, met_at, estimated,
                timer.penalty, window.id if window is not None else None,
                amount.of(self.paid_fen) if amount is not None and status is not _MET else None,
                timer.automatic,
            ))


def same_day(date_only_at: datetime, moment: datetime) -> bool:
    """Whether a time given by its day only (00:00 China time of it) is the China day of `moment`."""
    return date_only_at.astimezone(CHINA).date() == moment.astimezone(CHINA).date()


def met_in(t: datetime, date_only: bool, event_at: datetime) -> datetime | None:
    """When an occurrence of a `met_by` milestone meets the round started at `event_at`: at its time when
    at or after the start; a step given by its day only (stored at 00:00) on the day the round started came
    after the start that day (a reship shipped on the day it was agreed), so at the start; else None (it
    belongs to an earlier round)."""
    if t >= event_at:
        return t
    if date_only and same_day(t, event_at):
        return event_at
    return None


def in_time(met_at: datetime, by_day: bool, due_at: datetime, exact_due: bool) -> bool:
    """Whether a step at `met_at` met a round due at `due_at` (inclusive). A step given by its day only is stored at
    00:00 of it: at a due that falls at 00:00 of that very day (the 7 days after a date-only signing end at 00:00
    of the eighth: seed 001 "确认签收商品之日起7天内"), the step came during the day, after the due, unless the due
    itself is only known to the day (`exact_due` false: a round started by its day only, at 00:00 of that day)."""
    if met_at != due_at:
        return met_at < due_at
    return not (by_day and exact_due)


def exact_due(timer: TimerRule, date_only: bool) -> bool:
    """Whether a round's due is the platform's to the second: false only for a round started by its day only and
    counted from 00:00 of that day (the real start was some time that day)."""
    return not date_only or timer.date_only_start is _NEXT_DAY


def first_time(item: tuple[datetime, bool]) -> datetime:
    return item[0]
