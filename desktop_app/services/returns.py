"""The returns desk (退货入库) in the shop's words: the buyer shipped the return, the parcel arrived and
was inspected, a parcel nobody claims is kept until it is matched to its case.

Each function is one transaction with its audit events. The inspection is recorded on the case's
timeline (as a note: the state machine has no inspection state) and in `return_inspections`; receipt
is the `receive_return` action whenever the case's state allows it, else the state stays as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.carriers import guess_carrier
from desktop_app.core.clock import Moment, now
from desktop_app.core.errors import NotFound, UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus, find_transition
from desktop_app.core.op_changes import OpChanges, Written
from desktop_app.core.returns import InspectionResult, Suggestion, suggest_after_inspection
from desktop_app.core.tracking_numbers import clean_carrier, clean_tracking
from desktop_app.core.vocabulary import CaseKind, CaseReason
from desktop_app.services.case_writes import after_last_step, current_author
from desktop_app.services.cases import act_in_session
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.deadline_rows import lock_if_shared
from desktop_app.store.models import AuditEvent, Case, ReturnInspection, UnmatchedParcel, utcnow
from desktop_app.store.return_queries import (
    ReturnCaseRow,
    UnmatchedParcelRow,
    cases_by_return_tracking,
    parcel_number,
    waiting_parcel,
)
from desktop_app.store.row_locks import row_for_writing, take_parcel_turn


def clean_return_tracking(text: str) -> str:
    """Like a reship's tracking number; upper case, as printed on the label (a scanner may send lower case)."""
    return clean_tracking(text).upper()


@dataclass(frozen=True, slots=True)
class ReturnParcel:
    """The buyer's return parcel as typed or imported, cleaned."""

    carrier: str | None
    tracking_no: str

    @classmethod
    def of(cls, carrier: str | None, tracking_no: str) -> ReturnParcel:
        return cls(clean_carrier(carrier), clean_return_tracking(tracking_no))

    def describe(self) -> str:
        return f"退货运单：{self.carrier + ' ' if self.carrier else ''}{self.tracking_no}"


@dataclass(frozen=True, slots=True)
class ShippedReturn:
    status: CaseStatus
    # The parcel was already scanned in as unmatched (无主件) before its number was known.
    waiting_parcel: UnmatchedParcelRow | None


def guess_parcel_carrier(tracking_no: str) -> str | None:
    """The courier a parcel nobody claims most likely came with (the one carrier vocabulary's guess)."""
    return guess_carrier(tracking_no)


def record_return_parcel(session: Session, case_id: int, parcel: ReturnParcel, note: str | None,
                         when: Moment | None, who: str, expected_version: int | None = None,
                         rules: RuleContext | None = None) -> ShippedReturn:
    """买家已寄回 with the parcel's carrier and number, inside the caller's transaction."""
    text = "；".join(part for part in (parcel.describe(), (note or "").strip()) if part)
    status = act_in_session(session, case_id, CaseAction.BUYER_SHIPPED_RETURN, text, when, who, expected_version,
                            rules)
    case = session.get(Case, case_id)
    assert case is not None  # act_in_session loaded it
    case.return_tracking_no = parcel.tracking_no
    case.return_carrier = parcel.carrier or case.return_carrier
    session.flush()
    return ShippedReturn(status, waiting_parcel(session, parcel.tracking_no))


def buyer_shipped_return(db: Database, case_id: int, parcel: ReturnParcel, note: str | None = None,
                         at: Moment | None = None, author: str | None = None,
                         expected_version: int | None = None) -> Written[ShippedReturn]:
    who = current_author() if author is None else author
    with db.transaction() as session:
        shipped = record_return_parcel(session, case_id, parcel, note, at or Moment(now()), who, expected_version)
        return Written(shipped, changes_in(session))


@dataclass(frozen=True, slots=True)
class ReceivedCase:
    """One case of a received parcel: its state before and after, and what to do next."""

    case_id: int
    order_no: str
    kind: CaseKind
    before: CaseStatus
    status: CaseStatus
    received: bool  # the receive_return step was taken now
    inspection_id: int
    suggestion: Suggestion


@dataclass(frozen=True, slots=True)
class ReceiveOutcome:
    tracking_no: str
    result: InspectionResult
    cases: tuple[ReceivedCase, ...]
    changes: OpChanges
    parcel: UnmatchedParcelRow | None = None  # set when nothing matched: the 无主件 record
    repeated: bool = False  # the same unmatched parcel was scanned before

    @property
    def matched(self) -> bool:
        return bool(self.cases)


def _inspection_note(result: InspectionResult, tracking_no: str, note: str | None) -> str:
    extra = (note or "").strip()
    return f"退货验货：{result.label}（运单 {tracking_no}）" + (f"；{extra}" if extra else "")


def _receive_case(session: Session, row: ReturnCaseRow, tracking_no: str, result: InspectionResult,
                  note: str | None, when: Moment, who: str, rules: RuleContext | None = None) -> ReceivedCase:
    kind, before = CaseKind(row.kind), CaseStatus(row.status)
    received = find_transition(kind, before, CaseAction.RECEIVE_RETURN) is not None
    # The parcel's own time stays on the inspection; the step comes after the case's steps.
    status = (act_in_session(session, row.id, CaseAction.RECEIVE_RETURN, None, after_last_step(session, row.id, when),
                             who, rules=rules)
              if received else before)
    inspection = ReturnInspection(case_id=row.id, tracking_no=tracking_no, result=result.value,
                                  note=(note or "").strip() or None, received_at=when.at, inspected_by=who)
    session.add(inspection)
    case = row_for_writing(session, Case, row.id)
    assert case is not None
    case.updated_at = utcnow()
    session.add(AuditEvent(case_id=row.id, subject="case", subject_id=row.id, kind="note", author=who, at=when.at,
                           note=_inspection_note(result, tracking_no, note), recorded_at=utcnow()))
    session.flush()
    reason = CaseReason(row.reason) if row.reason else None
    return ReceivedCase(row.id, row.order_no, kind, before, status, received, inspection.id,
                        suggest_after_inspection(kind, reason, status, result))


def receive_return(db: Database, tracking_no: str, result: InspectionResult, note: str | None = None,
                   at: Moment | None = None, author: str | None = None) -> ReceiveOutcome:
    """A returned parcel arrived and was opened: receipt and inspection on every case it belongs to,
    or, if its number matches no case, an unmatched parcel (无主件) to be matched later."""
    number = clean_return_tracking(tracking_no)
    who = current_author() if author is None else author
    when = at or Moment(now())
    with db.transaction() as session:
        take_parcel_turn(session, number)  # the same parcel scanned at two seats: recorded once
        rows = cases_by_return_tracking(session, number)
        # Its cases locked in id order, as an import, a paste and every recompute lock them: taken one by one
        # in the list's order (the latest changed first), a parcel of two cases deadlocked with an import
        # bringing both up to date, and the server failed the scan or the whole import.
        if lock_if_shared(session, [row.id for row in rows]):
            rows = cases_by_return_tracking(session, number)  # as they are now that no other seat can change them
        if rows:
            rules = RuleContext.load(session)
            done = tuple(_receive_case(session, row, number, result, note, when, who, rules) for row in rows)
            return ReceiveOutcome(number, result, done, changes_in(session))
        waiting = waiting_parcel(session, number)
        if waiting is not None:
            parcel = session.get(UnmatchedParcel, waiting.id)
            assert parcel is not None
            parcel.result = result.value
            parcel.note = (note or "").strip() or parcel.note
        else:
            parcel = UnmatchedParcel(tracking_no=number, carrier_guess=guess_parcel_carrier(number),
                                     result=result.value, note=(note or "").strip() or None, received_at=when.at,
                                     recorded_by=who)
            session.add(parcel)
        return ReceiveOutcome(number, result, (), changes_in(session), waiting_parcel(session, number),
                              repeated=waiting is not None)


def match_parcel(db: Database, parcel_id: int, case_id: int, author: str | None = None) -> Written[ReceivedCase]:
    """An unmatched parcel belongs to this case after all: the case takes its number, receipt (at the time
    the parcel arrived) and inspection; the parcel leaves the unmatched list."""
    who = current_author() if author is None else author
    with db.transaction() as session:
        number = parcel_number(session, parcel_id)
        if number is None:
            raise NotFound(msg.say(msg.NO_PARCEL, parcel_id))
        # The parcel scanned again at another seat meanwhile (its turn first, then its row, as a scan takes
        # them): the second of the two waits and reads what the first wrote.
        take_parcel_turn(session, number)
        parcel = row_for_writing(session, UnmatchedParcel, parcel_id)
        assert parcel is not None  # a parcel is never deleted
        if parcel.matched_at is not None:
            raise UserError(msg.say(msg.PARCEL_MATCHED, parcel_id, str(parcel.matched_case_id)))
        case = row_for_writing(session, Case, case_id)
        if case is None:
            raise NotFound(msg.say(msg.NO_CASE, case_id))
        case.return_tracking_no = parcel.tracking_no
        case.return_carrier = case.return_carrier or parcel.carrier_guess
        session.flush()
        row = next(r for r in cases_by_return_tracking(session, parcel.tracking_no) if r.id == case_id)
        done = _receive_case(session, row, parcel.tracking_no, InspectionResult(parcel.result), parcel.note,
                             Moment(parcel.received_at), who)
        parcel.matched_case_id = case_id
        parcel.matched_at = utcnow()
        return Written(done, changes_in(session))
