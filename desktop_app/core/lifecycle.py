"""The case lifecycle: an explicit state machine per case kind.

Like OCA `rma`'s gates, an action is allowed only from the states listed for it *and* for the
case's kind: a return & refund can be refunded only after the return was received; a reship is
marked shipped only after it was agreed. The UI asks `allowed_actions()` to decide which buttons
exist; the service asks `transition()` and refuses anything else with a clear message.

Some actions record a milestone without changing the state (交易成功, evidence): the deadline engine
reads these milestones. The buyer shipping the return is one of them: the case keeps waiting for the return
(等待买家退货) until the shop confirms receipt, as the platforms' lists (买家已经退货，等待卖家确认收货 / 待商家收货)
are read by the after-sales intake (issue 12); 下一个时限, 处理建议 and the returns desk say the parcel is on its way.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core import messages as msg
from desktop_app.core.claims import claim_event_title
from desktop_app.core.errors import ActionNotAllowed
from desktop_app.core.vocabulary import CaseKind, LabelledEnum, register_labels


class CaseStatus(LabelledEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    AWAITING_RETURN = "awaiting_return"
    RETURN_RECEIVED = "return_received"
    RESHIP_AGREED = "reship_agreed"
    REPAIRING = "repairing"
    REFUNDED = "refunded"
    RESHIPPED = "reshipped"
    EXCHANGED = "exchanged"
    REPAIRED_SHIPPED = "repaired_shipped"
    COMPENSATED = "compensated"
    PLATFORM_INTERVENTION = "platform_intervention"
    COMPLETED = "completed"
    REJECTED = "rejected"
    CLOSED = "closed"


class CaseAction(LabelledEnum):
    START = "start"
    AGREE_RETURN = "agree_return"
    BUYER_SHIPPED_RETURN = "buyer_shipped_return"
    RECEIVE_RETURN = "receive_return"
    REFUND = "refund"
    AGREE_RESHIP = "agree_reship"
    SHIP_RESHIP = "ship_reship"
    SHIP_EXCHANGE = "ship_exchange"
    START_REPAIR = "start_repair"
    SHIP_REPAIRED = "ship_repaired"
    COMPENSATE = "compensate"
    ESCALATE = "escalate"
    RESUME = "resume"
    COMPLETE = "complete"
    REJECT = "reject"
    CLOSE = "close"
    REOPEN = "reopen"
    TRADE_SUCCEEDED = "trade_succeeded"
    REFUND_IN_TRANSIT = "refund_in_transit"
    SUBMIT_EVIDENCE = "submit_evidence"
    BUYER_SUBMITTED_EVIDENCE = "buyer_submitted_evidence"


register_labels("CaseStatus", "状态", {
    "pending": "待处理",
    "processing": "处理中",
    "awaiting_return": "等待买家退货",
    "return_received": "已收到退货",
    "reship_agreed": "待补发",
    "repairing": "维修中",
    "refunded": "已退款",
    "reshipped": "已补发",
    "exchanged": "已换货",
    "repaired_shipped": "已修好寄回",
    "compensated": "已补偿",
    "platform_intervention": "平台介入中",
    "completed": "已完成",
    "rejected": "已拒绝",
    "closed": "已关闭",
})
register_labels("CaseAction", "操作", {
    "start": "开始处理",
    "agree_return": "同意退货",
    "buyer_shipped_return": "买家已寄回",
    "receive_return": "确认收到退货",
    "refund": "退款",
    "agree_reship": "同意补发",
    "ship_reship": "补发已发出",
    "ship_exchange": "换货已发出",
    "start_repair": "开始维修",
    "ship_repaired": "修好寄回",
    "compensate": "已补偿",
    "escalate": "平台介入",
    "resume": "恢复处理",
    "complete": "完成",
    "reject": "拒绝",
    "close": "关闭",
    "reopen": "重新打开",
    "trade_succeeded": "交易成功",
    "refund_in_transit": "退货途中退款",
    "submit_evidence": "已上传凭证",
    "buyer_submitted_evidence": "买家已举证",
})

# Chinese names of the milestones (events the deadline engine reads), for timelines and rule packs.
MILESTONE_LABELS: dict[str, str] = {
    "paid": "买家付款",
    "shipped": "商家发货",
    "signed": "买家签收",
    "trade_succeeded": "交易成功",
    "requested": "买家申请售后",
    "handling_started": "开始处理",
    "return_agreed": "同意退货",
    "return_shipped": "买家寄回退货",
    "return_received": "收到退货",
    "refunded": "已退款",
    "reship_agreed": "同意补发",
    "reship_shipped": "补发已发出",
    "exchange_shipped": "换货已发出",
    "repair_started": "开始维修",
    "repair_shipped": "修好寄回",
    "compensated": "已补偿",
    "escalated": "平台介入",
    "resumed": "恢复处理",
    "completed": "完成",
    "rejected": "拒绝",
    "closed": "关闭",
    "reopened": "重新打开",
    "evidence_submitted": "已上传凭证",
    "buyer_evidence": "买家已举证",
}

S = CaseStatus
A = CaseAction
K = CaseKind

CLOSED_STATUSES = frozenset({S.COMPLETED, S.REJECTED, S.CLOSED})
OPEN_STATUSES = frozenset(s for s in CaseStatus if s not in CLOSED_STATUSES)
_EARLY = frozenset({S.PENDING, S.PROCESSING})
# Agreed, the goods not yet back: the buyer has still to ship them, or they are on the way.
_RETURN_OPEN = frozenset({S.AWAITING_RETURN})
_ALL_KINDS = frozenset(CaseKind)
_RETURN_KINDS = frozenset({K.RETURN_REFUND, K.EXCHANGE, K.REPAIR})
_MONEY_KINDS = frozenset({K.REFUND_ONLY, K.RETURN_REFUND, K.PARTIAL_REFUND, K.DISPUTE})
_FINISHED = frozenset({S.REFUNDED, S.RESHIPPED, S.EXCHANGED, S.REPAIRED_SHIPPED, S.COMPENSATED})
# Open and not yet settled: the shop still has a step to take.
IN_PROGRESS_STATUSES = OPEN_STATUSES - _FINISHED
# Open and settled (refunded, reshipped …): waiting only for the shop to complete them.
SETTLED_STATUSES = _FINISHED


@dataclass(frozen=True, slots=True)
class Transition:
    action: CaseAction
    kinds: frozenset[CaseKind]
    sources: frozenset[CaseStatus]
    target: CaseStatus | None  # None: stays where it is (a milestone only)
    milestone: str | None  # event name the deadline engine reads


def _t(action: CaseAction, kinds: frozenset[CaseKind], sources: frozenset[CaseStatus] | set[CaseStatus],
       target: CaseStatus | None, milestone: str | None = None) -> Transition:
    return Transition(action, frozenset(kinds), frozenset(sources), target, milestone)


TRANSITIONS: tuple[Transition, ...] = (
    _t(A.START, _ALL_KINDS, {S.PENDING}, S.PROCESSING, "handling_started"),
    # Returns: agree → buyer ships → received; only then refund / exchange / repair.
    _t(A.AGREE_RETURN, _RETURN_KINDS, _EARLY, S.AWAITING_RETURN, "return_agreed"),
    # Recorded again once shipped, it corrects the parcel's number (`services.case_writes.apply_action` then
    # records no milestone: the platform's 10 days to confirm run from the shipping, not from the correction).
    _t(A.BUYER_SHIPPED_RETURN, _RETURN_KINDS, {S.AWAITING_RETURN}, None, "return_shipped"),
    # Received also without the buyer's parcel number (the desk scans a parcel the shop was never told of).
    _t(A.RECEIVE_RETURN, _RETURN_KINDS, _RETURN_OPEN, S.RETURN_RECEIVED, "return_received"),
    _t(A.REFUND, frozenset({K.REFUND_ONLY, K.DISPUTE}), _EARLY | {S.PLATFORM_INTERVENTION},
       S.REFUNDED, "refunded"),
    _t(A.REFUND, frozenset({K.RETURN_REFUND}), {S.RETURN_RECEIVED, S.PLATFORM_INTERVENTION},
       S.REFUNDED, "refunded"),
    # ... or while the parcel is still on its way (the platform's automatic or the shop's fast
    # refund): an action of its own, so nothing implies the return arrived.
    _t(A.REFUND_IN_TRANSIT, frozenset({K.RETURN_REFUND}), _RETURN_OPEN, S.REFUNDED, "refunded"),
    # An out-of-stock reship or an exchange that cannot be fulfilled ends as a refund.
    _t(A.REFUND, frozenset({K.RESHIP}), _EARLY | {S.RESHIP_AGREED, S.PLATFORM_INTERVENTION},
       S.REFUNDED, "refunded"),
    _t(A.REFUND, frozenset({K.EXCHANGE}), {S.RETURN_RECEIVED, S.PLATFORM_INTERVENTION}, S.REFUNDED, "refunded"),
    # A repair that cannot be done (no parts, beyond repair) ends as a refund.
    _t(A.REFUND, frozenset({K.REPAIR}), {S.RETURN_RECEIVED, S.REPAIRING, S.PLATFORM_INTERVENTION},
       S.REFUNDED, "refunded"),
    # Reships: promise → ship with a tracking number.
    _t(A.AGREE_RESHIP, frozenset({K.RESHIP}), _EARLY, S.RESHIP_AGREED, "reship_agreed"),
    _t(A.SHIP_RESHIP, frozenset({K.RESHIP}), {S.RESHIP_AGREED}, S.RESHIPPED, "reship_shipped"),
    _t(A.SHIP_EXCHANGE, frozenset({K.EXCHANGE}), {S.RETURN_RECEIVED}, S.EXCHANGED, "exchange_shipped"),
    # Repairs: received → repairing → shipped back.
    _t(A.START_REPAIR, frozenset({K.REPAIR}), {S.RETURN_RECEIVED}, S.REPAIRING, "repair_started"),
    _t(A.SHIP_REPAIRED, frozenset({K.REPAIR}), {S.REPAIRING}, S.REPAIRED_SHIPPED, "repair_shipped"),
    # Money or a gift settles partial refunds, bad reviews and many disputes.
    _t(A.COMPENSATE, frozenset({K.PARTIAL_REFUND, K.BAD_REVIEW, K.DISPUTE}), _EARLY | {S.PLATFORM_INTERVENTION},
       S.COMPENSATED, "compensated"),
    # After a refusal the buyer may still ask the platform (抖店: a refused 一直未收到货 reship goes
    # straight to arbitration): the case reopens into the intervention.
    _t(A.ESCALATE, _ALL_KINDS, (OPEN_STATUSES - _FINISHED - {S.PLATFORM_INTERVENTION}) | {S.REJECTED},
       S.PLATFORM_INTERVENTION, "escalated"),
    # Back to where the case was before the intervention (`resume_target`); PROCESSING if unknown.
    _t(A.RESUME, _ALL_KINDS, {S.PLATFORM_INTERVENTION}, S.PROCESSING, "resumed"),
    _t(A.COMPLETE, _ALL_KINDS, _FINISHED, S.COMPLETED, "completed"),
    # A bad review or dispute can end without money (buyer changed the review, platform ruled for us).
    _t(A.COMPLETE, frozenset({K.BAD_REVIEW, K.DISPUTE}), _EARLY | {S.PLATFORM_INTERVENTION},
       S.COMPLETED, "completed"),
    _t(A.REJECT, _ALL_KINDS, _EARLY | _RETURN_OPEN, S.REJECTED, "rejected"),
    # The return arrived but fails inspection (seed 002: "貨品不符合退貨要求的可拒絕退款申請").
    _t(A.REJECT, _RETURN_KINDS, {S.RETURN_RECEIVED}, S.REJECTED, "rejected"),
    _t(A.CLOSE, _ALL_KINDS, OPEN_STATUSES, S.CLOSED, "closed"),
    _t(A.REOPEN, _ALL_KINDS, CLOSED_STATUSES, S.PROCESSING, "reopened"),
    # Evidence during the platform's intervention: milestones for the 举证 timers, no state change.
    _t(A.SUBMIT_EVIDENCE, _ALL_KINDS, {S.PLATFORM_INTERVENTION}, None, "evidence_submitted"),
    _t(A.BUYER_SUBMITTED_EVIDENCE, _ALL_KINDS, {S.PLATFORM_INTERVENTION}, None, "buyer_evidence"),
    # 交易成功 starts the 15-day after-sales clock; it never changes the case state.
    _t(A.TRADE_SUCCEEDED, _ALL_KINDS, frozenset(CaseStatus), None, "trade_succeeded"),
)

_BY_ACTION: dict[CaseAction, tuple[Transition, ...]] = {
    action: tuple(t for t in TRANSITIONS if t.action is action) for action in CaseAction
}


def find_transition(kind: CaseKind, status: CaseStatus, action: CaseAction) -> Transition | None:
    for transition in _BY_ACTION[action]:
        if kind in transition.kinds and status in transition.sources:
            return transition
    return None


def allowed_actions(kind: CaseKind, status: CaseStatus) -> list[CaseAction]:
    """Actions the case may take now, in a stable order (the order of `CaseAction`)."""
    return [a for a in CaseAction if find_transition(kind, status, a) is not None]


def transition(kind: CaseKind, status: CaseStatus, action: CaseAction) -> Transition:
    """The transition for `action`, or ActionNotAllowed with what *is* possible."""
    found = find_transition(kind, status, action)
    if found is None:
        possible = "、".join(a.label for a in allowed_actions(kind, status)) or msg.NONE
        raise ActionNotAllowed(msg.say(msg.ACTION_REFUSED, kind.label, status.label, action.label, possible))
    return found


def is_open(status: CaseStatus) -> bool:
    return status in OPEN_STATUSES


def _states_of(kind: CaseKind) -> frozenset[CaseStatus]:
    """The states a case of `kind` can be in: where it starts and where its transitions lead."""
    return frozenset({S.PENDING} | {t.target for t in TRANSITIONS if kind in t.kinds and t.target is not None})


_STATES_OF_KIND: dict[CaseKind, frozenset[CaseStatus]] = {kind: _states_of(kind) for kind in CaseKind}


def resume_target(kind: CaseKind, before_intervention: CaseStatus | None) -> CaseStatus:
    """Where `resume` leads: the open state the case was in when it was escalated, if a case of
    this kind can be in it; else PROCESSING (escalated after a refusal, or no record)."""
    if (before_intervention is not None and before_intervention in OPEN_STATUSES
            and before_intervention is not S.PLATFORM_INTERVENTION
            and before_intervention in _STATES_OF_KIND[kind]):
        return before_intervention
    return S.PROCESSING


def change_kind(kind: CaseKind, status: CaseStatus, new_kind: CaseKind, parcel_sent: bool = True) -> CaseStatus:
    """Correct a case's kind (a return & refund the buyer turned into refund-only, a kind picked
    wrongly): the state it lands in — the same where the new kind has it, else PROCESSING.
    A closed case is reopened first. An agreed return whose parcel was not sent (`parcel_sent` false)
    is PROCESSING too: the buyer withdrew the request and applied anew (seed 001 "用户撤销退款申请,
    重新申请"), so the shop agrees again; a parcel on its way keeps AWAITING_RETURN for the desk."""
    if new_kind is kind:
        raise ActionNotAllowed(msg.say(msg.ALREADY_KIND, kind.label))
    if status in CLOSED_STATUSES:
        raise ActionNotAllowed(msg.say(msg.KIND_OF_CLOSED, status.label))
    if status is S.AWAITING_RETURN and not parcel_sent:
        return S.PROCESSING
    return status if status in _STATES_OF_KIND[new_kind] else S.PROCESSING


_EVENT_KIND_LABELS = {"created": "新建售后单", "note": "备注", "edit": "修改", "undo": "撤销"}


def event_title(event: object) -> str:
    """What a timeline line says happened: the action, the milestone, or the kind of entry."""
    if getattr(event, "subject", "case") == "claim":
        return claim_event_title(event)
    action = getattr(event, "action", None)
    if action:
        return CaseAction(action).label
    kind = getattr(event, "kind", "")
    if kind in _EVENT_KIND_LABELS:
        return _EVENT_KIND_LABELS[kind]
    milestone = getattr(event, "milestone", None)
    return MILESTONE_LABELS.get(milestone or "", milestone or kind)
