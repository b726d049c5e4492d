"""The case state machine: gates per kind, refusals with a clear message."""

from __future__ import annotations

import pytest

from desktop_app.core.errors import ActionNotAllowed
from desktop_app.core.lifecycle import (
    CLOSED_STATUSES,
    TRANSITIONS,
    CaseAction,
    CaseStatus,
    allowed_actions,
    change_kind,
    is_open,
    resume_target,
    transition,
)
from desktop_app.core.vocabulary import CaseKind

K, S, A = CaseKind, CaseStatus, CaseAction


def walk(kind: CaseKind, *actions: CaseAction) -> CaseStatus:
    status = S.PENDING
    for action in actions:
        status = transition(kind, status, action).target or status
    return status


def test_return_refund_is_refunded_once_agreed_never_before() -> None:
    assert A.REFUND not in allowed_actions(K.RETURN_REFUND, S.PENDING)
    with pytest.raises(ActionNotAllowed, match="待处理"):
        transition(K.RETURN_REFUND, S.PENDING, A.REFUND)
    status = walk(K.RETURN_REFUND, A.START, A.AGREE_RETURN, A.BUYER_SHIPPED_RETURN, A.RECEIVE_RETURN, A.REFUND)
    assert status is S.REFUNDED
    assert walk(K.RETURN_REFUND, A.AGREE_RETURN, A.RECEIVE_RETURN, A.REFUND, A.COMPLETE) is S.COMPLETED


def test_refund_only_refunds_straight_away() -> None:
    assert walk(K.REFUND_ONLY, A.REFUND, A.COMPLETE) is S.COMPLETED
    assert A.AGREE_RETURN not in allowed_actions(K.REFUND_ONLY, S.PENDING)


def test_reship_must_be_agreed_before_it_ships() -> None:
    with pytest.raises(ActionNotAllowed):
        transition(K.RESHIP, S.PENDING, A.SHIP_RESHIP)
    assert walk(K.RESHIP, A.AGREE_RESHIP) is S.RESHIP_AGREED
    assert walk(K.RESHIP, A.AGREE_RESHIP, A.SHIP_RESHIP, A.COMPLETE) is S.COMPLETED
    # Out of stock: an agreed reship can still end as a refund.
    assert walk(K.RESHIP, A.AGREE_RESHIP, A.REFUND) is S.REFUNDED


def test_exchange_ships_only_after_the_return_arrived() -> None:
    assert A.SHIP_EXCHANGE not in allowed_actions(K.EXCHANGE, S.AWAITING_RETURN)
    assert walk(K.EXCHANGE, A.AGREE_RETURN, A.RECEIVE_RETURN, A.SHIP_EXCHANGE) is S.EXCHANGED


def test_repair_stages() -> None:
    status = walk(K.REPAIR, A.AGREE_RETURN, A.RECEIVE_RETURN, A.START_REPAIR, A.SHIP_REPAIRED, A.COMPLETE)
    assert status is S.COMPLETED
    assert A.SHIP_REPAIRED not in allowed_actions(K.REPAIR, S.RETURN_RECEIVED)


def test_intervention_and_back() -> None:
    assert walk(K.RETURN_REFUND, A.ESCALATE) is S.PLATFORM_INTERVENTION
    assert walk(K.RETURN_REFUND, A.ESCALATE, A.REFUND) is S.REFUNDED
    assert walk(K.REFUND_ONLY, A.ESCALATE, A.RESUME) is S.PROCESSING


def test_closed_states_allow_only_reopen_and_milestones() -> None:
    for kind in CaseKind:
        for status in CLOSED_STATUSES:
            assert not is_open(status)
            # A refused case may still go to the platform (the buyer asks it to step in).
            extra = {A.ESCALATE} if status is S.REJECTED else set()
            assert set(allowed_actions(kind, status)) <= {A.REOPEN, A.TRADE_SUCCEEDED} | extra


def test_reject_and_reopen() -> None:
    assert walk(K.RESHIP, A.REJECT) is S.REJECTED
    assert walk(K.RESHIP, A.REJECT, A.REOPEN) is S.PROCESSING


def test_every_state_is_reachable_and_every_action_used() -> None:
    targets = {t.target for t in TRANSITIONS if t.target is not None}
    assert targets | {S.PENDING} == set(CaseStatus)
    assert {t.action for t in TRANSITIONS} == set(CaseAction)


def test_refusal_names_what_is_possible() -> None:
    with pytest.raises(ActionNotAllowed) as info:
        transition(K.REFUND_ONLY, S.COMPLETED, A.REFUND)
    assert "已完成" in info.value.message and "重新打开" in info.value.message


# --- dead ends a real shop hits (issue 13, item 8) --------------------------------------------


def test_a_return_that_fails_inspection_can_be_refused() -> None:
    """Seed 002: "如商家未收到貨或貨品空纖碼不符合退貨要求的可拒絕退款申請"."""
    for kind in (K.RETURN_REFUND, K.EXCHANGE, K.REPAIR):
        assert walk(kind, A.AGREE_RETURN, A.RECEIVE_RETURN, A.REJECT) is S.REJECTED
    assert transition(K.RETURN_REFUND, S.RETURN_RECEIVED, A.REJECT).milestone == "rejected"


def test_refund_while_the_return_is_in_transit() -> None:
    assert walk(K.RETURN_REFUND, A.AGREE_RETURN, A.BUYER_SHIPPED_RETURN, A.REFUND_IN_TRANSIT) is S.REFUNDED
    assert transition(K.RETURN_REFUND, S.AWAITING_RETURN, A.REFUND_IN_TRANSIT).milestone == "refunded"
    # The plain refund still waits for the parcel; an exchange needs it back before anything else.
    assert A.REFUND not in allowed_actions(K.RETURN_REFUND, S.AWAITING_RETURN)
    assert A.REFUND_IN_TRANSIT not in allowed_actions(K.EXCHANGE, S.AWAITING_RETURN)


def test_a_repair_can_end_in_a_refund() -> None:
    assert walk(K.REPAIR, A.AGREE_RETURN, A.RECEIVE_RETURN, A.REFUND) is S.REFUNDED
    assert walk(K.REPAIR, A.AGREE_RETURN, A.RECEIVE_RETURN, A.START_REPAIR, A.REFUND, A.COMPLETE) is S.COMPLETED


def test_a_refused_reship_goes_to_the_platform_without_reopening() -> None:
    """Seed 004 (抖店): a refused 一直未收到货 reship goes straight to arbitration."""
    assert walk(K.RESHIP, A.REJECT, A.ESCALATE) is S.PLATFORM_INTERVENTION
    assert is_open(S.PLATFORM_INTERVENTION)
    assert resume_target(K.RESHIP, S.REJECTED) is S.PROCESSING  # the ruling reopens the work


def test_resume_restores_the_state_before_the_intervention() -> None:
    assert resume_target(K.RESHIP, S.RESHIP_AGREED) is S.RESHIP_AGREED
    assert resume_target(K.RETURN_REFUND, S.AWAITING_RETURN) is S.AWAITING_RETURN
    assert resume_target(K.REPAIR, S.REPAIRING) is S.REPAIRING
    assert resume_target(K.REFUND_ONLY, S.AWAITING_RETURN) is S.PROCESSING  # not a refund-only state
    assert resume_target(K.RESHIP, None) is S.PROCESSING


@pytest.mark.parametrize(("kind", "status", "new_kind", "expected"), [
    (K.RETURN_REFUND, S.AWAITING_RETURN, K.REFUND_ONLY, S.PROCESSING),  # the buyer keeps the goods
    (K.RETURN_REFUND, S.PENDING, K.REFUND_ONLY, S.PENDING),
    (K.EXCHANGE, S.RETURN_RECEIVED, K.RETURN_REFUND, S.RETURN_RECEIVED),  # no stock to exchange
    (K.RESHIP, S.RESHIP_AGREED, K.REFUND_ONLY, S.PROCESSING),
    (K.REFUND_ONLY, S.PLATFORM_INTERVENTION, K.RETURN_REFUND, S.PLATFORM_INTERVENTION),
])
def test_correcting_the_kind(kind: CaseKind, status: CaseStatus, new_kind: CaseKind, expected: CaseStatus) -> None:
    assert change_kind(kind, status, new_kind) is expected


def test_correcting_the_kind_refuses_closed_cases_and_no_change() -> None:
    with pytest.raises(ActionNotAllowed, match="重新打开"):
        change_kind(K.RETURN_REFUND, S.COMPLETED, K.REFUND_ONLY)
    with pytest.raises(ActionNotAllowed, match="已经是"):
        change_kind(K.RESHIP, S.PENDING, K.RESHIP)


def test_every_action_and_state_id_is_kept() -> None:
    assert {a.value for a in CaseAction} >= {
        "start", "agree_return", "buyer_shipped_return", "receive_return", "refund", "agree_reship",
        "ship_reship", "ship_exchange", "start_repair", "ship_repaired", "compensate", "escalate", "resume",
        "complete", "reject", "close", "reopen", "trade_succeeded",
    }
    assert {s.value for s in CaseStatus} == {
        "pending", "processing", "awaiting_return", "return_received", "reship_agreed", "repairing", "refunded",
        "reshipped", "exchanged", "repaired_shipped", "compensated", "platform_intervention", "completed",
        "rejected", "closed",
    }


def test_an_agreed_return_asked_anew_before_its_parcel_left_is_agreed_again() -> None:
    """Seed 001 "用户撤销退款申请,重新申请": the buyer changes the kind by applying anew. An agreed exchange whose
    parcel was not sent becomes 处理中 (the shop agrees to the new request); one whose parcel is on its way keeps
    等待买家退货."""
    assert change_kind(K.EXCHANGE, S.AWAITING_RETURN, K.RETURN_REFUND, parcel_sent=False) is S.PROCESSING
    assert change_kind(K.EXCHANGE, S.AWAITING_RETURN, K.RETURN_REFUND, parcel_sent=True) is S.AWAITING_RETURN
    assert change_kind(K.EXCHANGE, S.RETURN_RECEIVED, K.RETURN_REFUND, parcel_sent=False) is S.RETURN_RECEIVED
    assert A.AGREE_RETURN in allowed_actions(K.RETURN_REFUND, S.PROCESSING)
