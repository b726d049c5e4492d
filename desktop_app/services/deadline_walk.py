"""The pure part of a deadline recompute's slice: its cases walked with their events through the engine,
each case's computed deadlines digested and, for the cases whose digest differs from the stored one,
compared with their stored rows, giving what to write (`store.deadline_changes.DeadlineChanges`).

Fed rows as the recompute reads return them (`store.deadline_rows.recompute_reads`: the cases' columns in
that order, their events, their stored deadlines), whoever read them: the caller through its session
(`services.deadline_slices`), the helper process with `sqlite3` alone (`services.deadline_helper_child`).
Imports no SQLAlchemy, so that helper starts in a fraction of the time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from datetime import datetime
from typing import Any

from desktop_app.core.clock import now
from desktop_app.core.deadline_display import OpenTimer, stored_next_due
from desktop_app.core.deadlines import ComputedDeadline, DeadlineStatus, compute_from_history, deadline_digest
from desktop_app.core.rule_packs import RulePack, pack_for_platform
from desktop_app.core.working_days import WorkdayCalendar
from desktop_app.store.deadline_changes import DeadlineChanges
from desktop_app.store.stored_values import stored_time

_OPEN = DeadlineStatus.OPEN

# A plan: (platform, kind, reason or ""), what decides which timers apply to a case.
Plan = tuple[str, str, str]
# A case whose computed deadlines differ from what its digest says is stored (or whose digest is unknown):
# (case id, computed, digest, stored next_due_*, after_due_* and next_due_until, timer facts). The facts are the
# rest of the case's row as `walk_slice` unpacks it: a list (mypyc, which checks the declared types, refused a tuple).
Pending = tuple[int, list[ComputedDeadline], int, tuple[Any, ...], Sequence[Any]]


def walk_slice(cases: Sequence[Any], events: Sequence[Any], plans: Iterable[Plan] | None,
               packs: Mapping[str, RulePack], calendar: WorkdayCalendar) -> tuple[int, list[Pending]]:
    """How many of `cases` are computed (those of `plans` when given, all otherwise) and which of them
    differ from what is stored, in id order."""
    # The two reads come sorted by case id: each case takes its run of events as the walk reaches it
    # (no per-slice dictionary of every event).
    event_count = len(events)
    e = 0
    pending: list[Pending] = []
    # Only these plans' cases (a pack edit's), the others read and passed over.
    chosen = None if plans is None else set(plans)
    # pack, milestones read, the kinds before the changes of kind (`Case.former_kinds`)
    resolved: dict[tuple[str, str, str | None, str | None], tuple[RulePack, frozenset[str], tuple[str, ...]]] = {}
    count = 0
    for (case_id, platform, kind, reason, is_open, requested_at, signed_at, signed_date_only,
         next_due_at, next_due_name, next_due_automatic, after_due_at, after_due_name, next_due_until,
         paid_at, shipped_at, order_signed_at, succeeded_at, sent_untimed, paid_fen, campaign, former,
         stored_digest,
         *facts) in cases:
        if chosen is not None and not in_plans(chosen, platform, kind, reason, former):
            continue
        count += 1
        plan = resolved.get((platform, kind, reason, former))
        if plan is None:
            pack = pack_for_platform(packs, platform)
            kinds = tuple(former.split(",")) if former else ()
            # What the earlier kinds' timers read too: what they missed before a change stays.
            read = frozenset().union(*(pack.milestones_read(k, reason) for k in (kind, *kinds)))
            plan = resolved[(platform, kind, reason, former)] = (pack, read, kinds)
        pack, read, former_kinds = plan
        # The case's events first, then its own columns, then the order's times, each only where
        # nothing more specific gave the milestone. Only what this case's timers read is converted.
        milestones: dict[str, list[tuple[datetime, bool]]] = {}
        while e < event_count and events[e][0] < case_id:
            e += 1  # a case created between the reads (PostgreSQL reads each statement afresh)
        while e < event_count and events[e][0] == case_id:
            _, name, raw_at, date_only = events[e]
            e += 1
            if name in read:
                found = milestones.get(name)
                if found is None:
                    milestones[name] = [(stored_time(raw_at), bool(date_only))]
                else:
                    found.append((stored_time(raw_at), bool(date_only)))
        computed: list[ComputedDeadline] = []
        if read:
            if requested_at is not None and "requested" in read and "requested" not in milestones:
                milestones["requested"] = [(stored_time(requested_at), False)]
            if "signed" in read and "signed" not in milestones:
                if signed_at is not None:
                    milestones["signed"] = [(stored_time(signed_at), bool(signed_date_only))]
                elif order_signed_at is not None:
                    milestones["signed"] = [(stored_time(order_signed_at), False)]
            if paid_at is not None and "paid" in read and "paid" not in milestones:
                milestones["paid"] = [(stored_time(paid_at), False)]
            if shipped_at is not None and "shipped" in read and "shipped" not in milestones:
                milestones["shipped"] = [(stored_time(shipped_at), False)]
            if succeeded_at is not None and "trade_succeeded" in read and "trade_succeeded" not in milestones:
                milestones["trade_succeeded"] = [(stored_time(succeeded_at), False)]
            computed = compute_from_history(
                pack, kind=kind, reason=reason, case_open=bool(is_open), history=milestones,
                calendar=calendar, paid_fen=paid_fen, campaign=campaign, former_kinds=former_kinds,
            )
            if sent_untimed and "shipped" in read and "shipped" not in milestones:
                # The order went out (its export gives a tracking number) at a time nothing gave: whether it
                # left within its ship-by cannot be judged, and a wrong deadline or penalty is worse than none.
                shipping = pack.timers_met_by("shipped")
                computed = [d for d in computed if d.timer_id not in shipping]
        digest = deadline_digest(computed)
        if digest != stored_digest:
            shown = (next_due_at, next_due_name, bool(next_due_automatic), after_due_at, after_due_name, next_due_until)
            pending.append((case_id, computed, digest, shown, facts))
    return count, pending


def in_plans(plans: Set[Plan], platform: str, kind: str, reason: str | None, former: str | None) -> bool:
    """Whether a case (its platform, kind, reason and former kinds, as stored) is one of these plans' (a pack
    edit's): by its plan, or by the plan of a kind it had before (what those timers missed stays)."""
    return (platform, kind, reason or "") in plans or bool(
        former and any((platform, k, reason or "") in plans for k in former.split(",")))


def changes_of(pending: Sequence[Pending], rows: Sequence[Any], at: datetime | None = None) -> DeadlineChanges:
    """What to write for the pending cases, given their stored rows (sorted by case id, like them); each
    case's 下一个时限 as it reads at `at` (now)."""
    moment = at or now()
    row_count = len(rows)
    r = 0
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    case_updates: list[dict[str, Any]] = []
    digests: list[dict[str, Any]] = []
    stale: list[int] = []
    for case_id, computed, digest, shown, facts in pending:
        # The case's stored rows by timer; a second row of one timer is a duplicate to delete.
        stored: dict[str, Any] = {}
        while r < row_count and rows[r][1] < case_id:
            r += 1
        while r < row_count and rows[r][1] == case_id:
            row = rows[r]
            r += 1
            if row[2] in stored:
                stale.append(row[0])
            else:
                stored[row[2]] = row
        open_timers: list[OpenTimer] = []
        for deadline in computed:
            # Popped: whatever is left in `stored` afterwards belongs to no timer any more.
            row = stored.pop(deadline[0], None)
            if row is None:
                inserts.append(_row_values(case_id, deadline))
            else:
                changed = changed_columns(row, deadline)
                if changed is not None:
                    updates.append(changed)
            if deadline[5] is _OPEN:  # `computed` is sorted by due time
                open_timers.append(OpenTimer(deadline[3], deadline[1], deadline[11], deadline[6]))
        if stored:
            stale.extend(row[0] for row in stored.values())
        # The case's next deadline (the 下一个时限 column) and the dashboard's copy of its timers
        # (store/case_facts.py), written together with the digest in one row update when either
        # changed; else the digest alone (it differs, or the case would not be pending), which leaves
        # the indexes on the other columns alone.
        # The earliest open one the platform has not settled by itself by now, with what follows one it
        # will settle and when (`next_due_until`: `services.deadlines.refresh_next_dues` reads it again
        # then). With the clock here, not only in that refresh: after a pack edit the refresh rewrote
        # every case whose earliest open timer the platform had settled, each written twice (+1.5–2 s
        # of 5 for 43,000 cases, bench_deadlines.py).
        due, name, automatic, after_due, after_name, until = stored_next_due(open_timers, moment)
        # A StrEnum status equals its text. An open answer the platform settles by itself, or one a later
        # platform action ends (`met_at` on an open row), is never counted: no work once it ran out or
        # was ended, never overdue (store/case_facts.py).
        counted = timer_facts((d[5], d[3]) for d in computed if not (d[5] is _OPEN and (d[11] or d[6] is not None)))
        if (_stored_due(shown[0], shown[1]) != (due, name) or shown[2] != automatic
                or _stored_due(shown[3], shown[4]) != (after_due, after_name)
                or (None if shown[5] is None else stored_time(shown[5])) != until
                or counted != (*facts[:3], *(None if f is None else stored_time(f) for f in facts[3:]))):
            case_updates.append({"id": case_id, "next_due_at": due, "next_due_name": name,
                                 "next_due_automatic": automatic, "after_due_at": after_due,
                                 "after_due_name": after_name, "next_due_until": until, "met_timers": counted[0],
                                 "missed_timers": counted[1], "open_timers": counted[2],
                                 "open_due_first": counted[3], "open_due_last": counted[4],  # TIMER_FACTS
                                 "deadline_digest": digest})
        else:
            digests.append({"id": case_id, "deadline_digest": digest})
    return DeadlineChanges(stale, updates, inserts, case_updates, digests)


def timer_facts(deadlines: Iterable[tuple[str, datetime]]) -> tuple[int, int, int, datetime | None, datetime | None]:
    """(met, missed, open, earliest open due, latest open due) of a case's platform timers, given as
    (status, due time) pairs."""
    met = missed = opened = 0
    first: datetime | None = None
    last: datetime | None = None
    for status, due in deadlines:
        if status == "met":
            met += 1
        elif status == "missed":
            missed += 1
        elif status == "open":
            opened += 1
            first = due if first is None or due < first else first
            last = due if last is None or due > last else last
    return met, missed, opened, first, last


def _stored_due(at: Any, name: Any) -> tuple[datetime | None, Any]:
    return (None if at is None else stored_time(at)), name


def changed_columns(row: Any, d: ComputedDeadline) -> dict[str, Any] | None:
    """The columns of a stored row (as `recompute_reads` reads it) that differ from the computed deadline,
    with its id (None: none differs). Only those are written: a pack edit moves due times, and an
    update naming every column cost the 40,000 rows of one ~25 % more. The driver's 0/1 for
    `estimated` compares equal to False/True, the stored status text to the StrEnum."""
    changed: dict[str, Any] = {"id": row[0]}
    if row[3] != d[1]:
        changed["name"] = d[1]
    if stored_time(row[4]) != d[2]:
        changed["starts_at"] = d[2]
    if stored_time(row[5]) != d[3]:
        changed["due_at"] = d[3]
    if row[6] != d[4]:
        changed["action"] = d[4]
    if row[7] != d[5]:
        changed["status"] = d[5].value
    met_at = row[8]
    if (d[6] is not None if met_at is None else d[6] is None or stored_time(met_at) != d[6]):
        changed["met_at"] = d[6]
    if row[9] != d[7]:
        changed["estimated"] = d[7]
    if row[10] != d[10]:
        changed["penalty_fen"] = d[10]
    if row[11] != d[11]:
        changed["automatic"] = d[11]
    return changed if len(changed) > 1 else None


def _row_values(case_id: int, d: ComputedDeadline) -> dict[str, Any]:
    return {
        "case_id": case_id, "timer_id": d.timer_id, "name": d.name, "starts_at": d.starts_at,
        "due_at": d.due_at, "action": d.action, "status": d.status.value, "met_at": d.met_at,
        "estimated": d.estimated, "penalty_fen": d.penalty_fen, "automatic": d.automatic,
    }
