"""Bringing the platforms' after-sales exports into the ledger as cases (the use case the GUI and the
CLI both call).

    result = import_cases(db, ["tb_refunds.csv", "dy_aftersales.xlsx"], platform="auto")

Each file is one transaction: a refused file stores nothing, a cancelled one is rolled back. A
request is found again by (platform family, after-sales number); a later export moves its case
forward with timeline events at the times the file gives, never backwards, and never touches what
the shop added itself (notes, responsible party, claims, reships, evidence). The new and moved
cases' deadlines are computed in the same transaction, and the platform's own deadline is compared
with ours for the same timer.

This module holds the file's transaction and the new requests' inserts; a request the ledger already
has is brought up to date by `case_import_update`, and what both halves share is `case_import_shared`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from sqlalchemy.orm import Session

from desktop_app.core import event_notes
from desktop_app.core.case_costs import PAID_MILESTONES
from desktop_app.core.case_intake import CaseRecord, StatusTarget, plan_progress
from desktop_app.core.clock import now
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus, is_open, transition
from desktop_app.core.reship_states import ReshipStatus
from desktop_app.core.rule_packs import pack_for_platform
from desktop_app.core.vocabulary import CaseKind, order_key, platform_case_key
from desktop_app.io.case_import_results import CaseFileResult, CaseImportResult
from desktop_app.io.case_profiles import PLATFORM_CHOICES
from desktop_app.io.case_rows import CaseFile, read_case_file
from desktop_app.io.collector import collector_paused
from desktop_app.io.import_errors import ImportCancelled, OrderFileRefused
from desktop_app.io.import_results import ImportProgress
from desktop_app.services.case_import_shared import Outcome, StepTimes, platform_note, request_amounts
from desktop_app.services.case_import_update import (
    ended_on_platform,
    keep_older,
    may_move,
    older_picture,
    update_case,
)
from desktop_app.services.case_writes import current_author
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.deadlines import recompute_cases, recompute_id_range
from desktop_app.services.refund_checks import refunds_over_paid
from desktop_app.services.refund_list_family import tell_taobao_from_tmall
from desktop_app.services.rounded_case_ids import judge_rounded_ids
from desktop_app.services.stepwise import run_to_end
from desktop_app.services.typed_twins import typed_twins
from desktop_app.store.bulk_rows import insert_rows
from desktop_app.store.case_facts import resolve_seconds
from desktop_app.store.case_upsert import case_id_spans, indexes_set_aside, insert_new_cases
from desktop_app.store.change_tracking import changes_in, mark_cases
from desktop_app.store.database import Database
from desktop_app.store.import_turns import take_import_turn
from desktop_app.store.intake_queries import (
    case_deadlines,
    case_facts_by_key,
    case_history,
    case_ids_by_key,
    import_cache,
    insert_placeholder_orders,
    insert_returning_keys,
    order_items_by_order,
    order_refs_by_key,
    orders_with_items,
)
from desktop_app.store.ledger_clock import ledger_now
from desktop_app.store.models import AuditEvent, OrderItem, Reship, ReshipItem, utcnow
from desktop_app.store.search import build_search_text

CaseImportRun = Generator[ImportProgress, None, CaseImportResult]
PROGRESS_EVERY = 500
INSERT_BATCH = 10_000
MISMATCH_TOLERANCE = timedelta(hours=1)


def _check_platform(platform: str) -> str:
    value = platform.strip().lower()
    if value not in PLATFORM_CHOICES:
        raise UserError(f"无法识别的平台“{platform}”，可用：{'、'.join(PLATFORM_CHOICES)}")
    return value


def import_case_steps(db: Database, paths: Sequence[Path | str], platform: str = "auto",
                      cancel: Callable[[], bool] | None = None) -> CaseImportRun:
    """The import as a generator of progress returning the result; closing it rolls back the file
    in progress."""
    if not paths:
        raise UserError("没有选择要导入的文件")
    chosen = _check_platform(platform)
    files: list[CaseFileResult] = []
    guessed: list[int] = []  # cases stored as 淘宝 for want of evidence by this import's earlier files
    for index, path in enumerate(Path(p) for p in paths):
        yield ImportProgress(path.name, index, len(paths), "reading")
        with collector_paused():
            try:
                parsed = read_case_file(path, chosen)
            except OrderFileRefused as refused:
                files.append(CaseFileResult(str(path), refused=refused.reason))
                continue
            try:
                result = yield from _store(db, parsed, index, len(paths), cancel, guessed)
            except ImportCancelled:
                files.append(CaseFileResult(str(path), parsed.platform.value, parsed.profile.label, cancelled=True))
                return CaseImportResult(tuple(files), cancelled=True)
        files.append(result)
    return CaseImportResult(tuple(files))


def import_cases(db: Database, paths: Sequence[Path | str], platform: str = "auto",
                 progress: Callable[[ImportProgress], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> CaseImportResult:
    steps = import_case_steps(db, paths, platform, cancel)
    return run_to_end(steps, progress)


def _store(db: Database, parsed: CaseFile, index: int, count: int, cancel: Callable[[], bool] | None,
           guessed: list[int]) -> Generator[ImportProgress, None, CaseFileResult]:
    """One file in one transaction; the cases it inserts as 淘宝 for want of evidence are added to `guessed`."""
    name = parsed.path.name
    who = current_author()
    outcome = Outcome()

    def check_cancel() -> None:
        if cancel is not None and cancel():
            raise ImportCancelled(parsed.path)  # the transaction rolls back

    with db.transaction() as session, import_cache(session):
        take_import_turn(session)  # before the stored cases are read (store/import_turns.py)
        # The rules in this transaction: no seat's rule edit commits before it does (store/rule_turns.py).
        context = RuleContext.load(session)
        a_guess = tell_taobao_from_tmall(session, parsed, len(guessed))
        judge_rounded_ids(session, parsed)
        records = {platform_case_key(r.platform, r.platform_case_no) or "": r for r in parsed.records}
        times = StepTimes(context)
        facts = case_facts_by_key(session, records)
        check_cancel()
        yield ImportProgress(name, index, count, "importing", 0, 0.0)
        fresh = {key: record for key, record in records.items() if key not in facts}
        with indexes_set_aside(session, len(fresh)):
            orders, carriers = _order_ids(session, list(fresh.values()))
            inserted = _insert_new(session, fresh, orders, carriers, who, name, times)
            outcome.inserted.extend(inserted.values())
            mark_cases(session, inserted.values())  # inserted beside the ORM: named to the other seats
            check_cancel()
            yield ImportProgress(name, index, count, "importing", len(fresh), len(fresh) / max(len(records), 1))
            # The stored cases in id order, as a paste, a recompute and every multi-case write lock them
            # (store/deadline_rows.lock_if_shared): taken in the file's order, a case this import had locked
            # could be the one another seat's paste waited for while holding the next one the import wanted,
            # a deadlock the server broke by failing one of them.
            known = sorted(((facts[key], record) for key, record in records.items() if key in facts),
                           key=lambda pair: pair[0].id)
            # An earlier export's row for a request the ledger saw further on: nothing to take from it.
            # After a refusal or closing, when it was reached tells a request asked again from yesterday's row.
            ended = case_history(session, [fact.id for fact, _ in known if ended_on_platform(fact, parsed.profile)])
            older = {fact.id for fact, record in known
                     if older_picture(fact, record, parsed.profile, ended.get(fact.id), times)}
            moving = {fact.id for fact, record in known if fact.id not in older and may_move(fact, record)}
            history = case_history(session, moving)
            for done, (fact, record) in enumerate(known, start=len(fresh)):
                if done % PROGRESS_EVERY == 0:
                    check_cancel()
                    yield ImportProgress(name, index, count, "importing", done, done / max(len(records), 1))
                if fact.id in older:
                    keep_older(session, fact, record, parsed.platform_given, outcome)
                else:
                    update_case(session, fact, record, fact.id in moving, history.get(fact.id), who, outcome,
                                times, parsed.platform_given)
            check_cancel()
            _recompute(session, [*outcome.inserted, *outcome.updated], context)
        if a_guess:
            guessed.extend(inserted.values())
        twins = typed_twins(session, fresh, inserted, orders)
        over_paid = refunds_over_paid(session, parsed)
        mismatches = _mismatches(session, {k: r for k, r in records.items()
                                           if k not in facts or facts[k].id not in older}, context,
                                 times.inferred)
        changes = changes_in(session)
    return CaseFileResult(
        str(parsed.path), parsed.platform.value, parsed.profile.label,
        inserted=tuple(outcome.inserted), updated=tuple(outcome.updated), unchanged=tuple(outcome.unchanged),
        conflicts=tuple(outcome.conflicts), deadline_mismatches=tuple(mismatches), errors=tuple(parsed.errors),
        warnings=(*parsed.warnings, *over_paid, *(t.message for t in twins)),
        typed_twins=tuple((t.case_id, t.typed_case_id) for t in twins), rows=parsed.rows, changes=changes,
    )


def _recompute(session: Session, case_ids: list[int], context: RuleContext) -> None:
    """The deadlines of the new and moved cases. The new cases' ids are one run: recomputed by id
    range (slices of the engine's full recompute) instead of IN lists of 500 ids, whose statements
    were rendered with every id for each of the recompute's three reads; the moved cases' ids stay
    lists. In ascending id order either way, as `recompute_cases` goes."""
    session.flush()  # the moved cases' events added through the ORM
    for part in case_id_spans(case_ids):
        if isinstance(part, list):
            recompute_cases(session, part, context)
        else:
            recompute_id_range(session, *part, context)


def _order_ids(session: Session, records: Sequence[CaseRecord]) -> tuple[dict[str, int], dict[int, str]]:
    """Each request's order id: the imported order, else a placeholder known by its number (filled in
    when its order export arrives), given the request's goods when it has none; and the couriers of
    the orders that have one."""
    wanted = {order_key(r.platform, r.order_no): r for r in records}
    refs = order_refs_by_key(session, wanted)
    # No times on a placeholder: the order's paid/shipped times come with its order export (a paid
    # time alone would start a ship-by timer for an order long shipped).
    placeholders = [
        {"order_key": key, "platform": r.platform.value, "order_no": r.order_no, "buyer_nick": r.buyer_nick,
         "imported_at": None, "search_text": build_search_text([r.order_no, r.buyer_nick, r.title]),
         "created_at": utcnow(), "updated_at": utcnow(), "version": 1}
        for key, r in wanted.items() if key not in refs
    ]
    ids = {key: ref.id for key, ref in refs.items()}
    ids.update(insert_placeholder_orders(session, placeholders))
    waiting = {ids[key] for key in wanted if key not in refs or not refs[key].imported}  # a set: tested per row
    has_items = orders_with_items(session, waiting)
    insert_rows(session, OrderItem, [
        {"order_id": ids[key], "position": 0, "title": r.title, "spec": r.spec, "sku_code": r.sku_code,
         "quantity": r.quantity or 1}
        for key, r in wanted.items()
        if r.title and ids[key] in waiting and ids[key] not in has_items
    ])
    return ids, {ref.id: ref.carrier for ref in refs.values() if ref.carrier}



def _insert_new(session: Session, fresh: dict[str, CaseRecord], orders: dict[str, int], carriers: dict[int, str],
                who: str, source: str, step_times: StepTimes) -> dict[str, int]:
    """New cases with their timelines: the request, then the steps the platform has taken, at the
    times the file gives (see `StepTimes`). Returns key → case id.

    Written `INSERT_BATCH` cases at a time: a case's row and its events are dicts of 20–40 values, and
    100,000 of them built at once took 150 MB beside the records (an import of 100,000 requests peaked
    at 470–545 MB). The ids come out in the file's order as before."""
    stamp = ledger_now(session)  # the server's clock on a team ledger, as every seat's entries (store/ledger_clock)
    ids: dict[str, int] = {}
    keys = list(fresh)
    for start in range(0, len(keys), INSERT_BATCH):
        batch = {key: fresh[key] for key in keys[start:start + INSERT_BATCH]}
        ids.update(_insert_batch(session, batch, orders, carriers, who, source, step_times, stamp))
    return ids


def _insert_batch(session: Session, fresh: dict[str, CaseRecord], orders: dict[str, int], carriers: dict[int, str],
                  who: str, source: str, step_times: StepTimes, stamp: datetime) -> dict[str, int]:
    times: dict[object, str | None] = {}  # stored text of each time, shared by the cases and their events
    rows: list[dict[str, object]] = []
    histories: dict[str, list[dict[str, object]]] = {}
    reship_steps: dict[str, list[tuple[CaseAction, datetime]]] = {}
    for key, record in fresh.items():
        requested = record.requested_at or now()
        events, status = _history(key, record, requested, who, source, step_times, stamp)
        histories[key] = events
        if record.kind is CaseKind.RESHIP:
            reship_steps[key] = [(CaseAction(str(e["action"])), e["at"]) for e in events  # type: ignore[misc]
                                 if e["action"]]
        refund, compensation, total = request_amounts(record)
        order_id = orders[order_key(record.platform, record.order_no)]
        acted = [e["at"] for e in events if e["kind"] == "action"]
        rows.append({
            "order_id": order_id, "platform": record.platform.value, "carrier": carriers.get(order_id),
            "resolve_seconds": resolve_seconds(requested, max(acted)) if acted else None,  # type: ignore[type-var,arg-type]
            "kind": record.kind.value, "reason": record.reason.value, "status": status.value,
            "is_open": is_open(status), "refund_fen": refund, "compensation_fen": compensation,
            "paid_out": any(e["milestone"] in PAID_MILESTONES for e in events),
            "amount_fen": total, "responsible": None, "platform_case_no": record.platform_case_no,
            "platform_case_key": key, "platform_status": record.platform_status,
            "platform_reason": record.platform_reason, "platform_due_at": record.platform_due_at,
            "return_carrier": record.return_carrier, "return_tracking_no": record.return_tracking_no,
            "description": record.description, "requested_at": requested, "signed_at": None,
            "signed_date_only": False, "created_by": who, "created_at": stamp, "updated_at": stamp, "version": 1,
        })
    ids = insert_new_cases(session, rows, times)
    rows.clear()  # each step's rows go before the next step's are built: the peak stays one step's
    for key, events in histories.items():
        for event in events:
            event["case_id"] = event["subject_id"] = ids[key]
    insert_rows(session, AuditEvent, [event for events in histories.values() for event in events], times)
    histories.clear()
    _add_reships(session, {ids[key]: (orders[order_key(fresh[key].platform, fresh[key].order_no)], steps)
                           for key, steps in reship_steps.items()}, stamp)
    return ids


def _add_reships(session: Session, steps: dict[int, tuple[int, list[tuple[CaseAction, datetime]]]],
                 stamp: datetime) -> None:
    """The reship queue's rows of new reship cases the platform already agreed (or shipped): as
    agreeing in the app makes them (services/reship_records.follow_case_action), with the order's goods."""
    rows = []
    for case_id, (_order_id, actions) in steps.items():
        agreed = [when for action, when in actions if action is CaseAction.AGREE_RESHIP]
        shipped = [when for action, when in actions if action is CaseAction.SHIP_RESHIP]
        if agreed or shipped:
            status = ReshipStatus.SHIPPED if shipped else ReshipStatus.AGREED
            rows.append({"case_id": case_id, "status": status.value, "promised_at": agreed[-1] if agreed else None,
                         "ship_by": None, "carrier": None, "tracking_no": None,
                         "shipped_at": shipped[-1] if shipped else None, "note": None, "created_at": stamp,
                         "updated_at": stamp, "version": 1})
    reship_ids = insert_returning_keys(session, Reship, "case_id", rows)
    goods = order_items_by_order(session, {steps[case_id][0] for case_id in reship_ids})
    insert_rows(session, ReshipItem, [
        {"reship_id": reship_id, "title": title, "spec": spec, "quantity": quantity}
        for case_id, reship_id in reship_ids.items() for title, spec, quantity in goods.get(steps[case_id][0], [])
    ])


def _history(key: str, record: CaseRecord, requested: datetime, who: str, source: str,
             times: StepTimes, recorded: datetime) -> tuple[list[dict[str, object]], CaseStatus]:
    """A new case's events (without its id) and the state they leave it in, recorded at the import's
    stamp (the new case's created_at)."""
    note = (event_notes.note(event_notes.IMPORTED_SAYING, source, record.description) if record.description
            else event_notes.note(event_notes.IMPORTED, source))
    events: list[dict[str, object]] = [{
        "subject": "case", "kind": "created", "action": None, "milestone": "requested", "from_state": None,
        "to_state": _PENDING, "note": note, "author": who, "at": requested, "date_only": False, "recorded_at": recorded,
    }]
    if record.target is None:
        return events, CaseStatus.PENDING
    steps, status = _steps_new(record.kind, record.target, record.escalated)
    kind, reason, last = record.kind.value, record.reason.value, len(steps) - 1
    step_note = platform_note(record)
    for position, (action, milestone, before, after) in enumerate(steps):
        when = times.when(key, record, kind, reason, milestone, position == last, requested)
        events.append({
            "subject": "case", "kind": "action", "action": action, "milestone": milestone, "from_state": before,
            "to_state": after, "note": step_note, "author": who, "at": when, "date_only": False,
            "recorded_at": recorded,
        })
    return events, status


_PENDING = CaseStatus.PENDING.value
NewSteps = tuple[tuple[tuple[str, str | None, str, str], ...], CaseStatus]


@cache
def _steps_new(kind: CaseKind, target: StatusTarget, escalated: bool) -> NewSteps:
    """The steps from 待处理 to the platform's state as (action, milestone, from state, to state) of
    their events, and the state they end in (a file has a few dozen distinct ones)."""
    status = CaseStatus.PENDING
    steps = []
    for action in plan_progress(kind, status, frozenset(), target, escalated).actions:
        step = transition(kind, status, action)
        after = step.target or status
        steps.append((action.value, step.milestone, status.value, after.value))
        status = after
    return tuple(steps), status


def _mismatches(session: Session, records: dict[str, CaseRecord], context: RuleContext,
                inferred: set[str]) -> list[int]:
    """Cases whose platform deadline differs from ours for the same timer by more than an hour (not
    those whose step time was inferred from that very deadline)."""
    checks = {key: record for key, record in records.items()
              if record.platform_due_at is not None and record.target is not None
              and record.target.due_from is not None and key not in inferred}
    ids = case_ids_by_key(session, checks)
    ours = case_deadlines(session, list(ids.values()))
    found: list[int] = []
    for key, record in checks.items():
        case_id = ids.get(key)
        if case_id is None:
            continue
        pack = pack_for_platform(context.packs, record.platform.value)
        dues = []
        for timer_id, due_at, _status in ours.get(case_id, []):
            try:
                timer = pack.timer(timer_id)
            except KeyError:
                continue
            if timer.starts_from == record.target.due_from:  # type: ignore[union-attr]
                dues.append(due_at)
        assert record.platform_due_at is not None
        if dues and min(abs(d - record.platform_due_at) for d in dues) > MISMATCH_TOLERANCE:
            found.append(case_id)
    return found
