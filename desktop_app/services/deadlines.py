"""Deadlines in the ledger: recompute them from events and packs and store them.

The engine (`core.deadlines`) is pure; this module feeds it from the database and writes its results
into the `deadlines` table and the case's `next_due_*` and `after_due_*` (the 下一个时限 column), so
lists, the calendar and the countdown column are plain indexed queries.

When to recompute (the callers' side of the contract):
- after every case event (creation, each action, an edited request/signing time): `recompute_case`
  inside the same transaction that wrote the event;
- after an import changed orders' paid/shipped/signed/succeeded times: `recompute_for_orders`;
- after a rule pack or the working-day overrides were saved, and at start-up:
  `recompute_changed_rules` (only the platforms whose rules changed since the stored deadlines
  were computed; milliseconds when nothing changed). `recompute_all` forces every open case.

Everything is bulk: one read for the cases, one for their milestone events (`store.deadline_rows`,
which holds the SQL); each case's computed deadlines are digested (`core.deadlines.deadline_digest`)
and a case whose digest equals the one stored on its row (`cases.deadline_digest`, migration
0009_engine) is done. Only for the others are the stored deadlines read and compared, and only the
differences written, with the new digest. Recomputing all open cases when nothing changed reads no
stored deadline and writes nothing. `next_due_*` and the digest are written without bumping the
case's version. Whoever writes a case's platform deadlines, `next_due_*` or timer counts other than
through this module must set its digest to NULL (unknown: compared in full next time).

The rules in force and their fingerprints are `services.deadline_rules`; listing the stored deadlines
is `store.deadline_lists`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.core.deadlines import ComputedDeadline, DeadlineStatus, compute_from_history, deadline_digest
from desktop_app.core.errors import NotFound
from desktop_app.core.op_changes import OpChanges, Written
from desktop_app.core.rule_packs import RulePack, pack_for_platform
from desktop_app.services.deadline_rules import RuleContext, remember_rules, remembered_rules, rule_fingerprints
from desktop_app.store.case_facts import timer_facts
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.deadline_rows import (
    CaseSet,
    DeadlineChanges,
    case_ranges,
    chunks,
    count_open_cases,
    open_platforms,
    read_for_recompute,
    read_stored,
    recompute_cache,
    write_changes,
)
from desktop_app.store.raw_reads import stored_time

# --- recomputing ----------------------------------------------------------------------------


def recompute_case(session: Session, case_id: int, context: RuleContext | None = None) -> None:
    """Recompute one case's deadlines in the caller's transaction (call after each case event)."""
    session.flush()  # events added through the ORM must be visible to the bulk reads below
    if _recompute(session, CaseSet(ids=(case_id,)), None, context or RuleContext.load()) == 0:
        raise NotFound(f"没有编号为 {case_id} 的售后单")


def recompute_cases(session: Session, case_ids: Iterable[int], context: RuleContext | None = None) -> int:
    """Recompute the given cases (missing ids are skipped); returns how many were found."""
    session.flush()
    ctx = context or RuleContext.load()
    return sum(_recompute(session, CaseSet(ids=chunk), None, ctx) for chunk in chunks(case_ids))


def recompute_id_range(session: Session, first: int, last: int, context: RuleContext | None = None) -> int:
    """Recompute the cases whose ids run from `first` to `last` (open or not: an import's new cases),
    in slices of the full recompute, without IN lists; returns how many were found."""
    session.flush()
    ctx = context or RuleContext.load()
    everything = CaseSet(include_closed=True)
    return sum(_recompute(session, everything, (start, min(start + _SLICE, last + 1) - 1), ctx)
               for start in range(first, last + 1, _SLICE))


def recompute_open_cases(session: Session, context: RuleContext | None = None,
                         include_closed: bool = False, platforms: Iterable[str] | None = None) -> int:
    """Recompute every open case (every case with `include_closed`; only these platforms' cases
    with `platforms`); returns the number of cases, and records the rules they were computed with.

    Closed cases are left alone by default: their deadlines were settled when they closed, and a
    later pack edit should not rewrite what happened back then.
    """
    session.flush()
    ctx = context or RuleContext.load()
    chosen = None if platforms is None else tuple(sorted(set(platforms)))
    count = _recompute_in_slices(session, CaseSet(include_closed=include_closed, platforms=chosen), ctx)
    remember_rules(session, ctx, None if chosen is None else set(chosen))
    return count


def recompute_all(db: Database, context: RuleContext | None = None, include_closed: bool = False) -> Written[int]:
    """Recompute every open case in one transaction of its own; its value is the number of cases.

    Use after a change the rule fingerprint cannot see, or from a "重新计算全部时限" command;
    after pack edits and at start-up `recompute_changed_rules` does the same work for less.
    """
    with db.transaction() as session:
        count = recompute_open_cases(session, context, include_closed)
        return Written(count, changes_in(session))


def recompute_changed_rules(db: Database, context: RuleContext | None = None) -> Written[int]:
    """Recompute the open cases whose platform's rules changed since they were last computed.

    Rules = the resolved pack, the working-day overrides, the official holiday schedule and the
    engine's revision. Every case event recomputes its case at once (`recompute_case`), so only a
    rule change can leave stored deadlines stale; with 100,000 open cases a full recompute takes
    about two seconds, this takes milliseconds when nothing changed (start-up, each CLI call).
    Its value is the number of cases recomputed.
    """
    ctx = context or RuleContext.load()
    with db.transaction() as session:
        stale = _stale_cases(session, ctx)
        if stale is None:
            return Written(0, OpChanges())
        count = 0
        if stale.platforms != ():
            session.flush()
            count = _recompute_in_slices(session, stale, ctx)
        # Every platform whose rules changed is now computed with them; the others already were.
        remember_rules(session, ctx, None)
        return Written(count, changes_in(session))


def cases_to_recompute(db: Database, context: RuleContext | None = None) -> int:
    """How many open cases `recompute_changed_rules` would recompute now (0: none), read cheaply: the
    window decides by it where a start-up recompute runs (services/recompute_aside.py)."""
    ctx = context or RuleContext.load()
    with db.reading() as session:
        stale = _stale_cases(session, ctx)
        return 0 if stale is None or stale.platforms == () else count_open_cases(session, stale.platforms)


def _stale_cases(session: Session, ctx: RuleContext) -> CaseSet | None:
    """The open cases whose platform's rules changed since they were computed (`platforms` None: all of
    them, after an engine or holiday-schedule change or at the first start; `()`: a changed pack of a
    platform with no open case); None when no rule changed."""
    known = remembered_rules(session)
    changed = {pack_id for pack_id, digest in rule_fingerprints(ctx).items() if known.get(pack_id) != digest}
    if not changed:
        return None
    platforms = open_platforms(session)
    stale = tuple(sorted(p for p in platforms if pack_for_platform(ctx.packs, p).id in changed))
    return CaseSet(platforms=None if stale and len(stale) == len(platforms) else stale)


_OPEN = DeadlineStatus.OPEN
_SLICE = 20_000  # cases per pass of a full recompute: bounds its memory, costs a few queries


def _recompute_in_slices(session: Session, cases: CaseSet, context: RuleContext) -> int:
    """`_recompute` over runs of consecutive cases: every open case of a large ledger at once held all
    their rows, events and stored deadlines in memory together (several hundred MB for 100,000 cases)."""
    with recompute_cache(session):
        return sum(_recompute(session, cases, bounds, context) for bounds in case_ranges(session, cases, _SLICE))


def _recompute(session: Session, selection: CaseSet, bounds: tuple[int, int] | None, context: RuleContext) -> int:
    cases, events = read_for_recompute(session, selection, bounds)
    if not cases:
        return 0
    # The two reads come sorted by case id: each case takes its run of events as the walk reaches it
    # (no per-slice dictionary of every event).
    event_count = len(events)
    e = 0
    # Cases whose computed deadlines differ from what their digest says is stored (or whose digest is
    # unknown): (case id, computed, digest, stored next_due_* and after_due_*, timer facts), in id order.
    pending: list[tuple[int, list[ComputedDeadline], int, tuple[Any, ...], tuple[Any, ...]]] = []
    packs = context.packs
    calendar = context.calendar
    plans: dict[tuple[str, str, str | None], tuple[RulePack, frozenset[str]]] = {}
    for (case_id, platform, kind, reason, is_open, requested_at, signed_at, signed_date_only,
         next_due_at, next_due_name, next_due_automatic, after_due_at, after_due_name, paid_at, shipped_at,
         order_signed_at, succeeded_at, paid_fen, campaign, stored_digest, *facts) in cases:
        plan = plans.get((platform, kind, reason))
        if plan is None:
            pack = pack_for_platform(packs, platform)
            plan = plans[(platform, kind, reason)] = (pack, pack.milestones_read(kind, reason))
        pack, read = plan
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
                calendar=calendar, paid_fen=paid_fen, campaign=campaign,
            )
        digest = deadline_digest(computed)
        if digest != stored_digest:
            shown = (next_due_at, next_due_name, bool(next_due_automatic), after_due_at, after_due_name)
            pending.append((case_id, computed, digest, shown, facts))
    if pending:
        write_changes(session, _changes(pending, read_stored(session, selection, [p[0] for p in pending], len(cases))))
    return len(cases)


def _changes(pending: list[tuple[int, list[ComputedDeadline], int, tuple[Any, ...], tuple[Any, ...]]],
             rows: list[Any]) -> DeadlineChanges:
    """What to write for the pending cases, given their stored rows (sorted by case id, like them)."""
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
        first: ComputedDeadline | None = None
        after: ComputedDeadline | None = None  # the first open one the platform does not settle by itself
        for deadline in computed:
            # Popped: whatever is left in `stored` afterwards belongs to no timer any more.
            row = stored.pop(deadline[0], None)
            if row is None:
                inserts.append(_row_values(case_id, deadline))
            elif _differs(row, deadline):
                updates.append({"id": row[0], "name": deadline[1], "starts_at": deadline[2], "due_at": deadline[3],
                                "action": deadline[4], "status": deadline[5].value, "met_at": deadline[6],
                                "estimated": deadline[7], "penalty_fen": deadline[10],
                                "automatic": deadline[11]})  # UPDATED
            if deadline[5] is _OPEN:  # `computed` is sorted by due time
                first = first or deadline
                if not deadline[11]:
                    after = after or deadline
        if stored:
            stale.extend(row[0] for row in stored.values())
        # The case's next deadline (the 下一个时限 column) and the dashboard's copy of its timers
        # (store/case_facts.py), written together with the digest in one row update when either
        # changed; else the digest alone (it differs, or the case would not be pending), which leaves
        # the indexes on the other columns alone.
        due, name = (None, None) if first is None else (first.due_at, first.name)
        automatic = first is not None and first.automatic
        # What follows a first timer the platform settles by itself; nothing otherwise.
        after_due, after_name = (after.due_at, after.name) if automatic and after is not None else (None, None)
        # A StrEnum status equals its text. An open answer the platform settles by itself is never
        # counted: it is no work once it ran out, and never overdue (store/case_facts.py).
        counted = timer_facts((d[5], d[3]) for d in computed if not (d[11] and d[5] is _OPEN))
        if (_stored_due(shown[0], shown[1]) != (due, name) or shown[2] != automatic
                or _stored_due(shown[3], shown[4]) != (after_due, after_name)
                or counted != (*facts[:3], *(None if f is None else stored_time(f) for f in facts[3:]))):
            case_updates.append({"id": case_id, "next_due_at": due, "next_due_name": name,
                                 "next_due_automatic": automatic, "after_due_at": after_due,
                                 "after_due_name": after_name, "met_timers": counted[0],
                                 "missed_timers": counted[1], "open_timers": counted[2],
                                 "open_due_first": counted[3], "open_due_last": counted[4],  # TIMER_FACTS
                                 "deadline_digest": digest})
        else:
            digests.append({"id": case_id, "deadline_digest": digest})
    return DeadlineChanges(stale, updates, inserts, case_updates, digests)


def _stored_due(at: Any, name: Any) -> tuple[datetime | None, Any]:
    return (None if at is None else stored_time(at)), name


def _differs(row: Any, d: ComputedDeadline) -> bool:
    """Whether a stored row (as `recompute_reads` reads it) differs from the computed deadline: the
    cheap columns first, the times (parsed from their stored form) only when those agree. The driver's
    0/1 for `estimated` compares equal to False/True, the stored status text to the StrEnum."""
    met_at = row[8]
    return (row[3] != d[1] or row[6] != d[4] or row[7] != d[5] or row[9] != d[7] or row[10] != d[10] or row[11] != d[11]
            or stored_time(row[5]) != d[3] or stored_time(row[4]) != d[2]
            or (d[6] is None if met_at is not None else d[6] is not None)
            or (met_at is not None and stored_time(met_at) != d[6]))


def _row_values(case_id: int, d: ComputedDeadline) -> dict[str, Any]:
    return {
        "case_id": case_id, "timer_id": d.timer_id, "name": d.name, "starts_at": d.starts_at,
        "due_at": d.due_at, "action": d.action, "status": d.status.value, "met_at": d.met_at,
        "estimated": d.estimated, "penalty_fen": d.penalty_fen, "automatic": d.automatic,
    }
