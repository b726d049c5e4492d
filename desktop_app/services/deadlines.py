"""Deadlines in the ledger: recompute them from events and packs and store them.

The engine (`core.deadlines`) is pure; this module feeds it from the database and writes its results
into the `deadlines` table and the case's `next_due_*` and `after_due_*` (the 下一个时限 column), so
lists, the calendar and the countdown column are plain indexed queries. The engine has no clock, so the
case stores its earliest open deadline and when the platform settles it by itself (`next_due_until`);
`refresh_next_dues` reads those cases again once that moment has come (after each recompute, and every
minute in the window), so the column sorts as its cells read.

When to recompute (the callers' side of the contract):
- after every case event (creation, each action, an edited request/signing time): `recompute_case`
  inside the same transaction that wrote the event;
- after an import changed orders' paid/shipped/signed/succeeded times: `recompute_for_orders`;
- after a rule pack or the working-day overrides were saved, and at start-up:
  `recompute_changed_rules` (only the open cases whose rules changed since the stored deadlines
  were computed: those whose platform, kind and reason give a plan of timers that changed;
  milliseconds when nothing changed). `recompute_all` forces every open case.

Everything is bulk: one read for the cases, one for their milestone events (`store.deadline_rows`,
which holds the SQL); each case's computed deadlines are digested (`core.deadlines.deadline_digest`)
and a case whose digest equals the one stored on its row (`cases.deadline_digest`, migration
0009_engine) is done. Only for the others are the stored deadlines read and compared, and only the
differences written, with the new digest. Recomputing all open cases when nothing changed reads no
stored deadline and writes nothing. `next_due_*` and the digest are written without bumping the
case's version. Whoever writes a case's platform deadlines, `next_due_*` or timer counts other than
through this module must set its digest to NULL (unknown: compared in full next time).

A slice's computing and comparing is `services.deadline_slices`; a full recompute of a SQLite file
from 20,000 cases shares its slices with a helper process on the other core (`services.deadline_helper`).
The rules in force and their fingerprints are `services.deadline_rules`; listing the stored deadlines
is `store.deadline_lists`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.clock import now as china_now
from desktop_app.core.deadline_display import stored_next_due
from desktop_app.core.errors import NotFound, UserError
from desktop_app.core.op_changes import Written
from desktop_app.core.rule_packs import pack_for_platform
from desktop_app.io.collector import collector_paused
from desktop_app.services.deadline_helper import (
    PARALLEL_FROM,
    PARALLEL_SLICE,
    recompute_beside,
    start_helper,
    tapered_ranges,
)
from desktop_app.services.deadline_rules import (
    RuleContext,
    older_app_message,
    older_than_ledger,
    plan_fingerprints,
    plan_key,
    remember_rules,
    remembered_plans,
    remembered_rules,
    rule_fingerprints,
)
from desktop_app.services.deadline_slices import recompute_slice
from desktop_app.services.deadline_walk import in_plans
from desktop_app.store.change_tracking import changes_in, write_as_the_clock
from desktop_app.store.database import Database
from desktop_app.store.deadline_lists import open_timers_of
from desktop_app.store.deadline_rows import (
    CaseSet,
    case_ids,
    case_plans,
    cases_settled_since,
    chunks,
    id_ranges,
    open_plans,
    recompute_cache,
    write_next_dues,
)
from desktop_app.store.import_turns import take_import_turn
from desktop_app.store.recompute_owed import recompute_paid

# --- recomputing ----------------------------------------------------------------------------


def recompute_case(session: Session, case_id: int, context: RuleContext | None = None) -> None:
    """Recompute one case's deadlines in the caller's transaction (call after each case event)."""
    session.flush()  # events added through the ORM must be visible to the bulk reads below
    if recompute_slice(session, CaseSet(ids=(case_id,)), None, RuleContext.in_force(session, context)) == 0:
        raise NotFound(msg.say(msg.NO_CASE_NUMBERED, case_id))
    refresh_next_dues(session, case_ids=(case_id,))


def recompute_cases(session: Session, case_ids: Iterable[int], context: RuleContext | None = None) -> int:
    """Recompute the given cases (missing ids are skipped); returns how many were found."""
    session.flush()
    ctx = RuleContext.in_force(session, context)
    count = sum(recompute_slice(session, CaseSet(ids=chunk), None, ctx) for chunk in chunks(case_ids))
    refresh_next_dues(session)  # every case due (an index range), not an IN list of an import's many ids
    return count


def refresh_next_dues(session: Session, now: datetime | None = None, case_ids: Sequence[int] | None = None) -> int:
    """Bring the stored 下一个时限 (the column's sort) of the open cases whose stored one the platform has
    settled by itself by `now` up to date (`core.deadline_display.stored_next_due`): what the engine stores is its
    earliest open deadline, the engine having no clock. Cheap when nothing came due (an indexed range);
    run after each recompute and by the window every minute. Returns how many cases it rewrote."""
    moment = now or china_now()
    ids = cases_settled_since(session, moment, case_ids)
    if not ids:
        return 0
    timers = open_timers_of(session, ids)
    rows = []
    for case_id in ids:
        shown = stored_next_due(timers.get(case_id, ()), moment)
        rows.append({"id": case_id, "next_due_at": shown.due_at, "next_due_name": shown.name,
                     "next_due_automatic": shown.automatic, "after_due_at": shown.after_due_at,
                     "after_due_name": shown.after_name, "next_due_until": shown.until})
    write_next_dues(session, rows)
    return len(rows)


def refresh_next_dues_of(db: Database) -> Written[int]:
    """`refresh_next_dues` in a transaction of its own (the window's minute tick): what it changed is
    announced, so the Cases table reloads in the new order — on the other seats too, as the clock's
    change rather than this seat's."""
    with db.transaction() as session:
        write_as_the_clock(session)
        count = refresh_next_dues(session)
        return Written(count, changes_in(session))


def recompute_id_range(session: Session, first: int, last: int, context: RuleContext | None = None) -> int:
    """Recompute the cases whose ids run from `first` to `last` (open or not: an import's new cases),
    in slices of the full recompute, without IN lists; returns how many were found."""
    session.flush()
    ctx = RuleContext.in_force(session, context)
    everything = CaseSet(include_closed=True)
    count = sum(recompute_slice(session, everything, (start, min(start + _SLICE, last + 1) - 1), ctx)
                for start in range(first, last + 1, _SLICE))
    refresh_next_dues(session)
    return count


def recompute_open_cases(session: Session, context: RuleContext | None = None,
                         include_closed: bool = False, platforms: Iterable[str] | None = None) -> int:
    """Recompute every open case (every case with `include_closed`; only these platforms' cases
    with `platforms`); returns the number of cases, and records the rules they were computed with.

    Closed cases are left alone by default: their deadlines were settled when they closed, and a
    later pack edit should not rewrite what happened back then.
    """
    return _recompute_open(session, context, include_closed, platforms, None)


def _recompute_open(session: Session, context: RuleContext | None, include_closed: bool,
                    platforms: Iterable[str] | None, ledger: Path | None) -> int:
    # After an order import, or forced: on a team ledger one at a time with the imports and each other
    # (store/import_turns.py). Two seats' order imports of one moment each recomputed the open cases
    # after their commit, both found a case whose order had just been paid stale, and both inserted its
    # new deadline (the case showed 发货时效 twice).
    take_import_turn(session)
    session.flush()
    ctx = RuleContext.in_force(session, context)
    chosen = None if platforms is None else tuple(sorted(set(platforms)))
    count = _recompute_in_slices(session, CaseSet(include_closed=include_closed, platforms=chosen), ctx, ledger)
    remember_rules(session, ctx, None if chosen is None else set(chosen))
    refresh_next_dues(session)
    if chosen is None:  # every open case: an import's recompute left owed is done too
        recompute_paid(session)
    return count


def recompute_all(db: Database, context: RuleContext | None = None, include_closed: bool = False) -> Written[int]:
    """Recompute every open case in one transaction of its own; its value is the number of cases.

    Use after a change the rule fingerprint cannot see, or from a "重新计算全部时限" command;
    after pack edits and at start-up `recompute_changed_rules` does the same work for less.
    """
    with db.transaction() as session:
        older = older_than_ledger(session)
        if older:
            raise UserError(older_app_message(older))
        count = _recompute_open(session, context, include_closed, None, db.path)
        return Written(count, changes_in(session))


def recompute_changed_rules(db: Database, context: RuleContext | None = None) -> Written[int]:
    """Recompute the open cases whose platform's rules changed since they were last computed.

    Rules = the resolved pack, the working-day overrides, the official holiday schedule and the
    engine's revision. Every case event recomputes its case at once (`recompute_case`), so only a
    rule change can leave stored deadlines stale; with 100,000 open cases a full recompute takes
    about two seconds, this takes milliseconds when nothing changed (start-up, each CLI call).
    Its value is the number of cases recomputed. A seat whose app is older than the one that computed
    the ledger's deadlines recomputes nothing (`older_than_ledger`).

    On a team ledger the recompute, when there is one, runs alone (store/rule_turns.py), as a rule edit
    does: the seats' windows run this at the same moment (at a start after an upgrade, after an older
    seat's rule edit), and two seats recomputing the same cases at once each inserted their new deadlines
    (every one twice), and a seat's step on a case recorded meanwhile could be written over with the
    deadlines from before it, as a rule edit's recompute did (tests/unit/test_team_rule_turns.py). The
    second seat finds them computed.
    """
    if db.is_server:
        with db.transaction() as session:
            ctx = RuleContext.in_force(session, context)
            if older_than_ledger(session) or _stale_cases(session, ctx) is None:
                return _clock_only(session)
    with db.transaction(alone=db.is_server) as session:
        count = recompute_changed_in(session, context, db.path)
        if count is None:
            return _clock_only(session)
        return Written(count, changes_in(session))


def _clock_only(session: Session) -> Written[int]:
    """No rule changed; the clock has moved on since the last start (each CLI call, each start)."""
    write_as_the_clock(session)
    refresh_next_dues(session)
    return Written(0, changes_in(session))


def recompute_changed_in(session: Session, context: RuleContext | None = None,
                         ledger: Path | None = None) -> int | None:
    """`recompute_changed_rules` in the caller's transaction (a team ledger's rule edit commits with the
    deadlines computed with it); None when no rule changed (or this seat's app is older: nothing written)."""
    ctx = RuleContext.in_force(session, context)  # the rules as this transaction sees them stored
    stale = None if older_than_ledger(session) else _stale_cases(session, ctx)
    if stale is None:
        return None
    count = 0
    if stale.size:
        session.flush()
        count = _recompute_in_slices(session, stale.cases, ctx, ledger, stale.size)
    # Every platform whose rules changed is now computed with them; the others already were.
    remember_rules(session, ctx, None)
    refresh_next_dues(session)
    return count


def older_app_note(db: Database) -> str | None:
    """The shop's message when this computer's app is older than the one that computed the ledger's
    deadlines (a team ledger whose other seat was upgraded first); None otherwise."""
    with db.reading() as session:
        older = older_than_ledger(session)
    return older_app_message(older) if older else None


def cases_to_recompute(db: Database, context: RuleContext | None = None) -> int:
    """How many open cases `recompute_changed_rules` would recompute now (0: none), read cheaply: the
    window decides by it where a start-up recompute runs (services/recompute_aside.py)."""
    with db.reading() as session:
        ctx = context or RuleContext.load(session)
        stale = None if older_than_ledger(session) else _stale_cases(session, ctx)
        return 0 if stale is None else stale.size


class _Stale(NamedTuple):
    cases: CaseSet
    size: int  # how many open cases `cases` selects


def _stale_cases(session: Session, ctx: RuleContext) -> _Stale | None:
    """The open cases whose rules changed since they were computed (`platforms` None: all of them, after
    an engine or holiday-schedule change or at the first start; `()`: none, a changed pack of a platform
    with no open case or that changes no open case's plan); None when no rule changed.

    A pack's digest says whether its platforms' cases may have changed; then each plan's (platform, kind,
    reason) digest says which of them did: editing one timer recomputes the cases it applies to only."""
    known = remembered_rules(session)
    changed = {pack_id for pack_id, digest in rule_fingerprints(ctx).items() if known.get(pack_id) != digest}
    if not changed:
        return None
    every_plan = open_plans(session, None)
    platforms = {plan[0] for plan in every_plan}
    stale_platforms = {p for p in platforms if pack_for_platform(ctx.packs, p).id in changed}
    plans = {plan: count for plan, count in every_plan.items() if plan[0] in stale_platforms}
    current = plan_fingerprints(ctx, plans)
    known_plans = remembered_plans(session)
    stale = {plan: count for plan, count in plans.items()
             if pack_for_platform(ctx.packs, plan[0]).id not in known  # never recorded: every plan unknown
             or known_plans.get(plan_key(plan)) != current[plan_key(plan)]}
    count = sum(stale.values())
    if not stale:
        return _Stale(CaseSet(platforms=()), 0)
    if len(stale) == len(plans):
        return _Stale(CaseSet(platforms=None if stale_platforms == platforms else tuple(sorted(stale_platforms))),
                      count)
    # Their platforms when not every one (a range of ids per platform from `ix_cases_platform`); reading
    # every platform's cases by platform cost twice reading them by id range.
    chosen = {plan[0] for plan in stale}
    return _Stale(CaseSet(platforms=None if chosen == platforms else tuple(sorted(chosen)), plans=tuple(sorted(stale))),
                  count)


def _ids_to_compute(session: Session, cases: CaseSet) -> list[int]:
    """The ids of the cases to compute, ascending: every one `cases` selects, or those of its plans (a pack edit)."""
    if cases.plans is None:
        return case_ids(session, cases)
    plans = set(cases.plans)
    # The plan test inline first (83,333 rows of the edited platforms: 0.03 s through `in_plans` alone).
    return [case_id for case_id, platform, kind, reason, former in case_plans(session, cases)
            if (platform, kind, reason or "") in plans or (former and in_plans(plans, platform, kind, reason, former))]


_SLICE = 20_000  # cases per pass of a full recompute: bounds its memory, costs a few queries


def _recompute_in_slices(session: Session, cases: CaseSet, context: RuleContext, ledger: Path | None = None,
                         size: int | None = None) -> int:
    """`recompute_slice` over runs of consecutive cases: every open case of a large ledger at once held all
    their rows, events and stored deadlines in memory together (several hundred MB for 100,000 cases).

    `ledger`: the SQLite file, when the caller's transaction holds the write lock and has written
    nothing yet; from `PARALLEL_FROM` cases to compute (`size`, when `cases` has plans: fewer than the
    ids read) a helper process then computes slices beside this one (`services.deadline_helper`). When
    `size` says so before the ids are read, the helper starts first: its start overlaps their read.

    Python's cyclic collector is paused meanwhile (as the helper pauses its own): the slices' rows and results make
    no cycles, and its collections kept walking them and the app's modules, ≈ 9 % of a pack save's CPU
    (bench/README, "Session 28 (s28-engine …)")."""
    with recompute_cache(session), collector_paused():
        helper = None
        if ledger is not None and size is not None and size >= PARALLEL_FROM:
            helper = start_helper(context)
        try:
            ids = _ids_to_compute(session, cases)
        except BaseException:
            if helper is not None:
                helper.close()
            raise
        if ledger is not None and (len(ids) if size is None else size) >= PARALLEL_FROM:
            if helper is None and size is None:
                helper = start_helper(context)
            # A pack edit's slices are read by these ids: the cases of other plans between them (two thirds of
            # 100,000 after a save of every pack) cost their rows' reading and decoding, 0.66 instead of 0.28 s CPU.
            return recompute_beside(session, ledger, helper, cases, tapered_ranges(ids, PARALLEL_SLICE), context,
                                    None if cases.plans is None else ids)
        if helper is not None:
            helper.close()
        return sum(recompute_slice(session, cases, bounds, context) for bounds in id_ranges(ids, _SLICE))
