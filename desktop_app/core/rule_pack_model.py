"""The rule packs' data: timers, date windows and the pack they make (see `rule_packs` for the
file format, loading and validation). Pure data and lookups, no files."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from desktop_app.core.clock import CHINA

# Event names a timer may start from or be met by: the order's own times and the case's milestones
# (desktop_app.core.lifecycle writes the latter into AuditEvent.milestone).
ORDER_MILESTONES: frozenset[str] = frozenset({"paid", "shipped", "signed", "trade_succeeded"})
CASE_MILESTONES: frozenset[str] = frozenset({
    "requested", "signed", "return_agreed", "return_shipped", "return_received", "refunded",
    "reship_agreed", "reship_shipped", "exchange_shipped", "repair_started", "repair_shipped",
    "compensated", "escalated", "resumed", "completed", "rejected", "closed", "reopened",
    "trade_succeeded", "handling_started", "evidence_submitted", "buyer_evidence",
})
MILESTONES: frozenset[str] = ORDER_MILESTONES | CASE_MILESTONES

# The case's kind was changed (services.case_kind): the request of its present kind. Not a milestone a
# rule names; the engine starts the timers that answer a request from the last one (`compute_from_history`).
KIND_CHANGED = "kind_changed"

# What a timer's `refusal_records` may name: the platform steps in as soon as the shop refuses.
REFUSAL_MILESTONE = "escalated"

# A closed case no longer needs any timer: the engine treats its closure as meeting them all.
CLOSING_MILESTONES: tuple[str, ...] = ("completed", "rejected", "closed")

# What a window is keyed to when it does not say: the buyer's request ("期间申请/修改退换货的").
DEFAULT_KEYED_TO: tuple[str, ...] = ("requested",)
# Shown after the name of a timer whose figure is not in the platform's published rules we have.
ASSUMED_MARK = "（时长为估计）"
# After the name of a yearly window carried into a year without its own dates (2027年双11发货时效（估算）).
WINDOW_ESTIMATE = "（估算）"
# After the name of a deadline whose penalty is a share of the order's paid amount when the order was not imported
# (淘宝's late shipment: 5 %, at most 30 元): money is at stake though its amount is unknown.
PENALTY_UNKNOWN = "（赔付金额未知"
# How long before an announced event's (春节) earliest window the shop is reminded to add that year's:
# the platforms announce their holiday rules a few weeks ahead.
ANNOUNCED_LEAD = timedelta(days=60)


class DurationUnit(StrEnum):
    HOURS = "hours"
    DAYS = "days"
    WORKING_DAYS = "working_days"


_UNIT_LABEL = {DurationUnit.HOURS: "小时", DurationUnit.DAYS: "天", DurationUnit.WORKING_DAYS: "个工作日"}


class Rounds(StrEnum):
    EACH = "each"  # every occurrence of the starting event starts a new round (agree again → new clock)
    FIRST = "first"  # only the first occurrence counts (a 7-day window from signing never restarts)


class DateOnlyStart(StrEnum):
    DAY_START = "day_start"  # a date-only start counts from 00:00 of that day (earliest; safe)
    NEXT_DAY = "next_day"  # from 00:00 of the next day (the 7-day no-reason rule)


@dataclass(frozen=True, slots=True)
class Duration:
    amount: int
    unit: DurationUnit
    # Hours and calendar days as a ready timedelta: building one per deadline is measurable when
    # 100,000 cases are recomputed. None for working days (they need the holiday calendar).
    delta: timedelta | None = field(default=None, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.unit is DurationUnit.HOURS:
            object.__setattr__(self, "delta", timedelta(hours=self.amount))
        elif self.unit is DurationUnit.DAYS:
            # China has had no daylight saving since 1991: a calendar day is 24 hours.
            object.__setattr__(self, "delta", timedelta(days=self.amount))

    @property
    def label(self) -> str:
        return f"{self.amount}{self.unit_label}"

    @property
    def unit_label(self) -> str:
        """小时 / 天 / 个工作日 (each translated alone in the window)."""
        return _UNIT_LABEL[self.unit]


@dataclass(frozen=True, slots=True)
class PenaltyAmount:
    """What missing the timer costs the shop: a fixed sum (抖店 3 元 per late reship) or a share of
    the order's paid amount with a cap (淘宝 late shipment: 5 %, at most 30 元). Integer fen."""

    fixed_fen: int | None = None
    percent: int | None = None
    max_fen: int | None = None

    def of(self, paid_fen: int | None) -> int | None:
        """The amount at stake for an order of `paid_fen`; None when it depends on an unknown amount."""
        if self.fixed_fen is not None:
            return self.fixed_fen
        if self.percent is None or paid_fen is None:
            return None
        share = (paid_fen * self.percent * 2 + 100) // 200  # half up, in whole fen
        return share if self.max_fen is None else min(share, self.max_fen)

    def unknown(self, paid_fen: int | None) -> str | None:
        """What a deadline's name adds when its amount is a share of a paid amount the ledger does not have (the
        order was not imported): that money is at stake, its amount unknown, and the cap (None: the amount is known)."""
        if self.fixed_fen is not None or self.percent is None or paid_fen is not None:
            return None
        cap = "" if self.max_fen is None else f"，最高{self.max_fen / 100:g}元"
        return f"{PENALTY_UNKNOWN}：订单未导入{cap}）"


@dataclass(frozen=True, slots=True)
class TimerRule:
    id: str
    name: str
    starts_from: str
    duration: Duration
    on_expiry: str
    kinds: frozenset[str]  # empty: every kind
    reasons: frozenset[str]  # empty: every reason
    except_reasons: frozenset[str]
    met_by: tuple[str, ...]
    penalty: str | None = None
    date_only_start: DateOnlyStart = DateOnlyStart.DAY_START
    note: str | None = None
    assumed: bool = False  # the figure is our assumption, not quoted from the platform's rules
    source: str | None = None  # where the figure comes from (a seed file, a rule page)
    quote: str | None = None  # the sentence of the source that says it
    rounds: Rounds = Rounds.EACH
    # The milestone the platform records by itself when this timer runs out unmet (抖店's automatic
    # agreement to a reship): the next clock starts from it.
    auto_records: str | None = None
    penalty_amount: PenaltyAmount | None = None
    # The milestone the platform records by itself the moment the shop refuses the request this timer answers
    # (抖店: a refused 一直未收到货 reship "直接进入仲裁流程", seed 004): only "escalated"; services.case_writes.
    refusal_records: str | None = None

    @property
    def automatic(self) -> bool:
        """The platform acts by itself when it runs out (`auto_records`): once run out it is settled,
        not overdue (`core.deadline_display.settled_by_platform`)."""
        return self.auto_records is not None

    @property
    def display_name(self) -> str:
        """The name shown on deadlines: an assumed figure says so."""
        return f"{self.name}{ASSUMED_MARK}" if self.assumed else self.name

    def applies_to(self, kind: str, reason: str | None) -> bool:
        if self.kinds and kind not in self.kinds:
            return False
        if self.reasons and reason not in self.reasons:
            return False
        return reason is None or reason not in self.except_reasons


@dataclass(frozen=True, slots=True)
class OverrideWindow:
    """Timers whose starting event falls in start..end (inclusive, China time) run longer."""

    id: str
    name: str
    start: datetime
    end: datetime
    durations: Mapping[str, Duration]
    note: str | None = None
    # The events whose time decides whether the window applies: any of them inside start..end.
    # "requested" by default (the seeds: "期间申请/修改退换货的"); "start" = the timer's own start.
    keyed_to: tuple[str, ...] = DEFAULT_KEYED_TO
    kinds: frozenset[str] = frozenset()  # case kinds it applies to; empty = every kind
    source: str | None = None
    quote: str | None = None
    event: str | None = None  # the recurring event it belongs to ("double11"), if any
    recurs_yearly: bool = False  # carried into every year without a window of its own for `event`
    estimated: bool = False  # a carried copy: its deadlines are marked 估算
    # recurs = "announced": the platform announces each year's window (春节: dates and figures differ
    # every year), so none is carried; the coming one without a window is pointed out instead.
    announced: bool = False

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment <= self.end


@dataclass(frozen=True, slots=True)
class Campaign:
    """A platform campaign an order can be sold in (聚划算): its orders' timers run longer, whenever
    they were paid. The order says which campaign (`orders.campaign`, set by the shop)."""

    id: str
    name: str
    durations: Mapping[str, Duration]
    note: str | None = None
    kinds: frozenset[str] = frozenset()  # case kinds it applies to; empty = every kind
    source: str | None = None
    quote: str | None = None


_NO_KEYS: frozenset[str] = frozenset()


class TimerPlan(NamedTuple):
    """What the engine reads of one applicable timer for every case, looked up once per pack, kind
    and reason (`RulePack.plan`)."""

    timer: TimerRule
    starts_from: str
    first_only: bool  # rounds = "first"
    met_by: tuple[str, ...]
    delta: timedelta | None  # the fixed span (hours, days); None for working days
    spans: tuple[list[datetime], list[datetime]] | None  # its windows' union (`outside_windows`)
    keyed: frozenset[str]  # what its windows are keyed to besides its start
    name: str  # display_name
    on_expiry: str
    penalty: str | None
    penalty_amount: PenaltyAmount | None
    automatic: bool  # TimerRule.automatic


@dataclass(frozen=True, slots=True)
class RulePack:
    id: str
    name: str
    revision: int
    timers: tuple[TimerRule, ...]
    overrides: tuple[OverrideWindow, ...]
    sources: tuple[Path, ...]  # the file and the files it extends, child first
    user_edited: bool  # the file (or one it extends) is the user's copy
    campaigns: tuple[Campaign, ...] = ()
    # Lookups the engine repeats for every case, prepared once per pack.
    _windows: dict[str, tuple[tuple[OverrideWindow, Duration, datetime, datetime], ...]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _window_keys: dict[str, frozenset[str]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _applicable: dict[tuple[str, str | None], tuple[TimerRule, ...]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _read: dict[tuple[str, str | None], frozenset[str]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    # Per timer, the union of its windows' spans (UTC) as sorted, disjoint (starts, ends).
    _spans: dict[str, tuple[list[datetime], list[datetime]]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _plans: dict[tuple[str, str | None], tuple[tuple[TimerPlan, ...], bool]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _met_by: dict[str, frozenset[str]] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        for timer in self.timers:
            # Window ends in UTC too: comparing datetimes of one tzinfo skips two utcoffset() calls.
            windows = tuple(
                (w, w.durations[timer.id], w.start.astimezone(UTC), w.end.astimezone(UTC))
                for w in self.overrides if timer.id in w.durations
            )
            if windows:
                self._windows[timer.id] = windows
                keys = frozenset(name for w, *_ in windows for name in w.keyed_to if name != "start")
                if keys:
                    self._window_keys[timer.id] = keys
                starts: list[datetime] = []
                ends: list[datetime] = []
                for start, end in sorted((start, end) for _, _, start, end in windows):
                    if starts and start <= ends[-1]:
                        ends[-1] = max(ends[-1], end)
                    else:
                        starts.append(start)
                        ends.append(end)
                self._spans[timer.id] = (starts, ends)

    def timer(self, timer_id: str) -> TimerRule:
        for timer in self.timers:
            if timer.id == timer_id:
                return timer
        raise KeyError(timer_id)

    def applicable(self, kind: str, reason: str | None) -> tuple[TimerRule, ...]:
        """The timers that apply to a case of this kind and reason, in pack order."""
        key = (kind, reason)
        found = self._applicable.get(key)
        if found is None:
            found = self._applicable[key] = tuple(t for t in self.timers if t.applies_to(kind, reason))
        return found

    def plan(self, kind: str, reason: str | None) -> tuple[tuple[TimerPlan, ...], bool]:
        """The applicable timers as the engine reads them, and whether one of them records an
        automatic platform action (`auto_records`)."""
        key = (kind, reason)
        found = self._plans.get(key)
        if found is None:
            timers = self.applicable(kind, reason)
            found = self._plans[key] = (
                tuple(TimerPlan(t, t.starts_from, t.rounds is Rounds.FIRST, t.met_by, t.duration.delta,
                                self._spans.get(t.id), self.window_keys(t), t.display_name, t.on_expiry,
                                t.penalty, t.penalty_amount, t.automatic) for t in timers),
                any(t.automatic for t in timers),
            )
        return found

    def refusal_escalates(self, kind: str, reason: str | None) -> TimerRule | None:
        """The answer timer of such a case whose refusal the platform takes up by itself (`refusal_records`)."""
        return next((t for t in self.applicable(kind, reason) if t.refusal_records is not None), None)

    def timers_met_by(self, milestone: str) -> frozenset[str]:
        """The ids of the timers `milestone` meets ("shipped": 淘宝's 发货时效)."""
        found = self._met_by.get(milestone)
        if found is None:
            found = self._met_by[milestone] = frozenset(t.id for t in self.timers if milestone in t.met_by)
        return found

    def milestones_read(self, kind: str, reason: str | None) -> frozenset[str]:
        """Every milestone the engine may look at for such a case (so callers convert only those)."""
        key = (kind, reason)
        found = self._read.get(key)
        if found is None:
            names: set[str] = set()
            for timer in self.applicable(kind, reason):
                names.add(timer.starts_from)
                names.update(timer.met_by)
                if timer.auto_records is not None:
                    names.add(timer.auto_records)
                names.update(self.window_keys(timer))
                if timer.starts_from == "requested":
                    names.update((KIND_CHANGED, "reopened"))  # reopened after a refusal: asked again
            if names:
                names.update(CLOSING_MILESTONES)
            found = self._read[key] = frozenset(names)
        return found

    def campaign(self, campaign_id: str | None) -> Campaign | None:
        """The pack's campaign of that id (None for an ordinary order or a campaign it does not know)."""
        if campaign_id is None:
            return None
        return next((c for c in self.campaigns if c.id == campaign_id), None)

    def campaign_duration(self, timer: TimerRule, kind: str, campaign: Campaign | None) -> Duration:
        """The timer's duration for an order of `campaign` (its own duration when the campaign does
        not change it); date windows still apply on top (`duration_for`)."""
        if campaign is None or (campaign.kinds and kind not in campaign.kinds):
            return timer.duration
        return campaign.durations.get(timer.id, timer.duration)

    def duration_for(self, timer: TimerRule, started: datetime, kind: str | None = None,
                     keys: Mapping[str, Iterable[datetime]] | None = None,
                     base: Duration | None = None) -> tuple[Duration, OverrideWindow | None]:
        """The timer's duration for a round started at `started`: the last matching window wins,
        else `base` (the campaign's duration, `campaign_duration`), else the timer's own.

        A window applies when one of the events it is keyed to (`keys`: milestone → its times in this
        round, UTC) falls inside it; "start" is the timer's own starting event. Without `keys`
        every window is keyed to the start (the behaviour before `keyed_to` existed).
        """
        chosen: tuple[Duration, OverrideWindow | None] = (base or timer.duration, None)
        windows = self._windows.get(timer.id)
        if windows:
            moment = started.astimezone(UTC)
            for window, duration, start, end in windows:
                if kind is not None and window.kinds and kind not in window.kinds:
                    continue
                if keys is None:
                    hit = start <= moment <= end
                else:
                    hit = False
                    for name in window.keyed_to:
                        times: Iterable[datetime] = (moment,) if name == "start" else keys.get(name, ())
                        if any(start <= t <= end for t in times):
                            hit = True
                            break
                if hit:
                    chosen = (duration, window)
        return chosen

    def start_for_due(self, timer: TimerRule, due: datetime, kind: str | None,
                      keys: Mapping[str, Iterable[datetime]]) -> datetime | None:
        """When a round of `timer` that runs out at `due` (the platform's own 超时时间) started, counted as
        `duration_for` counts it: with the timer's own duration or a window's, whichever gives back
        itself for the start it implies (`keys`: the other milestones' times, the request's). A 2022
        return requested inside the Spring Festival window and due 02-20 was agreed 20 days before,
        not 7. None when no plain-time duration fits (working days are not counted back)."""
        for duration in (timer.duration, *(d for _, d, _, _ in self._windows.get(timer.id, ()))):
            delta = duration.delta
            if delta is None:
                continue
            start = due - delta
            if self.duration_for(timer, start, kind, {**keys, timer.starts_from: (start,)})[0] == duration:
                return start
        return None

    def outside_windows(self, timer: TimerRule, moments: Iterable[datetime]) -> bool:
        """True when none of these times (UTC) falls inside any window of `timer`, whatever the
        window's kinds and keys: `duration_for` then gives the base duration without a window. A
        quick test (a bisection per time) for the engine, which otherwise tries every window."""
        spans = self._spans.get(timer.id)
        if spans is None:
            return True
        starts, ends = spans
        for moment in moments:
            index = bisect_right(starts, moment) - 1
            if index >= 0 and moment <= ends[index]:
                return False
        return True

    def missing_yearly_windows(self, year: int) -> list[str]:
        """The recurring events (双11 ...) with no window of their own in `year` (only estimated)."""
        own = {w.event for w in self.overrides if w.event is not None and not w.estimated and w.start.year == year}
        names: dict[str, str] = {}
        for window in self.overrides:
            if window.recurs_yearly and window.event is not None and window.event not in own:
                names.setdefault(window.event, event_name(window))
        return sorted(names.values())

    def window_keys(self, timer: TimerRule) -> frozenset[str]:
        """The milestones the windows of `timer` are keyed to (without the timer's own start)."""
        return self._window_keys.get(timer.id, _NO_KEYS)


    def missing_announced_windows(self, today: date) -> list[tuple[int, str]]:
        """(year, event name) of each announced event (春节) coming soon with no window of its own in
        that year: from `ANNOUNCED_LEAD` before the earliest month and day its windows ever started
        to the latest they ended, in this year or the next."""
        spans: dict[str, tuple[tuple[int, int], tuple[int, int], str]] = {}
        years: dict[str, set[int]] = {}
        for window in self.overrides:
            if window.event is None:
                continue
            years.setdefault(window.event, set()).add(window.start.year)
            if not window.announced:
                continue
            start, end = window.start.astimezone(CHINA), window.end.astimezone(CHINA)
            first, last, name = spans.get(window.event, ((12, 31), (1, 1), event_name(window)))
            spans[window.event] = (min(first, (start.month, start.day)), max(last, (end.month, end.day)), name)
        missing: list[tuple[int, str]] = []
        for event, ((first_month, first_day), (last_month, last_day), name) in sorted(spans.items()):
            for year in (today.year, today.year + 1):
                begins = date(year, first_month, first_day) - ANNOUNCED_LEAD
                if begins <= today <= date(year, last_month, last_day) and year not in years[event]:
                    missing.append((year, name))
        return missing


def event_name(window: OverrideWindow) -> str:
    """The window's name without its year ("2025年双11发货时效" → "双11发货时效")."""
    return re.sub(r"^\d{4}年", "", window.name)
