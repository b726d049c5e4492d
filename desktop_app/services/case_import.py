"""Bringing the platforms' after-sales exports into the ledger as cases (the use case the GUI and the
CLI both call).

    result = import_cases(db, ["tb_refunds.csv", "dy_aftersales.xlsx"], platform="auto")

Each file is one transaction: a refused file stores nothing, a cancelled one is rolled back. A
request is found again by (platform family, after-sales number); a later export moves its case
forward with timeline events at the times the file gives, never backwards, and never touches what
the shop added itself (notes, responsible party, claims, reships, evidence). The new and moved
cases' deadlines are computed in the same transaction, and the platform's own deadline is compared
with ours for the same timer.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from desktop_app.core.case_intake import CaseRecord, plan_progress
from desktop_app.core.clock import Moment, now
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseStatus, is_open, transition
from desktop_app.core.rule_packs import pack_for_platform
from desktop_app.core.vocabulary import CaseKind, order_key, platform_case_key
from desktop_app.io.case_import_results import CaseFileResult, CaseImportResult
from desktop_app.io.case_profiles import PLATFORM_CHOICES
from desktop_app.io.case_rows import CaseFile, read_case_file
from desktop_app.io.import_errors import ImportCancelled, OrderFileRefused
from desktop_app.io.import_results import ImportProgress
from desktop_app.services.cases import COMPENSATION_KINDS, apply_action, current_author
from desktop_app.services.deadlines import RuleContext, recompute_cases
from desktop_app.services.reships import after_case_action
from desktop_app.store.database import Database
from desktop_app.store.intake_queries import (
    CaseHistory,
    case_deadlines,
    case_history,
    cases_by_key,
    orders_by_key,
    orders_with_items,
)
from desktop_app.store.models import AuditEvent, Case, Order, OrderItem, utcnow
from desktop_app.store.search import build_search_text

CaseImportRun = Generator[ImportProgress, None, CaseImportResult]
PROGRESS_EVERY = 500
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
    for index, path in enumerate(Path(p) for p in paths):
        yield ImportProgress(path.name, index, len(paths), "reading")
        try:
            parsed = read_case_file(path, chosen)
        except OrderFileRefused as refused:
            files.append(CaseFileResult(str(path), refused=refused.reason))
            continue
        try:
            result = yield from _store(db, parsed, index, len(paths), cancel)
        except ImportCancelled:
            files.append(CaseFileResult(str(path), parsed.platform.value, parsed.profile.label, cancelled=True))
            return CaseImportResult(tuple(files), cancelled=True)
        files.append(result)
    return CaseImportResult(tuple(files))


def import_cases(db: Database, paths: Sequence[Path | str], platform: str = "auto",
                 progress: Callable[[ImportProgress], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> CaseImportResult:
    steps = import_case_steps(db, paths, platform, cancel)
    while True:
        try:
            step = next(steps)
        except StopIteration as finished:
            result: CaseImportResult = finished.value
            return result
        if progress is not None:
            progress(step)


@dataclass
class _Outcome:
    inserted: list[Case] = field(default_factory=list)
    updated: list[Case] = field(default_factory=list)
    unchanged: list[Case] = field(default_factory=list)
    conflicts: list[Case] = field(default_factory=list)


def _store(db: Database, parsed: CaseFile, index: int, count: int,
           cancel: Callable[[], bool] | None) -> Generator[ImportProgress, None, CaseFileResult]:
    name = parsed.path.name
    who = current_author()
    context = RuleContext.load()
    outcome = _Outcome()
    times = _StepTimes(context)
    with db.transaction() as session:
        keys = {platform_case_key(r.platform, r.platform_case_no): r for r in parsed.records}
        existing = cases_by_key(session, keys)
        orders = _orders_for(session, parsed.records)
        history = case_history(session, [c.id for c in existing.values()])
        fresh: list[tuple[Case, CaseRecord]] = []
        for done, (key, record) in enumerate(keys.items()):
            if done % PROGRESS_EVERY == 0:
                if cancel is not None and cancel():
                    raise ImportCancelled(parsed.path)
                yield ImportProgress(name, index, count, "importing", done, done / max(len(keys), 1))
            assert key is not None
            case = existing.get(key)
            if case is None:
                fresh.append((_new_case(session, record, orders[order_key(record.platform, record.order_no)], who),
                              record))
            else:
                _update_case(session, case, record, history.get(case.id), who, outcome, times)
        session.flush()
        for case, record in fresh:
            _record_history(session, case, record, who, name, times)
            outcome.inserted.append(case)
        session.flush()
        touched = [c.id for c in (*outcome.inserted, *outcome.updated)]
        recompute_cases(session, touched, context)
        mismatches = _mismatches(session, keys, outcome, context, times.inferred)
    return CaseFileResult(
        str(parsed.path), parsed.platform.value, parsed.profile.label,
        inserted=tuple(c.id for c in outcome.inserted), updated=tuple(c.id for c in outcome.updated),
        unchanged=tuple(c.id for c in outcome.unchanged), conflicts=tuple(c.id for c in outcome.conflicts),
        deadline_mismatches=tuple(mismatches), errors=tuple(parsed.errors), warnings=tuple(parsed.warnings),
        rows=parsed.rows,
    )


def _orders_for(session: Session, records: Sequence[CaseRecord]) -> dict[str, Order]:
    """Each request's order: the imported one, else a placeholder known by its number (filled in when
    its order export arrives), given the request's goods when it has none."""
    wanted = {order_key(r.platform, r.order_no): r for r in records}
    orders = orders_by_key(session, wanted)
    for key, record in wanted.items():
        if key not in orders:
            # No times on a placeholder: the order's paid/shipped times come with its order export (a
            # paid time alone would start a ship-by timer for an order long shipped).
            order = Order(order_key=key, platform=record.platform.value, order_no=record.order_no,
                          buyer_nick=record.buyer_nick, imported_at=None,
                          search_text=build_search_text([record.order_no, record.buyer_nick, record.title]))
            session.add(order)
            orders[key] = order
    session.flush()
    has_items = orders_with_items(session, [o.id for o in orders.values() if o.imported_at is None])
    for key, order in orders.items():
        record = wanted[key]
        if order.imported_at is None and order.id not in has_items and record.title:
            session.add(OrderItem(order_id=order.id, position=0, title=record.title, spec=record.spec,
                                  sku_code=record.sku_code, quantity=record.quantity or 1))
            has_items.add(order.id)
    return orders


def _amounts(record: CaseRecord) -> tuple[int | None, int | None, int | None]:
    """refund, compensation, total (fen) of the request's amount for its kind."""
    if not record.amount_fen:  # 0.00: an exchange or reship asks for no money
        return None, None, None
    if record.kind in COMPENSATION_KINDS:
        return None, record.amount_fen, record.amount_fen
    return record.amount_fen, None, record.amount_fen


def _new_case(session: Session, record: CaseRecord, order: Order, who: str) -> Case:
    refund, compensation, total = _amounts(record)
    stamp = utcnow()
    case = Case(
        order_id=order.id, platform=record.platform.value, kind=record.kind.value, reason=record.reason.value,
        status=CaseStatus.PENDING.value, is_open=True, refund_fen=refund, compensation_fen=compensation,
        amount_fen=total, platform_case_no=record.platform_case_no,
        platform_case_key=platform_case_key(record.platform, record.platform_case_no),
        platform_status=record.platform_status, platform_reason=record.platform_reason,
        platform_due_at=record.platform_due_at, return_carrier=record.return_carrier,
        return_tracking_no=record.return_tracking_no, description=record.description,
        requested_at=record.requested_at or now(), created_by=who, created_at=stamp, updated_at=stamp,
    )
    session.add(case)
    return case


def _event(case: Case, who: str, at: datetime, **values: object) -> AuditEvent:
    return AuditEvent(case_id=case.id, subject="case", subject_id=case.id, author=who, at=at,
                      recorded_at=utcnow(), **values)


def _record_history(session: Session, case: Case, record: CaseRecord, who: str, source: str,
                    times: _StepTimes) -> None:
    """A new case's timeline: the request, then the steps the platform has taken, at the times the
    file gives (a step without its own time is put at the request: the earliest it can have been,
    so no timer it starts is shown later than the platform counts it)."""
    requested = case.requested_at
    assert requested is not None
    session.add(_event(case, who, requested, kind="created", milestone="requested", to_state=case.status,
                       note=f"从 {source} 导入" + (f"：{record.description}" if record.description else "")))
    if record.target is None:
        return
    kind = CaseKind(case.kind)
    progress = plan_progress(kind, CaseStatus.PENDING, frozenset(), record.target, record.escalated)
    status = CaseStatus.PENDING
    for position, action in enumerate(progress.actions):
        step = transition(kind, status, action)
        when = times.when(case, record, step.milestone, position == len(progress.actions) - 1, requested)
        after = step.target or status
        session.add(_event(case, who, when, kind="action", action=action.value, milestone=step.milestone,
                           from_state=status.value, to_state=after.value, note=_platform_note(record)))
        status = after
        if kind is CaseKind.RESHIP:
            case.status = status.value
            case.is_open = is_open(status)
            session.flush()
            after_case_action(session, case, action, Moment(when))
    case.status = status.value
    case.is_open = is_open(status)


class _StepTimes:
    """When a step the platform took happened. The file gives the request and the end (退款完结时间);
    a step in between is dated by the platform's own deadline for the timer it starts where that
    timer runs plain hours or days (due − duration), else at the earliest it can have been (after
    everything already on the case's timeline), so no timer it starts shows later than the
    platform counts it."""

    def __init__(self, context: RuleContext) -> None:
        self.context = context
        self.inferred: set[int] = set()  # cases with a step dated from the platform's deadline

    def when(self, case: Case, record: CaseRecord, milestone: str | None, last: bool, earliest: datetime) -> datetime:
        if last and record.finished_at is not None:
            return record.finished_at
        target = record.target
        if (milestone is not None and milestone != "requested" and target is not None
                and target.due_from == milestone and record.platform_due_at is not None):
            pack = pack_for_platform(self.context.packs, case.platform)
            for timer in pack.applicable(case.kind, case.reason):
                if timer.starts_from == milestone and timer.duration.delta is not None:
                    start = record.platform_due_at - timer.duration.delta
                    if start >= earliest:
                        self.inferred.add(case.id)
                        return start
        return earliest


def _platform_note(record: CaseRecord) -> str:
    return f"平台导出：{record.platform_status}" if record.platform_status else "平台导出"


def _update_case(session: Session, case: Case, record: CaseRecord, history: CaseHistory | None, who: str,
                 outcome: _Outcome, times: _StepTimes) -> None:
    """Bring an existing case up to what the platform shows: facts first, then the state, forward only."""
    changed = _update_facts(case, record)
    if record.target is not None:
        milestones = frozenset(history.milestones) if history else frozenset()
        progress = plan_progress(CaseKind(case.kind), CaseStatus(case.status), milestones, record.target,
                                 record.escalated)
        if progress.conflict:
            outcome.conflicts.append(case)
        # A step seen only now happened after everything on the case's timeline: its earliest time.
        earliest = max(t for t in (case.requested_at, history.latest if history else None) if t is not None)
        for position, action in enumerate(progress.actions):
            step = transition(CaseKind(case.kind), CaseStatus(case.status), action)
            when = times.when(case, record, step.milestone, position == len(progress.actions) - 1, earliest)
            apply_action(session, case, action, _platform_note(record), Moment(when), who)
            changed = True
    if changed:
        case.updated_at = utcnow()
        outcome.updated.append(case)
    else:
        outcome.unchanged.append(case)


def _update_facts(case: Case, record: CaseRecord) -> bool:
    """The platform's facts of the request; the shop's own fields (reason once set, responsible party,
    description, notes) are left alone. True when anything changed."""
    refund, compensation, total = _amounts(record)
    values: dict[str, object] = {
        "platform_status": record.platform_status, "platform_reason": record.platform_reason,
        "platform_due_at": record.platform_due_at,
    }
    if total is not None:
        values.update(refund_fen=refund, compensation_fen=compensation, amount_fen=total)
    if record.return_tracking_no:
        values.update(return_carrier=record.return_carrier, return_tracking_no=record.return_tracking_no)
    if case.reason is None:
        values["reason"] = record.reason.value
    if case.requested_at is None and record.requested_at is not None:
        values["requested_at"] = record.requested_at
    changed = False
    for column, value in values.items():
        if getattr(case, column) != value:
            setattr(case, column, value)
            changed = True
    return changed


def _mismatches(session: Session, records: dict[str | None, CaseRecord], outcome: _Outcome,
                context: RuleContext, inferred: set[int]) -> list[int]:
    """Cases whose platform deadline differs from ours for the same timer by more than an hour (not
    those whose step time was inferred from that very deadline)."""
    by_key = {c.platform_case_key: c for c in (*outcome.inserted, *outcome.updated, *outcome.unchanged)
              if c.id not in inferred}
    checks = [(by_key[key], record) for key, record in records.items()
              if key in by_key and record.platform_due_at is not None and record.target is not None
              and record.target.due_from is not None]
    ours = case_deadlines(session, [case.id for case, _ in checks])
    found: list[int] = []
    for case, record in checks:
        pack = pack_for_platform(context.packs, case.platform)
        dues = []
        for timer_id, due_at, _status in ours.get(case.id, []):
            try:
                timer = pack.timer(timer_id)
            except KeyError:
                continue
            if timer.starts_from == record.target.due_from:  # type: ignore[union-attr]
                dues.append(due_at)
        assert record.platform_due_at is not None
        if dues and min(abs(d - record.platform_due_at) for d in dues) > MISMATCH_TOLERANCE:
            found.append(case.id)
    return found

