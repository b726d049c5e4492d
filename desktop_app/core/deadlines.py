"""The deadline engine: a case's milestones + its platform's rule pack → its running timers.

Pure and clock-free: the same events and pack always give the same deadlines, so stored rows never
go stale as time passes and only need recomputing when an event is recorded or a pack changes.

For each timer of the pack that applies to the case's kind and reason and whose starting milestone
has happened:
- starts_at: the milestone's time; for a date-only milestone 00:00 of that day, or of the next day
  when the timer says `date_only_start = "next_day"` (the 7-day no-reason rule);
- due_at: starts_at + the duration (hours, calendar days or working days), where the duration
  comes from a date window of the pack when the event the window is keyed to (the request, by
  default) falls inside one;
- met_at: the earliest `met_by` milestone at or after the starting event and before the next
  round (an older one belongs to an earlier round of the case). A closed case has met every timer
  that was still running, at its closing time; timers that would start only after the closure are
  not produced.

Status (decided here, shown by the CLI and the UI):
- `met`: met at or before due_at;
- `missed`: met (or closed) after due_at — the consequence has already happened;
- `open`: not met and the case is open, *including overdue ones*. An overdue timer is still work
  to do (a late reship must still be shipped; the 3-yuan compensation does not cancel the reship),
  so it stays in the open list and the 下一个时限 column, shown red through `deadline_display.urgency`. An open
  timer with a `met_at` is one the platform's own later action ends (its refund or agreement when
  the shop's answer runs out, after this timer's due): overdue until then, no work from then on
  (`deadline_display.settled_by_platform`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from hashlib import blake2b
from marshal import dumps as _marshal
from typing import Any, NamedTuple

from desktop_app.core.clock import CHINA
from desktop_app.core.rule_pack_model import (
    CLOSING_MILESTONES,
    KIND_CHANGED,
    Campaign,
    DateOnlyStart,
    Duration,
    OverrideWindow,
    Rounds,
    RulePack,
    TimerRule,
)
from desktop_app.core.working_days import WorkdayCalendar

# name → (aware time, date_only). `clock.Moment` converts as (m.at, m.date_only).
Milestones = Mapping[str, tuple[datetime, bool]]
# name → every occurrence, in time order (the case's event log).
History = Mapping[str, Sequence[tuple[datetime, bool]]]

# After the name of a clock started by the platform's automatic agreement, until the shop records it
# ("counted from the platform's automatic agreement": true before the answer runs out and after).
AUTO_MARK = "（按平台自动同意起算）"
# The common round's shorter way in `compute_from_history` (a test turns it off to check both ways agree).
SHORT_WAY = True


class DeadlineStatus(StrEnum):
    OPEN = "open"
    MET = "met"
    MISSED = "missed"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {DeadlineStatus.OPEN: "进行中", DeadlineStatus.MET: "已完成", DeadlineStatus.MISSED: "已超时"}


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
    # Money at stake (open) or lost (missed) by the timer's `penalty_amount`, in fen; None when met,
    # when the timer names no amount, or when it is a share of an order amount nobody imported.
    penalty_fen: int | None = None
    # The platform acts by itself when it runs out unmet (`auto_records`: 抖店 agrees to the reship):
    # an open one past its due is then settled by the platform, not overdue (`deadline_display.settled_by_platform`).
    automatic: bool = False


_OPEN = DeadlineStatus.OPEN
_MET = DeadlineStatus.MET
_MISSED = DeadlineStatus.MISSED
_NEXT_DAY = DateOnlyStart.NEXT_DAY
_REQUESTED = "requested"
_FIRST = Rounds.FIRST
_ONE_DAY = timedelta(days=1)
_MIDNIGHT = time(0, 0)
_NO_RESTARTS: Mapping[str, Sequence[tuple[datetime, bool]]] = {}  # shared, never changed: replaced when used


def _date_only_start(timer: TimerRule, at: datetime) -> datetime:
    day = at.astimezone(CHINA).date()
    if timer.date_only_start is _NEXT_DAY:
        day += _ONE_DAY
    return datetime.combine(day, _MIDNIGHT, tzinfo=CHINA).astimezone(UTC)


def compute_from_history(
    pack: RulePack,
    *,
    kind: str,
    reason: str | None,
    case_open: bool,
    history: History,
    calendar: WorkdayCalendar | None = None,
    paid_fen: int | None = None,
    campaign: str | None = None,
) -> list[ComputedDeadline]:
    """The case's deadlines from its event log, sorted by due time then timer id.

    `history`: milestone → its occurrences in time order. Each occurrence of a timer's starting event
    starts a round (only the first with `rounds = "first"`); a round is met by the first `met_by`
    event at or after its start and before the next round starts. A round the next one interrupted
    before it ran out never ran out and is not shown; one that had run out stays `missed`, so agreeing
    again after an escalation never turns a late answer into an on-time one, nor the reverse. The last
    round keeps the timer's id; earlier ones are `<id>@<n>`.

    `campaign`: the order's campaign (`orders.campaign`, "juhuasuan" for 聚划算); a campaign of the pack
    gives its timers their campaign duration (date windows still apply on top) and its name after the
    timer's ("发货时效（付款后72小时）（聚划算7天）").

    Automatic platform actions are chained: a timer with `auto_records` (抖店 agrees to a reship by
    itself after 48 h, Taobao to a 7-day return after 72 h) that was not met in time records that
    milestone at its due time, so the next clock (48 h to ship, the buyer's 7 days) starts from the
    automatic agreement; its name says so (`AUTO_MARK`) until the shop records the agreement, and
    the shop's later record does not restart it. The chained clock exists from the start (the engine
    has no clock, so stored rows never go stale): while the answer is still possible it shows what
    follows if the shop lets it run out.

    Times come back in UTC (aware), whatever zone the milestones were given in: one zone makes the
    comparisons cheap when 100,000 cases are recomputed; show them with `clock.as_china`.
    """
    plans, has_automatic = pack.plan(kind, reason)
    if not plans:
        return []
    rerequests = _rerequests(history)
    if rerequests:
        history = {**history, "requested": sorted([*history.get("requested", ()), *rerequests], key=_first)}
    closings: list[datetime] = []
    for name in CLOSING_MILESTONES:
        occurrences = history.get(name)
        if occurrences:
            closings.extend(at.astimezone(UTC) for at, _ in occurrences)
    if len(closings) > 1:
        closings.sort()
    closed_at: datetime | None = closings[-1] if closings and not case_open else None
    if closed_at is not None:
        closed_at = _closing_in_order(history, closed_at)
    engine = _Engine(pack, kind, history, closings, closed_at, case_open, calendar, paid_fen,
                     pack.campaign(campaign))
    engine.rerequests = frozenset(at.astimezone(UTC) for at, _ in rerequests)
    changes = history.get(KIND_CHANGED)
    if changes:
        # The kind was changed (the buyer turned a return into refund-only, a reship out of stock became
        # a refund): the request of the present kind is the last change, seed 002's "申請/修改" (a
        # modification counts as a request). The timers that answer a request run from it, not from
        # the request of the kind it was: 抖店's 48 h had "refunded by itself" a reship request days
        # before it became refund-only. What a request meets (the 7 days to ask) keeps the first one.
        last = max(at.astimezone(UTC) for at, _ in changes)
        engine.restarts = {"requested": [(last, False), *(
            (at, date_only) for at, date_only in history.get("requested", ()) if at.astimezone(UTC) > last)]}
    automatic: dict[str, set[datetime]] = {}
    chained = history
    if has_automatic:
        for plan in plans:
            timer = plan.timer
            # `chained`: an automatic action may start from another one (抖店 agrees to the reship by
            # itself, then refunds in full when it is not shipped in time).
            if timer.auto_records is not None and timer.starts_from in chained:
                chained, marks = engine.automatic(timer, chained)
                automatic.setdefault(timer.auto_records, set()).update(marks)
    # The common round takes a shorter way, giving what `_Engine.rounds` gives: a single round (no
    # restart), no campaign, a fixed span no window can change, and no automatic action in play for
    # this timer: none of the milestones it reads (its start, what meets it, what its windows are keyed
    # to) has an occurrence an automatic action added (`automatic` gives `chained` a new list for those).
    simple = SHORT_WAY and engine.campaign is None and not rerequests
    chained_names = () if chained is history else [
        name for name, occurrences in chained.items() if occurrences is not history.get(name)]
    results: list[ComputedDeadline] = []
    for plan in plans:
        starts = engine.restarts.get(plan.starts_from) or chained.get(plan.starts_from)
        if not starts:
            continue  # not started (the common case: most timers of a case never start)
        delta = plan.delta
        if (simple and delta is not None and (len(starts) == 1 or plan.first_only)
                and not any(name == plan.starts_from or name in plan.met_by or name in plan.keyed
                            for name in chained_names)):
            at, date_only = starts[0]
            event_at = at.astimezone(UTC)
            if closed_at is not None and event_at > closed_at:
                continue  # it would start only after the case was closed: it never ran
            if plan.spans is None or pack.outside_windows(
                    plan.timer, _moments(event_at, plan.keyed, history, engine.restarts)):
                starts_at = _date_only_start(plan.timer, event_at) if date_only else event_at
                due_at = starts_at + delta
                met_at = None
                for name in plan.met_by:
                    for t, day in history.get(name, ()):
                        t = t.astimezone(UTC)
                        if t < event_at and day and _same_day(t, event_at):
                            t = event_at  # given by its day only, the day the round started: after the start
                        if t >= event_at and (met_at is None or t < met_at):
                            met_at = t
                if met_at is None:
                    if case_open:
                        status = _OPEN
                    else:
                        met_at = closed_at
                        status = _MET if met_at is None or met_at <= due_at else _MISSED
                else:
                    status = _MET if met_at <= due_at else _MISSED
                amount = plan.penalty_amount
                results.append(ComputedDeadline(
                    plan.timer.id, plan.name, starts_at, due_at, plan.on_expiry, status, met_at, False,
                    plan.penalty, None, amount.of(paid_fen) if amount is not None and status is not _MET else None,
                    plan.automatic,
                ))
                continue
        timer = plan.timer
        # The automatic timer itself is judged by what the shop did, not by what it sets off; it may start
        # from another one's (the refund clock of a reship 抖店 agreed to by itself), and another one's
        # action in time answers it: 天猫 agrees to a 7-day return by itself at 72 h (seed 001), so its 5
        # days to answer the refund request (seed 002) are met then, not "refunded by itself" on day 5.
        judged = chained
        if timer.auto_records is not None:
            judged = history
            if chained is not history:
                others = [name for name in (timer.starts_from, *timer.met_by)
                          if name != timer.auto_records and name in chained]
                if others:
                    judged = {**history, **{name: chained[name] for name in others}}
        engine.rounds(timer, judged, automatic, results)
    if len(results) > 1:
        results.sort(key=_order)
    return results


class _Engine:
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
        starts_at = _date_only_start(timer, event_at) if date_only else event_at
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

    def automatic(self, timer: TimerRule, history: History) -> tuple[History, set[datetime]]:
        """`history` with the milestone the platform records when `timer` runs out unmet, and the
        automatic times the shop has not recorded yet."""
        name = timer.auto_records
        assert name is not None
        starts = self._starts(timer, history)
        if not starts:
            return history, set()
        met_times = sorted((at.astimezone(UTC), day) for m in timer.met_by for at, day in history.get(m, ()))
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
            if any((m := _met_in(t, day, event_at)) is not None and m <= due_at for t, day in met_times):
                continue  # answered in time
            if (next_at is not None or not self.case_open) and any(event_at <= t <= due_at for t in self.closings):
                continue  # closed before it ran out
            # A case open again after a closing keeps the request's clocks (`rounds` reads its last round as
            # running through the closing): the platform acted when the shop's answer ran out, and the next
            # clock follows, where the answer was shown settled by the platform with nothing after it.
            # The shop's first record of the same milestone after the automatic one is that one.
            recorded = next((i for i, (t, _) in enumerate(occurrences)
                             if t > due_at and (next_at is None or t < next_at)), None)
            if recorded is not None:
                del occurrences[recorded]
            else:
                marks.add(due_at)
            occurrences.append((due_at, False))
            changed = True
        if not changed:
            return history, marks
        occurrences.sort(key=_first)
        return {**history, name: occurrences}, marks

    def rounds(self, timer: TimerRule, history: History, automatic: Mapping[str, set[datetime]],
               results: list[ComputedDeadline]) -> None:
        starts = self._starts(timer, history)
        if not starts:
            return
        closed_at, closings = self.closed_at, self.closings
        met_times = sorted((at.astimezone(UTC), day) for name in timer.met_by for at, day in history.get(name, ()))
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
            met_at = next((m for t, day in met_times if (m := _met_in(t, day, event_at)) is not None
                           and (next_at is None or m < next_at) and (m <= due_at or t not in pending)), None)
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
                status = _MET if met_at <= due_at else _MISSED
            timer_id = timer.id if next_at is None else f"{timer.id}@{index + 1}"
            name = timer.display_name
            if window is not None:
                # The name's own figure ("（5天）") is not the one that applies: say which does (a
                # window wins over the order's campaign).
                name = f"{name}（{window.name}：{window.durations[timer.id].label}）"
            elif self.campaign is not None:
                name = f"{name}{self.campaign_label(timer) or ''}"
            if event_at in unrecorded:
                name = f"{name}{AUTO_MARK}"
            amount = timer.penalty_amount
            results.append(ComputedDeadline(
                timer_id, name, starts_at, due_at, timer.on_expiry, status, met_at, estimated,
                timer.penalty, window.id if window is not None else None,
                amount.of(self.paid_fen) if amount is not None and status is not _MET else None,
                timer.automatic,
            ))


def _rerequests(history: History) -> list[tuple[datetime, bool]]:
    """The times the buyer asked again after the shop's refusal: a `reopened` whose last closing before
    it is `rejected`. Seed 002: after the refusal the buyer may 「修改退款申请」, and a modification is a
    request ("申請/修改退款的"); seed 004: refused, "用户可在48小时内修改申请". The shop's answer
    timers run again from it, and the platform acts again when they run out."""
    reopened = history.get("reopened")
    refused = history.get("rejected")
    if not reopened or not refused:
        return []
    closings = sorted((at.astimezone(UTC), name) for name in CLOSING_MILESTONES for at, _ in history.get(name, ()))
    found: list[tuple[datetime, bool]] = []
    for at, date_only in reopened:
        moment = at.astimezone(UTC)
        before = [name for t, name in closings if t <= moment]
        if before and before[-1] == "rejected":
            found.append((at, date_only))
    return found


_STATUS_CODES = {_OPEN: 0, _MET: 1, _MISSED: 2}


def deadline_digest(deadlines: Sequence[ComputedDeadline]) -> int:
    """A 64-bit digest (signed, as SQL's BIGINT holds it) of what the store keeps of these deadlines:
    the timer, fields 1..7, the amount and whether the platform acts by itself, in order. The same
    deadlines give the same digest in every process and on every platform (no per-process string
    hashing); different ones a different digest but for a chance of 2**-64. Stored on the case with
    its rows, so a recompute that computes the same digest knows the rows, `next_due_*`,
    `after_due_*` and timer counts are what it would write."""
    codes = _STATUS_CODES
    payload: list[Any] = [(d[0], d[1], d[2].timestamp(), d[3].timestamp(), d[4], codes[d[5]],
                           None if d[6] is None else d[6].timestamp(), d[7], d[10]) for d in deadlines]
    # Which are `automatic`, only where any is: the digests of cases without such a timer stay what
    # they were (no rewrite of those at the first start after the upgrade).
    automatic = [i for i, d in enumerate(deadlines) if d[11]]
    if automatic:
        payload.append(automatic)
    return int.from_bytes(blake2b(_marshal(payload, 4), digest_size=8).digest(), "big", signed=True)


def _moments(event_at: datetime, keyed: frozenset[str], history: History,
             restarts: Mapping[str, Sequence[tuple[datetime, bool]]]) -> list[datetime]:
    """A round's start and every occurrence of the milestones its windows are keyed to (UTC), a change
    of kind among the requests: a superset of the times `_Engine.due` tests, for `RulePack.outside_windows`."""
    moments = [event_at]
    for name in keyed:
        for occurrences in (history.get(name), restarts.get(name)):
            if occurrences:
                moments.extend(at.astimezone(UTC) for at, _ in occurrences)
    return moments


def _closing_in_order(history: History, closed_at: datetime) -> datetime:
    """The case's final closing, and when it is given by its day only (stored at 00:00), the last step of that
    day before it: the steps are recorded in order (`services.case_writes.check_in_order`), so a reship completed
    on the day it was agreed at 10:00 closed after 10:00; at 00:00 the 48 h to ship, started at 10:00, "never
    ran" and left the case's history."""
    if not any(date_only and at.astimezone(UTC) == closed_at
               for name in CLOSING_MILESTONES for at, date_only in history.get(name, ())):
        return closed_at
    later = [t for occurrences in history.values() for at, _ in occurrences
             if (t := at.astimezone(UTC)) > closed_at and _same_day(closed_at, t)]
    return max(later, default=closed_at)


def _same_day(date_only_at: datetime, moment: datetime) -> bool:
    """Whether a time given by its day only (00:00 China time of it) is the China day of `moment`."""
    return date_only_at.astimezone(CHINA).date() == moment.astimezone(CHINA).date()


def _met_in(t: datetime, date_only: bool, event_at: datetime) -> datetime | None:
    """When an occurrence of a `met_by` milestone meets the round started at `event_at`: at its time when
    at or after the start; a step given by its day only (stored at 00:00) on the day the round started came
    after the start that day (a reship shipped on the day it was agreed), so at the start; else None (it
    belongs to an earlier round)."""
    if t >= event_at:
        return t
    if date_only and _same_day(t, event_at):
        return event_at
    return None


def _first(item: tuple[datetime, bool]) -> datetime:
    return item[0]


def _order(deadline: ComputedDeadline) -> tuple[datetime, str]:
    return deadline.due_at, deadline.timer_id
