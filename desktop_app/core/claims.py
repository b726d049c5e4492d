"""Courier claims (快递理赔): incident kinds and the claim lifecycle as an explicit state machine.

The seed's order of business (DOMAIN.md, "The courier claim"): the shop hands the courier's branch a
goods value statement, the branch accepts and pays; when the courier stalls or refuses (推诿) the
shop escalates to the courier's head office, then to the State Post Bureau (国家邮政局申诉).
Every waiting state carries a follow-up rule: how many days after entering it the shop should chase
the courier again. These are the shop's own reminders, not platform timers, so they live here and
the user can move any follow-up date by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from desktop_app.core import messages as msg
from desktop_app.core.clock import CHINA
from desktop_app.core.errors import ActionNotAllowed
from desktop_app.core.vocabulary import CaseReason, LabelledEnum, register_labels


class ClaimIncident(LabelledEnum):
    LOST = "lost"
    DAMAGED = "damaged"
    MISSING = "missing"
    SIGNED_NOT_RECEIVED = "signed_not_received"
    DELAYED = "delayed"
    OTHER = "other"


# A claim started from a case: the case's reason says what happened to the parcel (a 破损 case's claim
# is a 破损 claim). Reasons that do not say (a buyer's 未收到货 may be lost or late) leave the choice to the user.
INCIDENT_OF_REASON: dict[CaseReason, ClaimIncident] = {
    CaseReason.DAMAGED: ClaimIncident.DAMAGED,
    CaseReason.LOST: ClaimIncident.LOST,
    CaseReason.MISSING_ITEM: ClaimIncident.MISSING,
    CaseReason.SIGNED_NOT_RECEIVED: ClaimIncident.SIGNED_NOT_RECEIVED,
    CaseReason.STALLED: ClaimIncident.DELAYED,
}


class ClaimStatus(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    REFUSED = "refused"
    ESCALATED_HQ = "escalated_hq"
    POST_BUREAU = "post_bureau"
    CLOSED = "closed"


class ClaimAction(LabelledEnum):
    SUBMIT_STATEMENT = "submit_statement"
    ACCEPT = "accept"
    PAY = "pay"
    PAY_PARTIALLY = "pay_partially"
    REFUSE = "refuse"
    ESCALATE_HQ = "escalate_hq"
    APPEAL_POST_BUREAU = "appeal_post_bureau"
    CLOSE = "close"
    REOPEN = "reopen"


class ClaimContactLevel(LabelledEnum):
    """Who at the courier the shop deals with for a claim."""

    OUTLET = "outlet"
    SERVICE = "service"
    HQ = "hq"


class PayoutChannel(LabelledEnum):
    """How the courier paid: bank transfer, a deduction from the shop's freight bill, cash."""

    BANK = "bank"
    FREIGHT_DEDUCTION = "freight_deduction"
    CASH = "cash"


register_labels("ClaimContactLevel", "对接方", {"outlet": "网点", "service": "客服", "hq": "总部"})
register_labels("PayoutChannel", "赔付方式", {"bank": "银行转账", "freight_deduction": "运费抵扣", "cash": "现金"})
register_labels("ClaimIncident", "理赔原因", {
    "lost": "丢件",
    "damaged": "破损",
    "missing": "少件/内件缺失",
    "signed_not_received": "签收未收到",
    "delayed": "延误",
    "other": "其他",
})
register_labels("ClaimStatus", "理赔状态", {
    "draft": "待提交",
    "submitted": "已提交货值说明",
    "accepted": "网点已受理",
    "paid": "已赔付",
    "partially_paid": "部分赔付",
    "refused": "拒赔",
    "escalated_hq": "升级快递总部",
    "post_bureau": "国家邮政局申诉",
    "closed": "已关闭",
})
register_labels("ClaimAction", "理赔操作", {
    "submit_statement": "提交货值说明",
    "accept": "网点已受理",
    "pay": "已赔付",
    "pay_partially": "部分赔付",
    "refuse": "拒赔",
    "escalate_hq": "升级快递总部",
    "appeal_post_bureau": "国家邮政局申诉",
    "close": "关闭理赔",
    "reopen": "重新打开",
})

S = ClaimStatus
A = ClaimAction

# Finished: nothing left to chase. A full payment finishes the claim; a partial payment or a refusal
# does not, because the shop may still escalate for the rest.
CLOSED_STATUSES = frozenset({S.PAID, S.CLOSED})
OPEN_STATUSES = frozenset(s for s in ClaimStatus if s not in CLOSED_STATUSES)

# Days after entering a state when the shop should chase the courier again.
# Submitted: branches usually answer within a few days. Accepted: payment within about a week.
# Head office: the national courier standard gives companies 7 days to settle a complaint.
# State Post Bureau: an accepted appeal is settled within 30 days. Partial payment / refusal:
# decide within 3 days whether to escalate. A draft should go out the next day.
FOLLOW_UP_DAYS: dict[ClaimStatus, int] = {
    S.DRAFT: 1,
    S.SUBMITTED: 3,
    S.ACCEPTED: 7,
    S.PARTIALLY_PAID: 3,
    S.REFUSED: 3,
    S.ESCALATED_HQ: 7,
    S.POST_BUREAU: 30,
}


class AmountRule(StrEnum):
    """What an action needs as the amount received."""

    NONE = "none"  # no amount
    FULL = "full"  # optional; defaults to the claimed amount
    PARTIAL = "partial"  # required, above zero and below the claimed amount
    FINAL = "final"  # optional; the total finally received (0 if nothing)


@dataclass(frozen=True, slots=True)
class ClaimTransition:
    action: ClaimAction
    sources: frozenset[ClaimStatus]
    target: ClaimStatus
    amount: AmountRule


_WAITING = frozenset({S.SUBMITTED, S.ACCEPTED, S.ESCALATED_HQ, S.POST_BUREAU})


def _t(action: ClaimAction, sources: set[ClaimStatus] | frozenset[ClaimStatus], target: ClaimStatus,
       amount: AmountRule = AmountRule.NONE) -> ClaimTransition:
    return ClaimTransition(action, frozenset(sources), target, amount)


TRANSITIONS: tuple[ClaimTransition, ...] = (
    _t(A.SUBMIT_STATEMENT, {S.DRAFT}, S.SUBMITTED),
    _t(A.ACCEPT, {S.SUBMITTED}, S.ACCEPTED),
    _t(A.PAY, _WAITING | {S.PARTIALLY_PAID, S.REFUSED}, S.PAID, AmountRule.FULL),
    _t(A.PAY_PARTIALLY, _WAITING | {S.PARTIALLY_PAID}, S.PARTIALLY_PAID, AmountRule.PARTIAL),
    _t(A.REFUSE, _WAITING, S.REFUSED),
    # 推诿: the branch stalls, refuses or pays too little → the courier's head office.
    _t(A.ESCALATE_HQ, {S.SUBMITTED, S.ACCEPTED, S.PARTIALLY_PAID, S.REFUSED}, S.ESCALATED_HQ),
    # The State Post Bureau hears a complaint the courier did not settle: after the head office,
    # or after a refusal / short payment (which may be the head office's answer).
    _t(A.APPEAL_POST_BUREAU, {S.ESCALATED_HQ, S.PARTIALLY_PAID, S.REFUSED}, S.POST_BUREAU),
    _t(A.CLOSE, OPEN_STATUSES, S.CLOSED, AmountRule.FINAL),
    _t(A.REOPEN, CLOSED_STATUSES, S.SUBMITTED),
)

_BY_ACTION: dict[ClaimAction, tuple[ClaimTransition, ...]] = {
    action: tuple(t for t in TRANSITIONS if t.action is action) for action in ClaimAction
}


def find_transition(status: ClaimStatus, action: ClaimAction) -> ClaimTransition | None:
    for candidate in _BY_ACTION[action]:
        if status in candidate.sources:
            return candidate
    return None


def allowed_actions(status: ClaimStatus) -> list[ClaimAction]:
    """Actions the claim may take now, in the stable order of `ClaimAction`."""
    return [a for a in ClaimAction if find_transition(status, a) is not None]


def transition(status: ClaimStatus, action: ClaimAction) -> ClaimTransition:
    """The transition for `action`, or ActionNotAllowed naming what *is* possible."""
    found = find_transition(status, action)
    if found is None:
        possible = "、".join(a.label for a in allowed_actions(status)) or msg.NONE
        raise ActionNotAllowed(msg.say(msg.CLAIM_ACTION_REFUSED, status.label, action.label, possible))
    return found


def is_open(status: ClaimStatus) -> bool:
    return status in OPEN_STATUSES


def follow_up_for(status: ClaimStatus, entered_at: datetime) -> datetime | None:
    """The default follow-up time for a claim that entered `status` at `entered_at`.

    The reminder falls at 10:00 China time of the day, so it shows as due during working hours
    rather than at the minute the action was recorded. None for finished claims.
    """
    days = FOLLOW_UP_DAYS.get(status)
    if days is None:
        return None
    day = entered_at.astimezone(CHINA).date() + timedelta(days=days)
    return datetime.combine(day, time(10, 0), tzinfo=CHINA)


def outstanding_fen(status: ClaimStatus, claimed_fen: int | None, received_fen: int | None) -> int:
    """Money still to recover (待追回): claimed minus received while the claim is open.

    A closed claim has nothing left to recover: closing accepts what was received.
    """
    if not is_open(status):
        return 0
    return max((claimed_fen or 0) - (received_fen or 0), 0)


_EVENT_KIND_TITLES = {"created": "新建理赔", "note": "理赔备注", "edit": "修改理赔", "evidence": "添加理赔证据",
                      "undo": "撤销理赔操作"}
CLAIM_ACTION_TITLE = "快递理赔：%1"  # %1: the claim action's label
CLAIM_EVENT = "快递理赔"
# every title a claim event has in a case's timeline, for the window's translation
CLAIM_EVENT_TITLES = (CLAIM_ACTION_TITLE, CLAIM_EVENT, *_EVENT_KIND_TITLES.values())


def claim_event_title(event: object) -> str:
    """What a timeline line of a claim event says (the case timeline shows claim events too)."""
    action = getattr(event, "action", None)
    if action:
        try:
            return CLAIM_ACTION_TITLE.replace("%1", ClaimAction(action).label)
        except ValueError:  # written by a newer version
            return CLAIM_ACTION_TITLE.replace("%1", str(action))
    return _EVENT_KIND_TITLES.get(getattr(event, "kind", ""), CLAIM_EVENT)


# --- what the buyer paid for the affected items -----------------------------------------------


@dataclass(frozen=True, slots=True)
class PricedLine:
    """An order line as the claim needs it: quantity, listed unit price, what was paid for the line."""

    quantity: int
    unit_price_fen: int | None
    paid_fen: int | None


def paid_per_line(lines: list[PricedLine], order_paid_fen: int | None,
                  postage_fen: int | None) -> list[int | None]:
    """What the buyer paid for each whole line, in fen (None when nothing says).

    A line's own paid amount wins. When no line states one (Pinduoduo, Douyin exports), the order's
    payment less postage is spread over the lines by listed value, so shop-wide discounts are
    honoured; a courier pays what the goods cost the buyer, not the list price. Only the listed
    value is left when neither is known.
    """
    if any(line.paid_fen is not None for line in lines) or order_paid_fen is None:
        return [
            line.paid_fen if line.paid_fen is not None
            else None if line.unit_price_fen is None else line.unit_price_fen * line.quantity
            for line in lines
        ]
    goods_paid = max(order_paid_fen - (postage_fen or 0), 0)
    if len(lines) == 1:
        return [goods_paid]
    listed = [None if line.unit_price_fen is None else line.unit_price_fen * line.quantity for line in lines]
    if not lines or any(value is None for value in listed):
        return listed
    total = sum(value for value in listed if value is not None)
    if total == 0:
        return listed
    shares = [goods_paid * (value or 0) // total for value in listed]
    # Hand the fen lost to rounding down to the last line, so the lines add up to what was paid.
    shares[-1] += goods_paid - sum(shares)
    return list(shares)


def part_of(line_fen: int, quantity: int, of_quantity: int) -> int:
    """The value of `quantity` pieces of a line worth `line_fen` for `of_quantity` pieces (half up)."""
    if of_quantity <= 0:
        return 0
    return (line_fen * quantity * 2 + of_quantity) // (of_quantity * 2)
