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
from datetime import UTC, datetime
from hashlib import blake2b
from marshal import dumps as _marshal
from typing import Any

from desktop_app.core.deadline_results import AUTO_MARK, ComputedDeadline, DeadlineStatus, History, Milestones
from desktop_app.core.deadline_rounds import RoundWalk, date_only_start, exact_due, first_time, in_time, same_day
from desktop_app.core.lifecycle import TRANSITIONS, CaseStatus
from desktop_app.core.rule_pack_model import CLOSING_MILESTONES, KIND_CHANGED, RulePack
from desktop_app.core.vocabulary import CaseKind
from desktop_app.core.working_days import WorkdayCalendar

# What the engine gives lives in core/deadline_results, its per-round walk in core/deadline_rounds; the engine's
# callers import both from here.
__all__ = ["AUTO_MARK", "SHORT_WAY", "ComputedDeadline", "DeadlineStatus", "History", "Milestones",
           "compute_from_history", "deadline_digest", "former_kind_mark"]

# The common round's shorter way in `compute_from_history` (a test turns it off to check both ways agree).
SHORT_WAY = True

_OPEN = DeadlineStatus.OPEN
_KIND_LABELS = {kind.value: kind.label for kind in CaseKind}
_MET = DeadlineStatus.MET
_MISSED = DeadlineStatus.MISSED


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
    former_kinds: Sequence[str] = (),
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

    `former_kinds`: the kinds the case had before its changes of kind (`KIND_CHANGED`), oldest first, the last
    one the kind before the latest change (`Case.former_kinds`). A change is the buyer withdrawing the request and
    asking anew (seed 004 4.4 "可以商家联系消费者撤销补寄申请后,重新申请其他售后类型"): the earlier kind's clocks stop
    there, but what had run out by then stays (`_before_changes`).

    Times come back in UTC (aware), whatever zone the milestones were given in: one zone makes the
    comparisons cheap when 100,000 cases are recomputed; show them with `clock.as_china`.
    """
    results = _compute(pack, kind, reason, case_open, history, calendar, paid_fen, campaign)
    if former_kinds and KIND_CHANGED in history:
        results.extend(_before_changes(pack, reason, history, calendar, paid_fen, campaign, former_kinds, results))
        if len(results) > 1:
            results.sort(key=_order)
    return results


def _before_changes(pack: RulePack, reason: str | None, history: History, calendar: WorkdayCalendar | None,
                    paid_fen: int | None, campaign: str | None, former_kinds: Sequence[str],
                    present: Sequence[ComputedDeadline]) -> list[ComputedDeadline]:
    """What the timers of the kinds a case had before its changes of kind missed by each change: each earlier kind
    computed on the steps up to its change, the request withdrawn there (a closing at the change), and only its
    missed rounds kept, named with the kind they belonged to (id `<timer>~<kind>`). A late reship owes its 3 元
    (seed 004 4.3 "若商家逾期未完成補寄發貨……應當按照每單3元的標準向用戶進行賠付") and a late shipment its 5 % (seed
    001) whatever the request became; a clock still running at the change just stops (the new request has its own).
    A round the present kind has too (淘宝's 72 h to ship of 仅退款 and 部分退款: the same timer, start and due) is the
    present kind's already; one it restarted from the change (the answer to a request) is not."""
    changes = sorted(at.astimezone(UTC) for at, _ in history[KIND_CHANGED])
    shown = {(d.timer_id.partition("@")[0], d.starts_at, d.due_at) for d in present}
    found: list[ComputedDeadline] = []
    # Paired from the latest change back: the column drops its oldest kinds when full.
    for changed_at, kind in zip(reversed(changes), reversed(former_kinds), strict=False):
        # The steps recorded before it (in order: services.case_writes.check_in_order), earlier changes among them.
        before = {name: kept for name, occurrences in history.items()
                  if (kept := [o for o in occurrences if (t := o[0].astimezone(UTC)) < changed_at
                               or (t == changed_at and name != KIND_CHANGED)])}
        before["closed"] = sorted([*before.get("closed", ()), (changed_at, False)], key=first_time)
        label = former_kind_mark(kind)
        for d in _compute(pack, kind, reason, False, before, calendar, paid_fen, campaign):
            if d.status is _MISSED and (d.timer_id.partition("@")[0], d.starts_at, d.due_at) not in shown:
                found.append(d._replace(timer_id=f"{d.timer_id}~{kind}", name=f"{d.name}{label}"))
    return found


def former_kind_mark(kind: str) -> str:
    """What follows the name of a deadline kept from the kind the case had before a change of kind."""
    return f"（{_KIND_LABELS.get(kind, kind)}，已改类型）"


def _compute(pack: RulePack, kind: str, reason: str | None, case_open: bool, history: History,
             calendar: WorkdayCalendar | None, paid_fen: int | None, campaign: str | None) -> list[ComputedDeadline]:
    """`compute_from_history` for one kind."""
    plans, has_automatic = pack.plan(kind, reason)
    if not plans:
        return []
    rerequests = _rerequests(history)
    if rerequests:
        history = {**history, "requested": sorted([*history.get("requested", ()), *rerequests], key=first_time)}
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
    engine = RoundWalk(pack, kind, history, closings, closed_at, case_open, calendar, paid_fen,
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
        engine.kept = _kept_answers(history, kind, last)
        if engine.kept:
            engine.kept_at = last
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
    # The common round takes a shorter way, giving what `RoundWalk.rounds` gives: a single round (no
    # restart), no campaign, a fixed span no window can change, and no automatic action in play for
    # this timer: none of the milestones it reads (its start, what meets it, what its windows are keyed
    # to) has an occurrence an automatic action added (`automatic` gives `chained` a new list for those).
    simple = SHORT_WAY and engine.campaign is None and not rerequests and not engine.kept
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
                starts_at = date_only_start(plan.timer, event_at) if date_only else event_at
                due_at = starts_at + delta
                met_at = None
                by_day = False
                for name in plan.met_by:
                    for t, day in history.get(name, ()):
                        t = t.astimezone(UTC)
                        if t < event_at and day and same_day(t, event_at):
                            t = event_at  # given by its day only, the day the round started: after the start
                        if t >= event_at and (met_at is None or t < met_at or (t == met_at and not day)):
                            met_at, by_day = t, day
                if met_at is None:
                    if case_open:
                        status = _OPEN
                    else:
                        met_at = closed_at
                        status = _MET if met_at is None or met_at <= due_at else _MISSED
                else:
                    status = _MET if in_time(met_at, by_day, due_at, exact_due(plan.timer, date_only)) else _MISSED
                amount = plan.penalty_amount
                name = plan.name
                if amount is not None and status is not _MET:
                    name += amount.unknown(paid_fen) or ""
                results.append(ComputedDeadline(
                    plan.timer.id, name, starts_at, due_at, plan.on_expiry, status, met_at, False,
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


# The steps that pay the buyer, per kind (退款, 已补偿): money paid is never undone and answers any request, and a
# change of kind keeps the case 已退款 where the new kind has that state (`lifecycle.change_kind`).
_PAID = frozenset({CaseStatus.REFUNDED, CaseStatus.COMPENSATED})
_PAYMENTS: dict[str, frozenset[str]] = {kind.value: frozenset(
    t.milestone for t in TRANSITIONS if kind in t.kinds and t.milestone and t.target in _PAID) for kind in CaseKind}


def _kept_answers(history: History, kind: str, changed_at: datetime) -> frozenset[str]:
    """The payments to the buyer since the last request (or re-request, refusal, earlier change) before the change
    of kind at `changed_at`: a refunded refund-only case corrected to a return & refund stays 已退款, offers only
    完成 / 关闭, and the new kind's answer is given (met at the change) — without it the platform "agreed to the
    return by itself" 48 h later and the buyer had 7 days to send back goods for money already paid. An agreement
    is no payment: a request changed after it is asked anew (seed 001 "用户撤销退款申请,重新申请…"), its answer
    runs from the change (test_timer_scenarios_round5_windows d02) — unless the buyer's parcel was sent under it and
    the new kind takes goods back too (`_parcel_sent`): that agreement stands and answers the new request."""
    kept = _RETURN_AGREEMENT if kind in _GOODS_BACK_KINDS and _parcel_sent(history, changed_at) else frozenset()
    names = _PAYMENTS.get(kind)
    if not names:
        return kept
    since = max((t for name in ("requested", "reopened", "rejected", KIND_CHANGED) for at, _ in history.get(name, ())
                 if (t := at.astimezone(UTC)) < changed_at or (t == changed_at and name != KIND_CHANGED)),
                default=None)
    return kept | frozenset(name for name in names
                            if any((since is None or t >= since) and t <= changed_at
                                   for t in (at.astimezone(UTC) for at, _ in history.get(name, ()))))


# The kinds whose goods come back under an agreement to a return (退货退款, 换货, 维修), and what of a request such an
# agreement answers.
_GOODS_BACK_KINDS = frozenset(kind.value for t in TRANSITIONS if t.milestone == "return_agreed" for kind in t.kinds)
_RETURN_AGREEMENT = frozenset({"return_agreed"})
# Ranks of the steps `_parcel_sent` weighs at one time: the request (or its refusal) first, then the agreement, then
# the parcel sent under it.
_RETURN_STEPS = {"requested": 0, "reopened": 0, "rejected": 0, "return_agreed": 1, "return_shipped": 2,
                 "return_received": 2}


def _parcel_sent(history: History, changed_at: datetime) -> bool:
    """Whether the buyer's return parcel was sent (or received) under the agreement in force at a change of kind: the
    case stays 等待买家退货 (or 已收到退货) at the change (`services.case_kind`, `lifecycle.change_kind`), no 同意退货
    is offered again, and the agreement the parcel travels under answers the new kind's request — else 淘宝 "agreed to
    the return by itself" on day 5, the buyer got 7 more days to send a parcel already on its way and the platform
    "closed the refund" after the shop had received it (seed 001 "点击【提交退货信息】后,卖家会有10天的时间来进行确认":
    the shop's clock now is the 10 days to confirm, from the parcel's sending)."""
    steps = [(t, rank) for name, rank in _RETURN_STEPS.items() for at, _ in history.get(name, ())
             if (t := at.astimezone(UTC)) <= changed_at]
    return bool(steps) and max(steps)[1] == 2


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
    of kind among the requests: a superset of the times `RoundWalk.due` tests, for `RulePack.outside_windows`."""
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
             if (t := at.astimezone(UTC)) > closed_at and same_day(closed_at, t)]
    return max(later, default=closed_at)


def _order(deadline: ComputedDeadline) -> tuple[datetime, str]:
    return deadline.due_at, deadline.timer_id
