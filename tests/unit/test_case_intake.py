"""The forward-only move of a case to the platform's state (core, no database)."""

from __future__ import annotations

from desktop_app.core.case_intake import DONE, StatusTarget, plan_progress, reason_for
from desktop_app.core.lifecycle import CaseAction as A
from desktop_app.core.lifecycle import CaseStatus as S
from desktop_app.core.vocabulary import CaseKind as K
from desktop_app.core.vocabulary import CaseReason as R
from desktop_app.io.case_profiles import reason_rules

NONE: frozenset[str] = frozenset()


def test_a_new_return_that_the_buyer_shipped_waits_for_the_shops_receipt() -> None:
    target = StatusTarget("awaiting_return", ("return_shipped",), "return_shipped")
    assert plan_progress(K.RETURN_REFUND, S.PENDING, NONE, target).actions == (A.AGREE_RETURN, A.BUYER_SHIPPED_RETURN)
    # Already agreed and the parcel recorded: nothing more.
    assert plan_progress(K.RETURN_REFUND, S.AWAITING_RETURN, frozenset({"return_shipped"}), target).actions == ()


def test_refunded_goes_through_the_return_and_done_means_the_kinds_own_end() -> None:
    assert plan_progress(K.RETURN_REFUND, S.PENDING, NONE, StatusTarget("refunded")).actions == (
        A.AGREE_RETURN, A.RECEIVE_RETURN, A.REFUND)
    assert plan_progress(K.RESHIP, S.PENDING, NONE, StatusTarget(DONE)).actions == (A.AGREE_RESHIP, A.SHIP_RESHIP)
    assert plan_progress(K.EXCHANGE, S.PENDING, NONE, StatusTarget(DONE)).actions[-1] is A.SHIP_EXCHANGE


def test_never_backwards_and_a_case_the_shop_closed_is_a_conflict() -> None:
    pending = StatusTarget("pending", (), "requested")
    assert plan_progress(K.RETURN_REFUND, S.AWAITING_RETURN, NONE, pending).actions == ()
    closed = plan_progress(K.REFUND_ONLY, S.CLOSED, NONE, pending)
    assert closed.conflict and closed.actions == ()
    assert not plan_progress(K.REFUND_ONLY, S.CLOSED, NONE, StatusTarget("refunded")).conflict


def test_the_platform_stepping_in_escalates_an_open_case_only() -> None:
    rejected = StatusTarget("rejected")
    assert plan_progress(K.REFUND_ONLY, S.PENDING, NONE, rejected, escalated=True).actions == (A.ESCALATE,)
    assert plan_progress(K.REFUND_ONLY, S.PLATFORM_INTERVENTION, NONE, rejected, escalated=True).actions == ()
    refunded = plan_progress(K.REFUND_ONLY, S.PLATFORM_INTERVENTION, NONE, StatusTarget("refunded"), escalated=True)
    assert refunded.actions == (A.REFUND,)


def test_reason_words_map_by_keyword_and_unknown_words_are_other() -> None:
    rules = reason_rules()
    assert reason_for("七天无理由退换货", rules) is R.NO_REASON_7D
    assert reason_for("物流显示签收但我没收到", rules) is R.SIGNED_NOT_RECEIVED
    assert reason_for("快递/物流一直未送到", rules) is R.NOT_RECEIVED
    assert reason_for("颜色/图案/款式与商品描述不符", rules) is R.SIZE_COLOUR
    assert reason_for("退运费", rules) is R.OTHER
    assert reason_for(None, rules) is R.OTHER
