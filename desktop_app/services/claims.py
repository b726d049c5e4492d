"""Courier claim use cases (快递理赔): open from a case or an order, act, follow up, edit, note. Prefilling
from the order is in `claim_drafts`, links to a case or reship in `claim_links`, evidence files in
`claim_evidence`, what they all share in `claim_upkeep`; their public names are importable from here.

Each function is one transaction. Every change writes an AuditEvent (subject "claim", the case id
when the claim belongs to a case, so the case's timeline shows it) and refreshes the claim's
follow-up deadline (timer "claim_follow_up") for the deadline calendar. `core.claims` decides
which actions are allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from desktop_app.core import event_notes
from desktop_app.core import messages as msg
from desktop_app.core.carriers import canonical_carrier, guess_carrier
from desktop_app.core.claims import (
    AmountRule,
    ClaimAction,
    ClaimIncident,
    ClaimStatus,
    PayoutChannel,
    follow_up_for,
    is_open,
    transition,
)
from desktop_app.core.clock import Moment, format_china, now
from desktop_app.core.errors import ActionNotAllowed, UserError
from desktop_app.core.money import format_yuan
from desktop_app.core.op_changes import OpChanges
from desktop_app.core.tracking_numbers import check_parcel_lengths
from desktop_app.services.case_evidence import copy_case_evidence_to_claim
from desktop_app.services.case_writes import (
    overwrite_of_another_seats_edit,
    payout_after_another_seats,
    refused_after_another_seat,
)
from desktop_app.services.cases import current_author
from desktop_app.services.claim_drafts import (
    ChosenLine,
    ClaimDraft,
    DraftLine,
    claim_items,
    draft_for_case,
    draft_for_order,
    find_order,
    parse_items,
    whole_lines,
)
from desktop_app.services.claim_evidence import add_evidence, evidence_folder, remove_evidence
from desktop_app.services.claim_links import link_case, link_claim, link_reship, link_reship_case
from desktop_app.services.claim_upkeep import (
    FOLLOW_UP_ACTION,
    FOLLOW_UP_NAME,
    FOLLOW_UP_TIMER,
    claim_event,
    load_claim,
    sync_follow_up,
    text_or_none,
)
from desktop_app.services.evidence_files import evidence_copies
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.claim_history import money_of_order_claims
from desktop_app.store.claim_rows import open_claim_of_parcel
from desktop_app.store.database import Database
from desktop_app.store.models import CarrierClaim, ClaimPayout, utcnow
from desktop_app.store.row_locks import take_parcel_turn

# Moved to modules of their own by job; named here too, so callers keep importing them from here.
__all__ = [
    "FOLLOW_UP_ACTION", "FOLLOW_UP_NAME", "FOLLOW_UP_TIMER", "ChosenLine", "ClaimDraft", "ClaimEdit", "ClaimOutcome",
    "DraftLine", "NewClaim", "OpenedClaim", "act_on_claim", "add_claim_note", "add_evidence", "draft_for_case",
    "draft_for_order", "edit_claim", "evidence_folder", "find_order", "link_case", "link_claim", "link_reship",
    "link_reship_case",
    "open_claim", "parse_items", "remove_evidence", "set_follow_up",
]


# --- opening ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewClaim:
    """What the New Claim dialog or `claim add` collected. Quantities of 0 mean the whole line."""

    incident: ClaimIncident
    order_id: int | None = None
    case_id: int | None = None
    lines: tuple[ChosenLine, ...] | None = None  # None: every line in full
    claimed_fen: int | None = None  # None: what the buyer paid for the affected items
    declared_fen: int | None = None
    description: str | None = None
    carrier: str | None = None  # None: the order's
    tracking_no: str | None = None
    at: Moment | None = None
    follow_up_at: datetime | None = None  # None: the rule for 待提交
    again: bool = False  # recorded even when the parcel has an open claim already (`ClaimExists`)


class ClaimExists(UserError):
    """The parcel has an open claim already: a second one is mostly a double entry (a courier takes
    one claim per waybill), so it is recorded only when asked again (`NewClaim.again`)."""

    def __init__(self, message: str, claim_id: int) -> None:
        super().__init__(message)
        self.claim_id = claim_id


@dataclass(frozen=True, slots=True)
class OpenedClaim:
    """A claim recorded: its number, and what recording it changed."""

    claim_id: int
    changes: OpChanges
    # The order's claims now ask more than the buyer paid for the whole order (a double entry, or a
    # parcel claimed twice): said, not refused (a declared value or postage may be claimed on top).
    warning: str | None = None


def open_claim(db: Database, new: NewClaim, author: str | None = None) -> OpenedClaim:
    """Record a claim for an order (or a case's order), prefilled from the order."""
    who = current_author() if author is None else author
    when = new.at or Moment(now())
    with evidence_copies() as copies, db.transaction() as session:
        if new.case_id is not None:
            draft = draft_for_case(session, new.case_id)
            if new.order_id is not None and new.order_id != draft.order.id:
                raise UserError(msg.say(msg.CASE_OF_OTHER_ORDER, new.case_id, draft.order.order_no))
        elif new.order_id is not None:
            draft = draft_for_order(session, new.order_id)
        else:
            raise UserError("请选择订单或售后单")
        items = claim_items(draft, new.lines)
        claimed = new.claimed_fen if new.claimed_fen is not None else draft.value(whole_lines(draft, new.lines))
        order = draft.order
        tracking_no = text_or_none(new.tracking_no) or order.tracking_no
        check_parcel_lengths(new.carrier, tracking_no)
        take_parcel_turn(session, tracking_no or f"order {order.id}")  # two seats claiming it at once: one claim
        if not new.again:
            refuse_second_claim(session, order.id, tracking_no)
        stamp = utcnow()
        status = ClaimStatus.DRAFT
        claim = CarrierClaim(
            order_id=order.id, case_id=new.case_id,
            carrier=canonical_carrier(text_or_none(new.carrier) or order.carrier)
            or guess_carrier(tracking_no),
            tracking_no=tracking_no, incident=new.incident.value,
            description=text_or_none(new.description), status=status.value, is_open=True,
            declared_fen=new.declared_fen, claimed_fen=claimed, received_fen=None, shipped_at=order.shipped_at,
            # Recorded when the shop says (claim add --at): a claim entered today for last month's lost
            # parcel belongs to last month's 统计 and is as old as that in 理赔待跟进.
            follow_up_at=new.follow_up_at or follow_up_for(status, when.at), created_at=when.at, updated_at=stamp,
            items=items,
        )
        session.add(claim)
        session.flush()
        amount, said = format_yuan(claimed) or "—", (new.description or "").strip()
        summary = (event_notes.note(event_notes.CLAIM_OPENED_SAYING, new.incident.label, amount, said) if said
                   else event_notes.note(event_notes.CLAIM_OPENED, new.incident.label, amount))
        claim_event(session, claim, kind="created", author=who, at=when.at, to_state=status.value, note=summary,
               date_only=when.date_only)
        sync_follow_up(session, claim, when.at)
        if new.case_id is not None:  # the case's photos and weighing records go along
            names = copy_case_evidence_to_claim(session, new.case_id, claim.id, evidence_folder(claim.id), copies)
            if names:
                claim_event(session, claim, kind="evidence", author=who,
                            note=event_notes.note(event_notes.EVIDENCE_FROM_CASE, str(new.case_id), "、".join(names)))
        return OpenedClaim(claim.id, changes_in(session), _more_than_the_order(session, draft, claim.id))


def _more_than_the_order(session: Session, draft: ClaimDraft, claim_id: int) -> str | None:
    """What to say when the order's claims together ask more than the buyer paid for all its goods."""
    paid = draft.value(None)
    claims = money_of_order_claims(session, draft.order.id)
    if paid is None or len(claims) < 2:
        return None
    # A closed claim asks no more than it got; the others what they claim.
    asked = {cid: (received or 0) if status == ClaimStatus.CLOSED.value else (claimed or 0)
             for cid, status, claimed, received in claims}
    total = sum(asked.values())
    if total <= paid:
        return None
    others = tuple(msg.say(msg.CLAIM_AMOUNT, cid, format_yuan(fen)) for cid, fen in asked.items()
                   if cid != claim_id and fen)
    return msg.say(msg.CLAIMS_OVER_PAID, draft.order.order_no, format_yuan(total), format_yuan(paid), others)


def refuse_second_claim(session: Session, order_id: int, tracking_no: str | None) -> None:
    """Raise ClaimExists when this parcel (its tracking number, else the order) has an open claim."""
    existing = open_claim_of_parcel(session, order_id, tracking_no)
    if existing is None:
        return
    amount = format_yuan(existing.claimed_fen)
    status = ClaimStatus(existing.status).label
    if tracking_no:
        said = (msg.say(msg.PARCEL_CLAIMED, tracking_no, existing.id, status, amount) if amount
                else msg.say(msg.PARCEL_CLAIMED_NO_AMOUNT, tracking_no, existing.id, status))
    else:
        said = (msg.say(msg.ORDER_CLAIMED, existing.id, status, amount) if amount
                else msg.say(msg.ORDER_CLAIMED_NO_AMOUNT, existing.id, status))
    raise ClaimExists(said, existing.id)


# --- acting -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimOutcome:
    status: ClaimStatus
    received_fen: int | None
    follow_up_at: datetime | None
    changes: OpChanges
    claimed_fen: int | None = None  # what the claim asks, for what is still outstanding after a payout
    paid_fen: int = 0  # the payout this action recorded (a full payment with no amount typed: what was owed)


def act_on_claim(db: Database, claim_id: int, action: ClaimAction, *, amount_fen: int | None = None,
                 at: Moment | None = None, follow_up_at: datetime | None = None, note: str | None = None,
                 author: str | None = None, expected_version: int | None = None,
                 channel: PayoutChannel | None = None, own_payout_only: bool = False) -> ClaimOutcome:
    """Apply a lifecycle action. `amount_fen` is the money received with this action (赔付/部分赔付/
    关闭), recorded as a payout dated `at` paid through `channel`; `follow_up_at` overrides the
    follow-up rule of the new state. `own_payout_only` (`claim act`, which shows nothing before it acts): no
    payout right after another seat's (case_writes.payout_after_another_seats)."""
    who = current_author() if author is None else author
    when = at or Moment(now())
    with db.transaction() as session:
        claim = load_claim(session, claim_id, expected_version)
        before = ClaimStatus(claim.status)
        try:
            step = transition(before, action)
        except ActionNotAllowed as refused:
            raise refused_after_another_seat(session, refused, msg.say(msg.CLAIM_NO, claim_id), "claim", claim_id,
                                             who) from refused
        received_before = claim.received_fen
        received = _received_after(claim, step.amount, amount_fen)
        after = step.target
        claim.status = after.value
        claim.is_open = is_open(after)
        claim.received_fen = received
        if action is ClaimAction.SUBMIT_STATEMENT:
            claim.submitted_at = when.at
        claim.closed_at = None if claim.is_open else when.at
        claim.follow_up_at = (follow_up_at or follow_up_for(after, when.at)) if claim.is_open else None
        claim.updated_at = utcnow()
        parts = [n for n in (text_or_none(note),) if n]
        paid = 0
        if received is not None and received != (received_before or 0):
            if own_payout_only and (repeated := payout_after_another_seats(
                    session, msg.say(msg.CLAIM_NO, claim_id), "claim", claim_id, _PAYING, who)):
                raise repeated
            paid = received - (received_before or 0)
            session.add(ClaimPayout(claim_id=claim.id, amount_fen=paid, paid_at=when.at,
                                    channel=channel.value if channel else None, note=text_or_none(note),
                                    recorded_at=utcnow()))
            how = f"（{channel.label}）" if channel else ""
            parts.append(f"到账 {format_yuan(paid)} 元{how}，累计 {format_yuan(received)} 元")
        elif channel is not None:
            raise UserError("此操作没有到账金额，不需要赔付方式")
        if claim.follow_up_at is not None:
            parts.append(f"下次跟进 {format_china(claim.follow_up_at)}")
        claim_event(session, claim, kind="action", author=who, at=when.at, action=action.value,
               from_state=before.value, to_state=after.value, note="；".join(parts) or None,
               date_only=when.date_only)
        sync_follow_up(session, claim, when.at)
        return ClaimOutcome(after, claim.received_fen, claim.follow_up_at, changes_in(session), claim.claimed_fen,
                            paid)


# The steps that record money received (a payout): another seat's, just now, is what a second one may repeat.
_PAYING = frozenset({ClaimAction.PAY.value, ClaimAction.PAY_PARTIALLY.value})


def _received_after(claim: CarrierClaim, rule: AmountRule, amount_fen: int | None) -> int | None:
    """The total received after an action, checking the amount the action was given."""
    so_far = claim.received_fen or 0
    claimed = claim.claimed_fen
    if amount_fen is not None and amount_fen < 0:
        raise UserError("金额不能为负数")
    if rule is AmountRule.NONE:
        if amount_fen is not None:
            raise UserError("此操作不需要金额")
        return claim.received_fen
    if rule is AmountRule.FULL:
        if amount_fen is None:
            if claimed is None:
                raise UserError("理赔未填写申请金额，请填写实际赔付金额")
            return max(claimed, so_far)
        if claimed is not None and so_far + amount_fen < claimed:
            raise UserError(msg.say(msg.PAID_BELOW_CLAIM, format_yuan(amount_fen), format_yuan(so_far + amount_fen),
                                    format_yuan(claimed)))
        return _within_claim(claimed, so_far, amount_fen)
    if rule is AmountRule.PARTIAL:
        if amount_fen is None or amount_fen == 0:
            raise UserError("部分赔付请填写本次到账金额")
        if claimed is not None and so_far + amount_fen >= claimed:
            raise UserError(msg.say(msg.PARTIAL_REACHES_CLAIM, format_yuan(amount_fen), format_yuan(claimed)))
        return so_far + amount_fen
    # FINAL: closing, with whatever arrived at the end (often nothing).
    if amount_fen is None:
        return claim.received_fen if claim.received_fen is not None else 0
    return _within_claim(claimed, so_far, amount_fen)


def _within_claim(claimed: int | None, so_far: int, amount_fen: int) -> int:
    """The total received, refused where it would pass the claimed amount: a courier pays at most what
    was claimed, so 500 typed for 50.00 would count 450 元 too many in 已到账 and in 统计's net loss."""
    total = so_far + amount_fen
    if claimed is not None and total > claimed:
        left = format_yuan(max(claimed - so_far, 0))
        raise UserError(
            msg.say(msg.PAID_OVER_CLAIM_SO_FAR, format_yuan(amount_fen), format_yuan(total), format_yuan(claimed),
                    format_yuan(so_far), left) if so_far
            else msg.say(msg.PAID_OVER_CLAIM, format_yuan(amount_fen), format_yuan(total), format_yuan(claimed), left))
    return total


def set_follow_up(db: Database, claim_id: int, follow_up_at: datetime | None, note: str | None = None,
                  author: str | None = None, expected_version: int | None = None) -> OpChanges:
    """Move (or clear) the date the shop should chase the courier next; refused when the claim is no longer
    at `expected_version` (the window's: another seat's date or step came first)."""
    who = current_author() if author is None else author
    if follow_up_at is not None and follow_up_at.tzinfo is None:
        raise UserError("跟进时间缺少时区")
    with db.transaction() as session:
        claim = load_claim(session, claim_id, expected_version)
        if not claim.is_open:
            raise UserError(msg.say(msg.CLAIM_ENDED, claim_id))
        old = claim.follow_up_at
        if old == follow_up_at:
            return OpChanges()
        claim.follow_up_at = follow_up_at
        claim.updated_at = utcnow()
        change = f"跟进日期：{format_china(old) or '（无）'} → {format_china(follow_up_at) or '（无）'}"
        claim_event(session, claim, kind="edit", author=who,
               note="；".join(p for p in (change, text_or_none(note)) if p))
        sync_follow_up(session, claim, utcnow())
        return changes_in(session)


@dataclass(frozen=True, slots=True)
class ClaimEdit:
    """The descriptive fields of a claim (the claimed value is editable: cost price for some couriers)."""

    claimed_fen: int | None
    declared_fen: int | None
    carrier: str | None
    tracking_no: str | None
    description: str | None
    incident: ClaimIncident


_FIELD_NAMES = {
    "claimed_fen": "申请金额", "declared_fen": "保价金额", "carrier": "快递公司", "tracking_no": "运单号",
    "description": "说明", "incident": "理赔原因",
}


def edit_claim(db: Database, claim_id: int, edit: ClaimEdit, expected_version: int | None = None,
               author: str | None = None, own_fields_only: bool = False) -> OpChanges:
    """Change a claim's amounts and particulars; the timeline says what changed from what. `own_fields_only`
    (`claim edit`, which shows nothing before it saves): not over a field another seat has just changed
    (case_writes.overwrite_of_another_seats_edit), as `claim ticket`."""
    who = current_author() if author is None else author
    with db.transaction() as session:
        claim = load_claim(session, claim_id, expected_version)
        received = claim.received_fen or 0
        if edit.claimed_fen is not None and edit.claimed_fen < received:
            # 已到账 past 申请金额 would count money the claim never asked for (统计's received, net loss).
            raise UserError(msg.say(msg.CLAIM_BELOW_RECEIVED, format_yuan(edit.claimed_fen), format_yuan(received)))
        check_parcel_lengths(edit.carrier, edit.tracking_no)
        values: dict[str, object] = {
            "claimed_fen": edit.claimed_fen, "declared_fen": edit.declared_fen,
            "carrier": canonical_carrier(text_or_none(edit.carrier)),
            "tracking_no": text_or_none(edit.tracking_no), "description": text_or_none(edit.description),
            "incident": edit.incident.value,
        }
        changes: list[str] = []
        for column, value in values.items():
            old = getattr(claim, column)
            if old != value:
                changes.append(f"{_FIELD_NAMES[column]}：{_show(column, old)} → {_show(column, value)}")
                setattr(claim, column, value)
        if not changes:
            return OpChanges()
        if own_fields_only and (refused := overwrite_of_another_seats_edit(
                session, msg.say(msg.CLAIM_NO, claim_id), "claim", claim_id,
                [change.split("：", 1)[0] for change in changes], who)):
            raise refused  # the transaction rolls back what was set above
        claim.updated_at = utcnow()
        claim_event(session, claim, kind="edit", author=who, note="；".join(changes))
        return changes_in(session)


def _show(column: str, value: object) -> str:
    if value is None:
        return "（空）"
    if column.endswith("_fen") and isinstance(value, int):
        return format_yuan(value)
    if column == "incident":
        return ClaimIncident(str(value)).label
    return str(value)


def add_claim_note(db: Database, claim_id: int, text: str, author: str | None = None) -> OpChanges:
    body = text.strip()
    if not body:
        raise UserError("备注内容不能为空")
    who = current_author() if author is None else author
    with db.transaction() as session:
        claim = load_claim(session, claim_id)
        claim.updated_at = utcnow()
        claim_event(session, claim, kind="note", author=who, note=body)
        return changes_in(session)


