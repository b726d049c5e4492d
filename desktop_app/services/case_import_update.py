"""The update half of the after-sales import: a request the ledger already has, brought up to what
the platform's later (or earlier) export shows. Facts first, then the state, forward only; an older
picture of a request changes nothing of it; the shop's own fields are left alone. The insert half
and the file's transaction are `case_import`'s."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from desktop_app.core.case_intake import CaseRecord, asked_again, older_step, plan_progress
from desktop_app.core.clock import Moment
from desktop_app.core.lifecycle import CaseAction, CaseStatus, transition
from desktop_app.core.vocabulary import CaseKind
from desktop_app.io.case_profiles import CaseProfile
from desktop_app.services.case_import_shared import Outcome, StepTimes, platform_note, request_amounts
from desktop_app.services.case_writes import apply_action, record_event, resume_state
from desktop_app.store.intake_queries import CaseFacts, CaseHistory, case_history
from desktop_app.store.models import Case, utcnow


def keep_older(session: Session, fact: CaseFacts, record: CaseRecord, platform_given: bool,
               outcome: Outcome) -> None:
    """An older picture of a request changes nothing of it but the platform the import was told."""
    if platform_given and fact.platform != record.platform.value:
        case = session.get(Case, fact.id, with_for_update=True)
        assert case is not None
        case.platform = record.platform.value
        case.updated_at = utcnow()
        outcome.updated.append(fact.id)
    else:
        outcome.unchanged.append(fact.id)


def ended_on_platform(fact: CaseFacts, profile: CaseProfile) -> bool:
    """Whether the platform status stored last is a refusal or a closing (a row after it may be a request
    asked again: `older_picture` then needs the case's timeline)."""
    stored = profile.target_of(fact.platform_status) if fact.platform_status else None
    return stored is not None and stored.resolve(CaseKind(fact.kind)) in (CaseStatus.REJECTED, CaseStatus.CLOSED)


def older_picture(fact: CaseFacts, record: CaseRecord, profile: CaseProfile, history: CaseHistory | None = None,
                  times: StepTimes | None = None) -> bool:
    """An earlier export's row (`history`, `times`: after a refusal or closing, when that was reached on the
    case's timeline and when the row's round began, `core.case_intake.older_step`)."""
    stored = profile.target_of(fact.platform_status) if fact.platform_status else None
    if stored is None or history is None or times is None:
        return older_step(CaseKind(fact.kind), stored, record.target)
    reached = history.reached.get(stored.resolve(CaseKind(fact.kind)).value)
    started = times.round_start(record, fact.kind, fact.reason)
    return older_step(CaseKind(fact.kind), stored, record.target, started, reached)


def may_move(fact: CaseFacts, record: CaseRecord) -> bool:
    """Whether the platform's row may move the case (its timeline is then needed)."""
    target = record.target
    if target is None:
        return False
    return bool(target.milestones) or record.escalated or target.resolve(CaseKind(fact.kind)).value != fact.status


def update_case(session: Session, fact: CaseFacts, record: CaseRecord, moves: bool, history: CaseHistory | None,
                who: str, outcome: Outcome, times: StepTimes, platform_given: bool = False) -> None:
    """Bring an existing case up to what the platform shows: facts first, then the state, forward only
    (`moves`: see `may_move`)."""
    again = _asked_again_at(fact, record, history, times)
    changes, actions, conflict = _planned(fact, record, moves, history, platform_given, _resumes_to(session, fact),
                                          again)
    paid = _paid_by_platform(fact, record)
    case = None
    if changes or actions or paid:
        # Locked from here to the commit (a server: another seat's change waits, or loses on the version).
        case = session.get(Case, fact.id, with_for_update=True)
        assert case is not None
        if case.status != fact.status:
            # Another seat moved it on since the file's cases were read (a server lets it): planned again
            # from where it is now, where the whole file failed on a step its state no longer allows.
            fact = CaseFacts(*(getattr(case, name) for name in CaseFacts.__slots__))  # type: ignore[attr-defined]
            history = case_history(session, [case.id]).get(case.id)
            again = _asked_again_at(fact, record, history, times)
            changes, actions, conflict = _planned(fact, record, may_move(fact, record), history, platform_given,
                                                  _resumes_to(session, fact), again)
            paid = _paid_by_platform(fact, record)
    if conflict:
        outcome.conflicts.append(fact.id)
    if case is None or (not changes and not actions and not paid):
        outcome.unchanged.append(fact.id)
        return
    for column, value in changes.items():
        setattr(case, column, value)
    # A step seen only now happened after everything on the case's timeline: its earliest time.
    earliest = max(t for t in (case.requested_at, history.latest if history else None) if t is not None)
    for position, action in enumerate(actions):
        step = transition(CaseKind(case.kind), CaseStatus(case.status), action)
        if action is CaseAction.REOPEN and again is not None:
            when = earliest = again  # the buyer asked again when the row's round began; what follows came after
        else:
            when = times.when(case.platform_case_key or "", record, case.kind, case.reason, step.milestone,
                              position == len(actions) - 1, earliest)
        apply_action(session, case, action, platform_note(record), Moment(when), who, in_order=False)
    if paid is not None and not case.paid_out:
        # The platform paid a request the ledger had refused or closed (客服介入 ruled for the buyer, its
        # automatic refund): the state stays the shop's, the timeline and 统计's 退款 have the money.
        when = times.when(case.platform_case_key or "", record, case.kind, case.reason, paid, True, earliest)
        record_event(session, case, kind="milestone", author=who, at=when, milestone=paid,
                     note=platform_note(record))
        case.paid_out = True
    case.updated_at = utcnow()
    outcome.updated.append(fact.id)


def _resumes_to(session: Session, fact: CaseFacts) -> CaseStatus:
    """Where 恢复处理 would take the case (the state it was escalated from): a path the platform's row asks
    for out of the intervention starts there (a reship back at 待补发 is not agreed again)."""
    if fact.status != CaseStatus.PLATFORM_INTERVENTION.value:
        return CaseStatus.PROCESSING
    return resume_state(session, fact.id, CaseKind(fact.kind))


def _paid_by_platform(fact: CaseFacts, record: CaseRecord) -> str | None:
    """The paid milestone the platform's row reports for a case not yet paid in the ledger (退款成功: the
    money left the shop whatever the ledger's state), else None."""
    if record.target is None or fact.paid_out:
        return None
    return _PAID_STATES.get(record.target.resolve(CaseKind(fact.kind)))


_PAID_STATES = {CaseStatus.REFUNDED: "refunded", CaseStatus.COMPENSATED: "compensated"}


def _asked_again_at(fact: CaseFacts, record: CaseRecord, history: CaseHistory | None,
                    times: StepTimes) -> datetime | None:
    """When the buyer asked again a request the ledger has refused, as the row shows it
    (`core.case_intake.asked_again`);
    None when it does not."""
    if fact.status != CaseStatus.REJECTED.value or record.target is None or history is None:
        return None
    started = times.round_start(record, fact.kind, fact.reason)
    if not asked_again(CaseKind(fact.kind), record.target, started, history.reached.get("rejected")):
        return None
    return started


def _planned(fact: CaseFacts, record: CaseRecord, moves: bool, history: CaseHistory | None,
             platform_given: bool = False, resumes_to: CaseStatus = CaseStatus.PROCESSING,
             again: datetime | None = None) -> tuple[dict[str, object], tuple[CaseAction, ...], bool]:
    """What the platform's row changes on the case: its facts, the steps to take, and whether the shop's
    state conflicts with the platform's. `again`: the buyer asked the refused request again then — reopened, the
    case goes on from 处理中 to the row's state."""
    actions: tuple[CaseAction, ...] = ()
    conflict = False
    if record.target is not None and moves:
        milestones = frozenset(history.milestones) if history else frozenset()
        current = CaseStatus.PROCESSING if again is not None else CaseStatus(fact.status)
        progress = plan_progress(CaseKind(fact.kind), current, milestones, record.target, record.escalated,
                                 resumes_to)
        conflict, actions = progress.conflict, progress.actions
        if again is not None:
            actions = (CaseAction.REOPEN, *actions)
    return _fact_changes(fact, record, platform_given), actions, conflict


def _fact_changes(fact: CaseFacts, record: CaseRecord, platform_given: bool = False) -> dict[str, object]:
    """The platform's facts of the request that differ from the stored ones; the shop's own fields
    (reason once set, responsible party, description, notes) are left alone. The platform only when
    the import was told it (a 天猫 refund list first imported as 淘宝, the layout being the same; the
    case then runs on 天猫's timers)."""
    refund, compensation, total = request_amounts(record)
    values: dict[str, object] = {"platform_reason": record.platform_reason, "platform_due_at": record.platform_due_at}
    if record.platform_status:  # a blank status cell says nothing new (the import warns of it)
        values["platform_status"] = record.platform_status
    if platform_given:
        values["platform"] = record.platform.value
    if total is not None:
        values.update(refund_fen=refund, compensation_fen=compensation, amount_fen=total)
    if record.return_tracking_no:
        values.update(return_carrier=record.return_carrier, return_tracking_no=record.return_tracking_no)
    if fact.reason is None:
        values["reason"] = record.reason.value
    if fact.requested_at is None and record.requested_at is not None:
        values["requested_at"] = record.requested_at
    return {column: value for column, value in values.items() if fact.get(column) != value}
