"""The case write primitives every case-changing use case shares: who writes, the order number typed,
loading a case for writing, its timeline entries and applying a lifecycle action.

What else a case action changes is registered here explicitly, in ACTION_EFFECTS: today the reship
row of a reship case (services/reship_records.follow_case_action). `services.cases` (open, act, note,
edit, undo), `services.case_kind` and `services.reships` (agree, refuse, ship ...) all build on this
module; none of them imports another for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.case_costs import PAID_MILESTONES, paying_milestone
from desktop_app.core.case_undo import undos_to_reach
from desktop_app.core.clock import Moment, as_china, format_china
from desktop_app.core.errors import ActionNotAllowed, NotFound, StaleData, UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus, event_title, is_open, resume_target, transition
from desktop_app.core.money import format_yuan
from desktop_app.core.rule_pack_model import KIND_CHANGED
from desktop_app.core.rule_packs import pack_name_for
from desktop_app.core.vocabulary import CaseKind
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.reship_records import follow_case_action
from desktop_app.services.team import seat_name
from desktop_app.store.case_facts import later_resolve
from desktop_app.store.case_lookups import (
    edits_since,
    last_author,
    last_entry,
    last_step,
    paid_this_way,
    request_date_only,
    return_on_its_way,
    state_before_escalation,
)
from desktop_app.store.case_queries import case_events
from desktop_app.store.ledger_clock import ledger_now
from desktop_app.store.models import AuditEvent, Case, utcnow
from desktop_app.store.row_locks import row_for_writing

_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")
_ORDER_NO = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_\-]{0,63}$")

# What follows a case action beyond the case row and its timeline, in this order; each gets the
# session, the case (already moved), the action, its time and the rules loaded for a batch (or None).
ActionEffect = Callable[[Session, Case, CaseAction, Moment, RuleContext | None], None]
ACTION_EFFECTS: tuple[ActionEffect, ...] = (follow_case_action,)


def current_author() -> str:
    """The seat name every change is recorded under (services/team.py)."""
    return seat_name()


def clean_order_no(text: str) -> str:
    value = text.strip().strip("\t").lstrip("'").strip()
    if value.startswith('="') and value.endswith('"'):
        value = value[2:-1]
    if not value:
        raise UserError("订单号不能为空")
    if _SCIENTIFIC.match(value):
        raise UserError(msg.say(msg.ORDER_NO_SCIENTIFIC, text))
    if len(value) > 64:
        raise UserError(msg.say(msg.ORDER_NO_TOO_LONG, text[:30]))
    if not _ORDER_NO.match(value):
        raise UserError(msg.say(msg.ORDER_NO_BAD, text if len(text) <= 30 else text[:30] + "…"))
    return value


def record_event(session: Session, case: Case, *, kind: str, author: str, at: datetime | None = None,
                 action: str | None = None, milestone: str | None = None, from_state: str | None = None,
                 to_state: str | None = None, note: str | None = None, date_only: bool = False) -> AuditEvent:
    """One entry on the case's own timeline (subject 'case'): created, action, milestone, edit, note."""
    event = AuditEvent(
        case_id=case.id, subject="case", subject_id=case.id, kind=kind, action=action, milestone=milestone,
        from_state=from_state, to_state=to_state, note=note, author=author, at=at or utcnow(),
        date_only=date_only, recorded_at=utcnow(),
    )
    session.add(event)
    return event


FORMER_KINDS_LENGTH = 200  # Case.former_kinds


def remember_kind(case: Case, kind: str) -> None:
    """Note `kind` as the case's kind before the change of kind being recorded (`Case.former_kinds`): the engine
    keeps what its timers had missed by then. The oldest go first when the column is full (pairs are read from the
    latest change back)."""
    kinds = [*(case.former_kinds or "").split(","), kind]
    text = ",".join(k for k in kinds if k)
    while len(text) > FORMER_KINDS_LENGTH:
        text = text.split(",", 1)[1]
    case.former_kinds = text


def load_case(session: Session, case_id: int, expected_version: int | None, *, lock: bool = True) -> Case:
    """The case, refused when missing or when `expected_version` says someone changed it meanwhile; locked
    for the rest of the transaction unless only read (`lock`: store/row_locks.py), so that another seat's
    step on it waits for this one and then reads what it wrote."""
    case = row_for_writing(session, Case, case_id) if lock else session.get(Case, case_id)
    if case is None:
        raise NotFound(msg.say(msg.NO_CASE, case_id))
    if expected_version is not None and case.version != expected_version:
        raise changed_meanwhile(session, msg.say(msg.CASE_NO, case_id), "case", case_id, CaseStatus(case.status).label,
                                case.version)
    return case


def changed_meanwhile(session: Session, what: str, subject: str, subject_id: int, now: str,
                      version: int | None = None) -> StaleData:
    """The losing seat's message: who changed the record since it was shown, and its state now (which the
    window shows beside the message). It said only "已被他人修改，请刷新后再操作", with the window refreshed.
    `version`: the record's now, which a dialog kept open sends OK again against (the state this message says)."""
    author = last_author(session, subject, subject_id)
    return StaleData(msg.say(msg.CHANGED_BY, what, author, now) if author else msg.say(msg.CHANGED, what, now),
                     version)


# How long after another seat's change a refusal names it: two seats' commands at once are seconds apart, and
# a state a colleague reached yesterday is no race (a computer's clock a few minutes off still counts).
JUST_CHANGED = timedelta(minutes=10)


def refused_after_another_seat(session: Session, error: ActionNotAllowed, what: str, subject: str,
                               subject_id: int, who: str) -> ActionNotAllowed:
    """A step the record's state refused, naming the seat that just moved it into that state (its latest entry, a
    step or an undo by another seat within JUST_CHANGED): two seats' `case act` or `claim act` at once, the second
    acting on the state it found, told only 当前状态为“待补发”，不能执行“同意补发” and left to guess that a colleague
    did it. A note or an edit that left the state as it was is not the refusal's cause and is not named, nor the
    record's creation: its state never allowed the step (理赔 #1 刚被 店主 修改了（新建理赔）sent the seat to ask 店主
    what they had changed)."""
    last = last_entry(session, subject, subject_id)
    if (last is None or last.kind == "created" or last.to_state in (None, last.from_state)
            or not _just_by_another_seat(session, last, who)):
        return error
    return _naming_the_seat(last, what, error.message)


def undo_of_another_seats_step(session: Session, step: AuditEvent, what: str, who: str) -> ActionNotAllowed | None:
    """`case undo` / `claim undo` found on top a step another seat took within JUST_CHANGED: the command meant
    its own seat's last step (two seats at once, 小李's undo read the case just after 小王's 同意补发 committed
    and took that back — a step nobody at 小王's seat asked to undo). Refused naming that seat, unless the
    command names it (`--other-seat`: seen and meant). A window's undo names the step it shows instead."""
    if not _just_by_another_seat(session, step, who):
        return None
    return _naming_the_seat(step, what, msg.UNDO_NOT_OWN_STEP)


def payout_after_another_seats(session: Session, what: str, subject: str, subject_id: int, paying: Collection[str],
                               who: str) -> ActionNotAllowed | None:
    """A command's payment right after another seat's on the same record (its latest entry, a `paying` step in force
    by another seat within JUST_CHANGED): two seats' `claim act 1 pay_partially --amount 10` at once both saw the
    courier's one transfer, and the claim counted 20.00 received. Refused naming that seat, unless the command names
    it (`--other-seat`: another payment, seen). A window's step names the version its dialog showed instead."""
    last = last_entry(session, subject, subject_id)
    if (last is None or last.kind != "action" or last.action not in paying or last.undone_by is not None
            or not _just_by_another_seat(session, last, who)):
        return None
    return _naming_the_seat(last, what, msg.PAYOUT_NOT_OWN)


def overwrite_of_another_seats_edit(session: Session, what: str, subject: str, subject_id: int,
                                    fields: list[str], who: str) -> StaleData | None:
    """A command's save of these fields (their names on the timeline, 理赔单号 …) over another seat's edit of one of
    them within JUST_CHANGED: two seats' `claim ticket` seconds apart, the second read the claim after the first
    had committed and wrote its number over the first one's without a word. Refused naming that seat and what it
    wrote, unless the command names it (`--other-seat`). A window's save names the version its dialog showed."""
    for entry in edits_since(session, subject, subject_id, ledger_now(session) - JUST_CHANGED):
        if not _just_by_another_seat(session, entry, who):
            continue
        changed = {part.split("：", 1)[0] for part in (entry.note or "").split("；")}
        over = [field for field in fields if field in changed]
        if over:
            recorded = as_china(entry.recorded_at.replace(tzinfo=entry.recorded_at.tzinfo or UTC))
            return StaleData(msg.say(msg.OVERWRITE_AFTER_SEAT, what, entry.author, recorded.strftime("%H:%M:%S"),
                                     entry.note or "", "、".join(over)))
    return None


def _just_by_another_seat(session: Session, entry: AuditEvent, who: str) -> bool:
    """Written by another seat within JUST_CHANGED, on the ledger's clock (a team server's: the seats' computers'
    clocks may be minutes apart, store/ledger_clock)."""
    if not entry.author or entry.author == who:
        return False
    return ledger_now(session) - entry.recorded_at.replace(tzinfo=entry.recorded_at.tzinfo or UTC) <= JUST_CHANGED


def _naming_the_seat(entry: AuditEvent, what: str, why: str) -> ActionNotAllowed:
    recorded = as_china(entry.recorded_at.replace(tzinfo=entry.recorded_at.tzinfo or UTC))
    return ActionNotAllowed(msg.say(msg.REFUSED_AFTER_SEAT, what, entry.author, recorded.strftime("%H:%M:%S"),
                                    event_title(entry), why))


def record_paid_amount(session: Session, case: Case, action: CaseAction, fen: int, note: str | None) -> str:
    """The amount a paying step (退款 / 退货途中退款 / 补偿) paid, kept on the case where 统计 counts it
    (`refund_fen`, or `compensation_fen` for 已补偿); the step's note that says it on the timeline. A case
    that paid the buyer so before (refunded 30.00, reopened, refunded the other 70.00) adds it: the buyer
    got both (the second replaced the first, and 统计 counted 70.00 of 100.00).

    Refused like the action itself when the state does not allow it, and for a step that pays nothing."""
    kind, status = CaseKind(case.kind), CaseStatus(case.status)
    transition(kind, status, action)  # the action's own refusal first, when the state does not allow it
    paid = paying_milestone(kind, status, action)
    if paid is None:
        raise UserError(msg.say(msg.AMOUNT_WITH_PAYING_STEP, action.label))
    if fen <= 0:
        raise UserError(msg.say(msg.AMOUNT_ABOVE_ZERO))
    compensated = paid == "compensated"
    before = case.compensation_fen if compensated else case.refund_fen
    total = fen + (before or 0) if before is not None and paid_this_way(session, case.id, paid) else fen
    if compensated:
        case.compensation_fen = total
    else:
        case.refund_fen = total
    case.amount_fen = (case.refund_fen or 0) + (case.compensation_fen or 0)  # the 金额 column sorts by it
    said = f"{'补偿' if compensated else '退款'} {format_yuan(fen)} 元"
    if total != fen:
        said += f"，累计 {format_yuan(total)} 元"
    extra = (note or "").strip()
    return f"{said}；{extra}" if extra else said


def apply_action(session: Session, case: Case, action: CaseAction, note: str | None, when: Moment,
                 who: str, rules: RuleContext | None = None, in_order: bool = True) -> CaseStatus:
    """Move the case by `action` (refused if its state does not allow it, or with `in_order` if it is dated
    before the case's last step: `check_in_order`), write the timeline entry, then let every effect in
    ACTION_EFFECTS follow (the reship row of a reship case)."""
    before = CaseStatus(case.status)
    try:
        step = transition(CaseKind(case.kind), before, action)
    except ActionNotAllowed as refused:
        raise refused_after_another_seat(session, refused, msg.say(msg.CASE_NO, case.id), "case", case.id,
                                         who) from refused
    if in_order and action is not CaseAction.TRADE_SUCCEEDED:
        check_in_order(session, case, action.label, when)
    after = step.target or before
    if action is CaseAction.RESUME:
        after = resume_state(session, case.id, CaseKind(case.kind))
    case.status = after.value
    case.is_open = is_open(after)
    case.updated_at = utcnow()
    case.resolve_seconds = later_resolve(case.resolve_seconds, case.requested_at or case.created_at, when.at)
    if step.milestone in PAID_MILESTONES:
        case.paid_out = True  # and stays so: a refund is never undone, closing or reopening keeps it
    milestone = step.milestone
    if action is CaseAction.BUYER_SHIPPED_RETURN and return_on_its_way(session, case.id):
        # A corrected parcel number: the platform's 10 days to confirm run from the shipping, not from the
        # correction (a later deadline than the platform's is the dangerous direction).
        milestone = None
    record_event(session, case, kind="action", author=who, at=when.at, action=action.value,
                 milestone=milestone, from_state=before.value, to_state=after.value,
                 note=(note or "").strip() or None, date_only=when.date_only)
    session.flush()
    for effect in ACTION_EFFECTS:
        effect(session, case, action, when, rules)
    if action is CaseAction.REJECT:
        escalating = _refusal_taken_up(session, case, rules)
        if escalating is not None:
            # The platform steps in the moment the shop refuses (抖店: a refused 一直未收到货 reship "直接进入仲裁
            # 流程", seed 004): recorded as its own step at the same time, so the intervention's evidence clock
            # runs, the case stays open in the lists, and `case undo` takes the intervention back first.
            return apply_action(session, case, CaseAction.ESCALATE, escalating, when, who, rules, in_order=False)
    return after


def _refusal_taken_up(session: Session, case: Case, rules: RuleContext | None) -> str | None:
    """The timeline note of the platform's intervention that follows the shop's refusal of this case, when its
    pack says the platform takes a refusal up by itself (a timer's `refusal_records`); None otherwise."""
    context = RuleContext.in_force(session, rules)
    pack = context.packs.get(pack_name_for(case.platform))
    timer = None if pack is None else pack.refusal_escalates(case.kind, case.reason)
    if pack is None or timer is None:
        return None
    return str(msg.say(msg.REFUSAL_ESCALATED, pack.name, timer.display_name))


def check_in_order(session: Session, case: Case, step: str, when: Moment) -> None:
    """Refuse a step dated before the buyer's request or the case's last step (`store.case_lookups.last_step`):
    a reship shipped --at a time before its agreement, or a return shipped before it was agreed, went in, and the
    engine, which meets a timer only by a step at or after its start, kept the 48 h to ship overdue with 3 元 at
    stake on a shipped case, and let the platform close a return the buyer had sent; an agreement --at a time
    before the request (typed in later, its time defaulting to that moment) ran the answer timers from after it
    and the ship clock twice. A step given by its day only may fall on the day of the step before it (it came
    after it, that day). 交易成功 is a fact about the order and may come before the request (`apply_action` does
    not ask). An import dates its steps after the timeline itself. `step`: what the step is called in the message
    (同意补发, 修改售后类型)."""
    _check_after_request(session, case, step, when)
    last = last_step(session, case.id)
    if last is None or when.at >= last.at.replace(tzinfo=last.at.tzinfo or UTC):
        return
    previous = as_china(last.at)
    given = as_china(when.at)
    if (when.date_only or last.date_only) and given.date() == previous.date():
        return
    shown = given.strftime("%Y-%m-%d") if when.date_only else format_china(given)
    before = previous.strftime("%Y-%m-%d") if last.date_only else format_china(previous)
    title = "修改售后类型" if last.milestone == KIND_CHANGED else event_title(last)
    # The hint names `case undo` only where undoing reaches that step: a step recorded after it (a date-only one
    # of its day, a note) comes back first, and a parcel sent or a reship's agreement never does.
    reach = undos_to_reach(CaseKind(case.kind), CaseStatus(case.status), case_events(session, case.id), last.id)
    if reach == 1:
        raise UserError(msg.say(msg.STEP_BEFORE_LAST, step, shown, title, before, title, case.id))
    if isinstance(reach, int):
        raise UserError(msg.say(msg.STEP_BEFORE_LAST_UNDOS, step, shown, title, before, title, case.id, reach))
    raise UserError(msg.say(msg.STEP_BEFORE_LAST_KEPT, step, shown, title, before, title,
                            reach.refused or "", before))


def _check_after_request(session: Session, case: Case, step: str, when: Moment) -> None:
    """Refuse a step dated before the buyer's request (the case's 新建 entry: the time typed, by default the moment
    the case was typed in); by its day only, either may fall on the other's day."""
    requested = case.requested_at
    if requested is None:
        return
    requested = requested.replace(tzinfo=requested.tzinfo or UTC)
    if when.at >= requested:
        return
    asked = as_china(requested)
    given = as_china(when.at)
    request_by_day = request_date_only(session, case.id)
    if (when.date_only or request_by_day) and given.date() == asked.date():
        return
    shown = given.strftime("%Y-%m-%d") if when.date_only else format_china(given)
    raise UserError(msg.say(msg.STEP_BEFORE_REQUEST, step, shown,
                            asked.strftime("%Y-%m-%d") if request_by_day else format_china(asked), case.id))


def after_last_step(session: Session, case_id: int, when: Moment) -> Moment:
    """`when`, or the time of the case's last step (or of its request) when that is later: a step whose time the
    ledger takes from elsewhere (the returns desk's parcel, received before the shop recorded the buyer's shipping
    at the moment it typed it; a 无主件 matched to a case typed in after it came) comes after the steps already on
    the timeline and after the request, as `check_in_order` wants."""
    last = last_step(session, case_id)
    if last is not None:
        at = last.at.replace(tzinfo=last.at.tzinfo or UTC)
        if when.at < at:
            when = Moment(at, last.date_only)
    case = session.get(Case, case_id)
    requested = case.requested_at if case is not None else None
    if requested is not None:
        requested = requested.replace(tzinfo=requested.tzinfo or UTC)
        if when.at < requested:
            when = Moment(requested, request_date_only(session, case_id))
    return when


def resume_state(session: Session, case_id: int, kind: CaseKind) -> CaseStatus:
    """Where 恢复处理 takes this case out of the platform's intervention (`lifecycle.resume_target`)."""
    return resume_target(kind, _state_before_intervention(session, case_id))


def _state_before_intervention(session: Session, case_id: int) -> CaseStatus | None:
    """The state the case left when it was last escalated (from its timeline)."""
    before = state_before_escalation(session, case_id)
    try:
        return CaseStatus(before) if before else None
    except ValueError:
        return None
