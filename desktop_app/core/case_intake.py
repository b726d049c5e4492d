"""After-sales requests as the platforms export them, and how one moves a ledger case forward.

A platform's after-sales list (淘宝 退款管理, 抖店 售后单, 拼多多 售后, 京东 服务单) says, per request,
where the platform stands: "等待买家退货", "退款成功" … The import reads each row into a
`CaseRecord`; `plan_progress` decides which lifecycle actions bring the ledger's case to the
platform's state — forward only: a case is never moved backwards, and a case the shop already closed
while the platform still shows it open is a conflict to show, not something to reopen silently.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from desktop_app.core.lifecycle import (
    CLOSED_STATUSES,
    TRANSITIONS,
    CaseAction,
    CaseStatus,
    find_transition,
)
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform

S = CaseStatus
A = CaseAction

# "done" in a status table: the kind's own successful end (京东 已完成: a return is refunded, a
# reship reshipped, an exchange exchanged).
DONE = "done"
_DONE_BY_KIND: dict[CaseKind, CaseStatus] = {
    CaseKind.REFUND_ONLY: S.REFUNDED,
    CaseKind.RETURN_REFUND: S.REFUNDED,
    CaseKind.EXCHANGE: S.EXCHANGED,
    CaseKind.RESHIP: S.RESHIPPED,
    CaseKind.PARTIAL_REFUND: S.COMPENSATED,
    CaseKind.REPAIR: S.REPAIRED_SHIPPED,
    CaseKind.BAD_REVIEW: S.COMPENSATED,
    CaseKind.DISPUTE: S.REFUNDED,
}

# How far along a case is; the import only ever moves a case to a higher rank. Platform intervention
# sits beside 处理中: the platform stepping in does not move the request forward.
_RANK: dict[CaseStatus, int] = {
    S.PENDING: 0,
    S.PROCESSING: 1,
    S.PLATFORM_INTERVENTION: 1,
    S.AWAITING_RETURN: 2,
    S.RESHIP_AGREED: 2,
    S.RETURN_RECEIVED: 4,
    S.REPAIRING: 5,
    S.REFUNDED: 6,
    S.RESHIPPED: 6,
    S.EXCHANGED: 6,
    S.REPAIRED_SHIPPED: 6,
    S.COMPENSATED: 6,
    S.COMPLETED: 7,
    S.REJECTED: 7,
    S.CLOSED: 7,
}
# Actions a path may take on the platform's behalf; escalation only when the platform says so,
# reopening never (a closed case is the shop's decision).
_PATH_ACTIONS = frozenset(CaseAction) - {
    A.REOPEN, A.TRADE_SUCCEEDED, A.ESCALATE, A.BUYER_SHIPPED_RETURN, A.REFUND_IN_TRANSIT,
}
# Actions a status's milestones imply (待商家收货: the buyer shipped the return), with the state they need.
_MILESTONE_ACTIONS: dict[str, CaseAction] = {"return_shipped": A.BUYER_SHIPPED_RETURN}


@dataclass(frozen=True, slots=True)
class StatusTarget:
    """Where a platform status puts a case: a state (or DONE), milestones it implies, and which of our
    timers the platform's own deadline column corresponds to (the event that timer starts from)."""

    status: str
    milestones: tuple[str, ...] = ()
    due_from: str | None = None

    def resolve(self, kind: CaseKind) -> CaseStatus:
        if self.status == DONE:
            return _DONE_BY_KIND[kind]
        status = CaseStatus(self.status)
        # 退款成功 of a partial refund (淘宝's 部分退款, a 补偿): the money paid is the case's compensation, its
        # end 已补偿; the lifecycle has no 退款 step for the kind, so the case stayed 待处理 and unpaid.
        if status is S.REFUNDED and _DONE_BY_KIND[kind] is S.COMPENSATED:
            return S.COMPENSATED
        return status


@dataclass(frozen=True, slots=True)
class ReasonRule:
    keywords: tuple[str, ...]
    reason: CaseReason


def reason_for(text: str | None, rules: Sequence[ReasonRule]) -> CaseReason:
    """The first rule whose keyword occurs in the platform's wording; anything else is 其他."""
    if text:
        for rule in rules:
            if any(keyword in text for keyword in rule.keywords):
                return rule.reason
    return CaseReason.OTHER


@dataclass(slots=True)
class CaseRecord:
    """One request of an after-sales export, checked and converted (times aware, money in fen)."""

    row: int
    platform: Platform
    platform_case_no: str
    order_no: str
    kind: CaseKind
    reason: CaseReason
    platform_reason: str | None
    platform_status: str | None
    target: StatusTarget | None  # None: a status word the table does not know (kept as the platform's)
    escalated: bool
    amount_fen: int | None
    requested_at: datetime | None
    finished_at: datetime | None
    platform_due_at: datetime | None
    return_carrier: str | None
    return_tracking_no: str | None
    title: str | None
    spec: str | None
    quantity: int | None
    sku_code: str | None
    buyer_nick: str | None
    description: str | None


@dataclass(frozen=True, slots=True)
class Progress:
    """What to do with a case so it matches the platform: actions in order, or why nothing moves."""

    actions: tuple[CaseAction, ...] = ()
    conflict: bool = False  # the shop closed it; the platform still shows it open
    unreachable: bool = False  # the lifecycle has no way from here to the platform's state


def _path(kind: CaseKind, start: CaseStatus, goal: CaseStatus, allowed: Iterable[CaseAction],
          resumes_to: CaseStatus = S.PROCESSING) -> list[CaseAction] | None:
    """The shortest run of state-changing actions from `start` to `goal` for this kind (`resume`
    leading where it does for this case: `resumes_to`)."""
    if start == goal:
        return []
    usable = frozenset(allowed)
    seen = {start}
    queue: deque[tuple[CaseStatus, list[CaseAction]]] = deque([(start, [])])
    while queue:
        status, steps = queue.popleft()
        for t in TRANSITIONS:
            if t.action not in usable or t.target is None or kind not in t.kinds or status not in t.sources:
                continue
            after = resumes_to if t.action is A.RESUME else t.target
            if after in seen:
                continue
            if after == goal:
                return [*steps, t.action]
            seen.add(after)
            queue.append((after, [*steps, t.action]))
    return None


def plan_progress(kind: CaseKind, current: CaseStatus, milestones: frozenset[str], target: StatusTarget,
                  escalated: bool = False, resumes_to: CaseStatus = S.PROCESSING) -> Progress:
    """The actions that bring a case from `current` to the platform's state, forward only.
    `resumes_to`: where `resume` takes this case out of the platform's intervention (the state it was
    escalated from, `lifecycle.resume_target`): a path through it starts there, not at 处理中 (a reship
    resumed at 待补发 cannot be agreed again)."""
    goal = target.resolve(kind)
    if current in CLOSED_STATUSES:
        return Progress(conflict=goal not in CLOSED_STATUSES and not _finished(goal))
    # The platform stepping in (客服介入) decides a request the seller refused or has not settled.
    if escalated and goal not in (S.CLOSED, S.COMPLETED) and not _finished(goal):
        goal = S.PLATFORM_INTERVENTION
    actions: list[CaseAction] = []
    if goal == S.PLATFORM_INTERVENTION:
        if current != S.PLATFORM_INTERVENTION and find_transition(kind, current, A.ESCALATE) is not None:
            actions.append(A.ESCALATE)
        return Progress(tuple(actions))
    if _RANK[goal] > _RANK[current] or (goal in CLOSED_STATUSES and current not in CLOSED_STATUSES):
        path = _path(kind, current, goal, _PATH_ACTIONS, resumes_to)
        reached: CaseStatus = goal
        if (path is None and current == S.PLATFORM_INTERVENTION and goal not in CLOSED_STATUSES
                and _RANK[resumes_to] >= _RANK[goal]):
            # The intervention ended with the request where the case already was or further (已收到退货
            # resumed where the platform's row says 等待买家退货): back there, never backwards.
            path, reached = [A.RESUME], resumes_to
        if path is None:
            return Progress(unreachable=True)
        actions.extend(path)
        current = reached
    if current == goal or _RANK[goal] == _RANK[current]:
        for milestone in target.milestones:
            action = _MILESTONE_ACTIONS.get(milestone)
            step = find_transition(kind, current, action) if action is not None else None
            if (milestone not in milestones and action not in actions and step is not None
                    and step.milestone == milestone):
                actions.append(step.action)
    return Progress(tuple(actions))


def older_step(kind: CaseKind, stored: StatusTarget | None, shown: StatusTarget | None,
               round_started: datetime | None = None, stored_reached: datetime | None = None) -> bool:
    """Whether a row showing the request at `shown` is an older picture than the platform status
    already stored (`stored`): an earlier export imported after a later one (等待卖家同意 after 退款成功,
    等待买家退货 after 买家已经退货). Such a row changes nothing. A request the seller refused or that was
    closed may be asked again (买家修改申请), so a row after those is news — unless the round it shows
    (`round_started`: when its timer began, from the platform's 超时时间) began before that refusal or
    closing was reached (`stored_reached`: on the case's timeline, at the earliest it can have been):
    yesterday's 等待卖家同意 imported after today's 退款关闭 wrote the old status back onto the closed case
    and counted a conflict."""
    if stored is None or shown is None:
        return False
    before, now = stored.resolve(kind), shown.resolve(kind)
    if now == S.PLATFORM_INTERVENTION:
        return False
    if before in (S.REJECTED, S.CLOSED):
        if now == before or _finished(now):
            return False
        if round_started is None:  # a refusal after the closing, with no new round shown: the closing came after
            return before == S.CLOSED and now == S.REJECTED
        return stored_reached is not None and round_started <= stored_reached
    if _RANK[now] != _RANK[before]:
        return _RANK[now] < _RANK[before]
    return now == before and set(shown.milestones) < set(stored.milestones)


def asked_again(kind: CaseKind, shown: StatusTarget, round_started: datetime | None,
                refused_at: datetime | None) -> bool:
    """Whether a row shows a request the ledger has refused asked again by the buyer (seed 002 "買家…申請/修改退款的",
    after 卖家拒绝退款 the buyer may 修改退款申请; seed 004 "若商家拒絕……用戶可在48小時內修改申請"): waiting for the
    seller (not settled, not closed, not the platform stepping in) in a round that began (`round_started`, from the
    platform's 超时时间) after the refusal (`refused_at`, on the case's timeline). The import reopens the case at the
    round's start, as `case act N reopen --at` does, so the new round's timers run; with no round to date it by, the
    shop looks (a conflict)."""
    if round_started is None or refused_at is None or round_started <= refused_at:
        return False
    goal = shown.resolve(kind)
    return goal not in CLOSED_STATUSES and goal != S.PLATFORM_INTERVENTION and _RANK[goal] < _RANK[S.REFUNDED]


def _finished(status: CaseStatus) -> bool:
    return _RANK[status] == _RANK[S.REFUNDED]
