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
    is_open,
    transition,
)
from desktop_app.core.vocabulary import CaseKind

K, S, A = CaseKind, CaseStatus, CaseAction


def walk(kind: CaseKind, *actions: CaseAction) -> CaseStatus:
    status = S.PENDING
    for action in actions:
        status = transition(kind, status, action).target or status
    return status


def test_return_refund_can_be_refunded_only_after_the_return_is_received() -> None:
    assert A.REFUND not in allowed_actions(K.RETURN_REFUND, S.PENDING)
    assert A.REFUND not in allowed_actions(K.RETURN_REFUND, S.AWAITING_RETURN)
    with pytest.raises(ActionNotAllowed, match="等待买家退货"):
        transition(K.RETURN_REFUND, S.AWAITING_RETURN, A.REFUND)
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
            assert set(allowed_actions(kind, status)) <= {A.REOPEN, A.TRADE_SUCCEEDED}


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
