"""Case use cases in the shop's words: open a case, act on it, add a note, undo its last step.

Each function is one transaction and writes its audit events; the state machine in
`core.lifecycle` decides what is allowed. Each returns what it changed (core.op_changes), read off
the rows its transaction wrote: an action on a reship case that moves its reship says `reships`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from desktop_app.core import event_notes
from desktop_app.core import messages as msg
from desktop_app.core.case_undo import MOVED_ON_SINCE_BATCH, UNDO_KIND, UndoChoice, undo_choice
from desktop_app.core.clock import Moment, now
from desktop_app.core.errors import ActionNotAllowed, UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus, is_open
from desktop_app.core.money import format_yuan, yuan_to_fen
from desktop_app.core.op_changes import OpChanges
from desktop_app.core.vocabulary import (
    CaseKind,
    CaseReason,
    Platform,
    ResponsibleParty,
    order_key,
    platform_case_key,
)
from desktop_app.services.case_request import move_request
from desktop_app.services.case_writes import (
    after_last_step,
    apply_action,
    clean_order_no,
    current_author,
    load_case,
    overwrite_of_another_seats_edit,
    record_event,
    record_paid_amount,
    refused_after_another_seat,
    undo_of_another_seats_step,
)
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.deadlines import recompute_case
from desktop_app.store.case_lookups import platform_case_holder, unsettled_cases_of_kind
from desktop_app.store.case_queries import case_events
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent, Case, Order, utcnow
from desktop_app.store.order_lookups import order_or_placeholder
from desktop_app.store.row_locks import row_for_writing
from desktop_app.store.search import build_search_text

# Kinds whose money is a compensation rather than a refund of the order.
COMPENSATION_KINDS = frozenset({CaseKind.PARTIAL_REFUND, CaseKind.BAD_REVIEW})
PLATFORM_CASE_NO_LENGTH = 80  # cases.platform_case_no is String(80)


@dataclass(frozen=True, slots=True)
class NewCase:
    """What the user typed in the New Case dialog or on the command line."""

    platform: Platform
    order_no: str
    kind: CaseKind
    reason: CaseReason | None = None
    refund_fen: int | None = None
    compensation_fen: int | None = None
    responsible: ResponsibleParty | None = None
    platform_case_no: str | None = None
    note: str | None = None
    requested: Moment | None = None
    signed: Moment | None = None
    # Further milestones known at creation (paid, shipped, trade_succeeded ...), for back-dated scenarios.
    milestones: dict[str, Moment] = field(default_factory=dict)
    # Actions already taken before the case was recorded (agreed on the platform yesterday ...).
    actions: tuple[tuple[CaseAction, Moment], ...] = ()
    # Order fields for an order typed by hand (ignored when the order is already imported).
    receiver: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class OpenedCase:
    """A case recorded: its number, and what recording it changed."""

    case_id: int
    changes: OpChanges
    same_kind_open: tuple[int, ...] = ()  # the order's other unsettled cases of the kind: a double entry?


@dataclass(frozen=True, slots=True)
class CaseStep:
    """A case moved (an action, a change of kind): the state it is in now, and what moving it changed."""

    status: CaseStatus
    changes: OpChanges


@dataclass(frozen=True, slots=True)
class UndoneStep:
    """What 撤销 took back (its title), the state the case is in now, and what undoing it changed."""

    title: str
    status: CaseStatus
    changes: OpChanges


def amount_fields(kind: CaseKind, amount_yuan: Decimal | None) -> tuple[int | None, int | None]:
    """Split one 'amount' into (refund_fen, compensation_fen) by kind."""
    if amount_yuan is None:
        return None, None
    fen = yuan_to_fen(amount_yuan)
    return (None, fen) if kind in COMPENSATION_KINDS else (fen, None)


def find_or_create_order(session: Session, platform: Platform, order_no: str,
                         receiver: str | None = None, phone: str | None = None) -> Order:
    return order_or_placeholder(session, order_key(platform, order_no), {
        "platform": platform.value, "order_no": order_no, "receiver": receiver or None, "phone": phone or None,
        "imported_at": None, "search_text": build_search_text([order_no, receiver, phone]),
    })


def _claim_platform_case_no(session: Session, case: Case, number: str | None) -> None:
    """Set the case's platform after-sales number, refusing one another case of the family holds, or one longer
    than its column (SQLite stored it, the team server refused it with a generic message)."""
    if number is not None and len(number) > PLATFORM_CASE_NO_LENGTH:
        raise UserError(msg.say(msg.TOO_LONG, "平台售后单号", len(number), PLATFORM_CASE_NO_LENGTH))
    key = platform_case_key(case.platform, number)
    if key is not None:
        holder = platform_case_holder(session, key, case.id)
        if holder is not None:
            raise UserError(msg.say(msg.PLATFORM_CASE_NO_TAKEN, str(number), holder))
    case.platform_case_no = number
    case.platform_case_key = key


def open_case(db: Database, new: NewCase, author: str | None = None) -> OpenedCase:
    """Record a new case; the order is linked if imported, else kept as a placeholder by number."""
    who = current_author() if author is None else author
    order_no = clean_order_no(new.order_no)
    # Not typed: the moment the case is typed in, or its earliest step given with it (--agreed-at a day ago):
    # no step comes before the request (`case_writes.check_in_order`).
    requested = new.requested or _default_request(new)
    with db.transaction() as session:
        order = find_or_create_order(session, new.platform, order_no, new.receiver, new.phone)
        # The order's turn: two seats opening a case on it at once (READ COMMITTED) each looked for the other's
        # unsettled case before either committed and neither was told of a double entry; the second now waits.
        row_for_writing(session, Order, order.id)
        amount = (new.refund_fen or 0) + (new.compensation_fen or 0)
        stamp = utcnow()
        case = Case(
            order_id=order.id, platform=new.platform.value, kind=new.kind.value,
            reason=new.reason.value if new.reason else None, status=CaseStatus.PENDING.value, is_open=True,
            refund_fen=new.refund_fen, compensation_fen=new.compensation_fen,
            amount_fen=amount if (new.refund_fen is not None or new.compensation_fen is not None) else None,
            responsible=new.responsible.value if new.responsible else None, carrier=order.carrier,
            description=(new.note or "").strip() or None,
            requested_at=requested.at, signed_at=new.signed.at if new.signed else None,
            signed_date_only=bool(new.signed and new.signed.date_only),
            created_by=who, created_at=stamp, updated_at=stamp,
        )
        _claim_platform_case_no(session, case, (new.platform_case_no or "").strip() or None)
        session.add(case)
        session.flush()
        record_event(session, case, kind="created", author=who, at=requested.at, milestone="requested",
               to_state=case.status, note=case.description, date_only=requested.date_only)
        if new.signed is not None:
            record_event(session, case, kind="milestone", author=who, at=new.signed.at, milestone="signed",
                   date_only=new.signed.date_only)
        for name, moment in new.milestones.items():
            record_event(session, case, kind="milestone", author=who, at=moment.at, milestone=name,
                   date_only=moment.date_only)
        for action, moment in new.actions:
            apply_action(session, case, action, None, moment, who)
        recompute_case(session, case.id)
        twins = tuple(unsettled_cases_of_kind(session, order.id, case.kind, case.id))
        return OpenedCase(case.id, changes_in(session), twins)


def act_on_case(db: Database, case_id: int, action: CaseAction, note: str | None = None,
                at: Moment | None = None, author: str | None = None,
                expected_version: int | None = None, paid_fen: int | None = None) -> CaseStep:
    """Apply a lifecycle action; refused with a clear message if the state does not allow it. `paid_fen`:
    what a 退款 / 补偿 step paid (kept as the case's amount; None keeps the one recorded)."""
    who = current_author() if author is None else author
    with db.transaction() as session:
        status = act_in_session(session, case_id, action, note, at, who, expected_version, paid_fen=paid_fen)
        return CaseStep(status, changes_in(session))


def act_in_session(session: Session, case_id: int, action: CaseAction, note: str | None, when: Moment | None,
                   who: str, expected_version: int | None = None, rules: RuleContext | None = None,
                   paid_fen: int | None = None) -> CaseStatus:
    """`act_on_case` inside a transaction the caller owns (a use case that changes more than the state);
    `rules` loaded once serves a whole batch (reading the packs costs ~90 ms a case, measured). `when` None:
    now once the case is ours, after its last step — a time taken before waiting for another seat's step on
    it (or on a computer whose clock runs behind) came before that step, and the step asked for was refused
    as out of order (关闭的时间 12:11 早于同意补发的时间 12:11)."""
    case = load_case(session, case_id, expected_version)
    if paid_fen is not None:
        try:
            note = record_paid_amount(session, case, action, paid_fen, note)
        except ActionNotAllowed as refused:  # its refusal of the step itself, before `apply_action`'s
            raise refused_after_another_seat(session, refused, msg.say(msg.CASE_NO, case_id), "case", case_id,
                                             who) from refused
    when = when or after_last_step(session, case.id, Moment(now()))
    status = apply_action(session, case, action, note, when, who, rules)
    recompute_case(session, case.id, rules)
    return status


def add_note(db: Database, case_id: int, text: str, author: str | None = None) -> OpChanges:
    body = text.strip()
    if not body:
        raise UserError("备注内容不能为空")
    who = current_author() if author is None else author
    with db.transaction() as session:
        case = load_case(session, case_id, None)
        case.updated_at = utcnow()
        record_event(session, case, kind="note", author=who, note=body)
        return changes_in(session)


def undo_last_step(db: Database, case_id: int, expected_version: int | None = None,
                   author: str | None = None, only_event: int | None = None, own_step_only: bool = False,
                   rules: RuleContext | None = None) -> UndoneStep:
    """Take back the newest step of a case (编辑 → 撤销): what was undone and the state now, or
    ActionNotAllowed saying why not (`core.case_undo`: money paid and parcels sent never are).

    The undo is an audit event of its own; the step keeps its row, marked `undone_by` the undo, so
    the timeline shows both and the deadline engine stops reading the step's milestone. `only_event`: undo
    only if the newest step is that one (a batch's undo: a case acted on since is left alone); `own_step_only`:
    not a step another seat just took (`case undo`, which shows nothing before it acts: undo_of_another_seats_step);
    `rules`: a batch's undo loads them once (read again per case, the rule packs' parse was 3/4 of each undo)."""
    who = current_author() if author is None else author
    with db.transaction() as session:
        case = load_case(session, case_id, expected_version)
        before = CaseStatus(case.status)
        choice = undo_choice(CaseKind(case.kind), before, case_events(session, case_id))
        if only_event is not None and choice.event_id != only_event:
            raise ActionNotAllowed(MOVED_ON_SINCE_BATCH)
        step = session.get(AuditEvent, choice.event_id) if choice.possible else None
        if step is None:
            raise ActionNotAllowed(choice.refused or "没有可以撤销的操作")
        if own_step_only and (refused := undo_of_another_seats_step(session, step, msg.say(msg.CASE_NO, case_id), who)):
            raise refused
        after = CaseStatus(step.from_state) if step.kind == "action" and step.from_state else before
        if step.action == CaseAction.BUYER_SHIPPED_RETURN.value and after is CaseStatus.AWAITING_RETURN:
            _forget_parcel_of(case, step.note)
        case.status = after.value
        case.is_open = is_open(after)
        case.updated_at = utcnow()
        said = (event_notes.note(event_notes.UNDONE_SAYING, choice.title, step.note) if step.note
                else event_notes.note(event_notes.UNDONE, choice.title))
        undo = record_event(session, case, kind=UNDO_KIND, author=who, from_state=before.value, to_state=after.value,
                            note=said)
        session.flush()
        step.undone_by = undo.id
        recompute_case(session, case.id, rules)
        return UndoneStep(choice.title, after, changes_in(session))


def _forget_parcel_of(case: Case, step_note: str | None) -> None:
    """买家已寄回 taken back to 等待买家退货: the return parcel it recorded is no longer the case's (else the
    returns desk and 处理建议 still took it as on its way). A number the step did not record (imported)
    stays, and so does a corrected number when the correction is taken back (record the right one again)."""
    if case.return_tracking_no and case.return_tracking_no in (step_note or ""):
        case.return_tracking_no = None
        case.return_carrier = None


def case_version(db: Database, case_id: int) -> int:
    """The case's version as it is now: what a command that takes back "the last step" read before it acts, so
    that a second seat's undo at the same moment is refused naming the first (`load_case`) instead of taking
    back the step before — one the second seat never meant."""
    with db.reading() as session:
        return load_case(session, case_id, None, lock=False).version


def undo_offer(db: Database, case_id: int) -> UndoChoice:
    """What 撤销 would take back for this case now, or why nothing (the menu's text and tooltip)."""
    with db.reading() as session:
        case = load_case(session, case_id, None, lock=False)
        return undo_choice(CaseKind(case.kind), CaseStatus(case.status), case_events(session, case_id))


@dataclass(frozen=True, slots=True)
class CaseEdit:
    reason: CaseReason | None
    refund_fen: int | None
    compensation_fen: int | None
    responsible: ResponsibleParty | None
    platform_case_no: str | None
    # The buyer's request corrected (None: left as it is): `case_request.move_request`.
    requested: Moment | None = None


def edit_case(db: Database, case_id: int, edit: CaseEdit, expected_version: int,
              author: str | None = None, own_fields_only: bool = False) -> OpChanges:
    """Change the descriptive fields and the request's time; the timeline records what changed from what. A new
    reason or request time changes the case's timers (七天无理由 has its own), recomputed in the same transaction.
    `own_fields_only` (`case edit`, which shows nothing before it saves): not over a field another seat has just
    changed (case_writes.overwrite_of_another_seats_edit), as `claim ticket`."""
    who = current_author() if author is None else author
    with db.transaction() as session:
        case = load_case(session, case_id, expected_version)
        changes: list[str] = []
        new_values = {
            "reason": edit.reason.value if edit.reason else None,
            "refund_fen": edit.refund_fen,
            "compensation_fen": edit.compensation_fen,
            "responsible": edit.responsible.value if edit.responsible else None,
            "platform_case_no": (edit.platform_case_no or "").strip() or None,
        }
        reason = case.reason
        for column, value in new_values.items():
            if getattr(case, column) != value:
                old = _show(column, getattr(case, column))
                changes.append(f"{_FIELD_NAMES[column]}：{old} → {_show(column, value)}")
                if column == "platform_case_no":
                    _claim_platform_case_no(session, case, value)  # type: ignore[arg-type]
                else:
                    setattr(case, column, value)
        moved = move_request(session, case, edit.requested) if edit.requested is not None else None
        if moved is not None:
            changes.append(moved)
        if not changes:
            return OpChanges()
        if own_fields_only and (refused := overwrite_of_another_seats_edit(
                session, msg.say(msg.CASE_NO, case_id), "case", case_id,
                [change.split("：", 1)[0] for change in changes], who)):
            raise refused  # the transaction rolls back what was set above
        has_amount = case.refund_fen is not None or case.compensation_fen is not None
        case.amount_fen = (case.refund_fen or 0) + (case.compensation_fen or 0) if has_amount else None
        case.updated_at = utcnow()
        record_event(session, case, kind="edit", author=who, note="；".join(changes))
        if moved is not None or case.reason != reason:
            # The timers read both: a reason edited to 七天无理由 kept 淘宝's 5 days to answer where the platform
            # agrees to the return by itself after 72 h, until something else recomputed the case.
            recompute_case(session, case.id)
        return changes_in(session)


_FIELD_NAMES = {
    "reason": "原因", "refund_fen": "退款金额", "compensation_fen": "补偿金额", "responsible": "责任方",
    "platform_case_no": "平台售后单号",
}


def _show(column: str, value: object) -> str:
    if value is None:
        return "（空）"
    if column.endswith("_fen"):
        assert isinstance(value, int)
        return format_yuan(value)
    if column == "reason":
        return CaseReason(str(value)).label
    if column == "responsible":
        return ResponsibleParty(str(value)).label
    return str(value)


def _default_request(new: NewCase) -> Moment:
    """The request of a case typed without its time: now, or the earliest step given with it when that is earlier
    (`case add --agreed-at` a day ago: the buyer had asked by then)."""
    moment = Moment(now())
    for _, given in new.actions:
        if given.at < moment.at:
            moment = given
    return moment
